"""A person's status: opt-out, opt-in, pause, resume and the block list, and what each cancels.

The conversation (STOP, START, PAUSE, RESUME), the outbox (a provider's opt-out or invalid-number
error) and the CLI all change a status through here, so the rules are written once:

- a change acts only on what is queued for *that* recipient (``Message.recipient``): a patient's
  STOP never cancels an alert to their contact or to the operator, a contact's STOP never cancels
  the patient's reminders;
- a pause holds back only what is about the schedule (reminders, nudges, questions, lab
  reminders): an answer already queued (the crisis-line text too) and alert notices still go;
- a provider error is about the address it was sent to, so it only changes that recipient.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from reminder import checkins, doses, notices, planner
from reminder.config import Settings
from reminder.db import upsert_insert
from reminder.models import (
    BlockedAddress,
    Contact,
    DoseStatus,
    FailureCode,
    Message,
    MessageKind,
    MessageStatus,
    Patient,
    PatientStatus,
    Recipient,
    failure,
)
from reminder.queue import TIME_BOUND_KINDS

log = logging.getLogger("reminder.lifecycle")

# What a pause holds back: the schedule's messages. Never an answer, never an alert notice.
PAUSE_CANCELS = TIME_BOUND_KINDS | {MessageKind.LAB}


def _cancel(
    session: Session,
    *where: sa.ColumnElement[bool],
    reason: str,
    code: FailureCode,
    kinds: Iterable[MessageKind] | None = None,
    now: datetime,
) -> int:
    """Cancel the queued messages matching ``where`` (of ``kinds``), saying why; an alert left with
    no notice that can still reach someone escalates at once."""
    conditions = [Message.status == MessageStatus.QUEUED, *where]
    if kinds is not None:
        conditions.append(col(Message.kind).in_([k.value for k in kinds]))
    cancelled = session.execute(
        sa.update(Message)
        .where(*conditions)
        .values(status=MessageStatus.CANCELLED, **failure(code, reason))
        .returning(Message.id, Message.kind)
    ).all()
    for message_id, kind in cancelled:
        if kind == MessageKind.ALERT:
            message = session.get(Message, message_id)
            if message is not None:
                notices.expedite_alert(session, message, now)
    return len(cancelled)


def cancel_for_patient(
    session: Session,
    patient_id: int,
    reason: str,
    now: datetime,
    kinds: Iterable[MessageKind] | None = None,
    *,
    code: FailureCode,
) -> int:
    """Cancel what is queued for the patient themself (never for their contacts or the operator)."""
    return _cancel(
        session,
        Message.patient_id == patient_id,
        Message.recipient == Recipient.PATIENT,
        reason=reason,
        code=code,
        kinds=kinds,
        now=now,
    )


def cancel_for_contact(session: Session, contact_id: int, reason: str, now: datetime) -> int:
    """Cancel what is queued for one contact, who opted out; their alerts move on to the next
    person at once."""
    return _cancel(
        session,
        Message.contact_id == contact_id,
        Message.recipient == Recipient.CONTACT,
        reason=reason,
        code=FailureCode.OPTED_OUT,
        now=now,
    )


def _withdraw(session: Session, patient: Patient, reason: str, now: datetime) -> None:
    """Withdraw the open dose and every question: one never asked must not count as unanswered or
    missed."""
    dose = doses.open_dose(session, patient.id or 0)
    if dose is not None:
        dose.status, dose.closed_at = DoseStatus.CANCELLED, None
        session.add(dose)
    checkins.withdraw(session, patient.id or 0, reason, now)


def pause(session: Session, patient: Patient, until: datetime, now: datetime) -> None:
    """Hold all reminders until ``until``; the open dose is withdrawn, not counted as missed.

    Answers already queued (the crisis-line text among them) and alert notices about the patient
    still go: a pause is about the schedule, not about being heard.
    """
    patient.status, patient.paused_until, patient.next_action_at = (
        PatientStatus.PAUSED,
        until,
        until,
    )
    _withdraw(session, patient, "paused", now)
    cancel_for_patient(
        session, patient.id or 0, "paused", now, kinds=PAUSE_CANCELS, code=FailureCode.PAUSED
    )
    session.add(patient)
    session.flush()


def resume(session: Session, patient: Patient, settings: Settings, now: datetime) -> None:
    """End a pause now and plan the next dose from the last one taken."""
    patient.status, patient.paused_until, patient.active_since = PatientStatus.ACTIVE, None, now
    session.add(patient)
    session.flush()
    planner.replan(session, patient, settings, now)


def opt_out_patient(
    session: Session, patient: Patient, now: datetime, reason: str = "opted out"
) -> bool:
    """STOP from the patient (or the provider says they opted out): nothing more goes to them but
    the answers to their own words. Returns False if they had opted out already."""
    if patient.status == PatientStatus.OPTED_OUT:
        return False
    patient.status, patient.opted_out_at, patient.next_action_at = (
        PatientStatus.OPTED_OUT,
        now,
        None,
    )
    _withdraw(session, patient, reason, now)
    cancel_for_patient(session, patient.id or 0, reason, now, code=FailureCode.OPTED_OUT)
    session.add(patient)
    session.flush()
    return True


def opt_in_patient(session: Session, patient: Patient, settings: Settings, now: datetime) -> bool:
    """START from the patient: reminders flow again from now (nothing missed meanwhile is made up).
    Returns False if they had not opted out."""
    if patient.status != PatientStatus.OPTED_OUT:
        return False
    patient.status, patient.opted_out_at, patient.active_since = PatientStatus.ACTIVE, None, now
    session.add(patient)
    session.flush()
    planner.replan(session, patient, settings, now)
    session.flush()
    return True


def opt_out_contact(
    session: Session, contact: Contact, now: datetime, reason: str = "contact opted out"
) -> None:
    """STOP from a contact: nothing but answers to them; their open alerts move on at once."""
    if contact.opted_out_at is None:
        contact.opted_out_at = now
        session.add(contact)
    session.flush()
    cancel_for_contact(session, contact.id or 0, reason, now)


def opt_in_contact(session: Session, contact: Contact) -> None:
    """START from a contact: alerts reach them again."""
    contact.opted_out_at = None
    session.add(contact)


def provider_opted_out(session: Session, message: Message, now: datetime, why: str) -> None:
    """The provider says this message's recipient opted out (Twilio 21610): block that recipient
    here too, as their STOP would. Only that one: an opted-out operator number changes no one's
    status (the alert's failure path takes over). START (or UNSTOP) from them undoes it."""
    reason = f"opted out with the provider: {why}"[:200]
    if message.recipient == Recipient.CONTACT and message.contact_id is not None:
        contact = session.get(Contact, message.contact_id)
        if contact is not None:
            opt_out_contact(session, contact, now, reason)
    elif message.recipient == Recipient.PATIENT and message.patient_id is not None:
        patient = session.get(Patient, message.patient_id)
        if patient is not None and message.to_address in (patient.phone, patient.email):
            opt_out_patient(session, patient, now, reason)
    else:
        log.error(
            "message %s: the operator's address %s opted out with the provider; "
            "escalation.fallback_address cannot receive alerts",
            message.id,
            message.to_address,
        )


def block_address(session: Session, address: str, reason: str, now: datetime) -> None:
    """Send nothing more to ``address`` (an invalid or landline number), once, for everyone."""
    statement = (
        upsert_insert(session.get_bind(), BlockedAddress)  # type: ignore[arg-type]
        .values(address=address, reason=reason[:200], created_at=now)
        .on_conflict_do_nothing(index_elements=["address"])
    )
    session.execute(statement)
    log.warning("address blocked after a permanent provider error: %s", reason)


def unblock(session: Session, addresses: Iterable[str | None]) -> None:
    """Lift the block on addresses the operator enrols again (a corrected number)."""
    wanted = [a for a in addresses if a]
    if wanted:
        session.execute(sa.delete(BlockedAddress).where(col(BlockedAddress.address).in_(wanted)))
