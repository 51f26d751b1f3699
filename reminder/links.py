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

from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import Environment, StrictUndefined, select_autoescape

from reminder.config import ConfigError, Settings
from reminder.models import Channel, Message, MessageKind, Recipient

SALT = "betaminder.links.v1"


class Action(StrEnum):
    TAKEN = "taken"  # "I took it" in a reminder or nudge
    CHECKIN = "checkin"  # the check-in form
    UNSUBSCRIBE = "unsubscribe"  # opts the address out, as STOP does


PATHS = {Action.TAKEN: "/t", Action.CHECKIN: "/c", Action.UNSUBSCRIBE: "/u"}
TAKEN_KINDS = (MessageKind.REMINDER, MessageKind.NUDGE)


class LinkError(Exception):
    """A token that cannot be used; ``reason`` is "tampered", "expired" or "used", ``language``
    the patient's when the link named one."""

    def __init__(self, reason: str, language: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.language = language


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


def email_links(settings: Settings, message: Message) -> dict[str, str]:
    """The signed links an email message carries, by action: ``unsubscribe`` always, plus ``taken``
    or ``checkin`` by its kind; they expire ``links.expiry_hours`` after the message was due.

    None for a text message, nor without REMINDER_SECRET_KEY: the SMTP transport refuses to start
    without it, so only the console transport, which shows no links, sends email then.
    """
    if message.channel != Channel.EMAIL or settings.secrets.secret_key is None:
        return {}
    to_patient = message.recipient == Recipient.PATIENT
    # An alert to the operator's fallback address names no one who could opt out.
    actions = [] if message.recipient == Recipient.OPERATOR else [Action.UNSUBSCRIBE]
    if to_patient and message.kind in TAKEN_KINDS:
        actions.append(Action.TAKEN)
    if to_patient and message.kind == MessageKind.CHECKIN:
        actions.append(Action.CHECKIN)
    return {
        action.value: url(
            settings,
            action,
            make_token(
                settings,
                patient_id=message.patient_id or 0,
                message_id=message.id or 0,
                action=action,
                now=message.send_at,
            ),
        )
        for action in actions
    }


_HTML: dict[tuple[str, str], Environment] = {}


def html_templates(settings: Settings, language: str = "en") -> Environment:
    """Jinja2 for the email parts and web pages of one language (the operator's templates first,
    then the shipped ones). One environment per folder and language, kept for the process."""
    from reminder.render import language_loader, template_roots

    directory = settings.file.templates_dir
    env = _HTML.get((directory, language))
    if env is None:
        loader = language_loader(template_roots(directory), language)
        if loader is None:
            raise ConfigError(f"no templates for language {language!r}")
        env = Environment(
            loader=loader,
            # HTML is escaped, so a name cannot inject markup; the plain text link lines are not.
            autoescape=select_autoescape(enabled_extensions=("html.j2",)),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        # The same filters as the message templates: both import the language's words.j2.
        from reminder.render import day, hm, on_date, site_label, volume

        env.filters.update(hm=hm, day=day, date=on_date, site=site_label, volume=volume)
        _HTML[(directory, language)] = env
    return env
