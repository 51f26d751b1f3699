"""One tick: ask the database what is due and write it as Dose, CheckIn and Message rows.

Each patient carries ``next_action_at``, the earliest moment something may be due for them (a
reminder, a nudge, a check-in or its re-ask, a follow-up, a lab reminder, a question closing); a tick
reads only patients whose moment has come (row-locked with SKIP LOCKED on PostgreSQL, so two
workers share the work), plans them a batch at a time, and sets their next moment. Alerts carry their own
``escalate_at``, read the same way. Messages are written with idempotency keys, so a repeated or
concurrent tick never writes one twice.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from reminder import doses, escalation, regimen
from reminder.clock import Clock
from reminder.config import Settings
from reminder.db import in_chunks, session_scope
from reminder.due import beat
from reminder.models import (
    CheckIn,
    Dose,
    DoseStatus,
    FailureCode,
    Message,
    MessageKind,
    Patient,
    PatientStatus,
)
from reminder.prompt_plan import PromptPlanner, first_name
from reminder.queue import TIME_BOUND_KINDS, cancel_queued, insert_messages, message_values

log = logging.getLogger("reminder.planner")

# Never look at a patient again sooner than this, even if a rule asks for it: a guard against a
# rule that keeps reporting "due now" and would spin the tick.
_MIN_REVISIT = timedelta(seconds=1)
_WINDOW_CLOSED = "the dose window closed before the reminder went out"


@dataclass
class TickStats:
    patients: int = 0
    messages: int = 0
    cancelled: int = 0
    doses_missed: int = 0
    alerts: int = 0  # new alerts raised
    escalated: int = 0  # open alerts moved on to their next person


def _dose_context(patient: Patient, dose: Dose, at: datetime) -> dict[str, object]:
    return {
        "name": first_name(patient),
        "volume_ml": dose.volume_ml,
        "dose_mcg": dose.dose_mcg,
        "site": dose.suggested_site,
        "at": at.isoformat(),
        "snoozed": False,
    }


@dataclass
class Known:
    """What a pass knows of one patient's doses and questions, read with the rest of its batch."""

    dose: Dose | None = None  # the pending dose
    last_taken: Dose | None = None
    last_closed_day: date | None = None
    last_site: str | None = None
    live: list[CheckIn] = field(default_factory=list)  # planned and open questions, oldest first
    checkin: CheckIn | None = None  # the check-in last_taken calls for, unless written already
    last_screen_at: datetime | None = None  # when the last PHQ-2 was due


@dataclass
class _Pending:
    """A message row waiting for the batch's single INSERT."""

    row: dict[str, Any]
    patient_id: int


class PatientPlanner:
    """Plans a batch of patients at one moment, each up to the moment they next need a look.

    Each step reads what it needs for the whole batch in a few statements and the messages are
    written in one INSERT at the end, so the cost of a tick grows with the number due, at a few
    statements per batch rather than per patient.
    """

    def __init__(self, session: Session, settings: Settings, now: datetime, stats: TickStats):
        self.session = session
        self.settings = settings
        self.now = now
        self.stats = stats
        self.grace = settings.schedule.late_send_grace()
        self.known: dict[int, Known] = {}
        self.out_at: dict[int, dict[str, datetime]] = {}  # dose id -> key -> when it goes out
        self.reminded: set[int] = set()  # doses whose reminder, nudge or re-reminder went out
        self.not_sent: dict[int, str] = {}  # dose id -> why its reminder was cancelled
        self.pending: list[_Pending] = []
        self.to_review: set[int] = set()
        self.prompts = PromptPlanner(session, settings, now, self._write, self.to_review)

    def plan(self, patients: list[Patient]) -> None:
        """Set each patient's ``next_action_at``, writing whatever has come due on the way."""
        awake = [patient for patient in patients if self._awake(patient)]
        self._read(awake)
        self._settle_doses(awake)
        self._read_messages([self._pending_dose(patient) for patient in awake])
        for patient in awake:
            patient.next_action_at = self._plan_rest(patient)
        self._write_pending()

    def _awake(self, patient: Patient) -> bool:
        """Resume a pause that has ended; False (with the moment to look again) for one that has
        not, and for an opted-out patient."""
        if patient.status == PatientStatus.OPTED_OUT:
            patient.next_action_at = None  # START sets next_action_at again
            return False
        if patient.status == PatientStatus.PAUSED:
            if patient.paused_until is not None and self.now < patient.paused_until:
                patient.next_action_at = patient.paused_until
                return False
            resume_at = patient.paused_until or self.now
            patient.status, patient.paused_until, patient.active_since = (
                PatientStatus.ACTIVE,
                None,
                resume_at,
            )
        return True

    def _read(self, patients: list[Patient]) -> None:
        """Read the batch's pending doses, last doses taken, live questions and their check-ins."""
        ids = [patient.id for patient in patients if patient.id is not None]
        self.known = {patient_id: Known() for patient_id in ids}
        for patient_id, dose in doses.pending_doses(self.session, ids).items():
            self.known[patient_id].dose = dose
        for patient_id, dose in doses.last_taken_doses(self.session, ids).items():
            self.known[patient_id].last_taken = dose
        self.prompts.read(patients, self.known)

    def _read_dose_history(self, patients: list[Patient]) -> None:
        """The last day closed and the last site used, for patients whose next dose is planned."""
        ids = [patient.id for patient in patients if patient.id is not None]
        for patient_id, day in doses.last_closed_days(self.session, ids).items():
            self.known[patient_id].last_closed_day = day
        for patient_id, site in doses.last_sites(self.session, ids).items():
            self.known[patient_id].last_site = site

    def _read_messages(self, planned: list[Dose]) -> None:
        """When each message of these doses went out, or would have: a catch-up counts from when
        it was written."""
        ids = [dose.id for dose in planned if dose.id is not None and dose.id not in self.out_at]
        for dose_id in ids:
            self.out_at[dose_id] = {}
        for chunk in in_chunks(ids):
            written = select(
                Message.dose_id,
                Message.idempotency_key,
                Message.send_at,
                Message.created_at,
                Message.sent_at,
                Message.failed_reason,
            ).where(col(Message.dose_id).in_(chunk))
            for dose_id, key, send_at, created_at, sent_at, reason in self.session.exec(written):
                assert dose_id is not None
                self.out_at[dose_id][key] = max(send_at, created_at)
                if sent_at is not None:
                    self.reminded.add(dose_id)
                elif reason and key.endswith(":reminder"):
                    self.not_sent[dose_id] = reason

    def _settle_doses(self, patients: list[Patient]) -> None:
        """Give each patient a pending dose whose window is still open: the doses whose window
        closed unanswered are missed (their reminder, if it never went out, recorded as cancelled
        with the reason: never silent), and the next is planned from what came before."""
        history_read: set[int] = set()
        unsettled = patients
        while unsettled:
            undosed = [p for p in unsettled if self._known(p).dose is None]
            self._read_dose_history([p for p in undosed if p.id not in history_read])
            history_read.update(p.id or 0 for p in undosed)
            for dose in self._add_doses([self._new_dose(p) for p in undosed]):
                self.known[dose.patient_id].dose = dose
                self.out_at[dose.id or 0] = {}
            pending = {p.id: self._pending_dose(p) for p in unsettled}
            closing = [p for p in unsettled if self.now >= pending[p.id].window_end]
            self._read_messages([pending[p.id] for p in closing])
            for patient in closing:
                self._miss(patient)
            unsettled = closing

    def _known(self, patient: Patient) -> Known:
        return self.known[patient.id or 0]

    def _pending_dose(self, patient: Patient) -> Dose:
        dose = self._known(patient).dose
        assert dose is not None, "every patient planned has a pending dose once it is settled"
        return dose

    def _new_dose(self, patient: Patient) -> dict[str, Any]:
        """The row of the patient's next dose, placed by the rules on what came before."""
        known = self._known(patient)
        proposal = doses.propose(
            patient, self.settings, known.last_taken, known.last_closed_day, known.last_site
        )
        return {
            "patient_id": patient.id,
            "day": proposal.next.day,
            "scheduled_at": proposal.next.at,
            "window_end": regimen.dose_window_end(
                proposal.next.day, doses.preferences(patient, self.settings)
            ),
            "why": proposal.next.why.value,
            "dose_mcg": proposal.titration.dose_mcg,
            "volume_ml": proposal.titration.volume_ml,
            "suggested_site": proposal.site,
            "status": DoseStatus.PENDING.value,
            "site_reported": False,
            "snooze_count": 0,
            "created_at": self.now,
        }

    def _add_doses(self, rows: list[dict[str, Any]]) -> list[Dose]:
        """Insert new doses in one statement and read them back as objects of this session.

        Cheaper than the ORM's unit of work, which builds each object through pydantic and, on
        SQLite, inserts them one at a time to learn their ids; and a plain executemany, since
        RETURNING over many rows makes psycopg rewrite one huge statement (about 0.1 ms a row).
        Each of these patients had no pending dose, so the new ones are theirs.
        """
        if not rows:
            return []
        self.session.execute(sa.insert(Dose), rows)
        ids = [row["patient_id"] for row in rows]
        planned = select(Dose).where(
            col(Dose.patient_id).in_(ids), Dose.status == DoseStatus.PENDING
        )
        return list(self.session.exec(planned))

    def _miss(self, patient: Patient) -> None:
        known = self._known(patient)
        dose = self._pending_dose(patient)
        assert dose.id is not None
        # Only a dose the patient was reminded of can be the patient's lapse.
        reminded = dose.id in self.reminded
        dose.status = DoseStatus.MISSED if reminded else DoseStatus.UNCONFIRMED
        dose.closed_at = dose.window_end
        if not reminded:
            why = self.not_sent.get(dose.id, _WINDOW_CLOSED)
            log.warning(
                "patient %s: dose %s unconfirmed: no reminder was sent (%s)",
                patient.id,
                dose.id,
                why,
            )
        known.dose = None
        known.last_closed_day = max(filter(None, [known.last_closed_day, dose.day]))
        self.stats.doses_missed += 1
        self.to_review.add(patient.id or 0)
        cancel_queued(
            self.session,
            reason="dose window closed",
            code=FailureCode.WINDOW_CLOSED,
            dose_id=dose.id,
        )
        self._ensure_reminder(patient, dose, doses.preferences(patient, self.settings), closed=True)

    def _plan_rest(self, patient: Patient) -> datetime | None:
        """Reminders and nudges of the pending dose, lab reminders and questions; return the
        earliest moment the patient needs a look again."""
        dose = self._pending_dose(patient)
        candidates = [
            self._ensure_reminder(patient, dose, doses.preferences(patient, self.settings)),
            self.prompts.plan_labs(patient),
            self.prompts.plan_refill(patient),
        ]
        prompts = self.prompts.plan_prompts(patient, self._known(patient))
        if patient.id in self.to_review:
            # A dose missed or a question left unanswered may complete a rule; what it raises
            # (a site flagged, so a "has it healed?" question) is planned in the same pass.
            raised = escalation.review(self.session, self.settings, patient, self.now)
            self.stats.alerts += sum(1 for r in raised if r.new)
            prompts = self.prompts.plan_prompts(patient, self._known(patient))
        upcoming = [moment for moment in [*candidates, prompts] if moment is not None]
        return max(min(upcoming), self.now + _MIN_REVISIT) if upcoming else None

    def _write_pending(self) -> None:
        """Write the batch's messages in one statement; count and log what was new."""
        pending, self.pending = self.pending, []
        written = insert_messages(self.session, [p.row for p in pending])
        for message in pending:
            key = message.row["idempotency_key"]
            if key not in written:
                continue  # an earlier or concurrent pass wrote it
            written.discard(key)
            self.stats.messages += 1
            if message.row["failed_reason"]:
                self.stats.cancelled += 1
                log.warning(
                    "patient %s: %s %s", message.patient_id, key, message.row["failed_reason"]
                )

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
        closed: bool = False,
    ) -> tuple[datetime, str | None]:
        """Write one message (cancelled at once when its dose's window has ``closed``); return when it
        goes out, and why it was cancelled instead, if it was."""
        reason, code = (_WINDOW_CLOSED, FailureCode.WINDOW_CLOSED) if closed else (None, None)
        if not closed:
            # A catch-up after downtime never wakes anyone: it waits for the end of quiet hours,
            # and a time-bound one that would then be past the grace is not sent at all.
            held = regimen.outside_quiet_hours(self.now, doses.preferences(patient, self.settings))
            if kind in TIME_BOUND_KINDS and held - send_at > self.grace:
                quiet = f", then quiet hours until {held:%H:%M} UTC" if held > self.now else ""
                reason = (
                    f"too late: due {send_at:%Y-%m-%d %H:%M} UTC and nothing ran until "
                    f"{self.now:%Y-%m-%d %H:%M} UTC{quiet} (grace {self.grace})"
                )
                code = FailureCode.TOO_LATE
            elif held > self.now:
                send_at = held
        row = message_values(
            key=key,
            patient=patient,
            kind=kind,
            template=template,
            context=context,
            send_at=send_at,
            now=self.now,
            dose_id=dose.id if dose else None,
            cancelled_because=reason,
            cancelled_code=code or FailureCode.CANCELLED,
        )
        self.pending.append(_Pending(row, patient.id or 0))
        if dose is not None and dose.id is not None:
            self.out_at.setdefault(dose.id, {})[key] = max(send_at, self.now)
        return send_at, reason

    def _ensure_reminder(
        self, patient: Patient, dose: Dose, prefs: regimen.Preferences, *, closed: bool = False
    ) -> datetime | None:
        """Write whichever of reminder, re-reminder and nudge has come due; return the next moment."""
        reminder_at = regimen.outside_quiet_hours(dose.scheduled_at, prefs)
        assert dose.id is not None
        out_at = self.out_at[dose.id]
        upcoming: list[datetime] = [dose.window_end]
        base = f"dose:{dose.id}"
        if f"{base}:reminder" not in out_at:
            if self.now < reminder_at and not closed:
                return min(reminder_at, dose.window_end)
            self._write(
                patient,
                dose,
                f"{base}:reminder",
                MessageKind.REMINDER,
                "reminder",
                _dose_context(patient, dose, dose.scheduled_at),
                reminder_at,
                closed=closed,
            )
        if dose.status != DoseStatus.PENDING:
            return None
        if dose.snoozed_until is not None:
            if self.now >= dose.snoozed_until:
                context = _dose_context(patient, dose, dose.scheduled_at) | {"snoozed": True}
                self._write(
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
                    self._write(
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


def replan(session: Session, patient: Patient, settings: Settings, now: datetime) -> TickStats:
    """Plan one patient now (after enrolment or a reply), in the caller's transaction."""
    stats = TickStats(patients=1)
    PatientPlanner(session, settings, now, stats).plan([patient])
    session.add(patient)
    return stats


def tick(
    engine: Engine, settings: Settings, clock: Clock, stop: threading.Event | None = None
) -> TickStats:
    """Plan every patient whose next moment has come, a batch per transaction."""
    now = clock.now()
    stats = TickStats()
    batch = settings.daemon.plan_batch_size
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
            PatientPlanner(session, settings, now, stats).plan(patients)
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
