"""Settings: one TOML file (named by REMINDER_CONFIG) plus secrets and DATABASE_URL from the environment."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    model_validator,
)

DEFAULT_CONFIG_PATH = Path("reminder.toml")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
# Waking hours shorter than this leave no room for a reminder, its nudge and a check-in.
MIN_WAKING_HOURS = 4


class ConfigError(Exception):
    """The configuration cannot be used; the message is one line naming the file, the key and the fault."""


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


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Schedule(_Section):
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


class Outbox(_Section):
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


class Transports(_Section):
    sms: Literal["console", "twilio"] = "console"
    email: Literal["console", "smtp"] = "console"


class Twilio(_Section):
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


class Smtp(_Section):
    """The mail server for ``transport.email = "smtp"``; the password comes from SMTP_PASSWORD."""

    host: str = "localhost"
    port: int = Field(587, ge=1, le=65535, strict=True)
    # "starttls": upgrade a plain connection (port 587); "tls": implicit TLS (port 465); "none": local.
    security: Literal["starttls", "tls", "none"] = "starttls"
    user: str = ""
    from_address: str = Field("", pattern=r"^([^@\s]+@[^@\s]+)?$")
    timeout_seconds: float = Field(20.0, gt=0, le=300, allow_inf_nan=False)


class Imap(_Section):
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


class Links(_Section):
    """Signed links in emails ("I took it", the check-in form, unsubscribe); key: REMINDER_SECRET_KEY."""

    expiry_hours: float = Field(36.0, gt=0, le=24 * 14, allow_inf_nan=False)


class Triage(_Section):
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


class Screening(_Section):
    """The PHQ-2 depression screen the interferon beta label asks for."""

    phq2_every_days: int = Field(28, ge=0, le=365)  # 0 turns the screen off
    phq2_alert_score: int = Field(3, ge=1, le=6)  # a total at or above raises depression_screen


class Supply(_Section):
    """Vials on hand and refill reminders (one vial a dose, a dose every other day)."""

    pack_size: int = Field(14, ge=1, le=100)  # what REFILL without a number adds: 14 US, 15 EU
    refill_lead_days: int = Field(10, ge=1, le=60)  # remind when the vials cover fewer days
    refill_repeat_days: int = Field(3, ge=1, le=30)  # until a refill is recorded


class Escalation(_Section):
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


class Daemon(_Section):
    tick_seconds: float = Field(30.0, ge=1, le=3600)
    plan_batch_size: int = Field(1000, ge=1, le=10_000)
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535, strict=True)


# A language table under [messages] is named by the language's code: [messages.es], [messages.pt].
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


def _locale(value: object) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(str(value))
    except (UnknownLocaleError, ValueError):
        raise ValueError(
            f"{value!r} is not a locale Babel knows, e.g. en_US, es_MX, de_AT"
        ) from None
    return str(value)


LocaleName = Annotated[str, BeforeValidator(_locale)]


class LanguageMessages(_Section):
    """The operator's texts in one language; a key left out takes the [messages] value, except
    the crisis text, which is never sent in another language by default (see Messages.texts)."""

    sender_name: str | None = Field(None, min_length=1, max_length=40)
    help_contact: str | None = Field(None, max_length=80)
    crisis_text: str | None = Field(None, min_length=1, max_length=300)
    locale: LocaleName | None = None
    flu_advice: str | None = Field(None, min_length=1, max_length=300)


@dataclass(frozen=True)
class Texts:
    """What the renderer puts in every message of one language."""

    sender_name: str | None  # None: the language's own default name (its words.j2)
    help_contact: str
    crisis_text: str | None  # None: no crisis text in this language (a start-up error if used)
    locale: str
    flu_advice: str | None = None  # None: the language's own default advice (its words.j2)


class Messages(_Section):
    """The operator's texts; these keys are English's (the default language), and a table per
    other language ([messages.es]) holds that language's."""

    model_config = ConfigDict(extra="allow", frozen=True)
    __pydantic_extra__: dict[str, LanguageMessages] = Field(init=False)  # type: ignore[assignment]

    sender_name: str = Field("Your care team", min_length=1, max_length=40)
    help_contact: str = Field("", max_length=80)
    # Sent at once to a patient whose reply mentions self-harm, whatever the hour.
    crisis_text: str = Field(
        "If you are thinking about harming yourself, please call or text 988 (Suicide & Crisis "
        "Lifeline) or your local emergency number now. You are not alone.",
        min_length=1,
        max_length=300,
    )
    locale: LocaleName = "en_GB"
    # Added to a check-in answer when the flu-like score reaches triage.flu_advice_score.
    flu_advice: str = Field(
        "Flu-like symptoms often ease with time. Ask your doctor whether a pain or fever "
        "reliever around the injection, or injecting in the evening, could help.",
        min_length=1,
        max_length=300,
    )

    @model_validator(mode="before")
    @classmethod
    def _only_language_tables(cls, data: object) -> object:
        # extra="allow" is for the language tables only: a mistyped key is still refused.
        if isinstance(data, dict):
            for key in data:
                if key not in cls.model_fields and not LANGUAGE_CODE.match(str(key)):
                    raise KeyedError(
                        str(key),
                        "unknown key (a language's table is named by its code: [messages.es])",
                    )
        return data

    def texts(self, language: str) -> Texts:
        """The texts for messages in ``language``: its table's, else these keys'. English takes
        these keys; another language's crisis text is its own or None (never English unasked),
        and so is its sender name while [messages] keeps the built-in English one."""
        own = (self.__pydantic_extra__ or {}).get(language) or LanguageMessages()
        english = language == "en"
        # The built-in default name is English words: another language then says it its own way.
        named = english or "sender_name" in self.model_fields_set
        return Texts(
            sender_name=own.sender_name or (self.sender_name if named else None),
            help_contact=own.help_contact if own.help_contact is not None else self.help_contact,
            crisis_text=own.crisis_text or (self.crisis_text if english else None),
            locale=own.locale or (self.locale if english else language),
            # The built-in advice is English words: another language gives its own (words.j2).
            flu_advice=own.flu_advice
            or (self.flu_advice if english or "flu_advice" in self.model_fields_set else None),
        )


class Staff(_Section):
    """The staff dashboard at /staff (served when REMINDER_SECRET_KEY is set): sessions and lockout."""

    idle_timeout_minutes: int = Field(30, ge=5, le=24 * 60)
    absolute_timeout_hours: float = Field(12.0, gt=0, le=24 * 7, allow_inf_nan=False)
    lockout_failures: int = Field(5, ge=1, le=100)
    lockout_minutes: int = Field(15, ge=1, le=24 * 60)
    password_link_hours: float = Field(24.0, gt=0, le=24 * 7, allow_inf_nan=False)


class Fhir(_Section):
    """The FHIR export (`reminder export --format fhir`): the URIs that name this deployment's records.

    Empty: derived from public_base_url (``{public_base_url}/fhir`` and ``.../fhir/sid/patient``);
    an export with neither is refused, since identifiers under a made-up system would collide with
    another deployment's in the clinic's records.
    """

    identifier_system: str = Field("", pattern=r"^((https?|urn):[^\s]+)?$")
    canonical_base: str = Field("", pattern=r"^(https?://[^\s/]+(/[^\s]*)?)?$")


class FileSettings(_Section):
    """Everything the TOML file may hold; unknown keys are refused so a typo cannot pass silently."""

    # repr=False: a URL may hold a password, and settings do get printed while debugging.
    database_url: str = Field("sqlite:///reminder.db", repr=False)
    default_region: str = Field("US", pattern=r"^[A-Z]{2}$")
    templates_dir: str = ""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # "json": one JSON object a line, for a log collector; "text": one readable line each.
    log_format: Literal["text", "json"] = "text"
    # The address the outside world reaches the web app at (webhooks, links), e.g. https://rem.example.org
    public_base_url: str = Field("", pattern=r"^(https?://[^\s/]+(/[^\s]*)?)?$")
    schedule: Schedule = Schedule()
    outbox: Outbox = Outbox()
    transport: Transports = Transports()
    twilio: Twilio = Twilio()
    smtp: Smtp = Smtp()
    imap: Imap = Imap()
    links: Links = Links()
    triage: Triage = Triage()
    escalation: Escalation = Escalation()
    daemon: Daemon = Daemon()
    messages: Messages = Messages()
    staff: Staff = Staff()
    screening: Screening = Screening()
    supply: Supply = Supply()
    fhir: Fhir = Fhir()

    @model_validator(mode="after")
    def _lease_outlasts_a_send(self) -> FileSettings:
        # A send that outlasts its claim can be taken over, and sent again, by another worker.
        if self.transport.sms == "twilio":
            needed = 2 * self.twilio.timeout_seconds
            if self.outbox.lease_seconds < needed:
                raise KeyedError(
                    "outbox.lease_seconds",
                    f"{self.outbox.lease_seconds} s is too short for twilio.timeout_seconds = "
                    f"{self.twilio.timeout_seconds:g}: at least {needed:g} s",
                )
        return self


class Secrets(BaseModel):
    """Secrets come only from the environment; SecretStr keeps them out of reprs and logs."""

    model_config = ConfigDict(frozen=True)

    twilio_auth_token: SecretStr | None = None
    smtp_password: SecretStr | None = None
    imap_password: SecretStr | None = None
    secret_key: SecretStr | None = None


class Settings(BaseModel):
    """The one settings object, read once and passed down."""

    model_config = ConfigDict(frozen=True)

    path: Path | None
    file: FileSettings
    secrets: Secrets
    database_url: str = Field(repr=False)

    @property
    def schedule(self) -> Schedule:
        return self.file.schedule

    @property
    def outbox(self) -> Outbox:
        return self.file.outbox

    @property
    def daemon(self) -> Daemon:
        return self.file.daemon

    @property
    def messages(self) -> Messages:
        return self.file.messages

    @property
    def twilio(self) -> Twilio:
        return self.file.twilio

    @property
    def triage(self) -> Triage:
        return self.file.triage

    @property
    def escalation(self) -> Escalation:
        return self.file.escalation

    @property
    def screening(self) -> Screening:
        return self.file.screening

    @property
    def supply(self) -> Supply:
        return self.file.supply

    @property
    def default_zone(self) -> ZoneInfo:
        return ZoneInfo(self.schedule.default_timezone)


def _describe(error: Mapping[str, object]) -> tuple[str, str]:
    loc = ".".join(str(part) for part in error.get("loc", ()) if part != "__root__")
    cause = (error.get("ctx") or {}).get("error")  # type: ignore[union-attr]
    if isinstance(cause, KeyedError):
        return f"{loc}.{cause.key}" if loc else cause.key, str(cause)
    if error.get("type") == "extra_forbidden":
        return loc, "unknown key"
    message = str(error.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    return loc, message


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the file named by REMINDER_CONFIG (default ./reminder.toml, optional) and the environment."""
    env = os.environ if environ is None else environ
    named = env.get("REMINDER_CONFIG")
    path = Path(named) if named else DEFAULT_CONFIG_PATH
    raw: dict[str, object] = {}
    if path.exists():
        try:
            # utf-8-sig: Windows editors often save a byte-order mark in front.
            raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8"
            ) from None
        except OSError as exc:
            raise ConfigError(f"{path}: cannot be read: {exc.strerror}") from None
    elif named:
        raise ConfigError(f"{path}: REMINDER_CONFIG names a file that does not exist")
    try:
        file_settings = FileSettings.model_validate(raw)
    except ValidationError as exc:
        key, message = _describe(exc.errors()[0])
        raise ConfigError(f"{path}: {key or '(top level)'}: {message}") from None
    secrets = Secrets(
        twilio_auth_token=env.get("TWILIO_AUTH_TOKEN") or None,
        smtp_password=env.get("SMTP_PASSWORD") or None,
        imap_password=env.get("IMAP_PASSWORD") or None,
        secret_key=env.get("REMINDER_SECRET_KEY") or None,
    )
    return Settings(
        path=path if path.exists() else None,
        file=file_settings,
        secrets=secrets,
        database_url=env.get("DATABASE_URL") or file_settings.database_url,
    )


def require_twilio(settings: Settings) -> None:
    """Refuse to send or receive through Twilio without what it needs; one line naming the key.

    Checked when the Twilio transport or webhooks are built, not in load_settings: commands that
    send nothing (``patient add``, ``messages list``) work from a shell without the token.
    """
    where = settings.path or DEFAULT_CONFIG_PATH
    twilio = settings.twilio
    if not twilio.account_sid:
        raise ConfigError(f'{where}: twilio.account_sid: required when transport.sms = "twilio"')
    if not (twilio.from_number or twilio.messaging_service_sid):
        raise ConfigError(
            f"{where}: twilio.from_number: give the number to send from, or"
            ' twilio.messaging_service_sid, when transport.sms = "twilio"'
        )
    if not settings.file.public_base_url:
        raise ConfigError(
            f'{where}: public_base_url: required when transport.sms = "twilio": Twilio calls'
            " /twilio/sms and /twilio/status there"
        )
    if settings.secrets.twilio_auth_token is None:
        raise ConfigError(
            'TWILIO_AUTH_TOKEN: not set; transport.sms = "twilio" needs it in the environment'
            " (never in the config file)"
        )
