"""Send-time rules for a claimed message: the reason it must not go now (an opt-out, a pause, too
late, a blocked address), the language its reader reads, and the email that goes instead of an SMS
that cannot."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from reminder.models import (
    Channel,
    Contact,
    FailureCode,
    Message,
    MessageKind,
    Patient,
    PatientStatus,
    Recipient,
)
from reminder.queue import TIME_BOUND_KINDS, enqueue, message_values
from reminder.render import REFERENCE_LANGUAGE


def reason_not_to_send(
    message: Message,
    patient: Patient | None,
    contact: Contact | None,
    blocked: str | None,
    now: datetime,
    grace: timedelta,
) -> tuple[FailureCode, str] | None:
    """Why the message must not go now (a code and its words), or None. ``blocked``: why its
    address is on the block list."""
    # After STOP only the answers to the person's own words from then on (the STOP
    # confirmation, HELP) go out; an answer queued before the STOP is held back too. A
    # person's status governs only what goes to that person: never an alert about a patient
    # to a contact or to the operator.
    if message.recipient == Recipient.CONTACT and contact is not None:
        if contact.opted_out_at is not None and not _answers_since(message, contact.opted_out_at):
            return FailureCode.OPTED_OUT, "contact opted out"
    elif message.recipient == Recipient.PATIENT and patient is not None:
        if patient.status == PatientStatus.OPTED_OUT and not _answers_since(
            message, patient.opted_out_at
        ):
            return FailureCode.OPTED_OUT, "patient opted out"
        if patient.status == PatientStatus.PAUSED and message.kind in TIME_BOUND_KINDS:
            return FailureCode.PAUSED, "patient paused"
    if message.kind in TIME_BOUND_KINDS and now - message.send_at > grace:
        late = f"too late: due {message.send_at:%Y-%m-%d %H:%M} UTC, more than {grace} ago"
        return FailureCode.TOO_LATE, late
    if blocked is not None:
        return FailureCode.BLOCKED, f"address blocked: {blocked}"
    return None


def fall_back_to_email(session: Session, message: Message, now: datetime) -> bool:
    """A message to a patient whose SMS failed for good (a wrong or landline number) goes once more
    by email when the patient also has an email address; the failed SMS stays visible. Only ever
    to the patient's own address, and only for a message that was for the patient."""
    if (
        message.channel != Channel.SMS
        or message.recipient != Recipient.PATIENT
        or not message.patient_id
    ):
        return False
    patient = session.get(Patient, message.patient_id)
    if patient is None or not patient.email or patient.status == PatientStatus.OPTED_OUT:
        return False
    context = {key: value for key, value in message.context.items() if key != "tz"}
    written = enqueue(
        session,
        message_values(
            key=f"{message.idempotency_key}:email",
            patient=patient,
            kind=MessageKind(message.kind),
            template=message.template,
            context=context,
            send_at=now,
            now=now,
            dose_id=message.dose_id,
            by_email=True,
        ),
    )
    return written > 0


def _answers_since(message: Message, opted_out_at: datetime | None) -> bool:
    """Whether the message answers something the person wrote at or after they opted out (with
    no moment on record, any answer)."""
    return message.kind == MessageKind.REPLY and (
        opted_out_at is None or message.created_at >= opted_out_at
    )


def reader_language(message: Message, patient: Patient | None, contact: Contact | None) -> str:
    """The language of whoever reads the message, as of now: a contact's own, the patient's, or
    English for the operator's fallback address (an alert with no contact)."""
    if contact is not None:
        return contact.language
    if patient is not None and message.kind != MessageKind.ALERT:
        return patient.language
    return REFERENCE_LANGUAGE
