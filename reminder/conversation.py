"""Applies what a person wrote to their state and chooses the answer.

The raw text is stored first, in its own transaction, so nothing a patient writes is lost whatever
happens next. A reply applies only to the one open dose, inside its window; a late reply is kept and
answered, never moved to the next dose.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from reminder import regimen
from reminder.clock import Clock
from reminder.config import Settings
from reminder.db import session_scope
from reminder.enrolment import normalise_address
from reminder.models import (
    Channel,
    Contact,
    Dose,
    DoseStatus,
    InboundMessage,
    Message,
    MessageKind,
    Patient,
    PatientStatus,
)
from reminder.outbox import cancel_queued, enqueue
from reminder.planner import last_taken_dose, open_dose, preferences, replan
from reminder.replies import Intent, Reply, parse

log = logging.getLogger("reminder.conversation")

UNKNOWN_SENDER = "unknown_sender"
# Answers that carrier rules require; a provider with its own opt-out handling may send them.
COMPLIANCE_ANSWERS = frozenset({"opted_out", "opted_in", "help"})
_SENDER_CHARS = 254  # the width of InboundMessage.sender; PostgreSQL refuses a longer value


@dataclass(frozen=True)
class Outcome:
    """What became of one inbound message: its row, and the answer queued for it, if any."""

    inbound_id: int
    duplicate: bool
    parsed_as: str | None
    outcome: str | None
    answer_message_id: int | None


def receive(
    engine: Engine,
    settings: Settings,
    clock: Clock,
    *,
    sender: str,
    body: str,
    channel: Channel = Channel.SMS,
    provider_id: str | None = None,
) -> Outcome:
    """Store an inbound message raw, then parse and apply it; a provider's retry is applied once."""
    now = clock.now()
    address = _storable(normalise_address(sender, settings.file.default_region))[:_SENDER_CHARS]
    body = _storable(body)
    with session_scope(engine) as session:
        if provider_id is not None:
            seen = session.exec(
                select(InboundMessage).where(InboundMessage.provider_id == provider_id)
            ).first()
            if seen is not None:
                return Outcome(seen.id or 0, True, seen.parsed_as, seen.outcome, None)
        inbound = InboundMessage(
            channel=channel, sender=address, body=body, received_at=now, provider_id=provider_id
        )
        session.add(inbound)
    with session_scope(engine) as session:
        inbound = session.get(InboundMessage, inbound.id)
        assert inbound is not None
        answer_id = Conversation(session, settings, now).apply(inbound)
        return Outcome(inbound.id or 0, False, inbound.parsed_as, inbound.outcome, answer_id)


class Conversation:
    """One inbound message applied in one transaction (the patient's row is locked meanwhile)."""

    def __init__(self, session: Session, settings: Settings, now: datetime) -> None:
        self.session = session
        self.settings = settings
        self.now = now

    def apply(self, inbound: InboundMessage) -> int | None:
        patient = self.session.exec(
            select(Patient)
            .where(sa.or_(Patient.phone == inbound.sender, Patient.email == inbound.sender))
            .with_for_update()
        ).first()
        reply = parse(inbound.body)
        inbound.parsed_as = reply.intent.value
        if patient is None:
            contact = self.session.exec(
                select(Contact).where(
                    sa.or_(Contact.phone == inbound.sender, Contact.email == inbound.sender)
                )
            ).first()
            if contact is None:
                # Say nothing: an answer would tell a stranger that this number belongs to a patient.
                inbound.parsed_as, inbound.outcome = (
                    UNKNOWN_SENDER,
                    "unknown sender: stored, not answered",
                )
                return None
            inbound.contact_id = contact.id
            return self._from_contact(contact, reply, inbound)
        assert patient.id is not None
        inbound.patient_id = patient.id
        answer, context = self._answer(patient, reply, inbound)
        self.session.add(patient)
        if answer is None:
            return None
        return self._queue_answer(patient, inbound, answer, context)

    def _answer(
        self, patient: Patient, reply: Reply, inbound: InboundMessage
    ) -> tuple[str | None, dict[str, Any]]:
        """Apply the reply; return the answer's name (None for silence) and its context."""
        intent = reply.intent
        # Carrier rules: opt-out and help words are honoured before anything else.
        if intent == Intent.STOP:
            return self._stop(patient, inbound)
        if intent == Intent.START or (
            intent == Intent.YES and patient.status == PatientStatus.OPTED_OUT
        ):
            return self._start(patient, inbound)
        if intent == Intent.HELP:
            inbound.outcome = "help sent"
            return "help", {"question": self._question(patient)}
        if patient.status == PatientStatus.OPTED_OUT:
            inbound.outcome = "opted out: stored, not answered"
            return None, {}
        if intent == Intent.PAUSE:
            return self._pause(patient, inbound, reply.days)
        if intent == Intent.RESUME:
            return self._resume(patient, inbound)
        if patient.status == PatientStatus.PAUSED:
            inbound.outcome = "paused: stored"
            return "paused", {"until": _iso(patient.paused_until)}
        if intent in (Intent.TAKEN, Intent.YES):
            return self._taken(patient, inbound, reply)
        if intent == Intent.SKIP:
            return self._skip(patient, inbound)
        if intent == Intent.SNOOZE:
            return self._snooze(patient, inbound, reply.minutes)
        inbound.outcome = "not understood: stored, answered with help"
        return "not_understood", {"question": self._question(patient)}

    def _question(self, patient: Patient) -> str | None:
        """What the patient was last asked, so the help text fits it."""
        dose = open_dose(self.session, patient.id or 0)
        return "dose" if dose is not None and self._answerable(patient, dose) else None

    def _answerable(self, patient: Patient, dose: Dose) -> bool:
        """A dose can be answered from the start of its local day until its window closes."""
        day_start = regimen.at_local(dose.day, time(0, 0), ZoneInfo(patient.timezone))
        return day_start <= self.now < dose.window_end

    def _next_at(self, patient: Patient) -> str | None:
        dose = open_dose(self.session, patient.id or 0)
        return _iso(dose.scheduled_at) if dose else None

    def _replan(self, patient: Patient) -> None:
        self.session.flush()
        replan(self.session, patient, self.settings, self.now)
        self.session.flush()

    def _taken(
        self, patient: Patient, inbound: InboundMessage, reply: Reply
    ) -> tuple[str, dict[str, Any]]:
        dose = open_dose(self.session, patient.id or 0)
        if dose is None or not self._answerable(patient, dose):
            last = last_taken_dose(self.session, patient.id or 0)
            if (
                last is not None
                and last.taken_at
                and self.now - last.taken_at < timedelta(hours=24)
            ):
                inbound.dose_id, inbound.outcome = last.id, "already recorded: stored"
                return "already_taken", {
                    "taken_at": _iso(last.taken_at),
                    "next_at": self._next_at(patient),
                }
            inbound.outcome = "no dose open: stored, schedule unchanged"
            return "no_dose", {"next_at": self._next_at(patient)}
        last = last_taken_dose(self.session, patient.id or 0)
        min_gap = timedelta(hours=self.settings.schedule.min_hours_between_doses)
        if last is not None and last.taken_at and self.now - last.taken_at < min_gap:
            inbound.dose_id, inbound.outcome = dose.id, "too early after the last dose: stored"
            return "too_early", {"next_at": _iso(dose.scheduled_at)}
        site = reply.site if reply.site else (None if reply.site_text else dose.suggested_site)
        dose.status, dose.taken_at, dose.closed_at = DoseStatus.TAKEN, self.now, self.now
        dose.site, dose.site_reported = site, reply.site is not None
        dose.snoozed_until = None
        self.session.add(dose)
        cancel_queued(self.session, reason="dose taken", dose_id=dose.id)
        inbound.dose_id = dose.id
        inbound.outcome = f"dose {dose.id} taken" + (f" at {site}" if site else "")
        self._replan(patient)
        return "taken", {
            "taken_at": _iso(self.now),
            "site": site,
            "site_text": reply.site_text,
            "next_at": self._next_at(patient),
        }

    def _skip(self, patient: Patient, inbound: InboundMessage) -> tuple[str, dict[str, Any]]:
        dose = open_dose(self.session, patient.id or 0)
        if dose is None or not self._answerable(patient, dose):
            inbound.outcome = "no dose open: stored"
            return "no_dose", {"next_at": self._next_at(patient)}
        dose.status, dose.closed_at, dose.snoozed_until = DoseStatus.SKIPPED, self.now, None
        self.session.add(dose)
        cancel_queued(self.session, reason="dose skipped", dose_id=dose.id)
        inbound.dose_id, inbound.outcome = dose.id, f"dose {dose.id} skipped"
        self._replan(patient)
        return "skipped", {"next_at": self._next_at(patient)}

    def _snooze(
        self, patient: Patient, inbound: InboundMessage, minutes: int | None
    ) -> tuple[str, dict[str, Any]]:
        dose = open_dose(self.session, patient.id or 0)
        if dose is None or not self._answerable(patient, dose):
            inbound.outcome = "no dose open: stored"
            return "no_dose", {"next_at": self._next_at(patient)}
        wait = timedelta(minutes=minutes or self.settings.schedule.snooze_minutes)
        until = regimen.outside_quiet_hours(self.now + wait, preferences(patient, self.settings))
        inbound.dose_id = dose.id
        if until >= dose.window_end:
            inbound.outcome = "snooze past the dose window: refused"
            return "snooze_too_late", {"window_end": _iso(dose.window_end)}
        dose.snoozed_until, dose.snooze_count = until, dose.snooze_count + 1
        self.session.add(dose)
        # A pending nudge would now arrive before the re-reminder the patient asked for.
        cancel_queued(self.session, reason="snoozed", dose_id=dose.id)
        inbound.outcome = f"dose {dose.id} snoozed until {until:%Y-%m-%d %H:%M} UTC"
        self._replan(patient)
        return "snoozed", {"until": _iso(until)}

    def _pause(
        self, patient: Patient, inbound: InboundMessage, days: int | None
    ) -> tuple[str, dict[str, Any]]:
        length = timedelta(days=days or self.settings.schedule.default_pause_days)
        pause(self.session, patient, self.now + length, self.now)
        inbound.outcome = f"paused until {patient.paused_until:%Y-%m-%d %H:%M} UTC"
        return "paused", {"until": _iso(patient.paused_until)}

    def _resume(self, patient: Patient, inbound: InboundMessage) -> tuple[str, dict[str, Any]]:
        if patient.status != PatientStatus.PAUSED:
            inbound.outcome = "not paused"
            return "not_paused", {"next_at": self._next_at(patient)}
        resume(self.session, patient, self.settings, self.now)
        inbound.outcome = "resumed"
        return "resumed", {"next_at": self._next_at(patient)}

    def _stop(self, patient: Patient, inbound: InboundMessage) -> tuple[str, dict[str, Any]]:
        patient.status, patient.opted_out_at, patient.next_action_at = (
            PatientStatus.OPTED_OUT,
            self.now,
            None,
        )
        _withdraw_open_dose(self.session, patient, "opted out")
        inbound.outcome = "opted out"
        return "opted_out", {"sender_name": self.settings.messages.sender_name}

    def _start(self, patient: Patient, inbound: InboundMessage) -> tuple[str, dict[str, Any]]:
        if patient.status != PatientStatus.OPTED_OUT:
            inbound.outcome = "already opted in"
            return "opted_in", {"sender_name": self.settings.messages.sender_name}
        patient.status, patient.opted_out_at, patient.active_since = (
            PatientStatus.ACTIVE,
            None,
            self.now,
        )
        self._replan(patient)
        inbound.outcome = "opted back in"
        return "opted_in", {"sender_name": self.settings.messages.sender_name}

    def _from_contact(self, contact: Contact, reply: Reply, inbound: InboundMessage) -> int | None:
        """A caregiver or nurse wrote: carrier words are honoured for them as for patients."""
        patient = self.session.get(Patient, contact.patient_id)
        assert patient is not None
        sender_name = {"sender_name": self.settings.messages.sender_name}
        if reply.intent == Intent.STOP:
            contact.opted_out_at = self.now
            answer, context = "opted_out", sender_name
        elif reply.intent == Intent.START:
            contact.opted_out_at = None
            answer, context = "opted_in", sender_name
        elif reply.intent == Intent.HELP:
            answer, context = "help", {"question": None}
        else:
            inbound.outcome = f"from contact {contact.id} of patient {contact.patient_id}: stored"
            return None
        inbound.outcome = f"contact {contact.id}: {answer}"
        self.session.add(contact)
        return self._queue_answer(patient, inbound, answer, context, contact=contact)

    def _provider_answers(self, answer: str, inbound: InboundMessage) -> bool:
        """Twilio Advanced Opt-Out answers STOP/START/HELP itself; a second answer would confuse."""
        return (
            answer in COMPLIANCE_ANSWERS
            and inbound.channel == Channel.SMS
            and self.settings.file.transport.sms == "twilio"
            and self.settings.twilio.advanced_opt_out
        )

    def _queue_answer(
        self,
        patient: Patient,
        inbound: InboundMessage,
        answer: str,
        context: dict[str, Any],
        contact: Contact | None = None,
    ) -> int | None:
        if self._provider_answers(answer, inbound):
            inbound.outcome = f"{inbound.outcome} (answered by the provider's Advanced Opt-Out)"
            return None
        context = {
            "answer": answer,
            "help_contact": self.settings.messages.help_contact,
            "sender_name": self.settings.messages.sender_name,
            **context,
        }
        enqueue(
            self.session,
            key=f"reply:{inbound.id}",
            patient=patient,
            kind=MessageKind.REPLY,
            template="reply",
            context=context,
            send_at=self.now,
            now=self.now,
            contact=contact,
        )
        message = self.session.exec(
            select(Message).where(Message.idempotency_key == f"reply:{inbound.id}")
        ).one()
        return message.id


def pause(session: Session, patient: Patient, until: datetime, now: datetime) -> None:
    """Hold all reminders until ``until``; the open dose is withdrawn, not counted as missed."""
    patient.status, patient.paused_until, patient.next_action_at = (
        PatientStatus.PAUSED,
        until,
        until,
    )
    _withdraw_open_dose(session, patient, "paused")
    session.add(patient)


def resume(session: Session, patient: Patient, settings: Settings, now: datetime) -> None:
    """End a pause now and plan the next dose from the last one taken."""
    patient.status, patient.paused_until, patient.active_since = PatientStatus.ACTIVE, None, now
    session.add(patient)
    session.flush()
    replan(session, patient, settings, now)


def _withdraw_open_dose(session: Session, patient: Patient, reason: str) -> None:
    dose = open_dose(session, patient.id or 0)
    if dose is not None:
        dose.status, dose.closed_at = DoseStatus.CANCELLED, None
        session.add(dose)
    # Lab reminders and queued reminders alike wait for the patient to be back.
    cancel_queued(session, reason=reason, patient_id=patient.id)
    session.flush()


def _storable(text: str) -> str:
    """The text with NUL as U+FFFD: PostgreSQL text cannot hold NUL, and refusing the row would lose
    the message (and a provider would retry it for ever)."""
    return text.replace("\x00", "\ufffd")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
