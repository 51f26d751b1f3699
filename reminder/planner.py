"""One tick: ask the database what is due and write it as Dose, CheckIn and Message rows.

Each patient carries ``next_action_at``, the earliest moment something may be due for them (a
reminder, a nudge, a check-in or its re-ask, a follow-up, a lab reminder, a question closing); a tick
reads only patients whose moment has come (row-locked with SKIP LOCKED on PostgreSQL, so two
workers share the work), plans them, and sets their next moment. Alerts carry their own
``escalate_at``, read the same way. Messages are written with idempotency keys, so a repeated or
concurrent tick never writes one twice.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from reminder import checkins, escalation, regimen
from reminder.clock import Clock
from reminder.config import Settings
from reminder.db import session_scope
from reminder.models import (
    CheckIn,
    CheckInKind,
    CheckInStatus,
    Dose,
    DoseStatus,
    Heartbeat,
    Message,
    MessageKind,
    MessageStatus,
    Patient,
    PatientStatus,
)
from reminder.outbox import TIME_BOUND_KINDS, cancel_queued, enqueue

log = logging.getLogger("reminder.planner")

# Never look at a patient again sooner than this, even if a rule asks for it: a guard against a
# rule that keeps reporting "due now" and would spin the tick.
_MIN_REVISIT = timedelta(seconds=1)


@dataclass
class TickStats:
    patients: int = 0
    messages: int = 0
    cancelled: int = 0
    doses_missed: int = 0
    alerts: int = 0  # new alerts raised
    escalated: int = 0  # open alerts moved on to their next person


def preferences(patient: Patient, settings: Settings) -> regimen.Preferences:
    return regimen.Preferences(
        zone=ZoneInfo(patient.timezone),
        dose_time=patient.dose_time,
        quiet_start=patient.quiet_start,
        quiet_end=patient.quiet_end,
        min_hours_between_doses=settings.schedule.min_hours_between_doses,
    )


def first_name(patient: Patient) -> str:
    return patient.name.split()[0] if patient.name.split() else patient.name


def open_dose(session: Session, patient_id: int) -> Dose | None:
    """The one pending dose of a patient, if any: the only dose a reply can apply to."""
    statement = select(Dose).where(Dose.patient_id == patient_id, Dose.status == DoseStatus.PENDING)
    return session.exec(statement.order_by(col(Dose.day).desc())).first()


def last_taken_dose(session: Session, patient_id: int) -> Dose | None:
    statement = select(Dose).where(Dose.patient_id == patient_id, Dose.status == DoseStatus.TAKEN)
    return session.exec(statement.order_by(col(Dose.taken_at).desc())).first()


def last_site(session: Session, patient_id: int) -> str | None:
    statement = select(Dose.site).where(
        Dose.patient_id == patient_id, Dose.status == DoseStatus.TAKEN, col(Dose.site).is_not(None)
    )
    return session.exec(statement.order_by(col(Dose.taken_at).desc()).limit(1)).first()


@dataclass(frozen=True)
class Proposal:
    """The next dose as the rules place it, before it is written."""

    next: regimen.NextDose
    titration: regimen.Titration
    site: str | None
    last_taken: Dose | None


def propose_next_dose(session: Session, patient: Patient, settings: Settings) -> Proposal:
    """Apply the missed-dose rule to the patient's history: the next dose follows the last one taken."""
    assert patient.id is not None
    taken = last_taken_dose(session, patient.id)
    closed = select(sa.func.max(Dose.day)).where(
        Dose.patient_id == patient.id,
        col(Dose.status).in_([DoseStatus.MISSED, DoseStatus.SKIPPED, DoseStatus.TAKEN]),
    )
    last_closed_day: date | None = session.exec(closed).one()
    upcoming = regimen.next_dose(
        preferences(patient, settings),
        start=patient.start_date,
        last_taken=taken.taken_at if taken else None,
        last_closed_day=last_closed_day,
        not_before=patient.active_since,
    )
    return Proposal(
        next=upcoming,
        titration=regimen.titration_dose(
            patient.start_date, upcoming.day, full_dose=patient.full_dose
        ),
        site=regimen.next_site(last_site(session, patient.id), frozenset(patient.injured_sites)),
        last_taken=taken,
    )


def plan_next_dose(session: Session, patient: Patient, settings: Settings, now: datetime) -> Dose:
    """Write the next pending dose."""
    proposal = propose_next_dose(session, patient, settings)
    dose = Dose(
        patient_id=patient.id,
        day=proposal.next.day,
        scheduled_at=proposal.next.at,
        window_end=regimen.dose_window_end(proposal.next.day, preferences(patient, settings)),
        why=proposal.next.why.value,
        dose_mcg=proposal.titration.dose_mcg,
        volume_ml=proposal.titration.volume_ml,
        suggested_site=proposal.site,
        created_at=now,
    )
    session.add(dose)
    session.flush()
    return dose


def _dose_context(patient: Patient, dose: Dose, at: datetime) -> dict[str, object]:
    return {
        "name": first_name(patient),
        "volume_ml": dose.volume_ml,
        "dose_mcg": dose.dose_mcg,
        "site": dose.suggested_site,
        "at": at.isoformat(),
        "snoozed": False,
    }


class PatientPlanner:
    """Plans one patient at one moment; returns when that patient next needs a look."""

    def __init__(self, session: Session, settings: Settings, now: datetime, stats: TickStats):
        self.session = session
        self.settings = settings
        self.now = now
        self.stats = stats
        self.grace = settings.schedule.late_send_grace()

    def plan(self, patient: Patient) -> datetime | None:
        assert patient.id is not None
        if patient.status == PatientStatus.OPTED_OUT:
            return None  # START sets next_action_at again
        if patient.status == PatientStatus.PAUSED:
            if patient.paused_until is not None and self.now < patient.paused_until:
                return patient.paused_until
            resume_at = patient.paused_until or self.now
            patient.status, patient.paused_until, patient.active_since = (
                PatientStatus.ACTIVE,
                None,
                resume_at,
            )
        self.review = False
        candidates = [self._plan_dose(patient), self._plan_labs(patient)]
        prompts = self._plan_prompts(patient)
        if self.review:
            # A dose missed or a question left unanswered may complete a rule; what it raises
            # (a site flagged, so a "has it healed?" question) is planned in the same pass.
            raised = escalation.review(self.session, self.settings, patient, self.now)
            self.stats.alerts += sum(1 for r in raised if r.new)
            prompts = self._plan_prompts(patient)
        upcoming = [moment for moment in [*candidates, prompts] if moment is not None]
        return max(min(upcoming), self.now + _MIN_REVISIT) if upcoming else None

    def _enqueue(
        self,
        patient: Patient,
        dose: Dose | None,
        key: str,
        kind: MessageKind,
        template: str,
        context: dict[str, object],
        send_at: datetime,
        *,
        reason: str | None = None,
    ) -> datetime:
        """Write one message (cancelled if ``reason``); return when it goes out."""
        return self._write(patient, dose, key, kind, template, context, send_at, reason=reason)[0]

    def _write(
        self,
        patient: Patient,
        dose: Dose | None,
        key: str,
        kind: MessageKind,
        template: str,
        context: dict[str, object],
        send_at: datetime,
        *,
        reason: str | None = None,
    ) -> tuple[datetime, str | None]:
        """Write one message; return when it goes out, and why it was cancelled instead, if it was."""
        if reason is None:
            # A catch-up after downtime never wakes anyone: it waits for the end of quiet hours,
            # and a time-bound one that would then be past the grace is not sent at all.
            held = regimen.outside_quiet_hours(self.now, preferences(patient, self.settings))
            if kind in TIME_BOUND_KINDS and held - send_at > self.grace:
                quiet = f", then quiet hours until {held:%H:%M} UTC" if held > self.now else ""
                reason = (
                    f"too late: due {send_at:%Y-%m-%d %H:%M} UTC and nothing ran until "
                    f"{self.now:%Y-%m-%d %H:%M} UTC{quiet} (grace {self.grace})"
                )
            elif held > self.now:
                send_at = held
        written = enqueue(
            self.session,
            key=key,
            patient=patient,
            kind=kind,
            template=template,
            context=context,
            send_at=send_at,
            now=self.now,
            dose_id=dose.id if dose else None,
            cancelled_because=reason,
        )
        if written:
            self.stats.messages += 1
            if reason:
                self.stats.cancelled += 1
                log.warning("patient %s: %s %s", patient.id, key, reason)
        return send_at, reason

    def _plan_dose(self, patient: Patient) -> datetime | None:
        assert patient.id is not None
        prefs = preferences(patient, self.settings)
        dose = open_dose(self.session, patient.id) or plan_next_dose(
            self.session, patient, self.settings, self.now
        )
        while self.now >= dose.window_end:
            dose.status, dose.closed_at = DoseStatus.MISSED, dose.window_end
            self.stats.doses_missed += 1
            self.review = True
            cancel_queued(self.session, reason="dose window closed", dose_id=dose.id)
            # A reminder that never went out is recorded as cancelled, with the reason: never silent.
            self._ensure_reminder(patient, dose, prefs, closed=True)
            self.session.flush()
            dose = plan_next_dose(self.session, patient, self.settings, self.now)
        return self._ensure_reminder(patient, dose, prefs)

    def _ensure_reminder(
        self, patient: Patient, dose: Dose, prefs: regimen.Preferences, *, closed: bool = False
    ) -> datetime | None:
        """Write whichever of reminder, re-reminder and nudge has come due; return the next moment."""
        reminder_at = regimen.outside_quiet_hours(dose.scheduled_at, prefs)
        written = self.session.exec(
            select(Message.idempotency_key, Message.send_at, Message.created_at).where(
                Message.dose_id == dose.id
            )
        )
        # When each message went out, or would have: a catch-up counts from when it was written.
        out_at = {key: max(send_at, created_at) for key, send_at, created_at in written}
        upcoming: list[datetime] = [dose.window_end]
        base = f"dose:{dose.id}"
        if f"{base}:reminder" not in out_at:
            if self.now < reminder_at and not closed:
                return min(reminder_at, dose.window_end)
            sent_at = self._enqueue(
                patient,
                dose,
                f"{base}:reminder",
                MessageKind.REMINDER,
                "reminder",
                _dose_context(patient, dose, dose.scheduled_at),
                reminder_at,
                reason="the dose window closed before the reminder went out" if closed else None,
            )
            out_at[f"{base}:reminder"] = max(sent_at, self.now)
        if dose.status != DoseStatus.PENDING:
            return None
        if dose.snoozed_until is not None:
            if self.now >= dose.snoozed_until:
                context = _dose_context(patient, dose, dose.scheduled_at) | {"snoozed": True}
                self._enqueue(
                    patient,
                    dose,
                    f"{base}:snooze:{dose.snooze_count}",
                    MessageKind.REMINDER,
                    "reminder",
                    context,
                    dose.snoozed_until,
                )
                dose.snoozed_until = None
            else:
                upcoming.append(dose.snoozed_until)
        elif dose.snooze_count == 0 and f"{base}:nudge" not in out_at:
            # One nudge per reminder, and only in waking hours; a LATER replaces it. It follows the
            # reminder as it went out, so a late reminder and its nudge never arrive together.
            nudge_at = regimen.outside_quiet_hours(
                out_at[f"{base}:reminder"] + self.settings.schedule.nudge_after(), prefs
            )
            if nudge_at < dose.window_end:
                if self.now >= nudge_at:
                    self._enqueue(
                        patient,
                        dose,
                        f"{base}:nudge",
                        MessageKind.NUDGE,
                        "nudge",
                        _dose_context(patient, dose, dose.scheduled_at),
                        nudge_at,
                    )
                else:
                    upcoming.append(nudge_at)
        return min(upcoming)

    def _plan_prompts(self, patient: Patient) -> datetime | None:
        """Write the check-in for the last dose taken, a "has it healed?" question for each injured
        site, and ask, re-ask or close each question whose moment has come; return the next moment."""
        assert patient.id is not None
        taken = last_taken_dose(self.session, patient.id)
        if taken is not None and taken.taken_at is not None:
            checkin = checkins.checkin_for(taken, patient, self.now)
            if checkin.expires_at > self.now:
                checkins.add(self.session, checkin)
        live = checkins.live(self.session, patient.id)
        asked_about = {p.site for p in live if p.kind == CheckInKind.SITE_HEAL}
        for site in patient.injured_sites:
            if site not in asked_about:
                question = checkins.heal_question_for(patient, site, self.now, self.settings)
                live.append(checkins.add(self.session, question))
        upcoming = [self._advance(patient, prompt) for prompt in live]
        present = [moment for moment in upcoming if moment is not None]
        return min(present) if present else None

    def _advance(self, patient: Patient, prompt: CheckIn) -> datetime | None:
        """Ask, re-ask or close one question as its moments come; return its next moment."""
        if prompt.status == CheckInStatus.PLANNED:
            if self.now < prompt.due_at:
                return prompt.due_at
            if self.now >= prompt.expires_at:
                reason = f"not asked: nothing ran before it closed at {prompt.expires_at:%Y-%m-%d %H:%M} UTC"
                checkins.close(prompt, self.now, CheckInStatus.CANCELLED, reason)
                self.session.add(prompt)
                return None
            # A question due in quiet hours (a follow-up a day after a late-night "yes") is meant
            # for the morning: it is not late when it waits for it.
            due = regimen.outside_quiet_hours(prompt.due_at, preferences(patient, self.settings))
            sent_at, reason = self._ask(patient, prompt, again=False, send_at=due)
            if reason is not None:
                checkins.close(prompt, self.now, CheckInStatus.CANCELLED, reason)
                self.session.add(prompt)
                return None
            prompt.status, prompt.asked_at = CheckInStatus.OPEN, sent_at
        if self.now >= prompt.expires_at:
            checkins.expire(prompt)
            self.session.add(prompt)
            self.review = True
            return None
        upcoming = [prompt.expires_at]
        if prompt.reask_at is not None and prompt.reasked_at is None and not prompt.answered_at:
            if self.now < prompt.reask_at:
                upcoming.append(prompt.reask_at)
            else:
                send_at = regimen.outside_quiet_hours(
                    prompt.reask_at, preferences(patient, self.settings)
                )
                if send_at < prompt.expires_at:
                    sent_at, reason = self._ask(patient, prompt, again=True, send_at=send_at)
                    prompt.reasked_at = sent_at if reason is None else None
                if prompt.reasked_at is None:
                    prompt.reask_at = None  # too late to ask again before it closes
        self.session.add(prompt)
        return min(upcoming)

    def _ask(
        self, patient: Patient, prompt: CheckIn, *, again: bool, send_at: datetime
    ) -> tuple[datetime, str | None]:
        kind, template = {
            CheckInKind.CHECKIN: (MessageKind.CHECKIN, "checkin"),
            CheckInKind.FOLLOWUP: (MessageKind.FOLLOWUP, "followup"),
            CheckInKind.SITE_HEAL: (MessageKind.FOLLOWUP, "site_heal"),
        }[CheckInKind(prompt.kind)]
        context: dict[str, object] = {"name": first_name(patient), "again": again}
        if prompt.kind == CheckInKind.FOLLOWUP:
            # followup_for dates the question from the "yes" that started the screen.
            context |= {
                "reported_at": prompt.created_at.isoformat(),
                "symptoms": list(prompt.symptoms),
            }
        elif prompt.kind == CheckInKind.SITE_HEAL:
            context |= {"site": prompt.site}
        key = prompt.key + (":reask" if again else "")
        return self._write(patient, None, key, kind, template, context, send_at)

    def _plan_labs(self, patient: Patient) -> datetime | None:
        zone = ZoneInfo(patient.timezone)
        if patient.next_lab_on is None:
            patient.next_lab_on = regimen.next_lab_date(
                patient.start_date, regimen.local_date(patient.created_at, zone)
            )
        lab_at = regimen.at_local(patient.next_lab_on, patient.checkin_time, zone)
        if self.now < lab_at:
            return lab_at
        self._enqueue(
            patient,
            None,
            f"lab:{patient.id}:{patient.next_lab_on.isoformat()}",
            MessageKind.LAB,
            "lab",
            {"name": first_name(patient), "on": patient.next_lab_on.isoformat()},
            lab_at,
        )
        patient.next_lab_on = regimen.next_lab_date(
            patient.start_date, patient.next_lab_on + timedelta(days=1)
        )
        return regimen.at_local(patient.next_lab_on, patient.checkin_time, zone)


def replan(session: Session, patient: Patient, settings: Settings, now: datetime) -> TickStats:
    """Plan one patient now (after enrolment or a reply), in the caller's transaction."""
    stats = TickStats(patients=1)
    patient.next_action_at = PatientPlanner(session, settings, now, stats).plan(patient)
    session.add(patient)
    return stats


def tick(
    engine: Engine, settings: Settings, clock: Clock, stop: threading.Event | None = None
) -> TickStats:
    """Plan every patient whose next moment has come, a batch per transaction."""
    now = clock.now()
    stats = TickStats()
    batch = settings.outbox.batch_size
    while True:
        with session_scope(engine) as session:
            due = (
                select(Patient)
                .where(col(Patient.next_action_at).is_not(None), Patient.next_action_at <= now)
                .order_by(col(Patient.next_action_at), col(Patient.id))
                .limit(batch)
                .with_for_update(skip_locked=True)
            )
            patients = list(session.exec(due))
            planner = PatientPlanner(session, settings, now, stats)
            for patient in patients:
                patient.next_action_at = planner.plan(patient)
                session.add(patient)
            stats.patients += len(patients)
        if len(patients) < batch or (stop is not None and stop.is_set()):
            break
    while not (stop is not None and stop.is_set()):
        with session_scope(engine) as session:
            moved = escalation.escalate_due(session, settings, now, batch)
        stats.escalated += moved
        if moved < batch:
            break
    beat(engine, "planner", now, f"{stats.patients} patients, {stats.messages} messages")
    return stats


def next_due(engine: Engine) -> datetime | None:
    """The earliest moment anything is due: a patient to plan, an alert to escalate or a queued
    message to send."""
    with session_scope(engine) as session:
        moments = [
            session.exec(select(sa.func.min(Patient.next_action_at))).one(),
            escalation.next_escalation(session),
            session.exec(
                select(sa.func.min(Message.next_attempt_at)).where(
                    Message.status == MessageStatus.QUEUED
                )
            ).one(),
        ]
    present = [moment for moment in moments if moment is not None]
    return min(present) if present else None


def beat(engine: Engine, name: str, now: datetime, detail: str) -> None:
    """Record that a loop completed, for /healthz and `reminder` status output."""
    # One upsert: two first ticks at once must not both try to insert the row.
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Heartbeat).values(name=name, at=now, detail=detail)
    statement = statement.on_conflict_do_update(
        index_elements=["name"], set_={"at": statement.excluded.at, "detail": detail}
    )
    with session_scope(engine) as session:
        session.execute(statement)
