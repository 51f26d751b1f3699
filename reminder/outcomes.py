"""A send's outcome on its message row: sent, or a failure applied as ``retry`` decides (queued
again, or failed, with an opt-out, a blocked address or an email fall-back where it calls for one),
and the notice a failed or cancelled message raises."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from reminder import lifecycle, notices, send_rules
from reminder.clock import Clock
from reminder.config import Settings
from reminder.models import FailureCode, Message, MessageStatus, failure
from reminder.retry import Backoff, Why, after_failure
from reminder.transports import TransportError

log = logging.getLogger("reminder.outbox")  # the outbox's log: operators filter on it

# Built once: the rows the provider accepted, all marked sent in one executemany; only a row still
# held under the claim's lease (a row a sweep took over is the next worker's to record).
_MESSAGE: sa.Table = Message.__table__  # type: ignore[assignment]
_STILL_HELD = (
    sa.select(_MESSAGE.c.id)
    .where(
        _MESSAGE.c.id.in_(sa.bindparam("ids", expanding=True)),
        _MESSAGE.c.status == MessageStatus.SENDING,
        _MESSAGE.c.claimed_until == sa.bindparam("until"),
    )
    .with_for_update()
)  # so a sweep cannot take a row over between this check and its update
_SENT = (
    sa.update(_MESSAGE)
    .where(
        _MESSAGE.c.id == sa.bindparam("sent_id"),
        _MESSAGE.c.status == MessageStatus.SENDING,
        _MESSAGE.c.claimed_until == sa.bindparam("until"),
    )
    .values(
        status=MessageStatus.SENT,
        claimed_until=None,
        provider_id=sa.bindparam("answer"),
        sent_at=sa.bindparam("at"),
    )
)


@dataclass(frozen=True)
class Answer:
    """What the provider said to one send (its id, or the error), and when it said it."""

    said: str | TransportError
    at: datetime


@dataclass
class DispatchStats:
    """What one dispatch or send_now did, counted by outcome."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    released: int = 0
    reclaimed: int = 0
    errors: list[str] = field(default_factory=list)


class Outcomes:
    """Records what became of each send, for one outbox (its settings, clock and backoff)."""

    def __init__(self, settings: Settings, clock: Clock, rng: random.Random) -> None:
        self.settings = settings
        self.clock = clock
        self.rng = rng
        self.backoff = Backoff(
            settings.outbox.backoff_base_seconds, settings.outbox.backoff_max_seconds
        )

    def record(
        self,
        session: Session,
        done: list[tuple[Message, Answer]],
        until: datetime,
        stats: DispatchStats,
    ) -> None:
        """What the provider answered: the sent rows in one statement, each failure as it says.

        Only rows still held under the lease ending ``until`` are touched. A send that came back
        after a sweep took its row over (a takeover, perhaps already sent again by another worker)
        leaves the row to that worker: its provider id and status are not overwritten, and the log
        names the id this late send got."""
        if not done:
            return
        ids = [message.id for message, _ in done]
        held = set(
            session.connection().execute(_STILL_HELD, {"ids": ids, "until": until}).scalars()
        )
        for message, answer in done:
            if message.id not in held:
                log.warning(
                    "message %s: a send came back (%s) after its lease was taken over; "
                    "not recorded, the row is another worker's now",
                    message.id,
                    answer.said,
                )
        done = [(message, answer) for message, answer in done if message.id in held]
        sent = [
            {"sent_id": message.id or 0, "answer": answer.said, "at": answer.at, "until": until}
            for message, answer in done
            if isinstance(answer.said, str)
        ]
        if sent:
            session.connection().execute(_SENT, sent)
            stats.sent += len(sent)
        for message, answer in done:
            if isinstance(answer.said, TransportError):
                session.add(message)
                self.after_failure(session, message, answer.said, stats)

    def after_failure(
        self, session: Session, message: Message, exc: TransportError, stats: DispatchStats
    ) -> None:
        """Apply retry's decision on a failed send: requeue with backoff, or fail (and opt out,
        block the address or fall back to email, as the failure calls for)."""
        now = self.clock.now()
        step = after_failure(
            exc,
            attempts=message.attempts,
            last_error=message.last_error,
            max_attempts=self.settings.outbox.max_attempts,
            backoff=self.backoff,
            rng=self.rng,
            now=now,
        )
        if step.retry_at is not None:
            message.next_attempt_at = step.retry_at
            self.finish(session, message, MessageStatus.QUEUED, error=step.last_error)
            stats.retried += 1
            log.warning(
                "message %s attempt %d failed (%s); retrying in %.1f s",
                message.id,
                message.attempts,
                exc,
                (step.retry_at - now).total_seconds(),
            )
            return
        if step.why == Why.OPTED_OUT:
            lifecycle.provider_opted_out(session, message, now, str(exc))
        self.finish(
            session, message, MessageStatus.FAILED, failed=step.failed, error=step.last_error
        )
        stats.failed += 1
        if step.why == Why.OPTED_OUT:
            log.warning(
                "message %s: the recipient opted out with the provider: %s", message.id, exc
            )
        elif step.why == Why.SENT_TWICE:
            log.error("message %s: second ambiguous send, not retried: %s", message.id, exc)
        elif step.why == Why.RETRY_LIMIT:
            log.error("message %s failed after %d attempts: %s", message.id, message.attempts, exc)
        else:
            log.error("message %s failed permanently: %s", message.id, exc)
        if step.block_address:
            lifecycle.block_address(session, message.to_address, str(exc), now)
        if step.fall_back and send_rules.fall_back_to_email(session, message, now):
            log.warning("message %s: sent again by email, to the patient's address", message.id)

    def finish(
        self,
        session: Session,
        message: Message,
        status: MessageStatus,
        *,
        failed: tuple[FailureCode, str] | None = None,
        error: Exception | str | None = None,
    ) -> None:
        """Leave the claim with ``status`` (failed: why, as a code and in words); a failed or
        cancelled message raises its notice."""
        message.status = status
        message.claimed_until = None
        if failed:
            message.sqlmodel_update(failure(*failed))
        if error is not None:
            message.last_error = str(error)[:500]
        session.add(message)
        if status in (MessageStatus.FAILED, MessageStatus.CANCELLED):
            notices.notice_failed(session, self.settings, message, self.clock.now())
