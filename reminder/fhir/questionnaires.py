"""The questions the bot asks, as Questionnaire resources under the deployment's canonical base."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire

from reminder.fhir import codes
from reminder.fhir.ids import Deployment
from reminder.fhir.make import make
from reminder.models import CheckInKind

VERSION = "1"
# The score of a coded answer (R4 core extension; what SDC uses for the PHQ's 0 to 3).
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"


@dataclass(frozen=True)
class Item:
    link_id: str
    text: str
    type: str  # a Questionnaire item type: integer, boolean, string, quantity, choice
    repeats: bool = False
    loinc: str | None = None  # the item's LOINC code, if it has one
    options: tuple[str, ...] = ()  # a choice's LOINC answer codes, scored 0, 1, ... in order


FLU = Item("flu", "Flu-like symptoms since the injection, 0 (none) to 10 (worst)", "integer")
SITE = Item("site", "Injection-site reaction, 0 (none) to 10 (worst)", "integer")
NEURO = Item(
    "neuro", "Any new or worse neurological symptom (numbness, weakness, vision)?", "boolean"
)
STILL_THERE = Item("neuro", "Is the neurological symptom still there?", "boolean")
SYMPTOMS = Item("symptoms", "Which symptoms", "string", repeats=True)
FEVER = Item("fever", "Fever?", "boolean")
TEMPERATURE = Item("temperature", "Temperature, if measured", "quantity")
REPLY = Item("reply", "The reply, in the patient's own words", "string", repeats=True)
# The PHQ-2's two questions in the standard words, linked by their LOINC codes as LOINC's own
# PHQ forms do.
INTEREST = Item(
    "44250-9",
    "Over the last 2 weeks, how often have you been bothered by little interest or pleasure "
    "in doing things?",
    "choice",
    loinc="44250-9",
    options=codes.PHQ_FREQUENCIES,
)
MOOD = Item(
    "44255-8",
    "Over the last 2 weeks, how often have you been bothered by feeling down, depressed, "
    "or hopeless?",
    "choice",
    loinc="44255-8",
    options=codes.PHQ_FREQUENCIES,
)


@dataclass(frozen=True)
class Form:
    slug: str  # the last part of the canonical URL
    title: str
    items: tuple[Item, ...]
    loinc: str | None = None  # the form's LOINC panel code, if it is a standard instrument


FORMS: dict[CheckInKind, Form] = {
    CheckInKind.CHECKIN: Form(
        "check-in",
        "Morning-after check-in",
        (FLU, SITE, NEURO, SYMPTOMS, FEVER, TEMPERATURE, REPLY),
    ),
    CheckInKind.FOLLOWUP: Form(
        "follow-up",
        "Relapse screen follow-up",
        (STILL_THERE, SYMPTOMS, FEVER, TEMPERATURE, REPLY),
    ),
    # Nothing was asked: the patient wrote of a symptom or fever with no question open, and the
    # row keeps it as answers all the same (a neurological one starts the relapse screen).
    CheckInKind.REPORT: Form(
        "symptom-report",
        "Symptom or fever reported unasked",
        (NEURO, SYMPTOMS, FEVER, TEMPERATURE, REPLY),
    ),
    CheckInKind.PHQ2: Form(
        "phq-2", "PHQ-2 depression screen", (INTEREST, MOOD, REPLY), loinc="55757-9"
    ),
}


def url(deployment: Deployment, kind: CheckInKind) -> str:
    return deployment.canonical(f"Questionnaire/{FORMS[kind].slug}")


def questionnaire(deployment: Deployment, kind: CheckInKind) -> Questionnaire:
    form = FORMS[kind]
    return make(
        Questionnaire,
        id=deployment.resource_id("Questionnaire", form.slug),
        url=url(deployment, kind),
        version=VERSION,
        name="".join(part.title() for part in form.slug.split("-")),
        title=form.title,
        status="active",
        subjectType=["Patient"],
        code=[codes.coding(codes.LOINC, form.loinc)] if form.loinc else None,
        item=[_item(item) for item in form.items],
    )


def _item(item: Item) -> dict[str, Any]:
    found: dict[str, Any] = {
        "linkId": item.link_id,
        "text": item.text,
        "type": item.type,
        "repeats": item.repeats,
    }
    if item.loinc:
        found["code"] = [codes.coding(codes.LOINC, item.loinc)]
    if item.options:
        found["answerOption"] = [
            {
                "extension": [{"url": ORDINAL, "valueDecimal": score}],
                "valueCoding": codes.coding(codes.LOINC, code),
            }
            for score, code in enumerate(item.options)
        ]
    return found
