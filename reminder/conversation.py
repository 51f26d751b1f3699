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
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from reminder import checkins, escalation, lifecycle, regimen
from reminder.clock import Clock
from reminder.config import Settings
from reminder.db import upsert_insert
from reminder.enrolment import normalise_address
from reminder.models import (
    Alert,
    AlertKind,
    AlertSeverity,
    Channel,
    CheckIn,
    CheckInKind,
    CheckInStatus,
    Contact,
    Dose,
    DoseStatus,
    InboundMessage,
    Message,
    MessageKind,
    MessageStatus,
    Patient,
    PatientStatus,
)
from reminder.planner import last_taken_dose, open_dose, preferences, replan
from reminder.queue import cancel_queued, message_values
from reminder.replies import Answers, Intent, Problem, Reply, parse, read_scores

log = logging.getLogger("reminder.conversation")

UNKNOWN_SENDER = "unknown_sender"
# Answers that carrier rules require; a provider with its own opt-out handling may send them.
COMPLIANCE_ANSWERS = frozenset({"opted_out", "opted_in", "help"})
# A patient's reply of these intents changes its own outcome only (OK counts from a contact).
READ_ONLY_INTENTS = frozenset({Intent.HELP, Intent.UNKNOWN, Intent.OK})
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
) -> Outcome:
    """Store an inbound message raw, then parse and apply it; a provider's retry is applied once.

    ``raw``: an email's whole source, stored with it (``body`` is then the reply without quotes).
    """
    now = clock.now()
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
                return Outcome(seen.id or 0, True, seen.parsed_as, seen.outcome, None)
        # Committed: whatever fails from here on, the text is kept. The INSERT returned the whole
        # row, so applying it starts without reading it again.
        with Session(connection, expire_on_commit=False) as session, session.begin():
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
        self.replan_needed = False
        self.raised: list[escalation.Raised] = []

    def urgent_message_ids(self) -> tuple[int, ...]:
        """The notices of urgent alerts raised by this message, to send without waiting a tick."""
        keys = [
            f"alert:{r.alert.id}:%"
            for r in self.raised
            if r.new and r.alert.severity == AlertSeverity.URGENT
        ]
        if not keys:
            return ()
        statement = select(Message.id).where(
            sa.or_(*(col(Message.idempotency_key).like(key) for key in keys)),
            Message.status == MessageStatus.QUEUED,
        )
        return tuple(sorted(i for i in self.session.exec(statement) if i is not None))

    def apply(self, inbound: InboundMessage) -> int | None:
        patient = self.session.exec(
            select(Patient)
            .where(sa.or_(Patient.phone == inbound.sender, Patient.email == inbound.sender))
            .with_for_update()
        ).first()
        # Looked up before this row changes, so its changes are written in one UPDATE.
        contact = None if patient is not None else self._contact(inbound.sender)
        reply = parse(inbound.body)
        inbound.parsed_as = reply.intent.value
        if patient is None:
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
        injured_before = set(patient.injured_sites)
        answer, context = self._answer(patient, reply, inbound)
        if self._may_raise(reply, inbound):
            self.session.flush()  # so the rules read this message among the patient's
            self.raised = escalation.review(self.session, self.settings, patient, self.now)
        raised = self.raised
        if raised or self.replan_needed:
            self._replan(patient)
        reached = [r.alert for r in raised if r.new and _reached(r.alert)]
        if answer in ("checkin_recorded", "followup_recorded", "checkin_partial"):
            context["alerted"] = bool(reached)
            flagged = set(patient.injured_sites) - injured_before
            context["injured_site"] = sorted(flagged)[0] if flagged else None
        if reply.self_harm:
            # Whatever else it said, and whatever the patient's status: the crisis text, now.
            answer, context = self._crisis(inbound, raised)
        self.session.add(patient)
        if answer is None:
            return None
        return self._queue_answer(patient, inbound, answer, context)

    def _contact(self, sender: str) -> Contact | None:
        return self.session.exec(
            select(Contact).where(sa.or_(Contact.phone == sender, Contact.email == sender))
        ).first()

    def _may_raise(self, reply: Reply, inbound: InboundMessage) -> bool:
        """Whether the red-flag rules must run over the patient's history after this reply.

        They run after every reply but those that write nothing the rules read (HELP, a text not
        understood, OK from a patient: only this row's outcome) and whose text is no evidence
        either. Those leave the history as the last review saw it, and on the same history the
        rules find nothing new (a finding needs evidence newer than the last alert of its kind).
        """
        return reply.intent not in READ_ONLY_INTENTS or escalation.is_evidence(
            self.settings, inbound.body, inbound.received_at
        )

    def _crisis(
        self, inbound: InboundMessage, raised: list[escalation.Raised]
    ) -> tuple[str, dict[str, Any]]:
        mood = next((r.alert for r in raised if r.alert.kind == AlertKind.MOOD), None)
        note = f"self-harm words: crisis text sent, alert {mood.id if mood else '?'}"
        inbound.outcome = f"{note}; {inbound.outcome or ''}".rstrip("; ")[:200]
        alerted = mood is not None and _reached(mood)
        return "crisis", {"crisis_text": self.settings.messages.crisis_text, "alerted": alerted}

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
            return "help", {"question": self._question(patient)[0]}
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
        if intent in (Intent.YES, Intent.NO):
            _, prompt = self._question(patient)
            if prompt is not None and (
                prompt.kind == CheckInKind.SITE_HEAL or "neuro" in checkins.missing(prompt)
            ):
                return self._yes_no(patient, inbound, prompt, intent == Intent.YES)
        if intent == Intent.CHECKIN and reply.answers is not None:
            return self._checkin(patient, inbound, reply.answers)
        if intent == Intent.HEALED:
            return self._healed(patient, inbound, reply.site)
        if intent in (Intent.TAKEN, Intent.YES):
            return self._taken(patient, inbound, reply)
        if intent == Intent.SKIP:
            return self._skip(patient, inbound)
        if intent == Intent.SNOOZE:
            return self._snooze(patient, inbound, reply.minutes)
        inbound.outcome = "not understood: stored, answered with help"
        return "not_understood", {"question": self._question(patient)[0]}

    def _question(self, patient: Patient) -> tuple[str | None, CheckIn | None]:
        """What the patient was last asked and still owes an answer to: the question awaiting
        answers that was asked most recently, or the open dose, whose latest reminder counts as
        its asking. A bare Y or N goes there, so "Y" after a check-in is a symptom and after a
        reminder a dose."""
        prompts = [p for p in self._answerable(patient) if checkins.missing(p)]
        prompt = _newest(prompts)
        dose = open_dose(self.session, patient.id or 0)
        if dose is not None and self._dose_answerable(patient, dose):
            reminded = self.session.exec(
                select(sa.func.max(Message.sent_at)).where(
                    Message.dose_id == dose.id,
                    col(Message.kind).in_([MessageKind.REMINDER, MessageKind.NUDGE]),
                )
            ).one()
            asked = checkins.last_asked(prompt) if prompt else None
            if prompt is None or (reminded is not None and asked is not None and reminded > asked):
                return "dose", None
        return (str(prompt.kind), prompt) if prompt is not None else (None, None)

    def _answerable(self, patient: Patient) -> list[CheckIn]:
        return checkins.answerable(self.session, patient.id or 0, self.now)

    def _yes_no(
        self, patient: Patient, inbound: InboundMessage, prompt: CheckIn, yes: bool
    ) -> tuple[str, dict[str, Any]]:
        if prompt.kind == CheckInKind.SITE_HEAL:
            if yes:
                return self._healed(patient, inbound, prompt.site)
            checkins.apply(prompt, self.now, inbound.body, neuro=False)
            checkins.close(prompt, self.now, CheckInStatus.ANSWERED)
            self.session.add(prompt)
            self.replan_needed = True  # the planner asks again in site_heal_ask_days
            inbound.outcome = f"site {prompt.site} not healed yet"
            days = self.settings.triage.site_heal_ask_days
            return "not_healed", {"site": prompt.site, "days": days}
        return self._record(patient, inbound, prompt, Answers(neuro=yes))

    def _checkin(
        self, patient: Patient, inbound: InboundMessage, answers: Answers
    ) -> tuple[str, dict[str, Any]]:
        """Scores go to the open check-in; Y, N, FEVER or a symptom alone to the question asked last."""
        if answers.problem is not None:
            return self._correction(inbound, answers.problem, answers.detail)
        prompts = [p for p in self._answerable(patient) if p.kind != CheckInKind.SITE_HEAL]
        checkin = _newest(p for p in prompts if p.kind == CheckInKind.CHECKIN)
        symptom = {"symptom": answers.neuro is True}
        if answers.flu is not None or answers.site is not None or answers.bare:
            if checkin is None:
                inbound.outcome = "check-in answers, but no check-in open: stored"
                return "no_checkin", symptom
            flu, site, problem = read_scores(
                answers,
                flu_known=checkin.flu_score is not None,
                site_known=checkin.site_score is not None,
            )
            if problem is not None:
                return self._correction(inbound, problem, " ".join(map(str, answers.bare)))
            return self._record(
                patient,
                inbound,
                checkin,
                Answers(
                    flu=flu,
                    site=site,
                    neuro=answers.neuro,
                    fever=answers.fever,
                    symptoms=answers.symptoms,
                ),
            )
        asked = [p for p in prompts if p.kind in (CheckInKind.CHECKIN, CheckInKind.FOLLOWUP)]
        if answers.neuro is not None:
            asked = [p for p in asked if p.neuro is None] or asked
        target = _newest(asked)
        if target is None:
            inbound.outcome = "check-in answers, but no check-in open: stored"
            return "no_checkin", symptom
        return self._record(patient, inbound, target, answers)

    def _correction(
        self, inbound: InboundMessage, problem: Problem, detail: str
    ) -> tuple[str, dict[str, Any]]:
        """A specific correction; nothing from the reply is applied, never a silent guess."""
        inbound.outcome = f"check-in answers not applied: {problem}"
        return "checkin_correction", {"problem": problem.value, "detail": detail}

    def _record(
        self, patient: Patient, inbound: InboundMessage, prompt: CheckIn, answers: Answers
    ) -> tuple[str, dict[str, Any]]:
        had_symptom = prompt.neuro is True
        checkins.apply(
            prompt,
            self.now,
            inbound.body,
            flu=answers.flu,
            site=answers.site,
            neuro=answers.neuro,
            fever=answers.fever,
            symptoms=answers.symptoms,
        )
        self.session.add(prompt)
        self.replan_needed = True
        inbound.outcome = f"{prompt.kind} {prompt.id}: {_summary(prompt)}"[:200]
        if prompt.kind == CheckInKind.FOLLOWUP:
            return "followup_recorded", {"present": prompt.neuro, "fever": prompt.fever is True}
        followup = None
        if prompt.neuro is True and (not had_symptom or answers.symptoms):
            followup = self._follow_up(prompt)
        values = {
            "flu": prompt.flu_score,
            "site_score": prompt.site_score,
            "neuro": prompt.neuro,
            "fever": prompt.fever is True,
            "followup_at": _iso(followup.due_at) if followup else None,
        }
        if missing := checkins.missing(prompt):
            return "checkin_partial", values | {"missing": missing}
        return "checkin_recorded", values

    def _follow_up(self, checkin: CheckIn) -> CheckIn:
        """Start the relapse screen, or add the symptoms named now to the one already running."""
        running = next(
            (
                p
                for p in checkins.live(self.session, checkin.patient_id)
                if p.kind == CheckInKind.FOLLOWUP
            ),
            None,
        )
        if running is not None:
            running.symptoms = sorted(set(running.symptoms) | set(checkin.symptoms))
            self.session.add(running)
            return running
        return checkins.add(self.session, checkins.followup_for(checkin, self.now, self.settings))

    def _healed(
        self, patient: Patient, inbound: InboundMessage, site: str | None
    ) -> tuple[str, dict[str, Any]]:
        injured = list(patient.injured_sites)
        if not injured:
            inbound.outcome = "healed, but no site is marked injured"
            return "not_injured", {}
        if site is None and len(injured) == 1:
            site = injured[0]
        if site not in injured:
            inbound.outcome = "healed: which site? asked"
            return "healed_which", {"sites": injured}
        patient.injured_sites = [s for s in injured if s != site]
        for prompt in checkins.live(self.session, patient.id or 0):
            if prompt.kind == CheckInKind.SITE_HEAL and prompt.site == site:
                checkins.apply(prompt, self.now, inbound.body)
                checkins.close(prompt, self.now, CheckInStatus.ANSWERED)
                self.session.add(prompt)
        self.replan_needed = True
        inbound.outcome = f"site {site} healed: back in rotation"
        return "healed", {"site": site}

    def _dose_answerable(self, patient: Patient, dose: Dose) -> bool:
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
        if dose is None or not self._dose_answerable(patient, dose):
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
        if dose is None or not self._dose_answerable(patient, dose):
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
        if dose is None or not self._dose_answerable(patient, dose):
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
        lifecycle.pause(self.session, patient, self.now + length, self.now)
        inbound.outcome = f"paused until {patient.paused_until:%Y-%m-%d %H:%M} UTC"
        return "paused", {"until": _iso(patient.paused_until)}

    def _resume(self, patient: Patient, inbound: InboundMessage) -> tuple[str, dict[str, Any]]:
        if patient.status != PatientStatus.PAUSED:
            inbound.outcome = "not paused"
            return "not_paused", {"next_at": self._next_at(patient)}
        lifecycle.resume(self.session, patient, self.settings, self.now)
        inbound.outcome = "resumed"
        return "resumed", {"next_at": self._next_at(patient)}

    def _stop(self, patient: Patient, inbound: InboundMessage) -> tuple[str, dict[str, Any]]:
        lifecycle.opt_out_patient(self.session, patient, self.now)
        inbound.outcome = "opted out"
        return "opted_out", {"sender_name": self.settings.messages.sender_name}

    def _start(self, patient: Patient, inbound: InboundMessage) -> tuple[str, dict[str, Any]]:
        if not lifecycle.opt_in_patient(self.session, patient, self.settings, self.now):
            inbound.outcome = "already opted in"
            return "opted_in", {"sender_name": self.settings.messages.sender_name}
        inbound.outcome = "opted back in"
        return "opted_in", {"sender_name": self.settings.messages.sender_name}

    def _from_contact(self, contact: Contact, reply: Reply, inbound: InboundMessage) -> int | None:
        """A caregiver or nurse wrote: carrier words are honoured for them as for patients."""
        patient = self.session.get(Patient, contact.patient_id)
        assert patient is not None
        sender_name = {"sender_name": self.settings.messages.sender_name}
        if reply.intent == Intent.STOP:
            lifecycle.opt_out_contact(self.session, contact, self.now)
            answer, context = "opted_out", sender_name
        elif reply.intent == Intent.START:
            lifecycle.opt_in_contact(self.session, contact)
            answer, context = "opted_in", sender_name
        elif reply.intent == Intent.HELP:
            answer, context = "help", {"question": None}
        elif reply.intent == Intent.OK:
            answer, context, patient = self._acknowledge(contact, reply.ref, inbound)
        else:
            inbound.outcome = f"from contact {contact.id} of patient {contact.patient_id}: stored"
            return None
        inbound.outcome = inbound.outcome or f"contact {contact.id}: {answer}"
        self.session.add(contact)
        return self._queue_answer(patient, inbound, answer, context, contact=contact)

    def _acknowledge(
        self, contact: Contact, ref: int | None, inbound: InboundMessage
    ) -> tuple[str, dict[str, Any], Patient]:
        """OK acknowledges the newest open alert sent to this person; OK 12 names one, for a nurse
        who looks after several patients."""
        rows = list(
            self.session.exec(
                select(Contact).where(
                    sa.or_(Contact.phone == inbound.sender, Contact.email == inbound.sender)
                )
            )
        )
        position = {row.patient_id: row.position for row in rows}
        open_alerts = escalation.open_alerts_for(self.session, rows)
        if ref is not None:
            alert = next((a for a in open_alerts if a.id == ref), None)
        else:
            told = [a for a in open_alerts if position[a.patient_id] <= a.notified_position]
            alert = (told or open_alerts or [None])[0]
        home = self.session.get(Patient, alert.patient_id if alert else contact.patient_id)
        assert home is not None
        if alert is None:
            others = self._alert_list(open_alerts)
            if ref is not None:
                inbound.outcome = f"OK {ref}: no such open alert for this contact"
                return "alert_not_found", {"ref": ref, "others": others}, home
            inbound.outcome = "OK: no open alert"
            return "no_open_alert", {}, home
        by = next(row for row in rows if row.patient_id == alert.patient_id)
        if escalation.acknowledge(self.session, self.settings, alert, self.now, by):
            inbound.outcome = f"alert {alert.id} acknowledged by contact {by.id}"
        else:
            inbound.outcome = (
                f"alert {alert.id} was acknowledged meanwhile by {alert.acknowledged_note}"
            )
        context = {
            "alert_id": alert.id,
            "patient": home.name,
            "kind": str(alert.kind),
            "others": self._alert_list([a for a in open_alerts if a.id != alert.id]),
        }
        return "alert_acknowledged", context, home

    def _alert_list(self, alerts: list[Alert]) -> list[dict[str, Any]]:
        listed = []
        for alert in alerts:
            patient = self.session.get(Patient, alert.patient_id)
            listed.append({"id": alert.id, "patient": patient.name if patient else "?"})
        return listed

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
        row = message_values(
            key=f"reply:{inbound.id}",
            patient=patient,
            kind=MessageKind.REPLY,
            template="reply",
            context=context,
            send_at=self.now,
            now=self.now,
            contact=contact,
        )
        # The stored text is new, so its answer's key is too: one INSERT that returns the row's id.
        return self.session.execute(
            sa.insert(Message).values(row).returning(Message.id)
        ).scalar_one()


def _newest(prompts: Any) -> CheckIn | None:
    """The question asked most recently."""
    return max(prompts, key=lambda p: (checkins.last_asked(p), p.id or 0), default=None)


def _reached(alert: Alert) -> bool:
    """Whether an alert went to anyone: a contact, or the fallback address."""
    return alert.notified_position > 0 or alert.fallback_at is not None


def _summary(prompt: CheckIn) -> str:
    parts = [
        f"flu {prompt.flu_score}" if prompt.flu_score is not None else "",
        f"site {prompt.site_score}" if prompt.site_score is not None else "",
        {True: "symptom yes", False: "symptom no", None: ""}[prompt.neuro],
        "fever" if prompt.fever else "",
        " ".join(prompt.symptoms),
    ]
    state = "answered" if prompt.status == CheckInStatus.ANSWERED else "partly answered"
    return f"{state}: " + ", ".join(p for p in parts if p)


def _storable(text: str) -> str:
    """The text with NUL as U+FFFD: PostgreSQL text cannot hold NUL, and refusing the row would lose
    the message (and a provider would retry it for ever)."""
    return text.replace("\x00", "\ufffd")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
