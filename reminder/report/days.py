"""Pure rules of the adherence section: what each calendar day shows, and the figures beside it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from reminder.models import DoseStatus
from reminder.report.values import LATE_AFTER, Adherence, Day, DayState, Gap, Window


@dataclass(frozen=True)
class DoseFact:
    """What the report needs of one dose row; ``reminded`` is whether its reminder went out."""

    day: date
    status: DoseStatus
    scheduled_at: datetime
    taken_at: datetime | None
    early: bool
    dose_mcg: float
    site: str | None
    reminded: bool


@dataclass(frozen=True)
class Answers:
    """The morning check-in answered on a day (scores), and that day's symptom and fever reports."""

    flu: int | None = None
    site_score: int | None = None
    neuro: bool | None = None
    fever: bool | None = None
    symptoms: tuple[str, ...] = ()


def state_of(dose: DoseFact) -> DayState:
    """The calendar state of a dose. A missed dose whose reminder never went out is unconfirmed:
    the patient was never asked, so it is not their lapse (the adherence rule agrees)."""
    if dose.status == DoseStatus.TAKEN:
        if dose.early:
            return DayState.EARLY
        assert dose.taken_at is not None
        return DayState.LATE if dose.taken_at - dose.scheduled_at > LATE_AFTER else DayState.ON_TIME
    if dose.status == DoseStatus.MISSED and not dose.reminded:
        return DayState.UNCONFIRMED
    return {
        DoseStatus.SKIPPED: DayState.SKIPPED,
        DoseStatus.MISSED: DayState.MISSED,
        DoseStatus.UNCONFIRMED: DayState.UNCONFIRMED,
        DoseStatus.PENDING: DayState.DUE,
        DoseStatus.CANCELLED: DayState.PAUSED,
    }[dose.status]


def cell_day(dose: DoseFact, zone: ZoneInfo) -> date:
    """The day a dose's cell is drawn on: its planned day, except an early dose taken on an earlier
    date, which is drawn where the patient injected it (a late one stays on its planned day)."""
    if dose.status == DoseStatus.TAKEN and dose.taken_at is not None:
        taken_on = dose.taken_at.astimezone(zone).date()
        if taken_on < dose.day:
            return taken_on
    return dose.day


def calendar(
    window: Window,
    doses: Iterable[DoseFact],
    answers: Mapping[date, Answers],
    alerts: Mapping[date, Sequence[str]],
    screens: Mapping[date, tuple[int, int]],
    lab_tests: Mapping[date, Sequence[str]],
    *,
    start_date: date,
    today: date,
    zone: ZoneInfo,
) -> list[Day]:
    """One Day per date of the window. A live dose outranks a cancelled one on the same day."""
    by_day: dict[date, DoseFact] = {}
    for dose in doses:
        on = cell_day(dose, zone)
        if on not in by_day or by_day[on].status == DoseStatus.CANCELLED:
            by_day[on] = dose
    days = []
    for on in window.dates():
        dose = by_day.get(on)
        answer = answers.get(on, Answers())
        phq = screens.get(on, (None, None))
        if dose is not None:
            state = state_of(dose)
        elif on < start_date or on > today:
            state = DayState.OUTSIDE
        else:
            state = DayState.NO_DOSE
        late = (
            (dose.taken_at - dose.scheduled_at) / timedelta(hours=1)
            if dose is not None and dose.taken_at is not None and state == DayState.LATE
            else None
        )
        days.append(
            Day(
                day=on,
                state=state,
                scheduled_at=dose.scheduled_at.astimezone(zone) if dose else None,
                taken_at=dose.taken_at.astimezone(zone) if dose and dose.taken_at else None,
                hours_late=late,
                dose_mcg=dose.dose_mcg if dose else None,
                site=dose.site if dose else None,
                flu=answer.flu,
                site_score=answer.site_score,
                neuro=answer.neuro,
                fever=answer.fever,
                symptoms=answer.symptoms,
                alerts=tuple(alerts.get(on, ())),
                phq_interest=phq[0],
                phq_mood=phq[1],
                lab_tests=tuple(lab_tests.get(on, ())),
            )
        )
    return days


_DUE = (DayState.ON_TIME, DayState.LATE, DayState.EARLY, DayState.SKIPPED, DayState.MISSED)


def adherence(days: Sequence[Day], *, last: int = 30) -> Adherence:
    """The calendar's figures: taken / due over the window and its last ``last`` days, the longest
    time between two doses taken, and the pairs of doses taken on consecutive calendar days."""
    recent = days[-last:]
    taken = [d for d in days if d.state.taken and d.taken_at is not None]
    pairs = zip(taken, taken[1:], strict=False)
    gaps = [Gap(a.taken_at, b.taken_at) for a, b in pairs if a.taken_at and b.taken_at]
    consecutive = sum(
        1
        for a, b in zip(taken, taken[1:], strict=False)
        if a.taken_at and b.taken_at and (b.taken_at.date() - a.taken_at.date()).days == 1
    )
    counts = Counter(d.state for d in days)
    return Adherence(
        days=tuple(days),
        due=sum(1 for d in days if d.state in _DUE),
        taken=len([d for d in days if d.state.taken]),
        due_30=sum(1 for d in recent if d.state in _DUE),
        taken_30=sum(1 for d in recent if d.state.taken),
        longest_gap=max(gaps, key=lambda gap: gap.end - gap.start, default=None),
        consecutive_days=consecutive,
        counts=tuple((state, counts[state]) for state in DayState if counts[state]),
    )
