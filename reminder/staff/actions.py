"""What staff do from the dashboard: acknowledge an alert, pause or resume a patient; each audited.

Acknowledging goes through ``escalation.acknowledge``, the same path as an ``OK`` by SMS, so
escalation stops and the contacts already told are sent the "acknowledged" notice. Pause and resume
are the functions `reminder patient pause/resume` calls.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from reminder import escalation
from reminder.config import Settings

# The one place the dashboard names the pause/resume functions of the CLI.
from reminder.lifecycle import pause, resume
from reminder.models import Alert, Contact, Patient, PatientStatus, StaffAccount
from reminder.staff import audit, scope

MAX_NOTE_CHARS = 200


class Refused(Exception):
    """The action cannot be done as asked (already acknowledged, not paused, ...); text says why."""


def acknowledge(
    session: Session,
    settings: Settings,
    account: StaffAccount,
    alert: Alert,
    note: str,
    address: str | None,
    now: datetime,
) -> None:
    """Acknowledge ``alert`` as ``account``; Refused if someone acknowledged it first."""
    note = " ".join(note.split())[:MAX_NOTE_CHARS]
    # A nurse in this patient's chain acknowledges as that contact row, exactly like her OK by SMS
    # (she is then not sent a notice of her own acknowledgement). Anyone else acknowledges under
    # their own name: an unsaved Contact carries the name into the notices ("... by Sam (admin)").
    by = scope.contact_row_for(session, account, alert.patient_id) or Contact(
        name=account.name, role=str(account.role)
    )
    if not escalation.acknowledge(session, settings, alert, now, by):
        raise Refused(f"alert {alert.id} was already acknowledged by {alert.acknowledged_note}")
    alert.acknowledged_note = (
        f"{alert.acknowledged_note} via the dashboard" + (f": {note}" if note else "")
    )[:120]
    session.add(alert)
    audit.record(
        session,
        audit.Action.ALERT_ACKNOWLEDGED,
        now,
        account=account,
        address=address,
        patient_id=alert.patient_id,
        alert_id=alert.id,
        detail=note or None,
    )


def pause_patient(
    session: Session,
    settings: Settings,
    account: StaffAccount,
    patient: Patient,
    days: int,
    address: str | None,
    now: datetime,
) -> datetime:
    """Pause the patient's reminders for ``days``; returns until when."""
    if patient.status == PatientStatus.OPTED_OUT:
        raise Refused("the patient has opted out (STOP); only they can start again (START)")
    if not 1 <= days <= 365:
        raise Refused("pause for 1 to 365 days")
    until = now + timedelta(days=days)
    pause(session, patient, until, now)
    audit.record(
        session,
        audit.Action.PATIENT_PAUSED,
        now,
        account=account,
        address=address,
        patient_id=patient.id,
        detail=f"until {until.isoformat()} ({days} days)",
    )
    return until


def resume_patient(
    session: Session,
    settings: Settings,
    account: StaffAccount,
    patient: Patient,
    address: str | None,
    now: datetime,
) -> None:
    if patient.status != PatientStatus.PAUSED:
        raise Refused(f"the patient is not paused (status {patient.status})")
    resume(session, patient, settings, now)
    audit.record(
        session,
        audit.Action.PATIENT_RESUMED,
        now,
        account=account,
        address=address,
        patient_id=patient.id,
    )
