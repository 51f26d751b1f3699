"""Vials on hand: one vial a taken dose (titration doses too: the rest of the vial is discarded),
a dose every other day, and when a refill reminder is due. Pure: values in, values out."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from reminder.regimen import at_local, local_date

DAYS_PER_VIAL = 2  # one injection every other day


def after_dose(vials: int | None) -> int | None:
    """The count after a taken dose; it never goes below 0 (then the patient is asked for one)."""
    return None if vials is None else max(vials - 1, 0)


def days_covered(vials: int) -> int:
    return max(vials, 0) * DAYS_PER_VIAL


def runs_low(vials: int | None, lead_days: int) -> bool:
    """Whether the vials cover fewer than ``lead_days`` days; no count recorded is never low."""
    return vials is not None and days_covered(vials) < lead_days


def run_out_date(next_dose_day: date | None, vials: int | None) -> date | None:
    """The day of the last dose the vials cover: the next dose, then one every other day; None
    with no count, no vial left or no dose planned."""
    if vials is None or vials <= 0 or next_dose_day is None:
        return None
    return next_dose_day + timedelta(days=DAYS_PER_VIAL * (vials - 1))


def refill_reminder_at(
    vials: int | None,
    changed_at: datetime,
    reminded_at: datetime | None,
    *,
    lead_days: int,
    repeat_days: int,
    checkin_time: time,
    zone: ZoneInfo,
) -> datetime | None:
    """When the next refill reminder goes out: at the first check-in time after the count fell
    low, then every ``repeat_days`` at the check-in time; None while the vials cover enough."""
    if not runs_low(vials, lead_days):
        return None
    if reminded_at is not None:
        day = local_date(reminded_at, zone) + timedelta(days=repeat_days)
        return at_local(day, checkin_time, zone)
    since = changed_at or datetime.min.replace(tzinfo=zone)
    day = local_date(since, zone)
    moment = at_local(day, checkin_time, zone)
    return moment if moment >= since else at_local(day + timedelta(days=1), checkin_time, zone)
