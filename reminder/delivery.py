"""Delivery reports: a provider's word on a sent message (delivered, undelivered, read) applied to
its row, idempotent and safe out of order, and kept when it comes before the message's SID."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from reminder import lifecycle, notices
from reminder.config import Settings
from reminder.db import session_scope, upsert_insert
from reminder.models import EarlyDeliveryReport, FailureCode, Message, MessageStatus, failure
from reminder.transports import DELIVERED_WORDS, FAILED_WORDS, DeliveryReport, rank_of

# An early report whose SID no message takes within this long is another app's (one account can
# serve several), or its message's send was lost with its worker: it is dropped.
EARLY_REPORT_KEPT = timedelta(days=3)


class DeliveryOutcome(StrEnum):
    UPDATED = "updated"  # the report moved the message forward
    STALE = "stale"  # a repeat, or older than what is recorded: nothing changed
    KEPT = "kept"  # no message has this provider id yet: kept until one does (or for 3 days)


def record_delivery(
    engine: Engine, settings: Settings, report: DeliveryReport, now: datetime
) -> DeliveryOutcome:
    """Apply a provider's delivery report to its message, idempotent and safe out of order.

    A report only ever moves a message forward (queued < sending < sent < delivered | undelivered |
    failed < read), so a late "sent" never undoes "delivered", and a repeat changes nothing. The
    first final word wins. "undelivered" / "failed" fail the message with the error code's meaning.

    **A report before its SID.** Twilio may call back within milliseconds of answering the create
    call, before the worker has stored the SID it returned. Such a report is stored in
    EarlyDeliveryReport, and the worker applies what is stored for each SID right after recording
    it (``apply_early_reports``). The message is looked up once more after the report is stored:
    if the worker recorded the SID in between, one of the two looks finds the other's write (each
    commits before it looks), so the report is never lost, and applying it twice changes nothing.
    """
    with session_scope(engine) as session:
        outcome = _apply(session, settings, report, now)
    if outcome is not None:
        return outcome
    with session_scope(engine) as session:
        keep = upsert_insert(engine, EarlyDeliveryReport).values(
            provider_id=report.provider_id[:64],
            status=report.status[:16],
            error_code=(report.error_code or None) and report.error_code[:16],
            meaning=(report.meaning or None) and report.meaning[:120],
            opted_out=report.opted_out,
            received_at=now,
        )
        session.connection().execute(keep.on_conflict_do_nothing())
    with session_scope(engine) as session:
        outcome = _apply(session, settings, report, now)
        if outcome is None:
            return DeliveryOutcome.KEPT
        _forget(session, [report.provider_id])
        return outcome


def apply_early_reports(
    bind: Engine | Connection, settings: Settings, provider_ids: Sequence[str], now: datetime
) -> int:
    """Apply the reports that came for these just-recorded SIDs before them, in the order a
    message passes through its states, and delete them; drop early reports too old to match.
    Returns how many moved a message forward."""
    with Session(bind, expire_on_commit=False) as session:
        early = session.exec(
            select(EarlyDeliveryReport).where(
                col(EarlyDeliveryReport.provider_id).in_(provider_ids)
            )
        ).all()
        reports = sorted((_report_of(row) for row in early), key=lambda report: report.rank)
        moved = sum(
            _apply(session, settings, report, now) is DeliveryOutcome.UPDATED for report in reports
        )
        if early:
            _forget(session, sorted({row.provider_id for row in early}))
        session.connection().execute(
            sa.delete(EarlyDeliveryReport).where(
                col(EarlyDeliveryReport.received_at) < now - EARLY_REPORT_KEPT
            )
        )
        session.commit()
    return moved


def _apply(
    session: Session, settings: Settings, report: DeliveryReport, now: datetime
) -> DeliveryOutcome | None:
    """The report applied to its message; None when no message has its provider id."""
    message = session.exec(
        select(Message).where(Message.provider_id == report.provider_id).with_for_update()
    ).first()
    if message is None:
        return None
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
    session.flush()
    return DeliveryOutcome.UPDATED


def _forget(session: Session, provider_ids: Sequence[str]) -> None:
    session.connection().execute(
        sa.delete(EarlyDeliveryReport).where(col(EarlyDeliveryReport.provider_id).in_(provider_ids))
    )


def _report_of(row: EarlyDeliveryReport) -> DeliveryReport:
    return DeliveryReport(
        provider_id=row.provider_id,
        status=row.status,
        error_code=row.error_code,
        meaning=row.meaning,
        opted_out=row.opted_out,
    )
