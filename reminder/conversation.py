"""Applies what a person wrote to their state and chooses the answer.

The raw text is stored first, in its own transaction, so nothing a patient writes is lost whatever
happens next. A reply applies only to the one open dose, inside its window; a late reply is kept and
answered, never moved to the next dose. Check-in answers go to the open check-in; a bare Y or N goes
to whichever question was asked last. Every reply from a patient that could complete a red-flag
rule is then run past the rules (a HELP with no alarming words cannot, and skips them), and words of
self-harm are answered with the crisis text in the same request.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from reminder import (
    care_replies,
    checkin_replies,
    checkins,
    crisis_replies,
    dose_replies,
    escalation,
    status_replies,
)
from reminder.answer_message import queue_answer
from reminder.clock import Clock
from reminder.config import Settings
from reminder.contact_replies import ContactReply
from reminder.db import upsert_insert
from reminder.doses import open_dose
from reminder.fields import normalise_address
from reminder.interpret import interpret
from reminder.models import (
    AlertSeverity,
    Channel,
    CheckIn,
    CheckInKind,
    Contact,
    InboundMessage,
    Message,
    MessageKind,
    Patient,
    PatientStatus,
)
from reminder.replies import Prompt, Reading, parse
from reminder.turn import Turn, iso

log = logging.getLogger("reminder.conversation")

UNKNOWN_SENDER = "unknown_sender"
_SENDER_CHARS = 254  # the width of InboundMessage.sender; PostgreSQL refuses a longer value


@dataclass(frozen=True)
class Outcome:
    """What became of one inbound message: its row, and the answer queued for it, if any."""

    inbound_id: int
    duplicate: bool
    parsed_as: str | None
    outcome: str | None
    answer_message_id: int | None
    # Urgent alert notices this message raised: a webhook sends them at once, with the answer.
    urgent_message_ids: tuple[int, ...] = ()

    def send_at_once(self) -> list[int]:
        """The messages whoever received this text should send right away, not at the next tick:
        the answer to the person and any urgent alert it raised (nothing for a provider's retry)."""
        if self.duplicate:
            return []
        answer = [self.answer_message_id] if self.answer_message_id is not None else []
        return answer + list(self.urgent_message_ids)


_INBOUND: sa.Table = InboundMessage.__table__  # type: ignore[assignment]
# What a stored text was read as (NULL until it is applied), its row locked.
_APPLIED_AS = (
    sa.select(_INBOUND.c.parsed_as)
    .where(_INBOUND.c.id == sa.bindparam("inbound_id"))
    .with_for_update()
)


def receive(
    engine: Engine,
    settings: Settings,
    clock: Clock,
    *,
    sender: str,
    body: str,
    channel: Channel = Channel.SMS,
    provider_id: str | None = None,
    raw: str | None = None,
    received_at: datetime | None = None,
) -> Outcome:
    """Store an inbound message raw, then parse and apply it; a provider's retry is applied once.

    ``raw``: an email's whole source, stored with it (``body`` is then the reply without quotes).
    ``received_at``: when it came, for a text kept while the database was away: it is stored and
    applied as of then ("DONE" is recorded at the time it was written, and answered so), and
    its answer and any alert, due since then, go out at once.
    """
    now = received_at or clock.now()
    address = _storable(normalise_address(sender, settings.file.default_region))[:_SENDER_CHARS]
    body = _storable(body)
    # One statement, so two web processes given the same provider retry store it once, no error.
    store = (
        upsert_insert(engine, InboundMessage)
        .values(
            channel=channel,
            sender=address,
            body=body,
            received_at=now,
            provider_id=provider_id,
            raw=raw,
        )
        .on_conflict_do_nothing(index_elements=["provider_id"])
        .returning(InboundMessage)
    )
    # Two transactions on one connection (one checkout from the pool, not one per transaction).
    with engine.connect() as connection:
        with Session(connection, expire_on_commit=False) as session, session.begin():
            stored = session.scalars(store).one_or_none()
            if stored is None:
                seen = session.exec(
                    select(InboundMessage).where(InboundMessage.provider_id == provider_id)
                ).one()
                if seen.parsed_as is not None:
                    return Outcome(seen.id or 0, True, seen.parsed_as, seen.outcome, None)
                # Stored by an earlier try that never applied it (the database failed, or the
                # process died, in between): applied now, as of when it came.
                stored, now = seen, seen.received_at
        # Committed: whatever fails from here on, the text is kept. The INSERT returned the whole
        # row, so applying it starts without reading it again.
        with Session(connection, expire_on_commit=False) as session, session.begin():
            # Locked first, before the patient, by every try: of two at once the second waits,
            # then finds the text applied.
            applied_as = session.execute(_APPLIED_AS, {"inbound_id": stored.id}).scalar_one()
            if applied_as is not None:
                return Outcome(stored.id or 0, True, applied_as, None, None)
            session.add(stored)
            applied = Conversation(session, settings, now)
            answer_id = applied.apply(stored)
            return Outcome(
                stored.id or 0,
                False,
                stored.parsed_as,
                stored.outcome,
                answer_id,
                applied.urgent_message_ids(),
            )


class Conversation:
    """One inbound message applied in one transaction (the patient's row is locked meanwhile)."""

    def __init__(self, session: Session, settings: Settings, now: datetime) -> None:
        self.session = session
        self.settings = settings
        self.now = now
        self.raised: list[escalation.Raised] = []

    def urgent_message_ids(self) -> tuple[int, ...]:
        """The notices of urgent alerts raised by this message, to send without waiting a tick."""
        urgent = [r for r in self.raised if r.new and r.alert.severity == AlertSeverity.URGENT]
        return tuple(sorted(i for r in urgent for i in r.notices))

    def apply(self, inbound: InboundMessage) -> int | None:
        patient = self.session.exec(
            select(Patient)
            .where(sa.or_(Patient.phone == inbound.sender, Patient.email == inbound.sender))
            .with_for_update()
        ).first()
        # Looked up before this row changes, so its changes are written in one UPDATE.
        contact = None if patient is not None else self._contact(inbound.sender)
        if patient is None:
            if contact is None:
                # Say nothing: an answer would tell a stranger that this number belongs to a patient.
                inbound.parsed_as, inbound.outcome = (
                    UNKNOWN_SENDER,
                    "unknown sender: stored, not answered",
                )
                return None
            inbound.contact_id = contact.id
            reading = interpret(parse(inbound.body, contact.language), Prompt.ALERT)
            return self._from_contact(contact, reading, inbound)
        assert patient.id is not None
        inbound.patient_id = patient.id
        injured_before = set(patient.injured_sites)
        turn = Turn(self.session, self.settings, self.now, patient, inbound)
        raw = parse(inbound.body, patient.language)
        prompt, target, reminded = self._prompt(turn, raw)
        reading = interpret(
            raw,
            prompt,
            reminded=reminded,
            flu_known=target is not None and target.flu_score is not None,
            site_known=target is not None and target.site_score is not None,
            interest_known=target is not None and target.phq_interest is not None,
        )
        self._apply(turn, raw, reading, prompt, target)
        inbound.parsed_as = "+".join(turn.labels)[:32] or "unknown"
        inbound.outcome = "; ".join(turn.notes)[:200] or None
        if self._may_raise(turn, inbound):
            self.session.flush()  # so the rules read this message among the patient's
            self.raised = escalation.review(self.session, self.settings, patient, self.now)
        if self.raised or turn.replan_needed:
            turn.replan()
        reached = [r.alert for r in self.raised if r.new and crisis_replies.reached(r.alert)]
        for answer, context in turn.parts:
            if answer in (
                "checkin_recorded",
                "followup_recorded",
                "checkin_partial",
                "phq2_recorded",
            ):
                context["alerted"] = bool(reached)
                flagged = set(patient.injured_sites) - injured_before
                context["injured_site"] = sorted(flagged)[0] if flagged else None
            elif answer in ("symptom_reported", "noted"):
                context["alerted"] = bool(reached)
        # Whatever else it said, and whatever the patient's status: the crisis text, and before
        # it the emergency number (trouble breathing, a swelling throat), now and first.
        if reading.self_harm:
            crisis_replies.lead_with(turn, crisis_replies.crisis(turn, self.raised))
        if reading.emergency:
            crisis_replies.lead_with(turn, crisis_replies.emergency(turn, self.raised))
        self.session.add(patient)
        if not turn.parts:
            return None
        return queue_answer(self.session, self.settings, self.now, patient, inbound, turn.parts)

    def _apply(
        self, turn: Turn, raw: Reading, reading: Reading, prompt: Prompt, target: CheckIn | None
    ) -> None:
        """Every fact of the reply, in a fixed order: carrier words first, then the patient's
        status, the dose, check-in answers and symptoms, a healed site, and the rest."""
        patient = turn.patient
        if reading.compliance == "stop":
            return status_replies.stop(turn)
        if reading.compliance == "start" or (
            patient.status == PatientStatus.OPTED_OUT and raw.answer is True and _only_yes(raw)
        ):
            return status_replies.start(turn)
        if reading.compliance == "help":
            turn.note("help", "help sent")
            return turn.say(
                "help", {"question": str(prompt) if target or prompt != Prompt.NONE else None}
            )
        if patient.status == PatientStatus.OPTED_OUT:
            turn.note("opted_out", "opted out: stored, not answered")
            return None
        if reading.pause is not None:
            return status_replies.pause(turn, reading.pause, reading.pause_until)
        if reading.resume:
            return status_replies.resume(turn)
        if patient.status == PatientStatus.PAUSED:
            turn.note("paused", "paused: stored")
            return turn.say("paused", {"until": iso(patient.paused_until)})
        if reading.dose == "taken":
            dose_replies.taken(turn, reading)
        elif reading.dose == "skipped":
            dose_replies.skipped(turn)
        elif reading.dose == "not_yet":
            dose_replies.snoozed(turn, reading.snooze, reading.snooze_at)
        if reading.healed is not None:
            checkin_replies.site_healed(turn, target, reading.healed, reading.site)
        elif prompt == Prompt.PHQ2:
            screened = reading.phq_interest is not None or reading.phq_mood is not None
            if screened or reading.problem in care_replies.PHQ_PROBLEMS:
                care_replies.screen(turn, reading, target)
            if reading.checkin:  # "2 2, and my leg is numb": the symptom is a report of its own
                checkin_replies.apply(turn, replace(reading, problem=None), Prompt.NONE, None)
        elif reading.checkin or reading.problem is not None:
            checkin_replies.apply(turn, reading, prompt, target)
        if reading.refill is not None or reading.vials is not None:
            care_replies.supply_reply(turn, reading)
        if reading.lab_done:
            care_replies.lab_done(turn)
        if not turn.parts and reading.question:
            upcoming = dose_replies.next_dose(turn) if reading.about_schedule else {}
            turn.note(
                "question",
                "a question: stored, answered with where to ask"
                + (" and the next dose" if upcoming else ""),
            )
            return turn.say("question", upcoming)
        if not turn.parts and not (reading.self_harm or reading.emergency or reading.site_words):
            if _has_media(turn.inbound):  # a photo of the site, perhaps: say pictures go unread
                turn.note("unknown", "a picture, not understood: stored, answered to say so")
                return turn.say("picture", {"question": _question(prompt)})
            turn.note("unknown", "not understood: stored, answered with help")
            turn.say("not_understood", {"question": _question(prompt)})
        elif not turn.parts:
            turn.note("noted", "stored")
            turn.say("noted", {})
        return None

    def _contact(self, sender: str) -> Contact | None:
        return self.session.exec(
            select(Contact).where(sa.or_(Contact.phone == sender, Contact.email == sender))
        ).first()

    def _may_raise(self, turn: Turn, inbound: InboundMessage) -> bool:
        """Whether the red-flag rules must run over the patient's history after this reply.

        They run after every reply but those that write nothing the rules read (HELP, a text not
        understood) and whose text is no evidence either. Those leave the history as the last
        review saw it, and on the same history the rules find nothing new (a finding needs
        evidence newer than the last alert of its kind).
        """
        read_only = set(turn.labels) <= {"help", "unknown", "question", "noted", "opted_out"}
        return not read_only or escalation.is_evidence(
            self.settings, inbound.body, inbound.received_at, turn.patient.language
        )

    def _prompt(self, turn: Turn, raw: Reading) -> tuple[Prompt, CheckIn | None, bool]:
        """What the patient was last asked and still owes an answer to: the question awaiting
        answers that was asked most recently, or the open dose, whose latest reminder counts as
        its asking. A bare Y or N goes there, so "Y" after a check-in is a symptom and after a
        reminder a dose. Bare numbers with no check-in open answer an open PHQ-2, even after the
        evening's reminder."""
        patient = turn.patient
        answerable = checkins.answerable(self.session, patient.id or 0, self.now)
        prompt = checkin_replies.newest(p for p in answerable if checkins.missing(p))
        screen = next((p for p in answerable if p.kind == CheckInKind.PHQ2), None)
        if screen is not None and checkins.missing(screen) and (raw.bare or raw.phq_words):
            scores_open = any(
                p.kind == CheckInKind.CHECKIN and {"flu", "site"} & set(checkins.missing(p))
                for p in answerable
            )
            if not scores_open and raw.dose is None:
                return Prompt.PHQ2, screen, False
        dose = open_dose(self.session, patient.id or 0)
        reminded = None
        if dose is not None and dose_replies.dose_answerable(turn, dose):
            reminded = self.session.exec(
                select(sa.func.max(Message.sent_at)).where(
                    Message.dose_id == dose.id,
                    col(Message.kind).in_([MessageKind.REMINDER, MessageKind.NUDGE]),
                )
            ).one()
            asked = checkins.last_asked(prompt) if prompt else None
            if prompt is None or (reminded is not None and asked is not None and reminded > asked):
                return Prompt.DOSE, None, True
        if prompt is None:
            return Prompt.NONE, None, reminded is not None
        if prompt.kind == CheckInKind.SITE_HEAL:
            return Prompt.SITE_HEAL, prompt, reminded is not None
        if prompt.kind == CheckInKind.FOLLOWUP:
            return Prompt.FOLLOWUP, prompt, reminded is not None
        if prompt.kind == CheckInKind.PHQ2:
            return Prompt.PHQ2, prompt, reminded is not None
        missing = checkins.missing(prompt)
        return (
            (Prompt.NEURO if missing == ["neuro"] else Prompt.CHECKIN),
            prompt,
            reminded is not None,
        )

    def _from_contact(
        self, contact: Contact, reading: Reading, inbound: InboundMessage
    ) -> int | None:
        """A caregiver or nurse wrote: see contact_replies."""
        decided = ContactReply(self.session, self.settings, self.now).answer(
            contact, reading, inbound
        )
        if decided is None:
            return None
        answer, context, patient = decided
        return queue_answer(
            self.session,
            self.settings,
            self.now,
            patient,
            inbound,
            [(answer, context)],
            contact,
            alert_id=context.get("alert_id"),
        )


def _storable(text: str) -> str:
    """The text with NUL as U+FFFD: PostgreSQL text cannot hold NUL, and refusing the row would lose
    the message (and a provider would retry it for ever)."""
    return text.replace("\x00", "\ufffd")


def _has_media(inbound: InboundMessage) -> bool:
    """Whether an MMS came with pictures (or other media), kept in ``raw`` one line each."""
    return inbound.channel == Channel.SMS and bool(inbound.raw)


def _question(prompt: Prompt) -> str | None:
    """The question the help text explains how to answer."""
    names = {Prompt.NEURO: "checkin", Prompt.NONE: None, Prompt.ALERT: None}
    return names.get(prompt, str(prompt))


def _only_yes(reading: Reading) -> bool:
    """A bare YES: to an opted-out patient it means START (carrier practice)."""
    return reading == Reading(answer=True)
