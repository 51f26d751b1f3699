"""Migrations that fill in new columns from what older rows hold, run on rows written before them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from reminder.clock import SimulatedClock
from reminder.config import Settings
from reminder.db import alembic_config, session_scope, upgrade
from reminder.enrolment import add_patient, check_patient
from reminder.models import Alert, AlertKind, Message


def old_message(clock: SimulatedClock, patient_id: int, key: str, **values: Any) -> dict[str, Any]:
    """A message row as revision 0010 stored it (no alert_id, no failure code)."""
    return {
        "idempotency_key": key,
        "patient_id": patient_id,
        "recipient": "operator" if "fallback" in key else "patient",
        "channel": "sms",
        "to_address": "+13125550199",
        "kind": "alert" if key.startswith("alert:") else "reminder",
        "template": "alert",
        "context": {},
        "status": "sent",
        "send_at": clock.now(),
        "next_attempt_at": clock.now(),
        "attempts": 1,
        "created_at": clock.now(),
        **values,
    }


def at_0010_with(engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Take the schema back to 0010 and write ``rows`` into its message table."""
    command.downgrade(alembic_config(engine), "0010")
    with engine.begin() as connection:
        message = sa.Table("message", sa.MetaData(), autoload_with=connection)
        connection.execute(sa.insert(message), rows)


def enrol_with_alerts(
    engine: Engine, settings: Settings, clock: SimulatedClock, count: int
) -> tuple[int, list[int]]:
    """A patient with ``count`` alerts; their ids."""
    spec = check_patient(
        settings,
        name="Ann Lee",
        phone="+13125550100",
        email=None,
        timezone=None,
        dose_time=None,
        start=None,
    )
    with session_scope(engine) as session:
        patient = add_patient(session, settings, spec, clock.now())
        assert patient.id is not None
        alerts = [
            Alert(
                patient_id=patient.id,
                kind=AlertKind.MOOD,
                reason=f"test {n}",
                created_at=clock.now() + timedelta(minutes=n),
                evidence_at=clock.now(),
                status="acknowledged",
            )
            for n in range(count)
        ]
        session.add_all(alerts)
        session.flush()
        return patient.id, [a.id or 0 for a in alerts]


def stored(engine: Engine) -> dict[str, Message]:
    with session_scope(engine) as session:
        return {
            m.idempotency_key: m for m in session.exec(select(Message).order_by(col(Message.id)))
        }


def test_upgrading_to_0011_names_each_notices_alert_from_its_key(
    engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    # Twelve alerts, so "alert:1:" must not match the notices of alert 12.
    patient_id, ids = enrol_with_alerts(engine, settings, clock, 12)
    first, twelfth = ids[0], ids[11]
    keys = [
        f"alert:{first}:contact:4",
        f"alert:{twelfth}:fallback",
        f"alert:{twelfth}:fallback:2",
        f"alert:{first}:ack:contact:4",
        "alert:9999:fallback",  # its alert is gone: nothing to name
        "alert:test",
        f"dose:{first}:reminder",
    ]
    at_0010_with(engine, [old_message(clock, patient_id, key) for key in keys])

    upgrade(engine)

    rows = stored(engine)
    assert {key: rows[key].alert_id for key in keys} == {
        f"alert:{first}:contact:4": first,
        f"alert:{twelfth}:fallback": twelfth,
        f"alert:{twelfth}:fallback:2": twelfth,
        f"alert:{first}:ack:contact:4": first,
        "alert:9999:fallback": None,
        "alert:test": None,
        f"dose:{first}:reminder": None,
    }


OLD_WORDS = [
    ("cancelled", "too late: due 2026-03-03 14:00 UTC, more than 2:00:00 ago", "too_late"),
    ("cancelled", "the dose window closed before the reminder went out", "window_closed"),
    ("cancelled", "dose window closed", "window_closed"),
    ("cancelled", "dose taken", "answered"),
    ("cancelled", "snoozed", "answered"),
    ("cancelled", "paused", "paused"),
    ("cancelled", "patient paused", "paused"),
    ("cancelled", "opted out", "opted_out"),
    ("cancelled", "contact opted out", "opted_out"),
    ("cancelled", "opted out with the provider: Twilio 21610: unsubscribed", "opted_out"),
    ("cancelled", "address blocked: Twilio 21211: invalid 'To' phone number", "blocked"),
    ("cancelled", "removed by the operator", "cancelled"),
    ("failed", "template error: reminder.txt.j2: 'dose_mcg' is undefined", "template_error"),
    ("failed", "retry limit: 5 attempts", "retry_limit"),
    ("failed", "retry limit: the worker's claim expired 5 times", "retry_limit"),
    (
        "failed",
        "not retried: two sends may have reached the provider (it may have arrived)",
        "sent_twice",
    ),
    ("failed", "not delivered: undelivered 30003: unreachable handset", "not_delivered"),
    ("failed", "Twilio 21610: recipient opted out (replied STOP)", "opted_out"),
    ("failed", "Twilio 21614: 'To' number is not a valid mobile number", "unreachable"),
    ("failed", "SMTP 554: message refused", "permanent"),
]


def test_upgrading_to_0011_gives_each_failed_or_cancelled_message_the_code_of_its_words(
    engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    patient_id, _ = enrol_with_alerts(engine, settings, clock, 0)
    rows = [
        old_message(clock, patient_id, f"m:{n}", status=status, failed_reason=words)
        for n, (status, words, _) in enumerate(OLD_WORDS)
    ]
    rows.append(old_message(clock, patient_id, "sent", failed_reason=None))
    at_0010_with(engine, rows)

    upgrade(engine)

    messages = stored(engine)
    codes = [messages[f"m:{n}"].failure for n in range(len(OLD_WORDS))]
    assert codes == [code for _, _, code in OLD_WORDS]
    assert (messages["sent"].failure, messages["sent"].failed_reason) == (None, None)
    assert messages["m:0"].failed_reason == OLD_WORDS[0][1]  # the words stay as they were
