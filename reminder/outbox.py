"""The send pipeline: claim due message rows, check and render each, send it through its channel's
transport, and record what the provider said, batch by batch.

Each step is another module's: the claim is ``leases``, what may not go is ``send_rules`` (the
block list, opt-outs, lateness), the spacing is ``pacing``, and what a send came back with is
``outcomes`` (which asks ``retry``). A template that fails to render fails only its own message,
with the template named in ``failed_reason``.
"""

from __future__ import annotations

import logging
import random
import threading
from collections import deque
from collections.abc import Callable, Mapping
from concurrent import futures
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from reminder import leases, send_rules
from reminder.clock import Clock
from reminder.config import ConfigError, Settings
from reminder.delivery import apply_early_reports
from reminder.links import email_links
from reminder.models import (
    BlockedAddress,
    Channel,
    Contact,
    FailureCode,
    Message,
    MessageStatus,
    Patient,
)
from reminder.outcomes import Answer, DispatchStats, Outcomes
from reminder.pacing import Pacer, Pause, wait_on_stop
from reminder.render import Renderer, RenderError
from reminder.sms import count_segments
from reminder.transports import Outgoing, Transport, TransportError

log = logging.getLogger("reminder.outbox")

# Built once, read at every step of a batch: the claimed rows still held under a lease, with their
# patient and contact (locked, so a sweep cannot re-queue them meanwhile).
_HELD = (
    sa.select(Message, Patient, Contact, BlockedAddress.reason)
    .outerjoin(Patient, col(Patient.id) == Message.patient_id)
    .outerjoin(Contact, col(Contact.id) == Message.contact_id)
    .outerjoin(BlockedAddress, col(BlockedAddress.address) == Message.to_address)
    .where(
        col(Message.id).in_(sa.bindparam("ids", expanding=True)),
        Message.status == MessageStatus.SENDING,
        Message.claimed_until == sa.bindparam("until"),
    )
    .order_by(Message.id)
    .with_for_update(of=Message)  # type: ignore[arg-type]
)


class InlineSenders(futures.Executor):
    """Runs each send at once in the calling thread: the outbox with ``concurrency = 1``, which
    needs no thread of its own."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> futures.Future[Any]:
        future: futures.Future[Any] = futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to whoever reads the result, as a pool would
            future.set_exception(exc)
        return future


@dataclass(frozen=True)
class _Send:
    """A message whose send begins: its row (body recorded), what goes out, and through what."""

    message: Message
    outgoing: Outgoing
    transport: Transport


@dataclass
class _Batch:
    """One claim's messages on their way: not begun yet, in flight, come back but not recorded, and
    to hand back; ``until`` is the claim's current lease, ``going`` False once a stop or pacing
    ended the batch early."""

    until: datetime
    pending: deque[int]
    in_flight: dict[futures.Future[Answer | None], _Send] = field(default_factory=dict)
    done: list[tuple[_Send, Answer]] = field(default_factory=list)
    unsent: list[int] = field(default_factory=list)
    going: bool = True


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
        pause: Pause = wait_on_stop,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.transports = transports
        self.renderer = renderer
        self.rng = rng or random.Random()
        self.pause = pause
        self.pacer = Pacer()
        # Sends in flight at once, shared by the worker and the web server's answers; threads
        # start only when first used.
        concurrency = settings.outbox.concurrency
        self._senders: futures.Executor = (
            futures.ThreadPoolExecutor(concurrency, thread_name_prefix="outbox-send")
            if concurrency > 1
            else InlineSenders()
        )
        self.outcomes = Outcomes(settings, clock, self.rng)

    def reclaim_expired_leases(self) -> int:
        """Put back (or fail) the messages a dead worker claimed and never finished; see
        ``leases.reclaim_expired``. Returns how many it moved."""
        swept = leases.reclaim_expired(
            self.engine, self.clock.now(), self.settings.outbox.max_attempts
        )
        if swept.failed:
            log.error(
                "failed %d message(s) whose worker lease expired (see failed_reason)", swept.failed
            )
        if swept.requeued:
            log.warning(
                "re-queued %d message(s) whose worker lease expired; %d of them may have reached "
                "the provider before the worker stopped",
                swept.requeued,
                swept.maybe_sent,
            )
        return swept.requeued + swept.failed

    def claim(self, limit: int, *only: Any) -> list[int]:
        """Atomically move up to ``limit`` due messages from queued to sending; return their ids
        (``leases.claim``)."""
        return self._claim(limit, *only)[0]

    def _claim(self, limit: int, *only: Any) -> tuple[list[int], datetime]:
        """``claim``, also returning the lease's end: the mark by which the claim is this worker's."""
        lease = timedelta(seconds=self.settings.outbox.lease_seconds)
        return leases.claim(self.engine, self.clock.now(), lease, limit, *only)

    def _extend(self, ids: list[int], until: datetime) -> datetime:
        """Renew the lease on the claimed messages still held under ``until``; return the new end."""
        renewed = self.clock.now() + timedelta(seconds=self.settings.outbox.lease_seconds)
        return leases.extend(self.engine, ids, until, renewed)

    def dispatch(self, stop: threading.Event | None = None) -> DispatchStats:
        """Send everything due now, batch by batch, until the queue is empty or ``stop`` is set."""
        stats = DispatchStats()
        stats.reclaimed = self.reclaim_expired_leases()
        while not (stop and stop.is_set()):
            ids, until = self._claim(self.settings.outbox.batch_size)
            if not ids or not self._send_batch(ids, until, stats, stop):
                break
        return stats

    def send_now(self, message_id: int, stop: threading.Event | None = None) -> DispatchStats:
        """Send one message at once if it is still queued and due (an answer to an inbound text).

        If a worker claimed it first, this does nothing: the claim decides who sends, never both.
        """
        stats = DispatchStats()
        ids, until = self._claim(1, Message.id == message_id)
        self._send_batch(ids, until, stats, stop)
        return stats

    def wait_for_slot(self, message_id: int, stop: threading.Event | None = None) -> bool:
        """Wait until the pacer would let this message go at once, holding no database connection
        meanwhile (only a short read of its channel first); False when ``stop`` cut the wait short.

        Then ``send_now`` books that slot and sends without waiting, so whoever sends a burst of
        answers this way holds one connection per send, never one per wait.
        """
        with self.engine.connect() as connection:
            channel = connection.execute(
                sa.select(Message.channel).where(Message.id == message_id)
            ).scalar_one_or_none()
        transport = self.transports.get(Channel(channel)) if channel else None
        if transport is None:
            return True
        key = f"{channel}:{transport.sender}"
        rate = transport.messages_per_second
        for _ in range(100):  # another sender may take the slot meanwhile: wait for the next one
            delay = self.pacer.free_in(key, rate, self.clock.now())
            if delay <= timedelta(0):
                return True
            if self.pause(delay, stop):
                return False
        return True

    def send_each_now(self, message_ids: list[int], stop: threading.Event | None = None) -> None:
        """send_now for each message in turn (the answer first, then urgent alert notices)."""
        for message_id in message_ids:
            if stop is not None and stop.is_set():
                return
            self.send_now(message_id, stop)

    def _send_batch(
        self, ids: list[int], until: datetime, stats: DispatchStats, stop: threading.Event | None
    ) -> bool:
        """Send claimed messages in id order, up to ``outbox.concurrency`` at a time, renewing the
        claim on the rest once half its lease is gone; hand back the rest and say False when one
        cannot go now (a stop, or pacing past the lease: the next pass claims them afresh).

        The database work stays in this thread, one connection for the batch: each step records the
        sends that came back and begins the next ones in one transaction, and the sends themselves
        run on the outbox's senders."""
        batch = _Batch(until, deque(ids))
        with self.engine.connect() as connection:
            try:
                while batch.pending or batch.in_flight or batch.done:
                    self._step(connection, ids, batch, stats, stop)
            except ConfigError:
                # A configuration fault (Twilio without its token) propagates; the claim is released.
                batch.going = False
                self._settle(connection, batch, stats)
                leases.release(self.engine, batch.unsent + list(batch.pending))
                raise
        unsent = batch.unsent + list(batch.pending)
        if unsent:
            stats.released += leases.release(self.engine, unsent)
        return batch.going

    def _step(
        self,
        connection: sa.Connection,
        ids: list[int],
        batch: _Batch,
        stats: DispatchStats,
        stop: threading.Event | None,
    ) -> None:
        """Record what came back and begin what the free senders allow, then wait for a send."""
        if stop is not None and stop.is_set():
            batch.going = False
        half_lease = timedelta(seconds=self.settings.outbox.lease_seconds / 2)
        if batch.going and self.clock.now() >= batch.until - half_lease:
            batch.until = self._extend(ids, batch.until)
        free = self.settings.outbox.concurrency - len(batch.in_flight)
        group = [batch.pending.popleft() for _ in range(min(free, len(batch.pending)))]
        if not batch.going:
            batch.unsent += group + list(batch.pending)
            group, batch.pending = [], deque()
        try:
            sends = self._record_and_begin(connection, batch.done, group, batch.until, stats)
        except ConfigError:
            batch.pending.extendleft(reversed(group))
            raise
        batch.done = []
        for index, send in enumerate(sends):
            wait = self._reserve(send, batch.until)
            if wait is None:
                batch.going = False
                batch.unsent += [later.outgoing.message_id for later in sends[index:]]
                break
            batch.in_flight[self._senders.submit(self._deliver, send, wait, stop)] = send
        if batch.in_flight:
            self._collect(batch, futures.FIRST_COMPLETED)

    def _collect(self, batch: _Batch, return_when: str) -> None:
        """Wait for sends in flight to end (the first, or all), and keep what they came back with."""
        finished, _ = futures.wait(batch.in_flight, return_when=return_when)
        for future in sorted(finished, key=lambda f: batch.in_flight[f].outgoing.message_id):
            send = batch.in_flight.pop(future)
            result = future.result()
            if result is None:
                batch.going = False
                batch.unsent.append(send.outgoing.message_id)
            else:
                batch.done.append((send, result))

    def _settle(self, connection: sa.Connection, batch: _Batch, stats: DispatchStats) -> None:
        """Wait for every send in flight and record what came back, beginning nothing new."""
        if batch.in_flight:
            self._collect(batch, futures.ALL_COMPLETED)
        self._record_and_begin(connection, batch.done, [], batch.until, stats)
        batch.done = []

    def _record_and_begin(
        self,
        connection: sa.Connection,
        done: list[tuple[_Send, Answer]],
        group: list[int],
        until: datetime,
        stats: DispatchStats,
    ) -> list[_Send]:
        """One transaction: record the sends that came back, then check, render and record the body
        of each message in ``group`` about to be sent, so a crash mid-send still shows what was
        meant (and the sweep knows its send began). Returns the messages to send now."""
        if not done and not group:
            return []
        with Session(connection, expire_on_commit=False) as session:
            self.outcomes.record(
                session, [(send.message, answer) for send, answer in done], until, stats
            )
            sends = self._begin(session, group, until, stats) if group else []
            session.commit()
        # Twilio may have reported on a text before its SID was stored just now.
        sids = [
            answer.said
            for send, answer in done
            if isinstance(answer.said, str) and send.outgoing.channel == Channel.SMS
        ]
        if sids:
            apply_early_reports(connection, self.settings, sids, self.clock.now())
        return sends

    def _begin(
        self, session: Session, group: list[int], until: datetime, stats: DispatchStats
    ) -> list[_Send]:
        """Check and render the messages of ``group`` still held under the lease ending ``until``.

        A message no longer held under that lease is left alone: finished meanwhile, or re-queued by
        a sweep (and perhaps claimed by another worker, whose send it now is).
        """
        now = self.clock.now()
        held = session.execute(_HELD, {"ids": group, "until": until}).all()
        sends = []
        for message, patient, contact, blocked in held:
            send = self._prepare(session, message, patient, contact, blocked, now, stats)
            if send is not None:
                sends.append(send)
        return sends

    def _prepare(
        self,
        session: Session,
        message: Message,
        patient: Patient | None,
        contact: Contact | None,
        blocked: str | None,
        now: datetime,
        stats: DispatchStats,
    ) -> _Send | None:
        """Cancel a message that must not go, fail one whose template breaks, or render it for
        its transport."""
        grace = self.settings.schedule.late_send_grace()
        reason = send_rules.reason_not_to_send(message, patient, contact, blocked, now, grace)
        if reason:
            self.outcomes.finish(session, message, MessageStatus.CANCELLED, failed=reason)
            stats.cancelled += 1
            if blocked is not None and send_rules.fall_back_to_email(session, message, now):
                log.warning(
                    "message %s: sent by email instead, to the patient's address", message.id
                )
            return None
        language = send_rules.reader_language(message, patient, contact)
        try:
            rendered = self.renderer.render(
                message.channel, message.template, language, message.context
            )
        except Exception as exc:
            # Any template fault (a syntax error as much as a missing value) is this message's
            # alone: it fails, naming the template, and the rest of the batch still goes.
            reason = f"template error: {template_fault(exc, message)}"[:200]
            log.error("message %s: %s", message.id, reason)
            failed = (FailureCode.TEMPLATE_ERROR, reason)
            self.outcomes.finish(session, message, MessageStatus.FAILED, failed=failed, error=exc)
            stats.failed += 1
            return None
        message.subject, message.body = rendered.subject, rendered.body
        if message.channel == Channel.SMS:
            message.segments = count_segments(rendered.body).count
        outgoing = Outgoing(
            message_id=message.id or 0,
            channel=Channel(message.channel),
            to=message.to_address,
            subject=rendered.subject,
            body=rendered.body,
            language=language,
            links=email_links(self.settings, message),
        )
        return _Send(message, outgoing, self.transports[outgoing.channel])

    def _reserve(self, send: _Send, until: datetime) -> timedelta | None:
        """The pacing wait before this send, or None when its slot would come after the middle of
        the claim's lease (another worker could then claim it again; it is claimed afresh instead)."""
        lease = timedelta(seconds=self.settings.outbox.lease_seconds)
        return self.pacer.reserve(
            f"{send.outgoing.channel}:{send.transport.sender}",
            send.transport.messages_per_second,
            self.clock.now(),
            deadline=until - lease / 2,
        )

    def _deliver(self, send: _Send, wait: timedelta, stop: threading.Event | None) -> Answer | None:
        """Wait out the pacing, then send: the provider's answer, or None when a stop cut the wait
        short (not sent; it goes back to the queue)."""
        if wait > timedelta(0) and self.pause(wait, stop):
            return None
        said: str | TransportError
        try:
            said = send.transport.send(send.outgoing)
        except TransportError as exc:
            said = exc
        except Exception as exc:
            # A transport bug must not strand the batch: count it as a transient failure, so
            # backoff and the retry limit still apply and the error is visible on the row.
            log.exception(
                "message %s: the transport raised an unexpected error", send.outgoing.message_id
            )
            said = TransportError(repr(exc))
        return Answer(said, self.clock.now())


def template_fault(exc: Exception, message: Message) -> str:
    """A render failure in words that name the template file (and line, for a syntax error)."""
    if isinstance(exc, RenderError):
        return str(exc)  # it names the file already
    return f"{message.channel}/{message.template}.txt.j2: {type(exc).__name__}: {exc}"
