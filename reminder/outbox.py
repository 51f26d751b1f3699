"""The outbox: write message rows once, claim the due ones atomically, send, record, retry with backoff."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session

from reminder.clock import Clock
from reminder.config import Settings
from reminder.db import session_scope
from reminder.models import (
    Channel,
    Contact,
    Message,
    MessageKind,
    MessageStatus,
    Patient,
    PatientStatus,
)
from reminder.render import Renderer, RenderError
from reminder.transports import Outgoing, Transport, TransportError

log = logging.getLogger("reminder.outbox")

# Messages that only make sense near their moment; an answer or an alert is never too late.
TIME_BOUND_KINDS = frozenset(
    {MessageKind.REMINDER, MessageKind.NUDGE, MessageKind.CHECKIN, MessageKind.FOLLOWUP}
)


def enqueue(
    session: Session,
    *,
    key: str,
    patient: Patient,
    kind: MessageKind,
    template: str,
    context: dict[str, Any],
    send_at: datetime,
    now: datetime,
    dose_id: int | None = None,
    contact: Contact | None = None,
    cancelled_because: str | None = None,
) -> bool:
    """Write one message row unless its idempotency key exists; return whether it was written.

    The message goes to ``contact`` when given (about ``patient``), else to the patient.

    ``INSERT ... ON CONFLICT DO NOTHING`` makes a repeated or concurrent tick harmless: the second
    writer of the same key finds it taken and writes nothing.
    """
    values = {
        "idempotency_key": key,
        "patient_id": patient.id,
        "contact_id": contact.id if contact else None,
        "dose_id": dose_id,
        "channel": (contact or patient).channel.value,
        "to_address": (contact or patient).address,
        "kind": kind.value,
        "template": template,
        "context": {"tz": patient.timezone, **context},
        "status": (MessageStatus.CANCELLED if cancelled_because else MessageStatus.QUEUED).value,
        "failed_reason": cancelled_because,
        "send_at": send_at,
        "next_attempt_at": send_at,
        "attempts": 0,
        "created_at": now,
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(Message)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        # rowcount is -1 on PostgreSQL here (psycopg with an implicit RETURNING): ask for the row.
        .returning(Message.id)
    )
    return session.execute(statement).first() is not None


def cancel_queued(session: Session, *, reason: str, **where: Any) -> int:
    """Cancel queued messages matching ``where`` (e.g. dose_id=4), saying why."""
    statement = (
        sa.update(Message)
        .where(Message.status == MessageStatus.QUEUED)
        .where(*(getattr(Message, name) == value for name, value in where.items()))
        .values(status=MessageStatus.CANCELLED, failed_reason=reason)
    )
    return session.execute(statement).rowcount


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter: attempt n waits between half and all of base * 2**(n-1), capped.

    With base 30 s and cap 3600 s: after attempt 1, 15-30 s; attempt 2, 30-60 s; attempt 3, 60-120 s;
    attempt 8, 30-60 min. The jitter keeps many failed messages from retrying in lockstep.
    """

    base_seconds: float
    max_seconds: float

    def delay(self, attempt: int, rng: random.Random) -> timedelta:
        ceiling = min(self.max_seconds, self.base_seconds * 2 ** max(attempt - 1, 0))
        return timedelta(seconds=ceiling * (0.5 + rng.random() / 2))


@dataclass
class DispatchStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    released: int = 0
    reclaimed: int = 0
    errors: list[str] = field(default_factory=list)


class Outbox:
    """Claims due messages, sends each through its channel's transport and records what happened."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        clock: Clock,
        transports: Mapping[Channel, Transport],
        renderer: Renderer,
        rng: random.Random | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.transports = transports
        self.renderer = renderer
        self.rng = rng or random.Random()
        self.backoff = Backoff(
            settings.outbox.backoff_base_seconds, settings.outbox.backoff_max_seconds
        )

    def reclaim_expired_leases(self) -> int:
        """Put back messages a dead worker claimed and never finished, so none stays "sending" forever.

        A message whose worker died on every one of its ``max_attempts`` claims is failed instead, so a
        message that crashes workers cannot loop forever.
        """
        now = self.clock.now()
        expired = (Message.status == MessageStatus.SENDING, Message.claimed_until < now)
        limit = self.settings.outbox.max_attempts
        with session_scope(self.engine) as session:
            failed = session.execute(
                sa.update(Message)
                .where(*expired, Message.attempts >= limit)
                .values(
                    status=MessageStatus.FAILED,
                    claimed_until=None,
                    failed_reason=f"retry limit: the worker's claim expired {limit} times",
                )
            ).rowcount
            requeued = session.execute(
                sa.update(Message)
                .where(*expired)
                .values(
                    status=MessageStatus.QUEUED,
                    claimed_until=None,
                    next_attempt_at=now,
                    last_error="re-queued: the worker's claim expired before it recorded a result",
                )
            ).rowcount
        if failed:
            log.error("failed %d message(s) whose worker lease expired %d times", failed, limit)
        if requeued:
            log.warning("re-queued %d message(s) whose worker lease expired", requeued)
        return requeued + failed

    def claim(self, limit: int) -> list[int]:
        """Atomically move up to ``limit`` due messages from queued to sending; return their ids.

        One statement: select the due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent
        workers take disjoint rows) and mark them taken, with a lease, in the same UPDATE.
        """
        now = self.clock.now()
        lease = timedelta(seconds=self.settings.outbox.lease_seconds)
        due = (
            sa.select(Message.id)
            .where(Message.status == MessageStatus.QUEUED, Message.next_attempt_at <= now)
            .order_by(Message.next_attempt_at, Message.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        statement = (
            sa.update(Message)
            .where(Message.id.in_(due.scalar_subquery()))
            .values(
                status=MessageStatus.SENDING,
                claimed_until=now + lease,
                attempts=Message.attempts + 1,
            )
            .returning(Message.id)
        )
        with session_scope(self.engine) as session:
            ids = sorted(session.execute(statement).scalars())
        return ids

    def release(self, ids: list[int]) -> int:
        """Hand claimed-but-unsent messages back to the queue (on shutdown), undoing the attempt."""
        if not ids:
            return 0
        with session_scope(self.engine) as session:
            statement = (
                sa.update(Message)
                .where(Message.id.in_(ids), Message.status == MessageStatus.SENDING)
                .values(
                    status=MessageStatus.QUEUED,
                    claimed_until=None,
                    attempts=Message.attempts - 1,
                )
            )
            return session.execute(statement).rowcount

    def dispatch(self, stop: threading.Event | None = None) -> DispatchStats:
        """Send everything due now, batch by batch, until the queue is empty or ``stop`` is set."""
        stats = DispatchStats()
        stats.reclaimed = self.reclaim_expired_leases()
        while not (stop and stop.is_set()):
            ids = self.claim(self.settings.outbox.batch_size)
            if not ids:
                break
            for index, message_id in enumerate(ids):
                if stop and stop.is_set():
                    stats.released += self.release(ids[index:])
                    break
                self._send_one(message_id, stats)
        return stats

    def _send_one(self, message_id: int, stats: DispatchStats) -> None:
        now = self.clock.now()
        with session_scope(self.engine) as session:
            message = session.get(Message, message_id)
            if message is None or message.status != MessageStatus.SENDING:
                return
            patient = session.get(Patient, message.patient_id) if message.patient_id else None
            contact = session.get(Contact, message.contact_id) if message.contact_id else None
            reason = self._reason_not_to_send(message, patient, contact, now)
            if reason:
                self._finish(session, message, MessageStatus.CANCELLED, reason=reason)
                stats.cancelled += 1
                return
            language = patient.language if patient else "en"
            try:
                rendered = self.renderer.render(
                    message.channel, message.template, language, message.context
                )
            except RenderError as exc:
                self._finish(
                    session, message, MessageStatus.FAILED, reason="template error", error=exc
                )
                stats.failed += 1
                return
            message.subject, message.body = rendered.subject, rendered.body
            outgoing = Outgoing(
                message_id=message_id,
                channel=Channel(message.channel),
                to=message.to_address,
                subject=rendered.subject,
                body=rendered.body,
            )
            # Record the rendered body before the send, so a crash mid-send still shows what was meant.
            session.commit()
            try:
                provider_id = self.transports[Channel(message.channel)].send(outgoing)
            except TransportError as exc:
                self._after_failure(session, message, exc, stats)
                return
            except Exception as exc:
                # A transport bug must not strand the batch: count it as a transient failure, so
                # backoff and the retry limit still apply and the error is visible on the row.
                log.exception("message %s: the transport raised an unexpected error", message_id)
                self._after_failure(session, message, TransportError(repr(exc)), stats)
                return
            message.provider_id = provider_id
            message.sent_at = self.clock.now()
            self._finish(session, message, MessageStatus.SENT)
            stats.sent += 1

    def _reason_not_to_send(
        self, message: Message, patient: Patient | None, contact: Contact | None, now: datetime
    ) -> str | None:
        if contact is not None:
            if contact.opted_out_at is not None and message.kind != MessageKind.REPLY:
                return "contact opted out"
        elif patient is not None:
            # Answers to the patient's own words (the STOP confirmation, HELP) are allowed through.
            if patient.status == PatientStatus.OPTED_OUT and message.kind != MessageKind.REPLY:
                return "patient opted out"
            if patient.status == PatientStatus.PAUSED and message.kind in TIME_BOUND_KINDS:
                return "patient paused"
        grace = self.settings.schedule.late_send_grace()
        if message.kind in TIME_BOUND_KINDS and now - message.send_at > grace:
            return f"too late: due {message.send_at:%Y-%m-%d %H:%M} UTC, more than {grace} ago"
        return None

    def _after_failure(
        self, session: Session, message: Message, exc: TransportError, stats: DispatchStats
    ) -> None:
        if exc.permanent:
            self._finish(session, message, MessageStatus.FAILED, reason=str(exc)[:200], error=exc)
            stats.failed += 1
            log.error("message %s failed permanently: %s", message.id, exc)
        elif message.attempts >= self.settings.outbox.max_attempts:
            reason = f"retry limit: {message.attempts} attempts"
            self._finish(session, message, MessageStatus.FAILED, reason=reason, error=exc)
            stats.failed += 1
            log.error("message %s failed after %d attempts: %s", message.id, message.attempts, exc)
        else:
            wait = self.backoff.delay(message.attempts, self.rng)
            message.next_attempt_at = self.clock.now() + wait
            self._finish(session, message, MessageStatus.QUEUED, error=exc)
            stats.retried += 1
            log.warning(
                "message %s attempt %d failed (%s); retrying in %d s",
                message.id,
                message.attempts,
                exc,
                wait.total_seconds(),
            )

    @staticmethod
    def _finish(
        session: Session,
        message: Message,
        status: MessageStatus,
        *,
        reason: str | None = None,
        error: Exception | None = None,
    ) -> None:
        message.status = status
        message.claimed_until = None
        if reason:
            message.failed_reason = reason
        if error is not None:
            message.last_error = str(error)[:500]
        session.add(message)
