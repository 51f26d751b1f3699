"""The one source of "now": the system clock in production, a simulated one in the demo and tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current moment as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock. Nothing else in the package calls ``datetime.now()``."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class SimulatedClock:
    """A clock that stands still until told to move, so a scenario replays the same way every time."""

    def __init__(self, start: datetime) -> None:
        self._now = as_utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        moment = as_utc(moment)
        if moment < self._now:
            raise ValueError(f"time does not run backwards: {moment} < {self._now}")
        self._now = moment

    def advance(self, delta: timedelta) -> None:
        self.set(self._now + delta)


LATEST_YEAR = 2999


def as_utc(moment: datetime) -> datetime:
    """Convert an aware datetime to UTC; a naive one is refused because its zone would be a guess."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a time needs a UTC offset or zone: {moment.isoformat()}")
    return moment.astimezone(UTC)


def parse_moment(text: str) -> datetime:
    """Parse ``--at`` values: ISO 8601 with an offset, e.g. ``2026-03-03T19:30:00-06:00``."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"not an ISO 8601 time: {text!r}") from exc
    if moment.year > LATEST_YEAR:
        # The dates a tick derives (windows, labs months ahead) would pass year 9999 and crash.
        raise ValueError(f"{text!r} is after the year {LATEST_YEAR}")
    return as_utc(moment)
