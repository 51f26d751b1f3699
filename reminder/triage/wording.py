"""How a finding's reason puts times, days and quotes in plain words: "19:05 on Tue 3 Mar",
"3 Mar", "a, b and c". Pure; ``zone`` is the patient's, for the local day and time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

_QUOTE_CHARS = 60


def when(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%H:%M} on {local:%a} {local.day} {local:%b}"


def noon_of(day: date, zone: ZoneInfo) -> str:
    """A local date as the ISO time of its noon, which every message's date filter shows."""
    return datetime.combine(day, time(12), zone).isoformat()


def day_of(moment: datetime, zone: ZoneInfo) -> str:
    return date_words(moment.astimezone(zone).date())


def date_words(day: date) -> str:
    return f"{day.day} {day:%b}"


def days_of(moments: Iterable[datetime], zone: ZoneInfo) -> str:
    return listed(day_of(m, zone) for m in moments)


def listed(items: Iterable[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    parts = [str(item) for item in items]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def quote(text: str) -> str:
    words = " ".join(text.split())
    short = words if len(words) <= _QUOTE_CHARS else words[: _QUOTE_CHARS - 3].rstrip() + "..."
    return f'"{short}"'
