"""Settings: one TOML file (named by REMINDER_CONFIG) plus secrets and DATABASE_URL from the environment.

The sections' models are in reminder.config_sections and reminder.config_messages; here is what
holds them together: the file as a whole, its checks across sections, the secrets, and loading.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from reminder.config_messages import Messages
from reminder.config_sections import (
    Daemon,
    Escalation,
    Fhir,
    Imap,
    Links,
    Outbox,
    Schedule,
    Screening,
    Smtp,
    Staff,
    Supply,
    Transports,
    Triage,
    Twilio,
)
from reminder.config_values import KeyedError, Section

DEFAULT_CONFIG_PATH = Path("reminder.toml")


class ConfigError(Exception):
    """The configuration cannot be used; the message is one line naming the file, the key and the fault."""


class FileSettings(Section):
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
    # Where Twilio's inbound texts wait while the database cannot take them (reminder.inbound_spool).
    inbound_spool: str = Field("inbound-spool.jsonl", min_length=1)
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
        if self.transport.email == "smtp":
            # smtp.timeout_seconds bounds the whole send, connect to QUIT (transports.smtp_email).
            needed = 2 * self.smtp.timeout_seconds
            if self.outbox.lease_seconds < needed:
                raise KeyedError(
                    "outbox.lease_seconds",
                    f"{self.outbox.lease_seconds} s is too short for smtp.timeout_seconds = "
                    f"{self.smtp.timeout_seconds:g}: at least {needed:g} s",
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


# Keys a secret is often put under in the file by mistake, and where it belongs instead. The
# message names the variable, never the value.
_SECRET_KEYS = {
    "twilio_auth_token": "TWILIO_AUTH_TOKEN",
    "twilio.auth_token": "TWILIO_AUTH_TOKEN",
    "twilio.token": "TWILIO_AUTH_TOKEN",
    "smtp_password": "SMTP_PASSWORD",
    "smtp.password": "SMTP_PASSWORD",
    "imap_password": "IMAP_PASSWORD",
    "imap.password": "IMAP_PASSWORD",
    "secret_key": "REMINDER_SECRET_KEY",
    "staff.secret_key": "REMINDER_SECRET_KEY",
}


def _describe(error: Mapping[str, object]) -> tuple[str, str]:
    loc = ".".join(str(part) for part in error.get("loc", ()) if part != "__root__")
    cause = (error.get("ctx") or {}).get("error")  # type: ignore[union-attr]
    if isinstance(cause, KeyedError):
        return f"{loc}.{cause.key}" if loc else cause.key, str(cause)
    if error.get("type") == "extra_forbidden":
        secret = _SECRET_KEYS.get(loc.lower())
        if secret:
            return (
                loc,
                f"unknown key: secrets are read only from the environment, give it as {secret}",
            )
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
