"""The one small protocol every way out implements, and the error it raises."""

from __future__ import annotations

from dataclasses import dataclass
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


class TransportError(Exception):
    """A send failed. ``permanent`` failures are never retried; the rest retry with backoff."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Transport(Protocol):
    """Sends one message and returns the provider's id for it, or raises TransportError."""

    def send(self, outgoing: Outgoing) -> str: ...
