"""The PHQ-2 depression screen as a QuestionnaireResponse and the LOINC Observations derived from
it: the panel (55757-9) whose members are the item answers (44250-9, 44255-8) and the total score
(55758-7), in the form of US Core's screening-assessment examples."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.resource import Resource

from reminder import screening
from reminder.fhir import codes, questionnaires
from reminder.fhir.ids import Deployment
from reminder.fhir.make import make
from reminder.fhir.responses import SURVEY, questionnaire_response, replies
from reminder.models import CheckIn, CheckInKind, CheckInStatus

PANEL = "55757-9"
TOTAL = "55758-7"
# Each item's question, with the column that keeps its latest answer and the key of the stored
# reply that gave it (checkins.apply).
ITEMS = (
    (questionnaires.INTEREST, "phq_interest", "interest"),
    (questionnaires.MOOD, "phq_mood", "mood"),
)


def response(deployment: Deployment, check_in: CheckIn, zone: ZoneInfo) -> list[Resource]:
    """The response, then the items' Observations, then (both items answered) the total, then the
    panel; read from the row, since the report has no PHQ-2 at all."""
    assert check_in.kind == CheckInKind.PHQ2 and check_in.answered_at is not None
    patient = deployment.reference("Patient", check_in.patient_id)
    own = deployment.full_url("QuestionnaireResponse", check_in.id)
    items: list[dict[str, Any]] = []
    scores: dict[str, tuple[int, datetime]] = {}
    for item, column, key in ITEMS:
        score = getattr(check_in, column)
        if score is None:
            continue
        frequency = item.options[score]
        items.append(
            {
                "linkId": item.link_id,
                "text": item.text,
                "answer": [{"valueCoding": codes.coding(codes.LOINC, frequency)}],
            }
        )
        scores[item.link_id] = (score, _answered_at(check_in, key).astimezone(zone))
    words = replies(check_in)
    if words:
        items.append(
            {
                "linkId": questionnaires.REPLY.link_id,
                "text": questionnaires.REPLY.text,
                "answer": words,
            }
        )
    authored = check_in.answered_at.astimezone(zone)
    found: list[Resource] = [questionnaire_response(deployment, check_in, authored, items)]
    if not scores:
        return found  # words only (say, a score out of range): nothing to observe

    def observe(code: str, at: datetime, status: str = "final", **value: Any) -> str:
        key = f"{check_in.id}/{code}"
        found.append(
            make(
                Observation,
                id=deployment.resource_id("Observation", key),
                status=status,
                category=SURVEY,
                code={
                    "coding": [codes.coding(codes.LOINC, code)],
                    "text": codes.LOINC_DISPLAYS[code],
                },
                subject=patient,
                effectiveDateTime=at,
                derivedFrom=[{"reference": own}],
                **value,
            )
        )
        return deployment.full_url("Observation", key)

    members = [observe(code, at, valueInteger=score) for code, (score, at) in scores.items()]
    done = max(at for _, at in scores.values())
    if len(scores) == len(ITEMS):
        interest, mood = (scores[item.link_id][0] for item, _, _ in ITEMS)
        members.append(observe(TOTAL, done, valueInteger=screening.total(interest, mood)))
    # A screen still open with an item owed may get another member yet.
    owed = check_in.status == CheckInStatus.OPEN and len(scores) < len(ITEMS)
    observe(
        PANEL,
        done,
        "preliminary" if owed else "final",
        hasMember=[{"reference": url} for url in members],
    )
    return found


def _answered_at(check_in: CheckIn, key: str) -> datetime:
    """When the patient gave the item's answer now kept: the last reply that set it."""
    given = next((a["at"] for a in reversed(check_in.answers) if key in a), None)
    assert check_in.answered_at is not None
    return datetime.fromisoformat(given) if given else check_in.answered_at
