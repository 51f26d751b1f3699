"""The audit trail: one row per staff action, written in the action's own transaction, never deleted."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, col, select

from reminder.models import AuditEvent, StaffAccount


class Action(StrEnum):
    LOGIN = "login"  # a password accepted; a new session started
    LOGIN_FAILED = "login_failed"  # a wrong name or password (counts towards the lockout)
    LOGIN_LOCKED = "login_locked"  # a try refused unchecked while the lockout holds
    LOGOUT = "logout"  # the session ended by the person
    PATIENT_VIEWED = "patient_viewed"  # a patient's page shown
    PATIENT_REFUSED = "patient_refused"  # a patient's page asked for by someone who may not see it
    REPORT_DOWNLOADED = "report_downloaded"  # a patient's report downloaded as PDF or CSV
    ALERT_ACKNOWLEDGED = "alert_acknowledged"  # an alert acknowledged; detail holds the note
    PATIENT_PAUSED = "patient_paused"  # reminders paused; detail says until when
    PATIENT_RESUMED = "patient_resumed"  # a pause ended
    PASSWORD_SET = "password_set"  # a password set through a set-password link
    AUDIT_EXPORTED = "audit_exported"  # the audit trail downloaded as CSV


def record(
    session: Session,
    action: Action,
    now: datetime,
    *,
    account: StaffAccount | None = None,
    name: str | None = None,
    address: str | None = None,
    patient_id: int | None = None,
    alert_id: int | None = None,
    detail: str | None = None,
) -> None:
    session.add(
        AuditEvent(
            at=now,
            account_id=account.id if account else None,
            account_name=(account.name if account else name or "")[:120],
            action=str(action),
            address=(address or "")[:64] or None,
            patient_id=patient_id,
            alert_id=alert_id,
            detail=detail[:300] if detail else None,
        )
    )


def failures_since(
    session: Session, since: datetime, *, account_id: int | None, name: str, address: str | None
) -> tuple[list[datetime], list[datetime]]:
    """The times of failed logins since ``since``: for the account (or the name typed, when it
    names no account), and from the address."""
    failed = select(AuditEvent.at).where(
        AuditEvent.action == Action.LOGIN_FAILED, AuditEvent.at >= since
    )
    who = (
        AuditEvent.account_id == account_id
        if account_id is not None
        else sa.and_(col(AuditEvent.account_id).is_(None), AuditEvent.account_name == name[:120])
    )
    by_account = list(session.exec(failed.where(who).order_by(col(AuditEvent.at))))
    by_address = (
        list(session.exec(failed.where(AuditEvent.address == address).order_by(col(AuditEvent.at))))
        if address
        else []
    )
    return by_account, by_address


def newest(session: Session, limit: int) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent)
            .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
            .limit(limit)
        )
    )


COLUMNS = (
    "id",
    "at",
    "account_id",
    "account_name",
    "action",
    "address",
    "patient_id",
    "alert_id",
    "detail",
)


def write_csv(events: Iterable[AuditEvent]) -> str:
    """The events as CSV with a header row; times in ISO 8601 UTC."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for event in events:
        values = [getattr(event, column) for column in COLUMNS]
        values[1] = event.at.isoformat()
        writer.writerow(["" if v is None else _cell(v) for v in values])
    return buffer.getvalue()


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (CWE-1236): a typed login name such
    as ``=HYPERLINK(...)`` is written with a leading apostrophe."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def all_events(session: Session) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).order_by(col(AuditEvent.id))))
