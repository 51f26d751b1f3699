"""The report as plain frozen values: what `build` returns and every renderer reads.

Every time is aware and already in the patient's zone, so a renderer only formats; nothing here
touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

# A dose is "taken late" when the patient said DONE more than this after its scheduled time.
LATE_AFTER = timedelta(hours=1)
DEFAULT_DAYS = 90  # the default window: the last 90 days, today included
STRIP_DAYS = 14  # the two-week strip at the top of the report


class DayState(StrEnum):
    """What the calendar shows for one day; ``mark`` and ``label`` are its legend."""

    ON_TIME = "on_time"  # taken within LATE_AFTER of its scheduled time (or before it)
    LATE = "late"  # taken more than LATE_AFTER after its scheduled time; the cell shows the hours
    EARLY = "early"  # taken sooner than min_hours_between_doses after the dose before
    SKIPPED = "skipped"  # the patient said SKIP
    MISSED = "missed"  # a reminder went out and the window closed with no answer
    UNCONFIRMED = "unconfirmed"  # no reminder went out (service down, or sent too late)
    DUE = "due"  # today's dose, still answerable
    PAUSED = "paused"  # withdrawn by a pause or an opt-out: nothing was asked
    NO_DOSE = "no_dose"  # no dose was due that day (the every-other-day rest day)
    OUTSIDE = "outside"  # before the start of therapy, or after the moment of the report

    @property
    def mark(self) -> str:
        return _MARKS[self]

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def taken(self) -> bool:
        return self in (DayState.ON_TIME, DayState.LATE, DayState.EARLY)


_MARKS = {
    DayState.ON_TIME: "✓",
    DayState.LATE: "L",
    DayState.EARLY: "E",
    DayState.SKIPPED: "S",
    DayState.MISSED: "✗",
    DayState.UNCONFIRMED: "?",
    DayState.DUE: "…",
    DayState.PAUSED: "P",
    DayState.NO_DOSE: "·",
    DayState.OUTSIDE: "",
}
_LABELS = {
    DayState.ON_TIME: "taken on time",
    DayState.LATE: f"taken late (more than {LATE_AFTER.seconds // 3600} h after the time set; hours shown)",
    DayState.EARLY: "taken early (under the minimum gap after the dose before)",
    DayState.SKIPPED: "skipped (the patient said SKIP)",
    DayState.MISSED: "missed (reminded, no answer)",
    DayState.UNCONFIRMED: "unconfirmed (no reminder went out)",
    DayState.DUE: "due today, not answered yet",
    DayState.PAUSED: "reminders paused or stopped",
    DayState.NO_DOSE: "no dose due",
    DayState.OUTSIDE: "before therapy start or after this report",
}


@dataclass(frozen=True)
class Window:
    """The local dates the report covers, both ends included."""

    start: date
    end: date

    @classmethod
    def last_days(cls, today: date, days: int = DEFAULT_DAYS) -> Window:
        return cls(today - timedelta(days=days - 1), today)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]


@dataclass(frozen=True)
class Contact:
    position: int
    name: str
    role: str
    address: str


@dataclass(frozen=True)
class NextDose:
    at: datetime
    dose_mcg: float
    volume_ml: float
    site: str | None
    site_label: str
    why: str


@dataclass(frozen=True)
class Header:
    patient_id: int
    name: str
    status: str  # active, paused, opted_out
    timezone: str
    start_date: date
    titration_step: int  # 1..4; 4 is the full dose
    dose_mcg: float  # today's dose
    volume_ml: float
    next_dose: NextDose | None  # None while paused or opted out
    next_lab: date | None
    contacts: tuple[Contact, ...]


@dataclass(frozen=True)
class Day:
    """One cell of the calendar and one row of the CSV."""

    day: date
    state: DayState
    scheduled_at: datetime | None = None
    taken_at: datetime | None = None
    hours_late: float | None = None  # set when state is LATE
    dose_mcg: float | None = None
    site: str | None = None
    flu: int | None = None  # the check-in answered that day
    site_score: int | None = None
    neuro: bool | None = None
    fever: bool | None = None
    symptoms: tuple[str, ...] = ()
    alerts: tuple[str, ...] = ()  # kinds of the alerts raised that day
    phq_interest: int | None = None  # a PHQ-2 screen answered that day, 0-3 each
    phq_mood: int | None = None
    lab_tests: tuple[str, ...] = ()  # kinds of the lab tests done that day

    @property
    def note(self) -> str:
        """The cell's short text: the mark, and the hours for a late dose."""
        if self.state == DayState.LATE and self.hours_late is not None:
            return f"L+{self.hours_late:.0f}h"
        return self.state.mark


@dataclass(frozen=True)
class Gap:
    start: datetime  # the dose taken before the gap
    end: datetime  # the next dose taken

    @property
    def days(self) -> float:
        return (self.end - self.start) / timedelta(days=1)


@dataclass(frozen=True)
class Adherence:
    """Taken over due, where "due" counts only doses whose reminder went out (taken, skipped,
    missed): an unconfirmed dose is not the patient's lapse."""

    days: tuple[Day, ...]  # one per day of the window
    due: int
    taken: int
    due_30: int  # the same over the last 30 days of the window
    taken_30: int
    longest_gap: Gap | None
    consecutive_days: int  # pairs of taken doses on consecutive calendar days
    counts: tuple[tuple[DayState, int], ...]  # each state with its number of days, legend order

    @property
    def percent(self) -> float | None:
        return 100 * self.taken / self.due if self.due else None

    @property
    def percent_30(self) -> float | None:
        return 100 * self.taken_30 / self.due_30 if self.due_30 else None

    @property
    def strip(self) -> tuple[Day, ...]:
        """The last two weeks of the window."""
        return self.days[-STRIP_DAYS:]


@dataclass(frozen=True)
class ScorePoint:
    at: datetime  # when the check-in was answered
    flu: int | None
    site_score: int | None
    fever: bool
    neuro: bool


@dataclass(frozen=True)
class Episode:
    """A relapse screen: from the first report of a neurological symptom to its outcome."""

    started_at: datetime
    ended_at: datetime  # the outcome's time, or the report's moment while it is still open
    symptoms: tuple[str, ...]
    outcome: str  # in words: "possible relapse alert", "gone at the follow-up", ...


@dataclass(frozen=True)
class Symptoms:
    points: tuple[ScorePoint, ...]
    episodes: tuple[Episode, ...]
    fever_days: tuple[date, ...]
    neuro_days: tuple[date, ...]
    flu_threshold: int  # [triage] flu_alert_score
    site_threshold: int  # [triage] site_alert_score


@dataclass(frozen=True)
class SiteCount:
    site: str
    label: str
    count: int  # injections there in the window
    last_used: date | None
    injured_on: tuple[date, ...]  # dates of injection-site alerts about it in the window
    injured_now: bool  # skipped in rotation until the patient says it healed


@dataclass(frozen=True)
class Sites:
    counts: tuple[SiteCount, ...]  # in rotation order
    unreported: int  # doses taken without a site named
    next_site: str | None
    next_label: str


@dataclass(frozen=True)
class Notice:
    to: str  # "Grace Hopper (nurse)", or "operator" for the fallback address
    at: datetime  # sent, or when it is queued to go
    status: str  # the message's status: sent, delivered, failed, queued ...
    escalated: bool  # a re-escalation: not the first person told


@dataclass(frozen=True)
class AlertLine:
    id: int
    kind: str
    severity: str
    status: str
    reason: str
    created_at: datetime
    notices: tuple[Notice, ...]
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    repeats: int  # the same finding seen again while it was open

    @property
    def acknowledged_after(self) -> timedelta | None:
        if self.acknowledged_at is None:
            return None
        return self.acknowledged_at - self.created_at

    @property
    def re_escalations(self) -> int:
        return sum(1 for notice in self.notices if notice.escalated)


@dataclass(frozen=True)
class CheckInLine:
    kind: str  # checkin, followup (relapse screen), site_heal
    status: str
    asked_at: datetime | None
    answered_at: datetime | None
    flu: int | None
    site_score: int | None
    neuro: bool | None
    symptoms: tuple[str, ...]
    fever: bool | None
    words: tuple[str, ...]  # what the patient wrote, where it was more than numbers and Y/N


@dataclass(frozen=True)
class Screen:
    """One PHQ-2 depression screen asked (or due) in the window, with both answers."""

    asked_at: datetime | None
    status: str  # in words: answered, one answer of two, no answer, still open, withdrawn
    answered_at: datetime | None  # when the second answer came
    interest: int | None  # 0-3: little interest or pleasure in doing things
    mood: int | None  # 0-3: feeling down, depressed or hopeless
    total: int | None  # both answered: 0-6
    positive: bool  # total at or above [screening] phq2_alert_score
    alert: str  # "raised", "already open" (the open alert counted it again), or "" (none)
    words: tuple[str, ...]  # what the patient wrote, where it was more than the numbers


@dataclass(frozen=True)
class Screens:
    lines: tuple[Screen, ...]
    alert_score: int  # [screening] phq2_alert_score
    every_days: int  # [screening] phq2_every_days; 0: the screen is turned off


@dataclass(frozen=True)
class LabLine:
    """A lab reminder sent in the window."""

    due_on: date
    sent_at: datetime | None
    status: str


@dataclass(frozen=True)
class LabDone:
    """A lab test recorded (LAB DONE, or `reminder lab done`) as done in the window."""

    done_on: date
    kind: str  # blood_count, liver, thyroid
    label: str
    source: str  # patient or operator


@dataclass(frozen=True)
class LabDue:
    """The next test of one kind, as the planner will remind it."""

    kind: str
    label: str
    last_done: date | None  # ever, not only in the window
    due_on: date | None  # None: not followed (thyroid without a thyroid history, or turned off)


@dataclass(frozen=True)
class Labs:
    reminders: tuple[LabLine, ...]
    done: tuple[LabDone, ...]
    due: tuple[LabDue, ...]


@dataclass(frozen=True)
class Report:
    generated_at: datetime
    window: Window
    header: Header
    adherence: Adherence
    symptoms: Symptoms
    sites: Sites
    alerts: tuple[AlertLine, ...]
    check_ins: tuple[CheckInLine, ...]  # every question but the PHQ-2, which has `screens`
    screens: Screens
    labs: Labs

    @property
    def empty(self) -> bool:
        """Nothing happened in the window yet: no dose due or taken, no check-in, no alert."""
        return (
            not any(d.state not in _QUIET for d in self.adherence.days)
            and not self.check_ins
            and not self.screens.lines
            and not self.alerts
            and not self.labs.done
        )


_QUIET = (DayState.NO_DOSE, DayState.OUTSIDE, DayState.DUE, DayState.PAUSED)
