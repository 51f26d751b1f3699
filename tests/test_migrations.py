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
