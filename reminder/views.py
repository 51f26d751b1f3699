"""Read-only views of the database for people and scripts: the stable JSON shapes of PRODUCT.md."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from reminder import care
from reminder.config import Settings
from reminder.doses import last_taken_dose, open_dose, propose_next_dose
from reminder.models import (
    Alert,
    AlertStatus,
    CheckIn,
    CheckInKind,
    CheckInStatus,
    Contact,
    Dose,
    DoseStatus,
    Message,
    Patient,
    PatientStatus,
)
from reminder.notices import notices_of
from reminder.regimen import Why


def local_iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    """ISO 8601 with the local offset, e.g. 2026-03-06T19:30:00-06:00: exact and readable."""
    return moment.astimezone(zone).isoformat() if moment else None


def describe(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %H:%M}"


@dataclass(frozen=True)
class Upcoming:
    """The next dose: the pending one, or where the rules would place it."""

    at: datetime
    dose_mcg: float
    volume_ml: float
    site: str | None
    why: str  # the decision in words


def upcoming_dose(session: Session, patient: Patient, settings: Settings) -> Upcoming | None:
    """When, which dose and site, and why; None while the patient is paused or opted out."""
    if patient.status != PatientStatus.ACTIVE:
        return None
    dose = open_dose(session, patient.id or 0)
    if dose is not None:
        at, why, mcg, ml, site = (
            dose.scheduled_at,
            Why(dose.why),
            dose.dose_mcg,
            dose.volume_ml,
            dose.suggested_site,
        )
        last = last_taken_dose(session, patient.id or 0)
    else:
        proposal = propose_next_dose(session, patient, settings)
        at, why = proposal.next.at, proposal.next.why
        mcg, ml, site = proposal.titration.dose_mcg, proposal.titration.volume_ml, proposal.site
        last = proposal.last_taken
    return Upcoming(at, mcg, ml, site, explain(session, patient, why, last, settings))


def next_dose(session: Session, patient: Patient, settings: Settings) -> dict[str, Any] | None:
    """The next dose as `patient show --json` gives it."""
    upcoming = upcoming_dose(session, patient, settings)
    if upcoming is None:
        return None
    return {
        "at": local_iso(upcoming.at, ZoneInfo(patient.timezone)),
        "dose_mcg": upcoming.dose_mcg,
        "volume_ml": upcoming.volume_ml,
        "site": upcoming.site,
        "why": upcoming.why,
    }


def explain(
    session: Session, patient: Patient, why: Why, last: Dose | None, settings: Settings
) -> str:
    """The scheduling decision in words an operator can check against the rules."""
    zone = ZoneInfo(patient.timezone)
    taken = (
        f"the last dose taken, {describe(last.taken_at, zone)}" if last and last.taken_at else ""
    )
    if why == Why.FIRST:
        return f"first dose of the schedule (start date {patient.start_date.isoformat()})"
    if why == Why.AFTER_TAKEN:
        return f"second calendar day after {taken}"
    if why == Why.MIN_GAP:
        hours = settings.schedule.min_hours_between_doses
        return f"third day after {taken}: the second day would be under {hours:g} h after it"
    if why == Why.AFTER_MISSED:
        closed = session.exec(
            select(Dose)
            .where(
                Dose.patient_id == patient.id,
                col(Dose.status).in_(
                    [DoseStatus.MISSED, DoseStatus.SKIPPED, DoseStatus.UNCONFIRMED]
                ),
            )
            .order_by(col(Dose.day).desc())
        ).first()
        what = (
            f"the dose of {closed.day:%a} {closed.day.day} {closed.day:%b} was {closed.status}"
            if closed
            else ""
        )
        since = f"; the schedule follows {taken}" if taken else ""
        return f"{what}{since}, so the next reminder is the following day".lstrip(", ")
    return f"first reminder time after {describe(patient.active_since, zone)} (enrolment or resume)"


def patient_row(session: Session, patient: Patient, settings: Settings) -> dict[str, Any]:
    upcoming = next_dose(session, patient, settings)
    return {
        "id": patient.id,
        "name": patient.name,
        "phone": patient.phone,
        "email": patient.email,
        "timezone": patient.timezone,
        "time": f"{patient.dose_time:%H:%M}",
        "status": patient.status,
        "next_dose_at": upcoming["at"] if upcoming else None,
    }


def contact_row(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.id,
        "patient": contact.patient_id,
        "name": contact.name,
        "phone": contact.phone,
        "email": contact.email,
        "role": contact.role,
        "position": contact.position,
        "language": contact.language,
    }


def patient_detail(session: Session, patient: Patient, settings: Settings) -> dict[str, Any]:
    zone = ZoneInfo(patient.timezone)
    contacts = session.exec(
        select(Contact).where(Contact.patient_id == patient.id).order_by(col(Contact.position))
    )
    recent = session.exec(
        select(Dose)
        .where(Dose.patient_id == patient.id, Dose.status != DoseStatus.PENDING)
        .order_by(col(Dose.day).desc())
        .limit(10)
    )
    failed = session.exec(
        select(Message)
        .where(Message.patient_id == patient.id, Message.status == "failed")
        .order_by(col(Message.id).desc())
        .limit(5)
    )
    return patient_row(session, patient, settings) | {
        "start": patient.start_date.isoformat(),
        "full_dose": patient.full_dose,
        "language": patient.language,
        "paused_until": local_iso(patient.paused_until, zone),
        "next_dose": next_dose(session, patient, settings),
        "contacts": [contact_row(c) for c in contacts],
        "recent_doses": [
            {
                "day": dose.day.isoformat(),
                "status": dose.status,
                "dose_mcg": dose.dose_mcg,
                "taken_at": local_iso(dose.taken_at, zone),
                "site": dose.site,
                "early": dose.early,
            }
            for dose in recent
        ],
        "doses_by_status": dose_counts(session, patient),
        "failed_messages": [
            {"id": m.id, "kind": m.kind, "reason": m.failed_reason} for m in failed
        ],
        "injured_sites": list(patient.injured_sites),
        "open_alerts": [
            alert_row(session, a, zone)
            for a in session.exec(
                select(Alert)
                .where(Alert.patient_id == patient.id, Alert.status == AlertStatus.OPEN)
                .order_by(col(Alert.id))
            )
        ],
        **_care(session, patient, settings, zone),
        "recent_check_ins": [
            check_in_row(c, zone)
            for c in session.exec(
                select(CheckIn)
                .where(CheckIn.patient_id == patient.id, CheckIn.status != CheckInStatus.PLANNED)
                .order_by(col(CheckIn.due_at).desc(), col(CheckIn.id).desc())
                .limit(10)
            )
        ],
    }


def _care(session: Session, patient: Patient, settings: Settings, zone: ZoneInfo) -> dict[str, Any]:
    """Vials and their run-out date, lab tests done and due, and the PHQ-2 answers."""
    dose = open_dose(session, patient.id or 0)
    return {
        "supply": care.supply_view(patient, dose.day if dose else None),
        "labs": care.labs_view(session, patient, settings),
        "phq2": care.screens_view(session, patient, zone),
    }


def check_in_row(check_in: CheckIn, zone: ZoneInfo) -> dict[str, Any]:
    """A check-in, follow-up or site question with its answers so far."""
    return {
        "id": check_in.id,
        "kind": check_in.kind,
        "status": check_in.status,
        "asked_at": local_iso(check_in.asked_at, zone),
        "answered_at": local_iso(check_in.answered_at, zone),
        "flu": check_in.flu_score,
        "site_score": check_in.site_score,
        "neuro": check_in.neuro,
        "fever": check_in.fever,
        "symptoms": list(check_in.symptoms),
        "temperature": next(
            (a["temperature"] for a in reversed(check_in.answers) if "temperature" in a), None
        ),
        "site": check_in.site,
        "phq2": [check_in.phq_interest, check_in.phq_mood]
        if check_in.kind == CheckInKind.PHQ2
        else None,
        # What the patient wrote, as written: the nurse reads the words, not only the scores.
        "words": [answer["text"] for answer in check_in.answers],
    }


def dose_counts(session: Session, patient: Patient) -> dict[str, int]:
    """Closed doses by status since enrolment; "unconfirmed" ones had no reminder sent, so they are
    not the patient's lapse and the adherence rule leaves them out."""
    counts = dict.fromkeys(["taken", "skipped", "missed", "unconfirmed"], 0)
    rows = session.exec(
        select(Dose.status, sa.func.count())
        .where(Dose.patient_id == patient.id)
        .group_by(col(Dose.status))
    )
    for status, count in rows:
        if str(status) in counts:
            counts[str(status)] = count
    return counts


def alert_row(session: Session, alert: Alert, zone: ZoneInfo | None = None) -> dict[str, Any]:
    """An alert with its reason, who it went to and who acknowledged it."""
    patient = session.get(Patient, alert.patient_id)
    zone = zone or ZoneInfo(patient.timezone if patient else "UTC")
    told = notices_of(session, [alert.id or 0])[alert.id or 0]
    return {
        "id": alert.id,
        "patient": alert.patient_id,
        "patient_name": patient.name if patient else None,
        "kind": alert.kind,
        "severity": alert.severity,
        "status": alert.status,
        "reason": alert.reason,
        "created_at": local_iso(alert.created_at, zone),
        "acknowledged_at": local_iso(alert.acknowledged_at, zone),
        "acknowledged_by": alert.acknowledged_note,
        "repeats": alert.repeats,
        "escalate_at": local_iso(alert.escalate_at, zone),
        "fallback_at": local_iso(alert.fallback_at, zone),
        "sent_to": [
            {
                "contact": m.contact_id,
                "recipient": m.recipient,
                "to": m.to_address,
                "status": m.status,
                "send_at": local_iso(m.send_at, zone),
                "sent_at": local_iso(m.sent_at, zone),
            }
            for m in told
        ],
    }


def message_row(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "patient": message.patient_id,
        "recipient": message.recipient,
        "to": message.to_address,
        "channel": message.channel,
        "kind": message.kind,
        "body": message.body,
        "status": message.status,
        "send_at": message.send_at.isoformat(),
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
        "attempts": message.attempts,
        "failed_reason": message.failed_reason,
        "failure": message.failure,
    }
