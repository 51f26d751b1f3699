"""The claim on message rows, in SQL: claim, renew, release, and reclaim what a dead worker held.

A worker owns a claimed row while ``claimed_until`` is the lease it set: every statement that acts
on a claim names that lease, so a row re-queued by a sweep (and perhaps claimed by another worker)
is never touched by the worker that lost it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from reminder.db import session_scope
from reminder.models import Message, MessageStatus, failure
from reminder.retry import AMBIGUOUS, Step, Why, after_expired_claim


def claim(
    engine: Engine, now: datetime, lease: timedelta, limit: int, *only: Any
) -> tuple[list[int], datetime]:
    """Atomically move up to ``limit`` due messages from queued to sending; return their ids and
    the lease's end, the mark by which the claim is this worker's.

    One statement: select the due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent
    workers take disjoint rows) and mark them taken, with a lease, in the same UPDATE. ``only``
    narrows the due rows further (``Message.id == 7``). The body of an earlier attempt is cleared:
    a claimed row has a body again only once its send begins (what the sweep goes by).
    """
    until = now + lease
    due = (
        sa.select(Message.id)
        .where(Message.status == MessageStatus.QUEUED, Message.next_attempt_at <= now, *only)
        .order_by(Message.next_attempt_at, Message.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    statement = (
        sa.update(Message)
        .where(Message.id.in_(due.scalar_subquery()))
        .values(
            status=MessageStatus.SENDING,
            claimed_until=until,
            attempts=Message.attempts + 1,
            subject=None,
            body=None,
            segments=None,
        )
        .returning(Message.id)
    )
    with session_scope(engine) as session:
        ids = sorted(session.execute(statement).scalars())
    return ids, until


def extend(engine: Engine, ids: list[int], until: datetime, renewed: datetime) -> datetime:
    """Renew the lease on the claimed messages still held under ``until`` to ``renewed``; return it.

    A batch can take longer than its lease (a slow provider); without a renewal a sweep would hand
    its tail to another worker while this one still sends it, and both would.
    """
    with session_scope(engine) as session:
        session.execute(
            sa.update(Message)
            .where(
                Message.id.in_(ids),
                Message.status == MessageStatus.SENDING,
                Message.claimed_until == until,
            )
            .values(claimed_until=renewed)
        )
    return renewed


def release(engine: Engine, ids: list[int]) -> int:
    """Hand claimed-but-unsent messages back to the queue (on shutdown), undoing the attempt."""
    if not ids:
        return 0
    with session_scope(engine) as session:
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


@dataclass(frozen=True)
class Reclaimed:
    """What a sweep did: rows queued again (``maybe_sent`` of them mid-send) and rows failed."""

    requeued: int
    maybe_sent: int
    failed: int


def reclaim_expired(engine: Engine, now: datetime, max_attempts: int) -> Reclaimed:
    """Put back messages a dead worker claimed and never finished, so none stays "sending" forever.

    A claim clears the body of what it takes, and the worker records a message's body just before
    its send begins, so a claimed row with a body is one whose send was in flight: it may have
    reached the provider before the worker died. ``retry.after_expired_claim`` decides each row's
    step; rows with the same step are moved in one UPDATE.
    """
    with session_scope(engine) as session:
        expired = session.execute(
            sa.select(
                Message.id,
                Message.attempts,
                Message.body.is_not(None).label("in_flight"),
                Message.last_error.startswith(AMBIGUOUS).label("was_ambiguous"),
            )
            .where(Message.status == MessageStatus.SENDING, Message.claimed_until < now)
            .order_by(Message.id)
            .with_for_update(skip_locked=True)
        ).all()
        steps: dict[Step, list[int]] = {}
        for row in expired:
            step = after_expired_claim(
                attempts=row.attempts,
                in_flight=row.in_flight,
                was_ambiguous=row.was_ambiguous,
                max_attempts=max_attempts,
                now=now,
            )
            steps.setdefault(step, []).append(row.id)
        for step, ids in steps.items():
            values: dict[str, Any] = {"claimed_until": None}
            if step.retry_at is None:
                values["status"] = MessageStatus.FAILED
            else:
                values |= {"status": MessageStatus.QUEUED, "next_attempt_at": step.retry_at}
            if step.failed:
                values |= failure(*step.failed)
            if step.last_error:
                values["last_error"] = step.last_error
            session.execute(sa.update(Message).where(Message.id.in_(ids)).values(**values))
    failed = sum(len(ids) for step, ids in steps.items() if step.retry_at is None)
    maybe_sent = sum(len(ids) for step, ids in steps.items() if step.why == Why.MAYBE_SENT)
    return Reclaimed(len(expired) - failed, maybe_sent, failed)
