"""The value types config keys hold: HH:MM times of day, IANA zone names, windows of the day;
the strict base of every config section, and KeyedError for a fault a section-wide check finds."""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class KeyedError(ValueError):
    """A fault found by a section-wide check, attributed to the key that should change."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def parse_hhmm(value: object) -> time:
    """Accept "HH:MM" (24 h) only: a misread 7:30 for 19:30 would move every dose by half a day."""
    if isinstance(value, time):
        return value
    if not isinstance(value, str) or not _HHMM.match(value.strip()):
        raise ValueError(f"{value!r} is not a time of day as HH:MM (00:00 to 23:59)")
    hours, minutes = value.strip().split(":")
    return time(int(hours), int(minutes))


def parse_zone(value: object) -> str:
    """Accept an IANA zone name such as "America/Chicago"."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{value!r} is not an IANA time zone name")
    try:
        ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a region folder such as "America" is a directory in the zone database.
        raise ValueError(
            f"unknown time zone {value!r} (expected an IANA name like Europe/Berlin)"
        ) from None
    return value.strip()


HHMM = Annotated[time, BeforeValidator(parse_hhmm)]
Zone = Annotated[str, BeforeValidator(parse_zone)]


def minutes_outside(start: time, end: time) -> int:
    """Length of the waking window that quiet hours [start, end) leave in a day, in minutes."""
    quiet = (end.hour * 60 + end.minute - start.hour * 60 - start.minute) % (24 * 60)
    return 24 * 60 - quiet


def in_window(moment: time, start: time, end: time) -> bool:
    """Whether a local time of day lies in [start, end), a window that may wrap past midnight."""
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end


class Section(BaseModel):
    """A table of the config file: unknown keys are refused, and nothing changes once read."""

    model_config = ConfigDict(extra="forbid", frozen=True)
