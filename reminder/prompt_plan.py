"""A patient's questions and care reminders within a tick: check-ins, follow-ups, "has it healed?"
questions and the PHQ-2 written, asked, re-asked or closed as their moments come, and the lab and
refill reminders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from reminder import care, checkins, doses, labs, regimen, screening, supply
from reminder.config import Settings
from reminder.db import in_chunks
from reminder.models import CheckIn, CheckInKind, CheckInStatus, Dose, MessageKind, Patient

if TYPE_CHECKING:
    from reminder.planner import Known

# The planner's writer: (patient, dose, key, kind, template, context, send_at) -> when the message
# goes out, and why it was cancelled instead, if it was.
Write = Callable[
    [Patient, Dose | None, str, MessageKind, str, dict[str, object], datetime],
    tuple[datetime, str | None],
]


def first_name(patient: Patient) -> str:
    return patient.name.split()[0] if patient.name.split() else patient.name


class PromptPlanner:
    """Plans the questions, lab and refill reminders of one planner batch, writing through its
    writer; ``to_review`` collects the patients whose question closed unanswered."""

    def __init__(
        self, session: Session, settings: Settings, now: datetime, write: Write, to_review: set[int]
    ) -> None:
        self.session = session
        self.settings = settings
        self.now = now
        self.write = write
        self.to_review = to_review

    def read(self, patients: list[Patient], known: dict[int, Known]) -> None:
        """Read the batch's live questions, last PHQ-2 and the check-in each last dose calls for
        (``known`` holds the last doses taken already)."""
        ids = [patient.id for patient in patients if patient.id is not None]
        by_id = {patient.id: patient for patient in patients}
        for chunk in in_chunks(ids):
            live = select(CheckIn).where(
                col(CheckIn.patient_id).in_(chunk), col(CheckIn.status).in_(checkins.LIVE)
            )
            for prompt in self.session.exec(live.order_by(col(CheckIn.due_at), col(CheckIn.id))):
                known[prompt.patient_id].live.append(prompt)
            if self.settings.screening.phq2_every_days:
                screens = (
                    select(CheckIn.patient_id, sa.func.max(CheckIn.due_at))
                    .where(col(CheckIn.patient_id).in_(chunk), CheckIn.kind == CheckInKind.PHQ2)
                    .group_by(col(CheckIn.patient_id))
                )
                for patient_id, due_at in self.session.exec(screens):
                    known[patient_id].last_screen_at = due_at
        for patient_id, one in known.items():
            if one.last_taken is not None and one.last_taken.taken_at is not None:
                one.checkin = checkins.checkin_for(one.last_taken, by_id[patient_id], self.now)
        calls_for = {k.checkin.key: k for k in known.values() if k.checkin is not None}
        for chunk in in_chunks(list(calls_for)):
            for key in self.session.exec(select(CheckIn.key).where(col(CheckIn.key).in_(chunk))):
                calls_for[key].checkin = None

    def plan_prompts(self, patient: Patient, known: Known) -> datetime | None:
        """Write the check-in for the last dose taken, a "has it healed?" question for each injured
        site, and ask, re-ask or close each question whose moment has come; return the next moment."""
        known.live = [prompt for prompt in known.live if prompt.status in checkins.LIVE]
        if known.checkin is not None:
            if known.checkin.expires_at > self.now:
                self.session.add(known.checkin)
                known.live.append(known.checkin)
                known.live.sort(key=lambda prompt: prompt.due_at)
            known.checkin = None
        live = known.live
        asked_about = {p.site for p in live if p.kind == CheckInKind.SITE_HEAL}
        for site in patient.injured_sites:
            if site not in asked_about:
                question = checkins.heal_question_for(patient, site, self.now, self.settings)
                live.append(checkins.add(self.session, question))
        screen_at = self._plan_screen(patient, known)
        upcoming = [self._advance(patient, prompt) for prompt in live]
        present = [moment for moment in [*upcoming, screen_at] if moment is not None]
        return min(present) if present else None

    def _plan_screen(self, patient: Patient, known: Known) -> datetime | None:
        """Write the PHQ-2 when its day has come (into the live questions, asked by _advance);
        return the moment to look again until then."""
        if any(p.kind == CheckInKind.PHQ2 for p in known.live):
            return None
        zone = ZoneInfo(patient.timezone)
        last = regimen.local_date(known.last_screen_at, zone) if known.last_screen_at else None
        since = max(patient.start_date, regimen.local_date(patient.created_at, zone))
        due = screening.due_day(last, since, self.settings.screening.phq2_every_days)
        if due is None:
            return None
        taken = known.last_taken.taken_at if known.last_taken else None
        day = screening.ask_day(
            due,
            regimen.local_date(self.now, zone),
            regimen.local_date(taken, zone) if taken else None,
            any(p.kind == CheckInKind.FOLLOWUP for p in known.live),
        )
        # The moment alone until then: a row is built only when it is written (most ticks).
        due_at = checkins.screen_due_at(patient, day)
        if self.now < due_at:
            return due_at
        screen = checkins.add(self.session, checkins.screen_for(patient, day, self.now))
        known.live.append(screen)
        known.last_screen_at = screen.due_at
        return self._advance(patient, screen)

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
            due = regimen.outside_quiet_hours(
                prompt.due_at, doses.preferences(patient, self.settings)
            )
            sent_at, reason = self._ask(patient, prompt, again=False, send_at=due)
            if reason is not None:
                checkins.close(prompt, self.now, CheckInStatus.CANCELLED, reason)
                self.session.add(prompt)
                return None
            prompt.status, prompt.asked_at = CheckInStatus.OPEN, sent_at
        if self.now >= prompt.expires_at:
            checkins.expire(prompt)
            self.session.add(prompt)
            self.to_review.add(patient.id or 0)
            return None
        upcoming = [prompt.expires_at]
        if prompt.reask_at is not None and prompt.reasked_at is None and not prompt.answered_at:
            if self.now < prompt.reask_at:
                upcoming.append(prompt.reask_at)
            else:
                send_at = regimen.outside_quiet_hours(
                    prompt.reask_at, doses.preferences(patient, self.settings)
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
            CheckInKind.PHQ2: (MessageKind.CHECKIN, "phq2"),
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
        return self.write(patient, None, key, kind, template, context, send_at)

    def plan_labs(self, patient: Patient) -> datetime | None:
        """The routine blood tests' reminder, and the thyroid test's for a thyroid history; each
        next one counts from the last test recorded (care.record_lab sets the dates anew)."""
        zone = ZoneInfo(patient.timezone)
        enrolled = regimen.local_date(patient.created_at, zone)
        if patient.next_lab_on is None:
            patient.next_lab_on = labs.routine_due(patient.start_date, None, enrolled)
        if patient.thyroid and patient.next_thyroid_on is None:
            patient.next_thyroid_on = care.thyroid_due(patient, self.settings, None, enrolled)
        moments = []
        for kinds, attribute in (
            (list(labs.ROUTINE), "next_lab_on"),
            (["thyroid"], "next_thyroid_on"),
        ):
            on: date | None = getattr(patient, attribute)
            if on is None:
                continue
            lab_at = regimen.at_local(on, patient.checkin_time, zone)
            if self.now >= lab_at:
                suffix = "" if attribute == "next_lab_on" else ":thyroid"
                context = {"name": first_name(patient), "on": on.isoformat(), "kinds": kinds}
                key = f"lab:{patient.id}{suffix}:{on.isoformat()}"
                self.write(patient, None, key, MessageKind.LAB, "lab", context, lab_at)
                # Not done since: the schedule goes on from the last test, past this reminder.
                on = care.next_lab_after(self.session, patient, self.settings, kinds, on)
                setattr(patient, attribute, on)
            if on is not None:
                moments.append(regimen.at_local(on, patient.checkin_time, zone))
        return min(moments) if moments else None

    def plan_refill(self, patient: Patient) -> datetime | None:
        """A refill reminder at the check-in time once the vials run low, every few days until a
        refill is recorded; at 0 vials it asks for a count instead."""
        at = self._refill_at(patient)
        if at is None or self.now < at:
            return at
        context = {
            "name": first_name(patient),
            "vials": patient.vials,
            "days": supply.days_covered(patient.vials or 0),
        }
        key = f"refill:{patient.id}:{at:%Y%m%dT%H%M}"
        send_at, _ = self.write(patient, None, key, MessageKind.REFILL, "refill", context, at)
        # After downtime the next one still comes repeat_days on, not at once.
        patient.refill_reminded_at = max(send_at, self.now)
        return self._refill_at(patient)

    def _refill_at(self, patient: Patient) -> datetime | None:
        rules = self.settings.supply
        return supply.refill_reminder_at(
            patient.vials,
            patient.vials_changed_at or patient.created_at,
            patient.refill_reminded_at,
            lead_days=rules.refill_lead_days,
            repeat_days=rules.refill_repeat_days,
            checkin_time=patient.checkin_time,
            zone=ZoneInfo(patient.timezone),
        )
