"""One enrolment field checked and put in the form stored: phone, email, date, time of day, vials.

FieldError names the field the way the CLI flag or CSV column does, so either can point at it.
"""

from __future__ import annotations

import re
from datetime import date, time

import phonenumbers

from reminder.config_sections import Schedule
from reminder.config_values import in_window, parse_hhmm

# The domain is dot-separated labels, none empty: "ann@mail..com" can never be delivered.
_EMAIL = re.compile(r"^[^@\s<>,;]+@(?:[^@\s<>,;.]+\.)+[^@\s<>,;.]+$")


class FieldError(ValueError):
    """One bad field: ``field`` names it the way the CLI flag or CSV column does."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def normalise_phone(text: str, region: str, field: str = "phone") -> str:
    """A phone number in E.164 (+15551234567); a number without a country code uses ``region``."""
    try:
        number = phonenumbers.parse(text.strip(), region)
    except phonenumbers.NumberParseException:
        raise FieldError(field, f"{text!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise FieldError(field, f"{text!r} is not a valid phone number for region {region}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(text: str, field: str = "email") -> str:
    """An address in lower case: mail providers ignore case, and a reply from Ann@example.com
    must find the patient enrolled as ann@example.com, and a second enrolment of it be refused."""
    address = text.strip()
    if not _EMAIL.match(address):
        raise FieldError(field, f"{text!r} is not an email address")
    return address.lower()


def normalise_address(text: str, region: str) -> str:
    """Turn an inbound sender (phone or email) into the form stored on patients and contacts."""
    if "@" in text:
        try:
            return normalise_email(text)
        except FieldError:
            return text.strip()
    try:
        return normalise_phone(text, region)
    except FieldError:
        return text.strip()


def parse_vials(text: str) -> int:
    if not text.strip().isdigit() or int(text) > 1000:
        raise ValueError(f"{text!r} is not a count of vials from 0 to 1000")
    return int(text)


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a YYYY-MM-DD date") from None


# Interferon beta-1b was approved in 1993; a start past 2099 is a typo, and one near 9999 made
# every tick fail (the schedule's dates overflowed) for every patient.
EARLIEST_START, LATEST_START = date(1990, 1, 1), date(2099, 12, 31)


def parse_start(text: str) -> date:
    """A treatment start date, within the years a real one can fall in."""
    day = parse_date(text)
    if not EARLIEST_START <= day <= LATEST_START:
        raise ValueError(f"{day.isoformat()} is not a plausible start date (1990 to 2099)")
    return day


def waking_time(text: str, schedule: Schedule) -> time:
    """A time of day outside quiet hours: a reminder planned in them would never be sent."""
    moment = parse_hhmm(text)
    if in_window(moment, schedule.quiet_hours_start, schedule.quiet_hours_end):
        raise ValueError(
            f"{moment:%H:%M} falls in quiet hours "
            f"{schedule.quiet_hours_start:%H:%M}-{schedule.quiet_hours_end:%H:%M}"
        )
    return moment
