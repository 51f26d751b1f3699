"""The dosing rules of interferon beta-1b as pure functions: when the next dose is, which dose and
site it is, when quiet hours hold a message back, and when the lab tests are due."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

# Rotation order. With a dose every other day, each site comes round again only after 16 days.
SITES: tuple[str, ...] = (
    "left_arm",
    "right_arm",
    "left_abdomen",
    "right_abdomen",
    "left_buttock",
    "right_buttock",
    "left_thigh",
    "right_thigh",
)

SITE_LABELS: dict[str, str] = {
    # The label says "back" because the patient injects into the back of the upper arm.
    "left_arm": "back of left upper arm",
    "right_arm": "back of right upper arm",
    "left_abdomen": "left abdomen",
    "right_abdomen": "right abdomen",
    "left_buttock": "left buttock",
    "right_buttock": "right buttock",
    "left_thigh": "left thigh",
    "right_thigh": "right thigh",
}


@dataclass(frozen=True)
class Titration:
    """The dose of one day of the 6-week ramp-up, and the syringe volume that delivers it."""

    dose_mcg: float
    volume_ml: float
    step: int  # 1..4, 4 is the full dose


# One entry per two-week step of the label's titration schedule.
_TITRATION_STEPS: tuple[Titration, ...] = (
    Titration(dose_mcg=62.5, volume_ml=0.25, step=1),
    Titration(dose_mcg=125.0, volume_ml=0.5, step=2),
    Titration(dose_mcg=187.5, volume_ml=0.75, step=3),
    Titration(dose_mcg=250.0, volume_ml=1.0, step=4),
)
_DAYS_PER_STEP = 14


def titration_dose(start: date, on: date, *, full_dose: bool) -> Titration:
    """The dose for ``on``: 62.5 mcg on days 0-13 after ``start``, 125 on 14-27, 187.5 on 28-41,
    250 from day 42. A patient enrolled at full dose, or a date before ``start``, needs no ramp."""
    if full_dose:
        return _TITRATION_STEPS[-1]
    # A date before start gets the lowest dose: never suggest more than the ramp allows.
    days = max((on - start).days, 0)
    return _TITRATION_STEPS[min(days // _DAYS_PER_STEP, len(_TITRATION_STEPS) - 1)]


@dataclass(frozen=True)
class Preferences:
    """What a patient chose about timing: their zone, the dose time and their quiet hours."""

    zone: ZoneInfo
    dose_time: time  # preferred local wall time of the injection, e.g. time(19, 30)
    quiet_start: time = time(21, 30)
    quiet_end: time = time(8, 0)
    min_hours_between_doses: float = 40.0


def _require_aware(moment: datetime) -> None:
    # astimezone() on a naive datetime silently assumes the server's zone; refuse instead.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {moment!r}")


def at_local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC moment of the wall-clock time ``at`` on ``day`` in ``zone``.

    A wall time inside a spring-forward gap moves forward by the size of the gap (02:30 in New York
    becomes 03:30 EDT), so a dose is late rather than lost; an ambiguous fall-back time takes its
    first occurrence, so the dose is never an hour later than the patient expects.
    """
    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=zone)
    first = wall.astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall.replace(tzinfo=None):
        return first
    # The round trip changed the wall clock, so the time does not exist. Of the two readings (the
    # offset before and after the jump), the later instant is the wall time plus the gap.
    return max(first, wall.replace(fold=1).astimezone(UTC))


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar date of an aware ``moment`` on the wall in ``zone``."""
    _require_aware(moment)
    return moment.astimezone(zone).date()


class Why(StrEnum):
    """Which rule placed the next dose where it is (shown to the operator, not the patient)."""

    FIRST = "first"  # no dose taken yet: the first dose is on the start date
    AFTER_TAKEN = "after_taken"  # second calendar day after the last dose taken
    MIN_GAP = "min_gap"  # a day later, because the second day would be under the minimum gap
    AFTER_MISSED = "after_missed"  # a later dose was missed or skipped: next is the following day
    NOT_BEFORE = "not_before"  # moved later to respect not_before (enrolment, end of a pause)


@dataclass(frozen=True)
class NextDose:
    """When the next injection is due and why."""

    at: datetime  # aware UTC
    day: date  # local date the dose belongs to
    why: Why


def next_dose(
    prefs: Preferences,
    *,
    start: date,
    last_taken: datetime | None,
    last_closed_day: date | None = None,
    not_before: datetime | None = None,
) -> NextDose:
    """The next dose at the preferred local time, following the last dose actually taken.

    The schedule runs from the last dose taken: the second calendar day after it, or later if that
    would be under ``min_hours_between_doses`` after it. ``last_closed_day`` is the local date of
    the newest dose that was missed or skipped (or of any dose newer than ``last_taken``): the next
    one is never on or before it. Example (19:30): taken day 1 at 19:35 -> day 3; day 3 missed ->
    day 4; taken day 4 at 08:30 -> day 6, not day 5.
    """
    zone = prefs.zone
    if last_taken is None:
        day, why = start, Why.FIRST
    else:
        _require_aware(last_taken)
        day, why = local_date(last_taken, zone) + timedelta(days=2), Why.AFTER_TAKEN
        min_gap = timedelta(hours=prefs.min_hours_between_doses)
        # A loop rather than one extra day, so a minimum gap above ~47 h still holds.
        while at_local(day, prefs.dose_time, zone) - last_taken < min_gap:
            day, why = day + timedelta(days=1), Why.MIN_GAP
    if last_closed_day is not None and day <= last_closed_day:
        # The dose of last_closed_day is over (missed or skipped): reminding for it again
        # would re-open a closed dose, so the schedule carries on from the day after.
        day, why = last_closed_day + timedelta(days=1), Why.AFTER_MISSED
    if not_before is not None:
        _require_aware(not_before)
        while at_local(day, prefs.dose_time, zone) < not_before:
            day, why = day + timedelta(days=1), Why.NOT_BEFORE
    return NextDose(at=at_local(day, prefs.dose_time, zone), day=day, why=why)


def dose_window_end(day: date, prefs: Preferences) -> datetime:
    """When the reminder for ``day`` stops being answerable: the preferred time on the next day,
    so a late ``DONE`` still counts while it cannot overlap the next possible dose."""
    return at_local(day + timedelta(days=1), prefs.dose_time, prefs.zone)


def in_quiet_hours(moment: datetime, prefs: Preferences) -> bool:
    """Whether the local time of ``moment`` is in [quiet_start, quiet_end), wrapping midnight when
    quiet_start is later than quiet_end; equal start and end mean no quiet hours."""
    _require_aware(moment)
    wall = moment.astimezone(prefs.zone).time()
    start, end = prefs.quiet_start, prefs.quiet_end
    if start == end:
        return False
    if start < end:
        return start <= wall < end
    return wall >= start or wall < end


def outside_quiet_hours(moment: datetime, prefs: Preferences) -> datetime:
    """``moment`` in UTC if it is outside quiet hours, else the end of that quiet period in UTC."""
    if not in_quiet_hours(moment, prefs):
        return moment.astimezone(UTC)
    local = moment.astimezone(prefs.zone)
    day = local.date()
    # In a period that wraps midnight, a moment before midnight ends on the next local date.
    if prefs.quiet_start > prefs.quiet_end and local.time() >= prefs.quiet_start:
        day += timedelta(days=1)
    end = at_local(day, prefs.quiet_end, prefs.zone)
    if end <= moment:
        # quiet_end is ambiguous (fall back) and moment is in the repeated hour, after the first
        # occurrence: the quiet period ends at the second one.
        end = datetime.combine(day, prefs.quiet_end, tzinfo=prefs.zone).replace(fold=1)
        end = end.astimezone(UTC)
    return end


def next_site(last_site: str | None, injured: frozenset[str] = frozenset()) -> str | None:
    """The site after ``last_site`` in rotation, skipping injured sites and never ``last_site``
    itself (the skin needs the rest); None when every other site is injured."""
    if last_site is None:
        return next((site for site in SITES if site not in injured), None)
    if last_site not in SITES:
        raise ValueError(f"unknown injection site {last_site!r}; expected one of {SITES}")
    offset = SITES.index(last_site)
    following = (SITES[(offset + step) % len(SITES)] for step in range(1, len(SITES)))
    return next((site for site in following if site not in injured), None)


def _add_months(start: date, months: int) -> date:
    # Always from start, never from the previous lab date, so Jan 31 gives Feb 28 then Apr 30,
    # Jul 31: clamping must not drift the day of the month.
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - timedelta(days=1)).day
    return date(year, month, min(start.day, last_day))


def lab_dates(start: date) -> Iterator[date]:
    """Blood count and liver test dates: 1, 3 and 6 months after ``start``, then every 6 months,
    endlessly. A month past the end of a shorter month lands on its last day."""
    yield _add_months(start, 1)
    yield _add_months(start, 3)
    months = 6
    while True:
        yield _add_months(start, months)
        months += 6


def next_lab_date(start: date, on_or_after: date) -> date:
    """The first lab date of ``start`` that is on or after ``on_or_after``."""
    return next(due for due in lab_dates(start) if due >= on_or_after)


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months, a day past the end of a shorter month on its last day."""
    return _add_months(start, months)
