"""The default transport: writes each outgoing message to the log instead of sending it."""

from __future__ import annotations

import logging

from reminder.transports import Outgoing

log = logging.getLogger("reminder.console")


class ConsoleTransport:
    """Needs nothing installed or configured; meant for trying the bot out and for demos."""

    sender = "console"
    messages_per_second = 0.0

    def send(self, outgoing: Outgoing) -> str:
        subject = f" subject={outgoing.subject!r}" if outgoing.subject else ""
        log.info(
            "message %s to %s by %s%s: %s",
            outgoing.message_id,
            outgoing.to,
            outgoing.channel.value,
            subject,
            outgoing.body,
        )
        return f"console-{outgoing.message_id}"
