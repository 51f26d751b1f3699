"""The one small protocol every way out implements, the error it raises, and the delivery reports
providers send back later.

A transport sees only what it sends: everything it needs travels on ``Outgoing``, prepared by the
send pipeline, so no transport reads the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from reminder.models import Channel


@dataclass(frozen=True)
class Outgoing:
    """A rendered message, ready for a provider."""

    message_id: int
    channel: Channel
    to: str
    subject: str | None
    body: str
    language: str = "en"  # the reader's: the email's HTML part and its links' words are in it
    # An email's signed one-tap links, by action ("unsubscribe", "taken", "checkin"), already
    # signed from its row (reminder.links.email_links); none for a text message.
    links: Mapping[str, str] = field(default_factory=dict)


class TransportError(Exception):
    """A send failed; the transport says what kind of failure, the outbox alone decides what follows.

    - ``permanent``: never retried (an invalid number); the row ends ``failed`` with this text.
    - ``opted_out``: the recipient told the provider STOP; permanent, and the person is marked opted
      out so nothing else is attempted.
    - ``ambiguous``: the request may have reached the provider before the failure (a read timeout),
      so a retry may send a second copy; the outbox retries such a message at most once.
    - ``unreachable``: permanent, and about the address itself (an invalid or landline number),
      not this one message: the outbox blocks the address so later messages do not try it again.
    - ``code``: the provider's error code, when it gave one ("21211").
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        code: str | None = None,
        opted_out: bool = False,
        ambiguous: bool = False,
        unreachable: bool = False,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent or opted_out or unreachable
        self.unreachable = unreachable
        self.code = code
        self.opted_out = opted_out
        self.ambiguous = ambiguous and not self.permanent


class Transport(Protocol):
    """Sends one message and returns the provider's id for it, or raises TransportError.

    The outbox paces sends per ``sender`` (the number, service or address a transport sends from)
    at no more than ``messages_per_second`` (0: no limit).
    """

    sender: str
    messages_per_second: float

    def send(self, outgoing: Outgoing) -> str: ...


# The provider's delivery words in the order a message passes through them; Twilio's vocabulary,
# which Twilio-compatible providers share. A report never moves a message back to a lower rank.
STATUS_RANK = {
    "accepted": 1,
    "scheduled": 1,
    "queued": 2,
    "sending": 3,
    "sent": 4,
    "delivered": 5,
    "undelivered": 5,
    "failed": 5,
    "read": 6,
}
DELIVERED_WORDS = frozenset({"delivered", "read"})
FAILED_WORDS = frozenset({"undelivered", "failed"})


@dataclass(frozen=True)
class DeliveryReport:
    """What the provider later said about a message it accepted (a status callback)."""

    provider_id: str
    status: str  # the provider's word: queued, sent, delivered, undelivered, failed, read, ...
    error_code: str | None = None
    meaning: str | None = None  # the error code in words: "unreachable destination handset"
    opted_out: bool = False  # the error says the recipient opted out with the provider

    @property
    def rank(self) -> int:
        return STATUS_RANK.get(self.status, 0)

    def describe(self) -> str:
        """The provider's last word, as stored in Message.provider_status."""
        if not self.error_code:
            return self.status
        return f"{self.status} {self.error_code}: {self.meaning or 'see the provider error code'}"


def rank_of(provider_status: str | None) -> int:
    """The rank of a stored provider_status (its first word); 0 when nothing was reported yet."""
    if not provider_status:
        return 0
    return STATUS_RANK.get(provider_status.split(" ", 1)[0], 0)
