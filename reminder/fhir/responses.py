"""Each check-in, follow-up and unasked symptom report as a QuestionnaireResponse, and the
Observations derived from it (category survey): flu-like score, site score, fever, neurological
symptom. (The PHQ-2 screen has its own, LOINC-coded: screens.py.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.resource import Resource

from reminder.fhir import codes, questionnaires
from reminder.fhir.ids import Deployment
from reminder.fhir.make import make
from reminder.models import CheckIn, CheckInKind, CheckInStatus

# Asked and answered, or asked and left with some answers; one never answered has no response.
RESPONSE_STATUS = {
    CheckInStatus.OPEN: "in-progress",
    CheckInStatus.ANSWERED: "completed",
    CheckInStatus.INCOMPLETE: "stopped",
}
EXPORTED = tuple(questionnaires.FORMS)

# Our own observation codes, under {canonical_base}/CodeSystem/observation.
OBSERVATIONS = {
    "flu-like-score": "Flu-like symptom score, 0 to 10",
    "injection-site-score": "Injection-site reaction score, 0 to 10",
    "fever": "Fever reported",
    "neuro-symptom": "New or worse neurological symptom",
    "neuro-symptom-persists": "Neurological symptom still there at the follow-up",
    "neuro-symptom-kind": "Kind of neurological symptom",
}
SURVEY = [{"coding": [codes.coding(codes.OBSERVATION_CATEGORY, "survey")]}]


def answered(check_in: CheckIn) -> bool:
    return (
        check_in.kind in EXPORTED and check_in.status in RESPONSE_STATUS and bool(check_in.answers)
    )


def replies(check_in: CheckIn) -> list[dict[str, str]]:
    """Each reply that was more than blank, in the patient's own words, as string answers."""
    return [
        {"valueString": str(a["text"])} for a in check_in.answers if str(a.get("text", "")).strip()
    ]


def temperature(check_in: CheckIn) -> dict[str, Any] | None:
    """The last temperature the patient gave, as a UCUM quantity.

    The stored answer has the number only: below 50 it is Celsius, else Fahrenheit, the rule the
    reply reader itself uses when no unit is written.
    """
    given = next((a["temperature"] for a in reversed(check_in.answers) if "temperature" in a), None)
    if given is None:
        return None
    value = float(given)
    return codes.quantity(value, "Cel" if value < 50 else "[degF]")


def questionnaire_response(
    deployment: Deployment, check_in: CheckIn, authored: datetime, items: list[dict[str, Any]]
) -> Resource:
    """The QuestionnaireResponse of one check-in, follow-up or PHQ-2 row, with its items."""
    patient = deployment.reference("Patient", check_in.patient_id)
    return make(
        QuestionnaireResponse,
        id=deployment.resource_id("QuestionnaireResponse", check_in.id),
        identifier={"system": deployment.canonical("sid/check-in"), "value": check_in.key},
        questionnaire=questionnaires.url(deployment, check_in.kind),
        status=RESPONSE_STATUS[check_in.status],
        subject=patient,
        author=patient,
        source=patient,
        authored=authored,
        item=items,
    )


def response(deployment: Deployment, check_in: CheckIn, zone: ZoneInfo) -> list[Resource]:
    """The response, then its observations; read from the row, since the report's CheckInLine has
    no id (the stable fullUrl), keeps only the replies that are more than numbers, and no
    temperature."""
    assert check_in.answered_at is not None
    at = check_in.answered_at.astimezone(zone)  # times in the patient's zone, as in the report
    patient = deployment.reference("Patient", check_in.patient_id)
    own = deployment.full_url("QuestionnaireResponse", check_in.id)
    followup = check_in.kind == CheckInKind.FOLLOWUP
    heat = temperature(check_in)
    items: list[dict[str, Any]] = []

    def add(item: questionnaires.Item, answers: list[dict[str, Any]]) -> None:
        if answers:
            items.append({"linkId": item.link_id, "text": item.text, "answer": answers})

    scored = questionnaires.FLU in questionnaires.FORMS[check_in.kind].items
    if scored:
        add(questionnaires.FLU, _one("valueInteger", check_in.flu_score))
        add(questionnaires.SITE, _one("valueInteger", check_in.site_score))
    add(
        questionnaires.STILL_THERE if followup else questionnaires.NEURO,
        _one("valueBoolean", check_in.neuro),
    )
    add(questionnaires.SYMPTOMS, [{"valueString": kind} for kind in check_in.symptoms])
    add(questionnaires.FEVER, _one("valueBoolean", check_in.fever))
    add(questionnaires.TEMPERATURE, _one("valueQuantity", heat))
    add(questionnaires.REPLY, replies(check_in))
    found: list[Resource] = [questionnaire_response(deployment, check_in, at, items)]

    def observe(code: str, **value: Any) -> None:
        found.append(
            make(
                Observation,
                id=deployment.resource_id("Observation", f"{check_in.id}/{code}"),
                status="final",
                category=SURVEY,
                code={
                    "coding": [
                        {
                            "system": deployment.canonical("CodeSystem/observation"),
                            "code": code,
                            "display": OBSERVATIONS[code],
                        }
                    ],
                    "text": OBSERVATIONS[code],
                },
                subject=patient,
                effectiveDateTime=at,
                derivedFrom=[{"reference": own}],
                **value,
            )
        )

    if check_in.flu_score is not None and scored:
        observe("flu-like-score", valueInteger=check_in.flu_score)
    if check_in.site_score is not None and scored:
        observe("injection-site-score", valueInteger=check_in.site_score)
    if check_in.fever is not None or heat is not None:
        if heat is not None:
            observe("fever", valueQuantity=heat)
        else:
            observe("fever", valueBoolean=check_in.fever)
    if check_in.neuro is not None:
        observe(
            "neuro-symptom-persists" if followup else "neuro-symptom",
            valueBoolean=check_in.neuro,
            component=[
                {
                    "code": {
                        "coding": [
                            {
                                "system": deployment.canonical("CodeSystem/observation"),
                                "code": "neuro-symptom-kind",
                                "display": OBSERVATIONS["neuro-symptom-kind"],
                            }
                        ]
                    },
                    "valueCodeableConcept": {"text": kind},
                }
                for kind in (check_in.symptoms if check_in.neuro else [])
            ]
            or None,
        )
    return found


def _one(name: str, value: Any) -> list[dict[str, Any]]:
    return [] if value is None else [{name: value}]
