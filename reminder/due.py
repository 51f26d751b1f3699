"""What the daemon waits for: the earliest moment anything is due, and the heartbeat each loop
records when it completes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from reminder import escalation
from reminder.db import session_scope, upsert_insert
from reminder.models import Heartbeat, Message, MessageStatus, Patient


def next_due(engine: Engine) -> datetime | None:
    """The earliest moment anything is due: a patient to plan, an alert to escalate or a queued
    message to send."""
    with session_scope(engine) as session:
        moments = [
            session.exec(select(sa.func.min(Patient.next_action_at))).one(),
            escalation.next_escalation(session),
            session.exec(
                select(sa.func.min(Message.next_attempt_at)).where(
                    Message.status == MessageStatus.QUEUED
                )
            ).one(),
        ]
    present = [moment for moment in moments if moment is not None]
    return min(present) if present else None


def beat(engine: Engine, name: str, now: datetime, detail: str) -> None:
    """Record that a loop completed, for /healthz and `reminder` status output."""
    # One upsert: two first ticks at once must not both try to insert the row.
    statement = upsert_insert(engine, Heartbeat).values(name=name, at=now, detail=detail)
    statement = statement.on_conflict_do_update(
        index_elements=["name"], set_={"at": statement.excluded.at, "detail": detail}
    )
    with session_scope(engine) as session:
        session.execute(statement)
