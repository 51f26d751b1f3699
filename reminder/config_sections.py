"""The config file's sections as pydantic models: schedule, outbox, transports and providers,
links, triage thresholds, screening, supply, escalation, daemon, staff dashboard and FHIR export.

Each checks its own keys; a check across sections belongs to reminder.config.FileSettings.
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, model_validator

from reminder.config_values import HHMM, KeyedError, Section, Zone, in_window, minutes_outside

_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
# Waking hours shorter than this leave no room for a reminder, its nudge and a check-in.
MIN_WAKING_HOURS = 4


class Schedule(Section):
    default_timezone: Zone = "UTC"
    default_dose_time: HHMM = time(19, 30)
    checkin_time: HHMM = time(9, 0)
    min_hours_between_doses: float = Field(40.0, ge=24, le=47)
    quiet_hours_start: HHMM = time(21, 30)
    quiet_hours_end: HHMM = time(8, 0)
    nudge_after_minutes: int = Field(120, ge=10, le=720)
    snooze_minutes: int = Field(60, ge=5, le=720)
    late_send_grace_minutes: int = Field(360, ge=0, le=1440)
    default_pause_days: int = Field(7, ge=1, le=365)

    @model_validator(mode="after")
    def _quiet_hours_leave_a_day(self) -> Schedule:
        if self.quiet_hours_start == self.quiet_hours_end:
            raise KeyedError(
                "quiet_hours_end", "equals quiet_hours_start, which leaves no waking hours"
            )
        waking = minutes_outside(self.quiet_hours_start, self.quiet_hours_end)
        if waking < MIN_WAKING_HOURS * 60:
            raise KeyedError(
                "quiet_hours_end",
                f"quiet hours {self.quiet_hours_start:%H:%M}-{self.quiet_hours_end:%H:%M} leave "
                f"{waking // 60} h {waking % 60} min awake; at least {MIN_WAKING_HOURS} h are needed",
            )
        for key in ("default_dose_time", "checkin_time"):
            value: time = getattr(self, key)
            if in_window(value, self.quiet_hours_start, self.quiet_hours_end):
                raise KeyedError(
                    key,
                    f"{value:%H:%M} falls in quiet hours "
                    f"{self.quiet_hours_start:%H:%M}-{self.quiet_hours_end:%H:%M}",
                )
        return self

    def nudge_after(self) -> timedelta:
        return timedelta(minutes=self.nudge_after_minutes)

    def late_send_grace(self) -> timedelta:
        return timedelta(minutes=self.late_send_grace_minutes)


class Outbox(Section):
    max_attempts: int = Field(8, ge=1, le=50)
    backoff_base_seconds: float = Field(30.0, gt=0, allow_inf_nan=False)
    backoff_max_seconds: float = Field(3600.0, gt=0, allow_inf_nan=False)
    lease_seconds: int = Field(120, ge=10)
    batch_size: int = Field(100, ge=1, le=10_000)
    # Sends in flight at once per process; each may be ambiguous if the process dies mid-send.
    concurrency: int = Field(8, ge=1, le=64)

    @model_validator(mode="after")
    def _cap_above_base(self) -> Outbox:
        if self.backoff_max_seconds < self.backoff_base_seconds:
            raise KeyedError("backoff_max_seconds", "is smaller than backoff_base_seconds")
        return self


class Transports(Section):
    sms: Literal["console", "twilio"] = "console"
    email: Literal["console", "smtp"] = "console"


class Twilio(Section):
    """Twilio (or a Twilio-compatible provider) for SMS; the auth token comes from TWILIO_AUTH_TOKEN."""

    account_sid: str = Field("", pattern=r"^(AC[0-9a-fA-F]{32})?$")
    from_number: str = ""
    messaging_service_sid: str = Field("", pattern=r"^(MG[0-9a-fA-F]{32})?$")
    # Long codes send about one message a second; 0 turns pacing off (a local fake, a short code).
    messages_per_second: float = Field(1.0, ge=0, le=1000, allow_inf_nan=False)
    api_base_url: str = Field("https://api.twilio.com", pattern=r"^https?://[^\s]+$")
    timeout_seconds: float = Field(10.0, gt=0, le=120, allow_inf_nan=False)
    # Twilio Advanced Opt-Out answers STOP/START/HELP itself; then we store them but do not answer.
    advanced_opt_out: bool = False

    @model_validator(mode="after")
    def _usable_addresses(self) -> Twilio:
        if self.from_number and not _E164.match(self.from_number):
            raise KeyedError(
                "from_number", f"{self.from_number!r} is not an E.164 number like +13125550100"
            )
        base = urlsplit(self.api_base_url)
        if "@" in base.netloc:
            raise KeyedError(
                "api_base_url", "must not hold credentials; the token comes from TWILIO_AUTH_TOKEN"
            )
        if base.path.strip("/") or base.query or base.fragment:
            raise KeyedError(
                "api_base_url",
                f"{self.api_base_url!r} has a path; give the address only, e.g. https://api.twilio.com",
            )
        return self


class Smtp(Section):
    """The mail server for ``transport.email = "smtp"``; the password comes from SMTP_PASSWORD."""

    host: str = "localhost"
    port: int = Field(587, ge=1, le=65535, strict=True)
    # "starttls": upgrade a plain connection (port 587); "tls": implicit TLS (port 465); "none": local.
    security: Literal["starttls", "tls", "none"] = "starttls"
    user: str = ""
    from_address: str = Field("", pattern=r"^([^@\s]+@[^@\s]+)?$")
    timeout_seconds: float = Field(20.0, gt=0, le=300, allow_inf_nan=False)


class Imap(Section):
    """The mailbox replies arrive in; polled by the worker when ``host`` is set. Password: IMAP_PASSWORD."""

    host: str = ""
    port: int = Field(993, ge=1, le=65535, strict=True)
    security: Literal["tls", "starttls", "none"] = "tls"
    user: str = ""
    folder: str = "INBOX"
    poll_seconds: float = Field(60.0, ge=5, le=3600)
    timeout_seconds: float = Field(30.0, gt=0, le=300, allow_inf_nan=False)
    # The authserv-id your receiving mail server writes in its Authentication-Results headers
    # (e.g. "mx.example.org"); a reply acts only when that header shows DMARC or DKIM pass for its
    # From domain. Empty: no email reply acts (each is stored, and the log says why).
    authserv_id: str = Field("", max_length=255, pattern=r"^[^\s;()]*$")


class Links(Section):
    """Signed links in emails ("I took it", the check-in form, unsubscribe); key: REMINDER_SECRET_KEY."""

    expiry_hours: float = Field(36.0, gt=0, le=24 * 14, allow_inf_nan=False)


class Triage(Section):
    """Thresholds of the red-flag rules; each alert's reason names the rule that fired."""

    flu_alert_score: int = Field(7, ge=1, le=10)
    flu_alert_checkins: int = Field(3, ge=1, le=10)
    site_alert_score: int = Field(7, ge=1, le=10)
    relapse_followup_hours: int = Field(24, ge=12, le=72)
    relapse_recheck_hours: int = Field(48, ge=24, le=120)
    relapse_repeat_days: int = Field(30, ge=1, le=365)
    adherence_missed_doses: int = Field(2, ge=1, le=10)
    adherence_unanswered_checkins: int = Field(3, ge=1, le=10)
    site_heal_ask_days: int = Field(7, ge=1, le=60)
    # A check-in flu-like score at or above this adds messages.flu_advice to the answer (weekly).
    flu_advice_score: int = Field(5, ge=1, le=10)
    # Thyroid test reminders for patients enrolled with --thyroid, every this many months; 0: off.
    thyroid_every_months: int = Field(6, ge=0, le=24)


class Screening(Section):
    """The PHQ-2 depression screen the interferon beta label asks for."""

    phq2_every_days: int = Field(28, ge=0, le=365)  # 0 turns the screen off
    phq2_alert_score: int = Field(3, ge=1, le=6)  # a total at or above raises depression_screen


class Supply(Section):
    """Vials on hand and refill reminders (one vial a dose, a dose every other day)."""

    pack_size: int = Field(14, ge=1, le=100)  # what REFILL without a number adds: 14 US, 15 EU
    refill_lead_days: int = Field(10, ge=1, le=60)  # remind when the vials cover fewer days
    refill_repeat_days: int = Field(3, ge=1, le=30)  # until a refill is recorded


class Escalation(Section):
    """Who hears about an alert, and how long each contact has to acknowledge it with OK."""

    urgent_ack_minutes: int = Field(30, ge=5, le=240)
    routine_ack_hours: int = Field(24, ge=1, le=168)
    # The operator's phone (E.164) or email: the last resort when no contact acknowledges. Checked
    # here, because a typo would otherwise only show when an alert has nowhere else to go.
    fallback_address: str = Field("", pattern=r"^(\+[1-9][0-9]{6,14}|[^@\s]+@[^@\s]+\.[^@\s]+)?$")
    # Where the fallback notice goes when it fails for good at fallback_address (a number that
    # opted out or is not a mobile, a bounced address): best another channel. Empty: the log only.
    second_fallback_address: str = Field(
        "", pattern=r"^(\+[1-9][0-9]{6,14}|[^@\s]+@[^@\s]+\.[^@\s]+)?$"
    )


class Daemon(Section):
    tick_seconds: float = Field(30.0, ge=1, le=3600)
    plan_batch_size: int = Field(1000, ge=1, le=10_000)
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535, strict=True)


class Staff(Section):
    """The staff dashboard at /staff (served when REMINDER_SECRET_KEY is set): sessions and lockout."""

    idle_timeout_minutes: int = Field(30, ge=5, le=24 * 60)
    absolute_timeout_hours: float = Field(12.0, gt=0, le=24 * 7, allow_inf_nan=False)
    lockout_failures: int = Field(5, ge=1, le=100)
    lockout_minutes: int = Field(15, ge=1, le=24 * 60)
    password_link_hours: float = Field(24.0, gt=0, le=24 * 7, allow_inf_nan=False)


class Fhir(Section):
    """The FHIR export (`reminder export --format fhir`): the URIs that name this deployment's records.

    Empty: derived from public_base_url (``{public_base_url}/fhir`` and ``.../fhir/sid/patient``);
    an export with neither is refused, since identifiers under a made-up system would collide with
    another deployment's in the clinic's records.
    """

    identifier_system: str = Field("", pattern=r"^((https?|urn):[^\s]+)?$")
    canonical_base: str = Field("", pattern=r"^(https?://[^\s/]+(/[^\s]*)?)?$")
