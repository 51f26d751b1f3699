"""Alerts: a Flag for each one still open, and a Communication for each notice that went out, with
who acknowledged the alert."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from fhir.resources.R4B.communication import Communication
from fhir.resources.R4B.flag import Flag

from reminder.fhir.ids import Deployment
from reminder.fhir.make import make
from reminder.models import Alert, AlertStatus, Message, MessageStatus
from reminder.report.values import AlertLine

SENT = (MessageStatus.SENT, MessageStatus.DELIVERED)
OPERATOR = "operator (fallback address)"


def _kind(deployment: Deployment, line: AlertLine) -> dict[str, Any]:
    return {
        "coding": [
            {
                "system": deployment.canonical("CodeSystem/alert-kind"),
                "code": line.kind,
                "display": line.kind.replace("_", " "),
            }
        ],
        "text": f"{line.severity}: {line.reason}",
    }


def flag(deployment: Deployment, patient_id: int, line: AlertLine) -> Flag:
    return make(
        Flag,
        id=deployment.resource_id("Flag", line.id),
        identifier=[{"system": deployment.canonical("sid/alert"), "value": str(line.id)}],
        status="active",
        category=[{"text": f"{line.severity} alert"}],
        code=_kind(deployment, line),
        subject=deployment.reference("Patient", patient_id),
        period={"start": line.created_at},
    )


def communications(
    deployment: Deployment,
    patient_id: int,
    line: AlertLine,
    row: Alert,
    notices: Iterable[Message],
    contacts: Mapping[int, str],
    zone: ZoneInfo,
) -> list[Communication]:
    """One per notice sent (queued, cancelled and failed ones were not). Read from the message
    rows: the report's Notice has no message id (the stable fullUrl) nor the contact's id (the
    recipient reference); ``contacts`` maps each contact id to its resource's fullUrl."""
    found = []
    for message in notices:
        if message.status not in SENT or message.sent_at is None:
            continue
        recipient = (
            {"reference": contacts[message.contact_id]}
            if message.contact_id in contacts
            else {"display": OPERATOR}
        )
        found.append(
            make(
                Communication,
                id=deployment.resource_id("Communication", message.id),
                identifier=[
                    {"system": deployment.canonical("sid/message"), "value": str(message.id)}
                ],
                status="completed",
                category=[{"text": "alert notice"}],
                medium=[{"text": str(message.channel)}],
                subject=deployment.reference("Patient", patient_id),
                about=[deployment.reference("Flag", line.id)]
                if line.status == AlertStatus.OPEN
                else None,
                topic=_kind(deployment, line),
                recipient=[recipient],
                sent=message.sent_at.astimezone(zone),
                received=message.delivered_at.astimezone(zone) if message.delivered_at else None,
                payload=[{"contentString": message.body or line.reason}],
                note=_acknowledged(line, row, contacts),
            )
        )
    return found


def _acknowledged(
    line: AlertLine, row: Alert, contacts: Mapping[int, str]
) -> list[dict[str, Any]] | None:
    if line.acknowledged_at is None:
        return None
    who = line.acknowledged_by or "the operator"
    # acknowledged_by (the contact's id) is on the row only; the line has the note in words.
    author: dict[str, Any] = (
        {"authorReference": {"reference": contacts[row.acknowledged_by], "display": who}}
        if row.acknowledged_by in contacts
        else {"authorString": who}
    )
    return [{**author, "time": line.acknowledged_at, "text": f"acknowledged by {who}"}]
