"""Durations, clock times and days in a reply: "2h", "an hour and a half", "at 7pm", "half 7",
"until sunday", "till the 14th".

Pure helpers of the clause readers (reading, dose_reading); words like "half an hour" are
rewritten to "30 min" by the lexicon's phrases before they get here.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")
UNITS = {  # minutes per unit
    **dict.fromkeys("m min mins minute minutes".split(), 1),
    **dict.fromkeys("h hr hrs hour hours".split(), 60),
    **dict.fromkeys("d day days".split(), 1440),
    **dict.fromkeys("w wk wks week weeks".split(), 7 * 1440),
    **dict.fromkeys("month months".split(), 30 * 1440),
}
AT = frozenset("at around about by @ approx".split())
PM = frozenset("pm p evening tonight night".split())
AM = frozenset("am a morning".split())
# Beside a number, these make it a clock time in any sentence ("at 3", "3am", "11 pm"); "about 3"
# or "3 this morning" may as well be a score, so AT, AM and PM as a whole do not.
CLOCK_BEFORE = frozenset(("at",))
CLOCK_AFTER = frozenset(("am", "pm"))


def is_duration_word(word: str) -> bool:
    return bool(NUMBER.fullmatch(word)) or word in UNITS


def clock_next(words: list[str], at: str) -> bool:
    """Whether "at 9" names a clock time: a number after it with no unit ("about 2 hours" does)."""
    i = words.index(at)
    following = words[i + 1 : i + 3]
    return (
        bool(following)
        and bool(NUMBER.fullmatch(following[0]) or CLOCK.fullmatch(following[0]))
        and (len(following) < 2 or following[1] not in UNITS)
    )


def without_clock_times(words: list[str]) -> list[str]:
    """ "will do it at 9" names a time, not a wait of nine hours."""
    kept: list[str] = []
    skip_next = False
    for word in words:
        if skip_next:
            skip_next = False
            continue
        if word in AT and clock_next(words, word):
            skip_next = True
            continue
        if not CLOCK.fullmatch(word):
            kept.append(word)
    return kept


def minutes(words: list[str], small: int, large: int) -> float | None:
    """The duration the words give, in minutes, or None if they give none.

    A bare number is `small` minutes per unit when <= 12, else `large` (snooze: "2" is two hours,
    "30" thirty minutes). A unit takes the number before it ("2 h"), or counts once alone
    ("an hour"); "1h30" is an hour and thirty minutes.
    """
    quantities: list[tuple[float, int]] = []  # (value, minutes per unit; 0 = no unit yet)
    for word in words:
        if word in UNITS:
            if quantities and quantities[-1][1] == 0:
                quantities[-1] = (quantities[-1][0], UNITS[word])
            else:
                quantities.append((1.0, UNITS[word]))
        elif NUMBER.fullmatch(word):
            # "-7" of "pause:-7" is a dash before the number; float("9" * 400) is inf.
            quantities.append((min(abs(float(word)), 1e6), 0))
    total: float | None = None
    last_unit = 0
    for value, unit in quantities:
        if not unit:
            if last_unit == 60:
                unit = 1
            elif total is None:
                unit = small if value <= 12 else large
            else:
                continue  # a second bare number has no clear unit
        total = (total or 0.0) + value * unit
        last_unit = unit
    return total


def clamp(value: float | None, top: int) -> int | None:
    """Round half up into 1..top; nothing or nothing positive means the caller's default."""
    if value is None or value <= 0:
        return None
    return max(1, min(top, int(value + 0.5)))


WEEKDAYS = {
    **dict.fromkeys("monday mon".split(), 0),
    **dict.fromkeys("tuesday tue tues".split(), 1),
    **dict.fromkeys("wednesday wed weds".split(), 2),
    **dict.fromkeys("thursday thu thur thurs".split(), 3),
    **dict.fromkeys("friday fri".split(), 4),
    **dict.fromkeys("saturday sat".split(), 5),
    **dict.fromkeys("sunday sun".split(), 6),
}
MONTHS = {
    name: n
    for n in range(1, 13)
    for name in (calendar.month_name[n].lower(), calendar.month_abbr[n].lower())
}
_ORDINALS = frozenset("st nd rd th".split())


def day_said(words: list[str]) -> str | None:
    """The day a pause runs until, as said: a weekday ("until sunday" is "sunday"), "tomorrow",
    or a day of the month ("till the 14th" is "14", "until 3rd june" is "3/6"); None if none is."""
    for k, word in enumerate(words):
        if word in WEEKDAYS:
            return calendar.day_name[WEEKDAYS[word]].lower()
        if word == "tomorrow":
            return word
        if word in _ORDINALS and k and words[k - 1].isdigit() and 1 <= int(words[k - 1]) <= 31:
            month = next((MONTHS[w] for w in words[k + 1 : k + 3] if w in MONTHS), None)
            return words[k - 1] if month is None else f"{int(words[k - 1])}/{month}"
    return None


def next_day(today: date, said: str) -> date:
    """The first date after ``today`` that is the day ``said`` (of day_said): next Sunday, the
    14th of this month or, once past, of the next one; a day a month lacks is its last day."""
    if said == "tomorrow":
        return today + timedelta(days=1)
    if said in WEEKDAYS:
        return today + timedelta(days=(WEEKDAYS[said] - today.weekday() - 1) % 7 + 1)
    day, _, month_said = said.partition("/")
    year, month = today.year, int(month_said) if month_said else today.month
    for _ in range(13):
        found = date(year, month, min(int(day), calendar.monthrange(year, month)[1]))
        if found > today:
            return found
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if month_said:
            year, month = today.year + 1, int(month_said)
    return today + timedelta(days=1)
