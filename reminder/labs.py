"""When the next lab test is due: blood count and liver tests at 1, 3 and 6 months after the
start, then every 6 months, counted from the last test recorded; thyroid tests every few months
for a patient with a thyroid history. Pure: dates in, dates out."""

from __future__ import annotations

from datetime import date

from reminder.regimen import add_months

ROUTINE = ("blood_count", "liver")  # the label's routine tests, reminded together


def _offset(step: int) -> int:
    """Months after the start of schedule step ``step``: 0 (the start), 1, 3, 6, 12, 18, ..."""
    return (0, 1, 3, 6)[step] if step < 4 else 6 * (step - 2)


def _step_of(start: date, done_on: date) -> int:
    """The schedule step a test done on ``done_on`` stands for: the one nearest to it."""
    step, best = 0, abs((done_on - start).days)
    while True:
        distance = abs((done_on - add_months(start, _offset(step + 1))).days)
        if distance > best:
            return step
        step, best = step + 1, distance


def routine_due(start: date, last_test: date | None, on_or_after: date) -> date:
    """The next blood count and liver test date on or after ``on_or_after``.

    With no test recorded it is the fixed schedule from ``start``. A test stands for the step
    nearest to it, and the steps after it keep their spacing from the day it was done: a test
    a week late at one month moves the 3-month test a week later, instead of repeating soon."""
    anchor, step = (start, 0) if last_test is None else (last_test, _step_of(start, last_test))
    ahead = step + 1
    while (due := add_months(anchor, _offset(ahead) - _offset(step))) < on_or_after:
        ahead += 1
    return due


def thyroid_due(
    start: date, last_test: date | None, every_months: int, on_or_after: date
) -> date | None:
    """The next thyroid test date: every ``every_months`` from the last test (or the start); None
    when thyroid reminders are off (0)."""
    if every_months <= 0:
        return None
    anchor, months = last_test or start, every_months
    while (due := add_months(anchor, months)) < on_or_after:
        months += every_months
    return due
