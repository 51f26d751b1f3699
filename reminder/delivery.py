"""Delivery reports: a provider's word on a sent message (delivered, undelivered, read) applied to
its row, idempotent and safe out of order."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy.engine import Engine
from sqlmodel import select

from reminder import lifecycle, notices
from reminder.config import Settings
from reminder.db import session_scope
from reminder.models import FailureCode, Message, MessageStatus, failure
from reminder.transports import DELIVERED_WORDS, FAILED_WORDS, DeliveryReport, rank_of


class DeliveryOutcome(StrEnum):
    UPDATED = "updated"  # the report moved the message forward
    STALE = "stale"  # a repeat, or older than what is recorded: nothing changed
    UNKNOWN = "unknown"  # no message has this provider id (another app's, or not recorded yet)


def record_delivery(
    engine: Engine, settings: Settings, report: DeliveryReport, now: datetime
) -> DeliveryOutcome:
    """Apply a provider's delivery report to its message, idempotent and safe out of order.

    A report only ever moves a message forward (queued < sending < sent < delivered | undelivered |
    failed < read), so a late "sent" never undoes "delivered", and a repeat changes nothing. The
    first final word wins. "undelivered" / "failed" fail the message with the error code's meaning.
    """
    with session_scope(engine) as session:
        message = session.exec(
            select(Message).where(Message.provider_id == report.provider_id).with_for_update()
        ).first()
        if message is None:
            return DeliveryOutcome.UNKNOWN
        current = rank_of(message.provider_status)
        if report.rank <= current:
            return DeliveryOutcome.STALE
        message.provider_status = report.describe()[:200]
        if report.status in DELIVERED_WORDS:
            message.status = MessageStatus.DELIVERED
            message.delivered_at = message.delivered_at or now
        elif report.status in FAILED_WORDS:
            message.status = MessageStatus.FAILED
            undelivered = f"not delivered: {report.describe()}"
            message.sqlmodel_update(failure(FailureCode.NOT_DELIVERED, undelivered))
            if report.opted_out:
                lifecycle.provider_opted_out(session, message, now, report.describe())
            notices.notice_failed(session, settings, message, now)
        session.add(message)
        return DeliveryOutcome.UPDATED
