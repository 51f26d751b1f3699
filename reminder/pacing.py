"""Pacing: spaces each sender's sends at least ``1 / rate`` apart, and the wait that a stop cuts short."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

# Waits out a pacing delay; returns True when ``stop`` was set meanwhile.
Pause = Callable[[timedelta, threading.Event | None], bool]


def wait_on_stop(delay: timedelta, stop: threading.Event | None) -> bool:
    """The real wait: blocks on the stop event, so a shutdown cuts it short."""
    return (stop or threading.Event()).wait(delay.total_seconds())


# A step back of the wall clock longer than this (an NTP correction, a virtual machine resumed)
# takes the booked slots back with it; shorter ones are threads reading the clock a moment apart.
CLOCK_STEP = timedelta(seconds=1)


class Pacer:
    """Spaces the sends of each sender at least ``1 / rate`` seconds apart on the clock's timeline.

    ``reserve`` books the sender's next free slot and says how long to wait for it: at 1 message a
    second, three sends asked for at 19:30:00 get 0 s, 1 s and 2 s, and go out at :00, :01, :02.
    A slot later than ``deadline`` is not booked (None). Per process: two workers sharing one number
    should each get half the rate.

    When the clock steps back (by more than ``CLOCK_STEP``), the booked slots step back with it:
    a slot booked at 19:30:01 before a step back of an hour would otherwise hold every send of
    that sender, alerts too, until the clock read 19:30:01 again.
    """

    def __init__(self) -> None:
        self._free_at: dict[str, datetime] = {}
        self._seen: datetime | None = None  # the latest time a caller gave
        self._lock = threading.Lock()  # the web server's answers and the worker share one pacer

    def _follow(self, now: datetime) -> None:
        """Move the booked slots back by a step back of the clock; called with the lock held."""
        if self._seen is not None and self._seen - now > CLOCK_STEP:
            step = self._seen - now
            self._free_at = {sender: at - step for sender, at in self._free_at.items()}
            self._seen = now
        elif self._seen is None or now > self._seen:
            self._seen = now

    def free_in(self, sender: str, rate: float, now: datetime) -> timedelta:
        """How long until the sender's next free slot, booking nothing."""
        if rate <= 0:
            return timedelta(0)
        with self._lock:
            self._follow(now)
            return max(timedelta(0), self._free_at.get(sender, now) - now)

    def reserve(
        self, sender: str, rate: float, now: datetime, deadline: datetime | None = None
    ) -> timedelta | None:
        if rate <= 0:
            return timedelta(0)
        with self._lock:
            self._follow(now)
            slot = max(now, self._free_at.get(sender, now))
            if deadline is not None and slot > deadline:
                return None
            self._free_at[sender] = slot + timedelta(seconds=1 / rate)
        return slot - now
