"""The printed report of a long window: full detail for its last 90 days, one line a month before.

A year printed cell by cell and row by row is many pages a nurse leafs through, and slow to lay
out. So the PDF of a window longer than ``RECENT_DAYS`` draws the calendar and lists the check-ins
of the last ``RECENT_DAYS`` days in full, and sums up each older month: its doses by state, its
check-ins asked and answered and their highest scores. An older check-in a nurse must see (a new
symptom, fever, a score at an alert threshold, the patient's own words) keeps its full row.
The HTML and the CSV always keep every day. Pure: report values in, report values out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from reminder.report.values import DEFAULT_DAYS, CheckInLine, Day, DayState, Report

RECENT_DAYS = DEFAULT_DAYS  # the days shown in full: as many as the default window


@dataclass(frozen=True)
class DoseMonth:
    month: date  # its first day
    first: date  # the first and last days of the window in it
    last: date
    due: int
    taken: int
    counts: dict[DayState, int]
    alerts: int


@dataclass(frozen=True)
class CheckInMonth:
    month: date
    asked: int
    answered: int
    flu_max: int | None
    site_max: int | None
    neuro: int  # check-ins saying yes to a new or worse symptom
    fever: int


@dataclass(frozen=True)
class Older:
    """What the printed report shows of the window before ``recent_from``."""

    recent_from: date
    doses: tuple[DoseMonth, ...]
    check_ins: tuple[CheckInMonth, ...]
    notable: tuple[CheckInLine, ...]  # the older check-ins listed in full all the same


_DUE = (DayState.ON_TIME, DayState.LATE, DayState.EARLY, DayState.SKIPPED, DayState.MISSED)


def split(report: Report) -> Older | None:
    """The older months of a long window; None when the whole window is shown in full."""
    if report.window.days <= RECENT_DAYS:
        return None
    recent_from = report.window.end - timedelta(days=RECENT_DAYS - 1)
    months: dict[date, list[Day]] = {}
    for day in report.adherence.days:
        if day.day < recent_from:
            months.setdefault(day.day.replace(day=1), []).append(day)
    doses = tuple(
        DoseMonth(
            month=month,
            first=days[0].day,
            last=days[-1].day,
            due=sum(1 for d in days if d.state in _DUE),
            taken=sum(1 for d in days if d.state.taken),
            counts=dict(Counter(d.state for d in days)),
            alerts=sum(len(d.alerts) for d in days),
        )
        for month, days in months.items()
    )
    older = [c for c in report.check_ins if _day(c) < recent_from]
    by_month: dict[date, list[CheckInLine]] = {}
    for line in older:
        by_month.setdefault(_day(line).replace(day=1), []).append(line)
    check_ins = tuple(
        CheckInMonth(
            month=month,
            asked=len(lines),
            answered=sum(1 for c in lines if c.answered_at is not None),
            flu_max=max((c.flu for c in lines if c.flu is not None), default=None),
            site_max=max((c.site_score for c in lines if c.site_score is not None), default=None),
            neuro=sum(1 for c in lines if c.neuro),
            fever=sum(1 for c in lines if c.fever),
        )
        for month, lines in by_month.items()
    )
    symptoms = report.symptoms
    notable = tuple(
        c
        for c in older
        if c.neuro
        or c.fever
        or c.words
        or (c.flu or 0) >= symptoms.flu_threshold
        or (c.site_score or 0) >= symptoms.site_threshold
    )
    return Older(recent_from=recent_from, doses=doses, check_ins=check_ins, notable=notable)


def recent_days(report: Report, older: Older | None) -> tuple[Day, ...]:
    days = report.adherence.days
    return days if older is None else tuple(d for d in days if d.day >= older.recent_from)


def recent_check_ins(report: Report, older: Older | None) -> tuple[CheckInLine, ...]:
    if older is None:
        return report.check_ins
    return older.notable + tuple(c for c in report.check_ins if _day(c) >= older.recent_from)


def _day(line: CheckInLine) -> date:
    moment = line.asked_at or line.answered_at
    return moment.date() if moment else date.max
