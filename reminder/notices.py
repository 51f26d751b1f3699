"""What becomes of an alert when one of its notices cannot go (failed for good, or cancelled).

A contact's notice moves the alert on at once when no other notice of it can still reach anyone.
The operator's notice (``recipient = operator``) goes to ``escalation.second_fallback_address``;
if that fails too, or there is none, the operator log says so at ERROR. Never to the patient.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from reminder import escalation
from reminder.config import Settings
from reminder.models import (
    Alert,
    AlertStatus,
    Message,
    MessageKind,
    MessageStatus,
    Patient,
    Recipient,
)

log = logging.getLogger("reminder.escalation")

_NOTICE = re.compile(r"^alert:(\d+):(?:contact:\d+|fallback(?::2)?)$")
LIVE = (MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.SENT, MessageStatus.DELIVERED)


def notice_failed(session: Session, settings: Settings, message: Message, now: datetime) -> None:
    """A notice that can no longer go (failed for good, or cancelled): the alert moves on.

    A contact's notice escalates the alert at once when no other notice of it is live; the
    operator's goes to the second operator address, or is logged at ERROR.
    """
    match = _NOTICE.match(message.idempotency_key)
    if message.kind != MessageKind.ALERT or match is None:
        return
    if message.recipient != Recipient.OPERATOR:
        expedite_alert(session, message, now)
        return
    alert = session.get(Alert, int(match.group(1)))
    if alert is None or alert.status != AlertStatus.OPEN:
        return
    second = settings.escalation.second_fallback_address
    why = message.failed_reason or "not sent"
    if message.idempotency_key.endswith(":fallback") and second and second != message.to_address:
        patient = session.get(Patient, alert.patient_id)
        assert patient is not None
        log.warning(
            "alert %s: the notice to the operator's fallback address failed (%s);"
            " sending it to escalation.second_fallback_address",
            alert.id,
            why,
        )
        escalation.send_notice(
            session,
            settings,
            patient,
            alert,
            None,
            now,
            operator_address=second,
            key=f"alert:{alert.id}:fallback:2",
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
    match = _NOTICE.match(message.idempotency_key)
    if message.kind != MessageKind.ALERT or match is None:
        return
    alert_id = int(match.group(1))
    notices = session.exec(
        select(Message.idempotency_key, Message.status).where(
            col(Message.idempotency_key).startswith(f"alert:{alert_id}:"),
            Message.id != message.id,
        )
    )
    if any(_NOTICE.match(key) and status in LIVE for key, status in notices):
        return
    session.execute(
        sa.update(Alert)
        .where(
            Alert.id == alert_id,
            Alert.status == AlertStatus.OPEN,
            col(Alert.escalate_at).is_not(None),
            col(Alert.escalate_at) > now,
        )
        .values(escalate_at=now)
    )
