"""What the Patients list and a Patient's page show: plain values read for one account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from reminder import views
from reminder.config import Settings
from reminder.models import (
    Alert,
    AlertStatus,
    CheckIn,
    Contact,
    Dose,
    DoseStatus,
    InboundMessage,
    Message,
    Patient,
)
from reminder.staff.board import PAGE_ROWS, shown
from reminder.staff.scope import restrict

ADHERENCE_DAYS = 30
THREAD_ROWS = 500
# Counted as a dose the patient was asked about; unconfirmed and cancelled ones are not theirs.
_COUNTED = (DoseStatus.TAKEN, DoseStatus.MISSED, DoseStatus.SKIPPED)


@dataclass(frozen=True)
class PatientLine:
    id: int
    name: str
    address: str
    status: str
    paused_until: str
    next_dose: str
    adherence: str  # "12/13 (92%)" or "-"
    last_checkin: str
    open_alerts: int


def patient_lines(
    session: Session,
    settings: Settings,
    visible: set[int] | None,
    query: str,
    now: datetime,
    zone: ZoneInfo,
) -> list[PatientLine]:
    """The patients the account sees whose name, phone or email holds ``query``, by name."""
    statement = restrict(select(Patient), Patient.id, visible)
    wanted = " ".join(query.split())
    if wanted:
        like = f"%{wanted}%"
        statement = statement.where(
            sa.or_(
                col(Patient.name).ilike(like),
                col(Patient.phone).ilike(like),
                col(Patient.email).ilike(like),
            )
        )
    patients = list(session.exec(statement.order_by(col(Patient.name)).limit(PAGE_ROWS)))
    ids = [p.id for p in patients]
    adherence = _adherence(session, ids, now)
    checkins = dict(
        session.exec(
            select(CheckIn.patient_id, sa.func.max(CheckIn.answered_at))
            .where(col(CheckIn.patient_id).in_(ids))
            .group_by(col(CheckIn.patient_id))
        ).all()
    )
    alerts = dict(
        session.exec(
            select(Alert.patient_id, sa.func.count())
            .where(col(Alert.patient_id).in_(ids), Alert.status == AlertStatus.OPEN)
            .group_by(col(Alert.patient_id))
        ).all()
    )
    lines = []
    for patient in patients:
        upcoming = views.next_dose(session, patient, settings)
        taken, asked = adherence.get(patient.id or 0, (0, 0))
        lines.append(
            PatientLine(
                id=patient.id or 0,
                name=patient.name,
                address=patient.address,
                status=str(patient.status).replace("_", " "),
                paused_until=shown(patient.paused_until, zone),
                next_dose=shown(datetime.fromisoformat(upcoming["at"]), zone) if upcoming else "",
                adherence=f"{taken}/{asked} ({round(100 * taken / asked)}%)" if asked else "-",
                last_checkin=shown(checkins.get(patient.id), zone),
                open_alerts=alerts.get(patient.id, 0),
            )
        )
    return lines


def _adherence(
    session: Session, ids: list[int | None], now: datetime
) -> dict[int, tuple[int, int]]:
    """Doses taken and doses asked about, per patient, over the last ADHERENCE_DAYS days."""
    since = (now - timedelta(days=ADHERENCE_DAYS)).date()
    taken = sa.func.sum(sa.case((col(Dose.status) == DoseStatus.TAKEN, 1), else_=0))
    rows = session.exec(
        select(Dose.patient_id, taken, sa.func.count())
        .where(
            col(Dose.patient_id).in_(ids),
            col(Dose.status).in_(_COUNTED),
            col(Dose.day) >= since,
        )
        .group_by(col(Dose.patient_id))
    ).all()
    return {pid: (int(t or 0), int(n)) for pid, t, n in rows}


@dataclass(frozen=True)
class ThreadEntry:
    """One message of the conversation: written by the patient or a contact, or sent to them."""

    at: datetime
    shown_at: str
    direction: str  # "in" or "out"
    who: str  # the patient, a contact's name, or the address it came from
    text: str  # as written (escaped by the template, never interpreted)
    kind: str  # out: reminder, reply, alert, ...; in: what the parser made of it
    status: str  # out: queued, sent, delivered, failed, ...; in: what was done with it
    reason: str  # out: why it failed or was cancelled, or the provider's last word


def thread(session: Session, patient: Patient, zone: ZoneInfo) -> list[ThreadEntry]:
    """Every text from and to the patient and their contacts about them, oldest first."""
    contacts = {
        c.id: c for c in session.exec(select(Contact).where(Contact.patient_id == patient.id))
    }
    inbound = session.exec(
        select(InboundMessage)
        .where(InboundMessage.patient_id == patient.id)
        .order_by(col(InboundMessage.received_at).desc())
        .limit(THREAD_ROWS)
    )
    outbound = session.exec(
        select(Message)
        .where(Message.patient_id == patient.id)
        .order_by(col(Message.created_at).desc())
        .limit(THREAD_ROWS)
    )
    entries = []
    for row in inbound:
        contact = contacts.get(row.contact_id) if row.contact_id else None
        entries.append(
            ThreadEntry(
                at=row.received_at,
                shown_at=shown(row.received_at, zone),
                direction="in",
                who=contact.name if contact else patient.name,
                text=row.body,
                kind=row.parsed_as or "",
                status=row.outcome or "",
                reason="",
            )
        )
    for row in outbound:
        contact = contacts.get(row.contact_id) if row.contact_id else None
        at = row.sent_at or row.send_at
        entries.append(
            ThreadEntry(
                at=at,
                shown_at=shown(at, zone),
                direction="out",
                who=_recipient(row, contact, patient),
                text=row.body or f"({row.template}, not yet written)",
                kind=str(row.kind),
                status=str(row.status),
                reason=row.failed_reason or row.provider_status or row.last_error or "",
            )
        )
    return sorted(entries, key=lambda e: e.at)


def _recipient(message: Message, contact: Contact | None, patient: Patient) -> str:
    """The contact's name, the patient's, or the address itself (the operator's fallback)."""
    if contact is not None:
        return contact.name
    return patient.name if message.to_address == patient.address else message.to_address


def header(
    session: Session, patient: Patient, settings: Settings, zone: ZoneInfo
) -> dict[str, Any]:
    """Who the patient is and where things stand: the CLI's `patient show`, times in the clinic's zone."""
    detail = views.patient_detail(session, patient, settings)
    upcoming = detail["next_dose"]
    if upcoming:
        upcoming = upcoming | {"shown": shown(datetime.fromisoformat(upcoming["at"]), zone)}
    return detail | {
        "address": patient.address,
        "status_text": str(patient.status).replace("_", " "),
        "paused_until_shown": shown(patient.paused_until, zone),
        "next_dose": upcoming,
    }
