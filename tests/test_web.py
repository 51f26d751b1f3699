"""The web app's health check: a recent tick and a reachable database are 200, anything else 503."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from reminder import planner
from reminder.app import App
from reminder.clock import SimulatedClock
from reminder.config import Settings, load_settings
from reminder.db import create_db_engine, session_scope
from reminder.enrolment import add_patient, check_patient
from reminder.models import MessageKind, MessageStatus, Patient
from reminder.queue import enqueue, message_values
from reminder.web import STALE_TICKS, create_app, database_slots


def client_for(settings: Settings, engine: Engine, clock: SimulatedClock) -> TestClient:
    return TestClient(create_app(App(settings, engine, clock)))


@pytest.fixture
def client(settings: Settings, engine: Engine, clock: SimulatedClock) -> Iterator[TestClient]:
    with client_for(settings, engine, clock) as test_client:
        yield test_client


def stale_limit(settings: Settings) -> timedelta:
    return timedelta(seconds=STALE_TICKS * settings.daemon.tick_seconds)


def test_health_is_stale_before_any_tick(client: TestClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "stale",
        "database": "ok",
        "last_tick_age_seconds": None,
        "queue_due": 0,
    }


def test_health_is_ok_right_after_a_tick(
    client: TestClient, engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    planner.tick(engine, settings, clock)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "last_tick_age_seconds": 0.0,
        "queue_due": 0,
    }


def test_health_reports_the_age_of_the_last_tick(
    client: TestClient, engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    planner.tick(engine, settings, clock)
    clock.advance(timedelta(seconds=45.25))

    body = client.get("/healthz").json()

    assert body["last_tick_age_seconds"] == 45.2


def test_health_is_still_ok_at_exactly_the_stale_limit(
    client: TestClient, engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    planner.tick(engine, settings, clock)
    clock.advance(stale_limit(settings))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_health_goes_stale_when_no_tick_ran_for_too_long(
    client: TestClient, engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    planner.tick(engine, settings, clock)
    clock.advance(stale_limit(settings) + timedelta(seconds=1))

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "stale"
    assert body["database"] == "ok"
    assert body["last_tick_age_seconds"] == stale_limit(settings).total_seconds() + 1


def test_a_new_tick_makes_a_stale_daemon_healthy_again(
    client: TestClient, engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    planner.tick(engine, settings, clock)
    clock.advance(stale_limit(settings) * 3)
    assert client.get("/healthz").status_code == 503

    planner.tick(engine, settings, clock)

    assert client.get("/healthz").status_code == 200


def test_the_stale_limit_follows_the_configured_tick_interval(
    tmp_path: Path, database_url: str, engine: Engine, clock: SimulatedClock
) -> None:
    config = tmp_path / "fast.toml"
    config.write_text("[daemon]\ntick_seconds = 5\n", encoding="utf-8")
    fast = load_settings({"DATABASE_URL": database_url, "REMINDER_CONFIG": str(config)})
    planner.tick(engine, fast, clock)
    clock.advance(timedelta(seconds=STALE_TICKS * 5 + 1))

    with client_for(fast, engine, clock) as fast_client:
        response = fast_client.get("/healthz")

    # With the default 30 s interval the same age would still be healthy.
    assert response.status_code == 503
    assert response.json()["status"] == "stale"


def enrol(settings: Settings, engine: Engine, clock: SimulatedClock) -> Patient:
    spec = check_patient(
        settings,
        name="Ada Example",
        phone="+13125550100",
        email=None,
        timezone="America/Chicago",
        dose_time="19:30",
        start=None,
    )
    with session_scope(engine) as session:
        return add_patient(session, settings, spec, clock.now())


def queue(
    engine: Engine,
    patient: Patient,
    key: str,
    send_at: datetime,
    now: datetime,
    *,
    cancelled: bool = False,
) -> None:
    with session_scope(engine) as session:
        enqueue(
            session,
            message_values(
                key=key,
                patient=patient,
                kind=MessageKind.REPLY,
                template="reply",
                context={"text": key},
                send_at=send_at,
                now=now,
                cancelled_because="test" if cancelled else None,
            ),
        )


def test_queue_due_counts_only_queued_messages_whose_time_has_come(
    client: TestClient, engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    patient = enrol(settings, engine, clock)
    now = clock.now()
    queue(engine, patient, "due-earlier", now - timedelta(minutes=5), now)
    queue(engine, patient, "due-now", now, now)
    queue(engine, patient, "due-later", now + timedelta(minutes=10), now)
    queue(engine, patient, "cancelled", now - timedelta(minutes=5), now, cancelled=True)
    planner.tick(engine, settings, clock)  # the patient's own dose is not due before 19:30 local

    assert client.get("/healthz").json()["queue_due"] == 2

    clock.advance(timedelta(minutes=10))
    planner.tick(engine, settings, clock)

    assert client.get("/healthz").json()["queue_due"] == 3


def test_queue_due_drops_a_message_once_it_is_sent(
    client: TestClient, engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    patient = enrol(settings, engine, clock)
    queue(engine, patient, "due-now", clock.now(), clock.now())
    assert client.get("/healthz").json()["queue_due"] == 1

    with session_scope(engine) as session:
        session.execute(sa.text("UPDATE message SET status = :s"), {"s": MessageStatus.SENT.value})

    assert client.get("/healthz").json()["queue_due"] == 0


UNREACHABLE = [
    pytest.param(
        "postgresql+psycopg://operator:s3cret-Passw0rd@127.0.0.1:1/reminder", id="closed-port"
    ),
    pytest.param("sqlite:///{tmp}/no-such-directory/s3cret-Passw0rd.db", id="missing-directory"),
]


@pytest.mark.parametrize("url", UNREACHABLE)
def test_health_is_503_when_the_database_cannot_be_opened_and_never_shows_its_url(
    url: str, tmp_path: Path, settings: Settings, clock: SimulatedClock
) -> None:
    url = url.format(tmp=tmp_path)
    broken = create_db_engine(url)
    try:
        with client_for(settings, broken, clock) as test_client:
            response = test_client.get("/healthz")
    finally:
        broken.dispose()

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"].startswith("unreachable")
    for secret in ("s3cret-Passw0rd", "operator", "127.0.0.1:1", "no-such-directory", url):
        assert secret not in response.text
        assert secret not in str(response.headers)


def test_health_queries_the_database_off_the_event_loop(client: TestClient, engine: Engine) -> None:
    # A slow database must not stall every other request the server is handling meanwhile.
    loops_seen: list[bool] = []

    def record_loop(*_args: object) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            loops_seen.append(False)
        else:
            loops_seen.append(True)

    sa.event.listen(engine, "before_cursor_execute", record_loop)
    try:
        assert client.get("/healthz").status_code == 503
    finally:
        sa.event.remove(engine, "before_cursor_execute", record_loop)

    assert loops_seen, "the health check ran no query"
    assert not any(loops_seen)


@pytest.mark.parametrize("size", [1, 3, 5])
def test_the_webhooks_use_the_database_from_no_more_threads_than_the_pool_has_connections(
    tmp_path: Path, size: int
) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'slots.db'}", pool_size=size)
    try:
        assert database_slots(engine) == size
    finally:
        engine.dispose()
