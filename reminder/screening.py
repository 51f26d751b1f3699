"""The PHQ-2 depression screen: when it is asked, and what its two answers add up to.

Asked every ``screening.phq2_every_days`` at the check-in time, counted from the last time it was
asked; never on the morning after a dose (flu-like symptoms colour mood), and never while a relapse
screen is open. Pure: dates in, dates out.
"""

from __future__ import annotations

from datetime import date, timedelta

ITEMS = ("interest", "mood")  # the two questions, in the order they are asked
# What each answer means, 0 to 3, as the patient is shown it.
FREQUENCIES = ("not at all", "several days", "more than half the days", "nearly every day")
# The items as an alert's reason names them (the message asks them in the standard words).
SHORT = {"interest": "little interest or pleasure", "mood": "feeling down or hopeless"}


def due_day(last_asked: date | None, since: date, every_days: int) -> date | None:
    """The day the next screen is due: ``every_days`` after the last one was asked, or after
    ``since`` (enrolment) for the first; None when the screen is turned off (0)."""
    if every_days <= 0:
        return None
    return (last_asked or since) + timedelta(days=every_days)


def ask_day(due: date, today: date, last_taken: date | None, relapse_screen_open: bool) -> date:
    """The day to ask a screen due on ``due``, as far as ``today`` can tell: the due day (or today,
    when late), but not the day of the last dose taken nor the morning after it, and not today
    while a relapse screen is open. A later day is looked at again when it comes."""
    day = max(due, today)
    if relapse_screen_open and day == today:
        day += timedelta(days=1)
    if last_taken is not None and last_taken <= day <= last_taken + timedelta(days=1):
        day = last_taken + timedelta(days=2)
    return day


def total(interest: int, mood: int) -> int:
    return interest + mood


def positive(interest: int, mood: int, alert_score: int) -> bool:
    """Whether the screen calls for a clinician's look: a total at or above the cut-off."""
    return total(interest, mood) >= alert_score


def describe(interest: int, mood: int) -> str:
    """Both answers in words, for the alert's reason."""
    return (
        f"{SHORT['interest']} {interest} ({FREQUENCIES[interest]}), "
        f"{SHORT['mood']} {mood} ({FREQUENCIES[mood]}), total {total(interest, mood)} of 6"
    )
