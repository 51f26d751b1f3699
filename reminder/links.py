"""Signed one-tap links in emails: "I took it", the check-in form, and one-click unsubscribe.

A token names the patient, the message it came in and what it does, and carries its own expiry
(checked against the clock object, so tests move time instead of waiting). It is signed with
REMINDER_SECRET_KEY (itsdangerous, HMAC-SHA1 over the payload), so changing a single character
makes it invalid. "Works once" is recorded in the database, not in the token: the answer a link
gives is stored as an InboundMessage whose ``provider_id`` is :func:`use_key`, and that column is
unique, so a second use finds it taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from reminder.config import ConfigError, Settings

SALT = "betaminder.links.v1"


class Action(StrEnum):
    TAKEN = "taken"  # "I took it" in a reminder or nudge
    CHECKIN = "checkin"  # the check-in form
    UNSUBSCRIBE = "unsubscribe"  # opts the address out, as STOP does


PATHS = {Action.TAKEN: "/t", Action.CHECKIN: "/c", Action.UNSUBSCRIBE: "/u"}


class LinkError(Exception):
    """A token that cannot be used; ``reason`` is "tampered", "expired" or "used"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Link:
    patient_id: int
    message_id: int
    action: Action
    expires_at: datetime


def _serializer(settings: Settings) -> URLSafeSerializer:
    key = settings.secrets.secret_key
    if key is None:
        raise ConfigError(
            "REMINDER_SECRET_KEY: not set; email links are signed with it (set a long random value)"
        )
    return URLSafeSerializer(key.get_secret_value(), salt=SALT)


def make_token(
    settings: Settings, *, patient_id: int, message_id: int, action: Action, now: datetime
) -> str:
    hours = settings.file.links.expiry_hours
    expires = int((now + timedelta(hours=hours)).timestamp())
    return str(_serializer(settings).dumps([patient_id, message_id, action.value, expires]))


def read_token(settings: Settings, token: str, now: datetime) -> Link:
    """The link a token names; raises LinkError("tampered") or LinkError("expired")."""
    try:
        patient_id, message_id, action, expires = _serializer(settings).loads(token)
        link = Link(
            int(patient_id),
            int(message_id),
            Action(action),
            datetime.fromtimestamp(int(expires), now.tzinfo),
        )
    except (BadSignature, ValueError, TypeError):
        raise LinkError("tampered") from None
    if now >= link.expires_at:
        raise LinkError("expired")
    return link


def use_key(link: Link) -> str:
    """The InboundMessage.provider_id of the answer a link gave: one per message and action."""
    return f"link:{link.action.value}:{link.message_id}"


def base_url(settings: Settings) -> str:
    configured = settings.file.public_base_url.rstrip("/")
    if configured:
        return configured
    daemon = settings.daemon
    return f"http://{daemon.host}:{daemon.port}"


def url(settings: Settings, action: Action, token: str) -> str:
    return f"{base_url(settings)}{PATHS[action]}/{token}"


def html_templates(settings: Settings) -> Environment:
    """Jinja2 for HTML (email parts and web pages): autoescaped, so a name cannot inject markup."""
    from reminder.render import default_templates_dir

    directory = settings.file.templates_dir
    return Environment(
        loader=FileSystemLoader(str(Path(directory) if directory else default_templates_dir())),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
