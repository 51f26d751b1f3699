"""The questions the bot asks, as Questionnaire resources under the deployment's canonical base."""

from __future__ import annotations

from dataclasses import dataclass

from fhir.resources.R4B.questionnaire import Questionnaire

from reminder.fhir.ids import Deployment
from reminder.fhir.make import make
from reminder.models import CheckInKind

VERSION = "1"


@dataclass(frozen=True)
class Item:
    link_id: str
    text: str
    type: str  # a Questionnaire item type: integer, boolean, string, quantity
    repeats: bool = False


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


@dataclass(frozen=True)
class Form:
    slug: str  # the last part of the canonical URL
    title: str
    items: tuple[Item, ...]


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
        item=[
            {"linkId": item.link_id, "text": item.text, "type": item.type, "repeats": item.repeats}
            for item in form.items
        ],
    )
