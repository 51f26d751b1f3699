"""Alert notices: the outbox rows that tell a contact or the operator of an alert (and, later, that
someone acknowledged it), their keys, and what becomes of an alert when one of them cannot go.

Every notice names its alert in ``Message.alert_id``; readers find notices by that column. Its
idempotency key, written here and nowhere else, is ``alert:{alert_id}:contact:{contact_id}``
(``alert:{alert_id}:fallback`` for the operator, ``...:fallback:2`` for the second operator
address, ``alert:{alert_id}:ack:contact:{contact_id}`` for the note that it was acknowledged), so
a repeated tick or a second worker never sends one twice.

A contact's notice that failed for good, or was cancelled, moves the alert on at once when no other
notice of it can still reach anyone. The operator's notice (``recipient = operator``) goes to
``escalation.second_fallback_address``; if that fails too, or there is none, the operator log says
so at ERROR. Never to the patient.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from reminder import regimen
from reminder.config import Settings
from reminder.models import (
    Alert,
    AlertSeverity,
    AlertStatus,
    Contact,
    Message,
    MessageKind,
    MessageStatus,
    Patient,
    Recipient,
)
from reminder.queue import enqueue, message_values

log = logging.getLogger("reminder.escalation")

LIVE = (MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.SENT, MessageStatus.DELIVERED)
# The template of a notice that tells of an alert; the acknowledgement note has its own.
TELLS = "alert"
ACKNOWLEDGED = "alert_acknowledged"


def notice_key(alert_id: int, contact_id: int) -> str:
    """The key of the notice of an alert to one contact."""
    return f"alert:{alert_id}:contact:{contact_id}"


def fallback_key(alert_id: int, second: bool = False) -> str:
    """The key of the notice of an alert to the operator's fallback address (or the second one)."""
    return f"alert:{alert_id}:fallback" + (":2" if second else "")


def ack_key(alert_id: int, contact_id: int) -> str:
    """The key of the note to a contact that someone acknowledged the alert they were told of."""
    return f"alert:{alert_id}:ack:contact:{contact_id}"


@dataclass(frozen=True)
class Queued:
    """A notice written: its row (0 when it was written before) and when it goes out."""

    message_id: int
    send_at: datetime


def send_notice(
    session: Session,
    settings: Settings,
    patient: Patient,
    alert: Alert,
    contact: Contact | None,
    now: datetime,
    operator_address: str | None = None,
    second: bool = False,
) -> Queued:
    """Queue one notice of ``alert`` to ``contact`` (None: the operator's fallback address, or
    ``operator_address``, the second one when ``second``)."""
    assert alert.id is not None
    fallback = contact is None
    if contact is None:
        operator_address = operator_address or settings.escalation.fallback_address
        zone = settings.default_zone
        key = fallback_key(alert.id, second)
    else:
        assert contact.id is not None
        zone = ZoneInfo(contact.timezone or patient.timezone)
        key = notice_key(alert.id, contact.id)
    send_at = _notice_at(settings, alert, zone, patient, now)
    message_id = enqueue(
        session,
        message_values(
            key=key,
            patient=patient,
            kind=MessageKind.ALERT,
            template=TELLS,
            context={
                "alert_id": alert.id,
                "patient": patient.name,
                "kind": str(alert.kind),
                "severity": str(alert.severity),
                "reason": alert.reason,
                "details": alert.details,
                "escalated": alert.severity == AlertSeverity.ROUTINE
                and alert.notified_position > 0,
                "fallback": fallback,
            },
            send_at=send_at,
            now=now,
            contact=contact,
            operator_address=operator_address,
            alert_id=alert.id,
        ),
    )
    return Queued(message_id, send_at)


def send_acknowledged(
    session: Session,
    settings: Settings,
    patient: Patient,
    alert: Alert,
    contact: Contact,
    now: datetime,
) -> int:
    """Queue the note to ``contact`` that ``alert`` is taken care of; return its row's id."""
    assert alert.id is not None and contact.id is not None
    zone = ZoneInfo(contact.timezone or patient.timezone)
    return enqueue(
        session,
        message_values(
            key=ack_key(alert.id, contact.id),
            patient=patient,
            kind=MessageKind.ALERT,
            template=ACKNOWLEDGED,
            context={
                "alert_id": alert.id,
                "patient": patient.name,
                "kind": str(alert.kind),
                "by": alert.acknowledged_note,
                "at": now.isoformat(),
            },
            send_at=_notice_at(settings, alert, zone, patient, now),
            now=now,
            contact=contact,
            alert_id=alert.id,
        ),
    )


def _notice_at(
    settings: Settings, alert: Alert, zone: ZoneInfo, patient: Patient, now: datetime
) -> datetime:
    """When a notice about ``alert`` goes out: routine news waits for the morning, in the
    recipient's zone; an urgent alert wakes people."""
    if alert.severity == AlertSeverity.ROUTINE:
        return regimen.outside_quiet_hours(now, _waking(settings, zone, patient))
    return now


def _waking(settings: Settings, zone: ZoneInfo, patient: Patient) -> regimen.Preferences:
    schedule = settings.schedule
    return regimen.Preferences(
        zone=zone,
        dose_time=patient.dose_time,
        quiet_start=schedule.quiet_hours_start,
        quiet_end=schedule.quiet_hours_end,
    )


def notices_of(session: Session, alert_ids: Sequence[int]) -> dict[int, list[Message]]:
    """The notices that told someone of each alert (not the acknowledgement notes), oldest first."""
    found: dict[int, list[Message]] = defaultdict(list)
    if not alert_ids:
        return found
    rows = session.exec(
        select(Message)
        .where(
            col(Message.alert_id).in_(alert_ids),
            Message.kind == MessageKind.ALERT,
            Message.template == TELLS,
        )
        .order_by(col(Message.id))
    )
    for message in rows:
        found[message.alert_id or 0].append(message)
    return found


def _tells(message: Message) -> bool:
    """Whether the message is a notice of an alert (not the note that it was acknowledged)."""
    return (
        message.kind == MessageKind.ALERT
        and message.alert_id is not None
        and message.template == TELLS
    )


def notice_failed(session: Session, settings: Settings, message: Message, now: datetime) -> None:
    """A notice that can no longer go (failed for good, or cancelled): the alert moves on.

    A contact's notice escalates the alert at once when no other notice of it is live; the
    operator's goes to the second operator address, or is logged at ERROR.
    """
    if not _tells(message):
        return
    if message.recipient != Recipient.OPERATOR:
        expedite_alert(session, message, now)
        return
    alert = session.get(Alert, message.alert_id)
    if alert is None or alert.id is None or alert.status != AlertStatus.OPEN:
        return
    second = settings.escalation.second_fallback_address
    why = message.failed_reason or "not sent"
    first = message.idempotency_key == fallback_key(alert.id)
    if first and second and second != message.to_address:
        patient = session.get(Patient, alert.patient_id)
        assert patient is not None
        log.warning(
            "alert %s: the notice to the operator's fallback address failed (%s);"
            " sending it to escalation.second_fallback_address",
            alert.id,
            why,
        )
        send_notice(
            session, settings, patient, alert, None, now, operator_address=second, second=True
        )
        return
    log.error(
        "alert %s for patient %s reaches no one: the notice to the operator at %s failed (%s);"
        " it stays open: see `reminder alerts list`",
        alert.id,
        alert.patient_id,
        message.to_address,
        why,
    )


def expedite_alert(session: Session, message: Message, now: datetime) -> None:
    """When no notice of an open alert can reach anyone any more, escalate it now.

    Without this, an alert to a mistyped number or an opted-out contact would wait the whole
    acknowledgement window (24 h for a routine one) before moving on to the next contact.
    """
    if not _tells(message):
        return
    others = session.exec(
        select(Message.status).where(
            Message.alert_id == message.alert_id,
            Message.template == TELLS,
            Message.id != message.id,
        )
    )
    if any(status in LIVE for status in others):
        return
    session.execute(
        sa.update(Alert)
        .where(
            col(Alert.id) == message.alert_id,
            Alert.status == AlertStatus.OPEN,
            col(Alert.escalate_at).is_not(None),
            col(Alert.escalate_at) > now,
        )
        .values(escalate_at=now)
    )
