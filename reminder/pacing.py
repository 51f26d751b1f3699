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


class Pacer:
    """Spaces the sends of each sender at least ``1 / rate`` seconds apart on the clock's timeline.

    ``reserve`` books the sender's next free slot and says how long to wait for it: at 1 message a
    second, three sends asked for at 19:30:00 get 0 s, 1 s and 2 s, and go out at :00, :01, :02.
    A slot later than ``deadline`` is not booked (None). Per process: two workers sharing one number
    should each get half the rate.
    """

    def __init__(self) -> None:
        self._free_at: dict[str, datetime] = {}
        self._lock = threading.Lock()  # the web server's answers and the worker share one pacer

    def free_in(self, sender: str, rate: float, now: datetime) -> timedelta:
        """How long until the sender's next free slot, booking nothing."""
        if rate <= 0:
            return timedelta(0)
        with self._lock:
            return max(timedelta(0), self._free_at.get(sender, now) - now)

    def reserve(
        self, sender: str, rate: float, now: datetime, deadline: datetime | None = None
    ) -> timedelta | None:
        if rate <= 0:
            return timedelta(0)
        with self._lock:
            slot = max(now, self._free_at.get(sender, now))
            if deadline is not None and slot > deadline:
                return None
            self._free_at[sender] = slot + timedelta(seconds=1 / rate)
        return slot - now
