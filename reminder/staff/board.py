"""What the Alerts and Messages pages show: plain values read from the database for one account."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from reminder.models import (
    Alert,
    AlertSeverity,
    AlertStatus,
    Contact,
    Message,
    MessageStatus,
    Patient,
)
from reminder.notices import notices_of
from reminder.staff.scope import restrict

# Acknowledged alerts stay on the page this long, below the open ones, so the day's work shows.
RECENT_ACKNOWLEDGED = timedelta(days=3)
PAGE_ROWS = 200


def shown(moment: datetime | None, zone: ZoneInfo) -> str:
    """Tue 3 Mar 09:15, in the clinic's zone; "" for no time."""
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def age(since: datetime, now: datetime) -> str:
    """5 min, 3 h 20 min, 2 d 4 h: how long ago, roughly, for a glance."""
    minutes = max(int((now - since).total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


@dataclass(frozen=True)
class Notice:
    to: str  # the contact's name, or "fallback address"
    address: str
    status: str
    at: str  # when it was sent, or is due


@dataclass(frozen=True)
class AlertView:
    id: int
    patient_id: int
    patient: str
    kind: str
    severity: str
    status: str
    reason: str
    raised: str
    age: str
    repeats: int
    next_escalation: str
    acknowledged: str
    notices: list[Notice] = field(default_factory=list)

    @property
    def urgent(self) -> bool:
        return self.severity == AlertSeverity.URGENT

    @property
    def open(self) -> bool:
        return self.status == AlertStatus.OPEN


def alerts(
    session: Session, visible: set[int] | None, now: datetime, zone: ZoneInfo
) -> list[AlertView]:
    """Open alerts, urgent first and oldest first within each; then those acknowledged lately."""
    urgent_first = sa.case((col(Alert.severity) == AlertSeverity.URGENT, 0), else_=1)
    open_rows = session.exec(
        restrict(select(Alert), Alert.patient_id, visible)
        .where(Alert.status == AlertStatus.OPEN)
        .order_by(urgent_first, col(Alert.created_at), col(Alert.id))
        .limit(PAGE_ROWS)
    )
    closed_rows = session.exec(
        restrict(select(Alert), Alert.patient_id, visible)
        .where(
            Alert.status == AlertStatus.ACKNOWLEDGED,
            col(Alert.acknowledged_at) >= now - RECENT_ACKNOWLEDGED,
        )
        .order_by(col(Alert.acknowledged_at).desc())
        .limit(PAGE_ROWS)
    )
    rows = list(open_rows) + list(closed_rows)
    return _views(session, rows, now, zone)


def alerts_of(session: Session, patient_id: int, now: datetime, zone: ZoneInfo) -> list[AlertView]:
    """One patient's alerts, open ones first, newest first."""
    rows = session.exec(
        select(Alert)
        .where(Alert.patient_id == patient_id)
        .order_by(
            sa.case((col(Alert.status) == AlertStatus.OPEN, 0), else_=1),
            col(Alert.created_at).desc(),
        )
        .limit(50)
    )
    return _views(session, list(rows), now, zone)


def _views(session: Session, rows: list[Alert], now: datetime, zone: ZoneInfo) -> list[AlertView]:
    if not rows:
        return []
    names = dict(
        session.exec(
            select(Patient.id, Patient.name).where(
                col(Patient.id).in_({a.patient_id for a in rows})
            )
        ).all()
    )
    notices = _notices(session, [a.id or 0 for a in rows], zone)
    views = []
    for alert in rows:
        acknowledged = ""
        if alert.acknowledged_at is not None:
            acknowledged = f"{shown(alert.acknowledged_at, zone)} by {alert.acknowledged_note}"
        views.append(
            AlertView(
                id=alert.id or 0,
                patient_id=alert.patient_id,
                patient=names.get(alert.patient_id, "?"),
                kind=str(alert.kind).replace("_", " "),
                severity=str(alert.severity),
                status=str(alert.status),
                reason=alert.reason,
                raised=shown(alert.created_at, zone),
                age=age(alert.created_at, now),
                repeats=alert.repeats,
                next_escalation=shown(alert.escalate_at, zone) if alert.escalate_at else "",
                acknowledged=acknowledged,
                notices=notices.get(alert.id or 0, []),
            )
        )
    return views


def _notices(session: Session, alert_ids: list[int], zone: ZoneInfo) -> dict[int, list[Notice]]:
    """Who was told of each alert, and when."""
    told = notices_of(session, alert_ids)
    contact_ids = {m.contact_id for ms in told.values() for m in ms if m.contact_id is not None}
    contacts = {
        c.id: c for c in session.exec(select(Contact).where(col(Contact.id).in_(contact_ids)))
    }
    found: dict[int, list[Notice]] = {}
    for alert_id, messages in told.items():
        for message in messages:
            contact = contacts.get(message.contact_id) if message.contact_id else None
            found.setdefault(alert_id, []).append(
                Notice(
                    to=f"{contact.name} ({contact.role})" if contact else "fallback address",
                    address=message.to_address,
                    status=str(message.status),
                    at=shown(message.sent_at or message.send_at, zone),
                )
            )
    return found


@dataclass(frozen=True)
class ProblemMessage:
    id: int
    patient_id: int | None
    patient: str
    kind: str
    channel: str
    to: str
    status: str  # "failed", or "retrying" (queued again after a transient failure)
    attempts: int
    reason: str
    next_attempt: str
    created: str


def problem_messages(
    session: Session, visible: set[int] | None, zone: ZoneInfo
) -> list[ProblemMessage]:
    """Failed messages, and queued ones that failed before and wait for a retry, newest first."""
    retrying = sa.and_(col(Message.status) == MessageStatus.QUEUED, col(Message.attempts) > 0)
    rows = list(
        session.exec(
            restrict(select(Message), Message.patient_id, visible)
            .where(sa.or_(col(Message.status) == MessageStatus.FAILED, retrying))
            .order_by(col(Message.id).desc())
            .limit(PAGE_ROWS)
        )
    )
    ids = {m.patient_id for m in rows if m.patient_id is not None}
    names = dict(
        session.exec(select(Patient.id, Patient.name).where(col(Patient.id).in_(ids))).all()
    )
    return [
        ProblemMessage(
            id=m.id or 0,
            patient_id=m.patient_id,
            patient=names.get(m.patient_id, "") if m.patient_id else "",
            kind=str(m.kind),
            channel=str(m.channel),
            to=m.to_address,
            status="failed" if m.status == MessageStatus.FAILED else "retrying",
            attempts=m.attempts,
            reason=m.failed_reason or m.last_error or "",
            next_attempt=shown(m.next_attempt_at, zone) if m.status == MessageStatus.QUEUED else "",
            created=shown(m.created_at, zone),
        )
        for m in rows
    ]
