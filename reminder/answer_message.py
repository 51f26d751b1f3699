"""The one answer message to an inbound text, every part of its answer in it, the first leading;
none when the provider answers carrier keywords itself (Twilio Advanced Opt-Out)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from reminder.config import Settings
from reminder.models import Channel, Contact, InboundMessage, Message, MessageKind, Patient
from reminder.queue import message_values

# Answers that carrier rules require; a provider with its own opt-out handling may send them.
COMPLIANCE_ANSWERS = frozenset({"opted_out", "opted_in", "help"})
# What Twilio's Advanced Opt-Out answers itself: one of its keywords as the whole text, any case.
# "stop texting me" is honoured here, but Twilio lets it through unanswered, so we answer it.
PROVIDER_KEYWORDS = frozenset(
    "stop stopall unsubscribe end quit revoke optout cancel start unstop yes help info".split()
)


def queue_answer(
    session: Session,
    settings: Settings,
    now: datetime,
    patient: Patient,
    inbound: InboundMessage,
    parts: list[tuple[str, dict[str, Any]]],
    contact: Contact | None = None,
    alert_id: int | None = None,
) -> int | None:
    """One answer message with every part of the reply's answer, the first leading; a contact's
    answer about an alert names it (``alert_id``)."""
    if len(parts) == 1 and _provider_answers(settings, parts[0][0], inbound):
        inbound.outcome = f"{inbound.outcome} (answered by the provider's Advanced Opt-Out)"
        return None
    shared = {
        "help_contact": settings.messages.help_contact,
        "sender_name": settings.messages.sender_name,
    }
    (answer, context), rest = parts[0], parts[1:]
    context = {"answer": answer, **shared, **context}
    if rest:
        context["parts"] = [{"answer": a, **shared, **c} for a, c in parts]
    row = message_values(
        key=f"reply:{inbound.id}",
        patient=patient,
        kind=MessageKind.REPLY,
        template="reply",
        context=context,
        send_at=now,
        now=now,
        contact=contact,
        alert_id=alert_id,
    )
    # The stored text is new, so its answer's key is too: one INSERT that returns the row's id.
    # A Core INSERT, its values bound at execution: the ORM's bulk path and ``.values()``
    # cost more than the write itself, on every inbound text.
    return session.execute(_INSERT_MESSAGE, row).scalar_one()


_INSERT_MESSAGE = sa.insert(Message.__table__).returning(Message.__table__.c.id)  # type: ignore[attr-defined]


def _provider_answers(settings: Settings, answer: str, inbound: InboundMessage) -> bool:
    """Twilio Advanced Opt-Out answers STOP/START/HELP itself; a second answer would confuse."""
    return (
        answer in COMPLIANCE_ANSWERS
        and inbound.channel == Channel.SMS
        and settings.file.transport.sms == "twilio"
        and settings.twilio.advanced_opt_out
        and inbound.body.strip().casefold() in PROVIDER_KEYWORDS
    )
