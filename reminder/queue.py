"""Writes message rows once: every producer (planner, conversation, escalation, lifecycle) queues
through here, and never imports the send pipeline.

A row says whom it is for (``recipient``): the patient, one of their contacts, or the operator.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from reminder.db import in_chunks, upsert_insert
from reminder.models import (
    Channel,
    Contact,
    FailureCode,
    Message,
    MessageKind,
    MessageStatus,
    Patient,
    Recipient,
    failure,
)

_NO_FAILURE = {"failure": None, "failed_reason": None}
_TABLE: sa.Table = Message.__table__  # type: ignore[assignment]

# Messages that only make sense near their moment; an answer or an alert is never too late.
TIME_BOUND_KINDS = frozenset(
    {MessageKind.REMINDER, MessageKind.NUDGE, MessageKind.CHECKIN, MessageKind.FOLLOWUP}
)


def enqueue(session: Session, row: dict[str, Any]) -> int:
    """Write one message row (``message_values``) unless its idempotency key exists; return the new
    row's id, or 0 when the key was written before (ids start at 1, so the result is true exactly
    when a row was written)."""
    # rowcount is -1 on PostgreSQL here (psycopg with RETURNING): ask for the row written.
    written = _upsert(session).returning(_TABLE.c.id)
    return session.execute(written, row).scalar_one_or_none() or 0


def message_values(
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
    cancelled_code: FailureCode = FailureCode.CANCELLED,
    by_email: bool = False,
    operator_address: str | None = None,
    alert_id: int | None = None,
) -> dict[str, Any]:
    """The column values of one message row.

    The message goes to ``contact`` when given (about ``patient``), to ``operator_address`` (a
    phone number or an email address) when given, else to the patient, by their usual channel, or
    to their email address when ``by_email``. ``alert_id``: the alert it is about. A row written
    ``cancelled_because`` a reason is kept but never sent; ``cancelled_code`` is that reason's code.
    """
    if operator_address:
        recipient = Recipient.OPERATOR
        is_email = "@" in operator_address
        channel, address = (Channel.EMAIL if is_email else Channel.SMS), operator_address
    else:
        person: Patient | Contact = contact or patient
        recipient = Recipient.CONTACT if contact else Recipient.PATIENT
        channel = Channel.EMAIL if by_email else person.channel
        address = (person.email or "") if by_email else person.address
    return {
        "idempotency_key": key,
        "patient_id": patient.id,
        "contact_id": contact.id if contact and not operator_address else None,
        "dose_id": dose_id,
        "alert_id": alert_id,
        "recipient": recipient.value,
        "channel": channel.value,
        "to_address": address,
        "kind": kind.value,
        "template": template,
        "context": {"tz": patient.timezone, **context},
        "status": (MessageStatus.CANCELLED if cancelled_because else MessageStatus.QUEUED).value,
        **(failure(cancelled_code, cancelled_because) if cancelled_because else _NO_FAILURE),
        "send_at": send_at,
        "next_attempt_at": send_at,
        "attempts": 0,
        "created_at": now,
    }


def insert_messages(session: Session, rows: list[dict[str, Any]]) -> set[str]:
    """Write message rows, skipping keys already written; return the keys this call wrote.

    ``INSERT ... ON CONFLICT DO NOTHING`` makes a repeated or concurrent tick harmless: the second
    writer of the same key finds it taken and writes nothing. One row asks the database which it
    wrote (RETURNING). Many rows read the keys already present first and go as a plain
    executemany, since RETURNING over many rows makes psycopg rewrite one huge statement (about
    0.1 ms a row); a key another transaction writes between the read and the insert is still
    written once, only counted here too. (The planner holds its patients' row locks meanwhile.)
    """
    if not rows:
        return set()
    if len(rows) == 1:
        return {rows[0]["idempotency_key"]} if enqueue(session, rows[0]) else set()
    keys = list(dict.fromkeys(row["idempotency_key"] for row in rows))
    present: set[str] = set()
    for chunk in in_chunks(keys):
        written = sa.select(_TABLE.c.idempotency_key).where(_TABLE.c.idempotency_key.in_(chunk))
        present.update(session.execute(written).scalars())
    fresh: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["idempotency_key"] not in present:
            fresh.setdefault(row["idempotency_key"], row)  # the first of a repeated key, as SQL
    if fresh:
        session.execute(_upsert(session), list(fresh.values()))
    return set(fresh)


def _upsert(session: Session) -> postgresql.Insert | sqlite.Insert:
    """INSERT a message row, or nothing when its idempotency key is taken."""
    statement = upsert_insert(session.get_bind(), _TABLE)
    return statement.on_conflict_do_nothing(index_elements=["idempotency_key"])


def cancel_queued(
    session: Session, *, reason: str, code: FailureCode = FailureCode.CANCELLED, **where: Any
) -> int:
    """Cancel queued messages matching ``where`` (e.g. dose_id=4), saying why."""
    statement = (
        sa.update(Message)
        .where(Message.status == MessageStatus.QUEUED)
        .where(*(getattr(Message, name) == value for name, value in where.items()))
        .values(status=MessageStatus.CANCELLED, **failure(code, reason))
    )
    return session.execute(statement).rowcount
