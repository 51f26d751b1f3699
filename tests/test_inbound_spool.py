"""Inbound texts while the database is away: kept in the spool and answered 200 (Twilio never
retries an inbound webhook), then stored in order, once, when the database answers again; through
the real web app, a database that refuses connections, and the real one after."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine, make_url
from starlette.testclient import TestClient

from reminder.app import App
from reminder.clock import SimulatedClock
from reminder.config import Settings
from reminder.daemon import Loop
from reminder.db import create_db_engine
from reminder.inbound_spool import Spool
from reminder.models import DoseStatus, FailureCode, MessageKind, MessageStatus
from reminder.web import create_app
from tests.fake_twilio import ACCOUNT_SID, FakeTwilio, inbound_form, twilio_settings
from tests.scenario import PHONE, Bot, local
from tests.test_webhooks import EMPTY_TWIML, inbox, message, report, signed_post


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio().running() as running:
        yield running


@pytest.fixture
def spool_path(tmp_path: Path) -> Path:
    return tmp_path / "spool" / "inbound.jsonl"


@pytest.fixture
def settings(database_url: str, tmp_path: Path, fake: FakeTwilio, spool_path: Path) -> Settings:
    spool_path.parent.mkdir()
    return twilio_settings(
        database_url, tmp_path, fake.base_url, extra=f'inbound_spool = "{spool_path}"'
    )


@pytest.fixture
def bot(engine: Engine, settings: Settings, clock: SimulatedClock) -> Bot:
    return Bot(engine, settings, clock)


@pytest.fixture
def away(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database that cannot be reached: PostgreSQL at a closed port, or a SQLite
    file in a folder that does not exist."""
    if database_url.startswith("postgresql"):
        url = make_url(database_url).set(port=1).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'no-such-folder' / 'test.db'}"
    engine = create_db_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def down(settings: Settings, away: Engine, clock: SimulatedClock) -> Iterator[TestClient]:
    """The web app while its database is away."""
    with TestClient(create_app(App(settings, away, clock))) as test_client:
        yield test_client


@pytest.fixture
def up(settings: Settings, engine: Engine, clock: SimulatedClock) -> Iterator[TestClient]:
    """The web app once its database is back."""
    with TestClient(create_app(App(settings, engine, clock))) as test_client:
        yield test_client


def text(client: TestClient, body: str, sid: str | None = None) -> tuple[int, str]:
    form = inbound_form(ACCOUNT_SID, PHONE, body)
    if sid:
        form["MessageSid"] = form["SmsSid"] = sid
    status, _, answer = signed_post(client, "/twilio/sms", form)
    return status, answer


def spooled(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [json.loads(line)["form"]["Body"] for line in path.read_text().splitlines()]


def test_texts_the_database_cannot_take_are_kept_then_stored_in_order_when_it_is_back(
    bot: Bot,
    down: TestClient,
    up: TestClient,
    fake: FakeTwilio,
    engine: Engine,
    spool_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot.enrol()
    bot.at(local(3, 3, 19, 30))  # the reminder
    caplog.set_level(logging.INFO)

    bot.clock.set(local(3, 3, 19, 40))
    assert text(down, "DONE LT") == (200, EMPTY_TWIML)
    bot.clock.set(local(3, 3, 19, 41))
    assert text(down, "feeling feverish and achy tonight") == (200, EMPTY_TWIML)

    assert spooled(spool_path) == ["DONE LT", "feeling feverish and achy tonight"]
    assert inbox(engine) == []
    health = down.get("/healthz")
    assert (health.status_code, health.json()["inbound_spool"]) == (503, "waiting")
    assert spool_path.stat().st_mode & 0o777 == 0o600
    bot.clock.set(local(3, 3, 21, 0))
    assert text(up, "HELP") == (200, EMPTY_TWIML)

    assert [(m.body, m.received_at) for m in inbox(engine)] == [
        ("DONE LT", local(3, 3, 19, 40)),
        ("feeling feverish and achy tonight", local(3, 3, 19, 41)),
        ("HELP", local(3, 3, 21, 0)),
    ]
    [dose] = bot.doses()[:1]
    assert (dose.status, dose.site, dose.taken_at) == (
        DoseStatus.TAKEN,
        "left_thigh",
        local(3, 3, 19, 40),
    )
    assert bot.replies()[0].body == (
        "Thanks, recorded at 19:40 (left thigh). Next injection: Thu 5 Mar at 19:30."
    )
    assert all(reply.status == MessageStatus.SENT for reply in bot.replies())
    assert len(fake.messages) == 1 + len(bot.replies())
    assert not spool_path.exists()
    assert up.get("/healthz").json()["inbound_spool"] == "empty"
    said = " ".join(record.getMessage() for record in caplog.records)
    assert "kept in the spool" in said and "stored 2 text(s)" in said
    assert "DONE LT" not in said and "feverish" not in said and PHONE not in said


def test_a_worker_tick_stores_what_the_spool_kept_and_twice_the_same_sid_is_stored_once(
    bot: Bot,
    down: TestClient,
    settings: Settings,
    engine: Engine,
    clock: SimulatedClock,
    spool_path: Path,
) -> None:
    bot.enrol()
    bot.at(local(3, 3, 19, 30))
    bot.clock.set(local(3, 3, 19, 40))
    assert text(down, "DONE", sid="SM" + "1" * 32) == (200, EMPTY_TWIML)
    assert text(down, "DONE", sid="SM" + "1" * 32) == (200, EMPTY_TWIML)
    assert spooled(spool_path) == ["DONE", "DONE"]

    bot.clock.set(local(3, 3, 19, 45))
    Loop(App(settings, engine, clock), threading.Event())()

    [inbound] = inbox(engine)
    assert (inbound.provider_id, inbound.received_at) == ("SM" + "1" * 32, local(3, 3, 19, 40))
    [answer] = bot.replies()
    assert answer.status == MessageStatus.SENT
    assert not spool_path.exists()


def test_a_text_is_refused_with_503_only_when_the_spool_cannot_keep_it_either(
    bot: Bot, down: TestClient, spool_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bot.enrol()
    spool_path.parent.rmdir()

    status, _ = text(down, "DONE")

    assert status == 503
    assert "is lost" in caplog.text and "DONE" not in caplog.text


def test_a_spool_line_cut_short_is_set_aside_and_the_texts_around_it_are_stored(
    bot: Bot,
    down: TestClient,
    up: TestClient,
    engine: Engine,
    spool_path: Path,
) -> None:
    bot.enrol()
    assert text(down, "first") == (200, EMPTY_TWIML)
    with spool_path.open("a") as spool:
        spool.write('{"received_at": "2026-03-03T01:00:00+00:00", "form": {"Bo\n')
    assert text(down, "second") == (200, EMPTY_TWIML)

    assert text(up, "third") == (200, EMPTY_TWIML)

    assert [m.body for m in inbox(engine)] == ["first", "second", "third"]
    unreadable = Spool(spool_path).unreadable_path
    assert unreadable.read_text() == '{"received_at": "2026-03-03T01:00:00+00:00", "form": {"Bo\n'


def test_a_spooled_text_without_a_sender_is_set_aside_not_stored_from_nobody(
    bot: Bot, up: TestClient, engine: Engine, spool_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bot.enrol()
    form = inbound_form(ACCOUNT_SID, PHONE, "edited by hand")
    del form["From"]
    Spool(spool_path).append(bot.clock.now(), form)

    assert text(up, "DONE") == (200, EMPTY_TWIML)

    assert [(m.sender, m.body) for m in inbox(engine)] == [(PHONE, "DONE")]
    assert "edited by hand" in Spool(spool_path).unreadable_path.read_text()
    assert "without From or MessageSid" in caplog.text
    assert not spool_path.exists()


def test_a_spooled_text_the_database_refuses_for_itself_does_not_block_those_behind_it(
    bot: Bot, up: TestClient, engine: Engine, spool_path: Path, database_url: str
) -> None:
    bot.enrol()
    # A MessageSid longer than the column: PostgreSQL refuses the row whenever it is offered.
    form = inbound_form(ACCOUNT_SID, PHONE, "edited by hand")
    form["MessageSid"] = "SM" + "2" * 68
    Spool(spool_path).append(bot.clock.now(), form)

    assert text(up, "DONE") == (200, EMPTY_TWIML)

    if database_url.startswith("postgresql"):
        assert [m.body for m in inbox(engine)] == ["DONE"]
        assert "edited by hand" in Spool(spool_path).unreadable_path.read_text()
    else:  # SQLite does not hold a string to its column's length
        assert [m.body for m in inbox(engine)] == ["edited by hand", "DONE"]
    assert not spool_path.exists()


def test_a_delivery_report_the_database_cannot_take_is_kept_and_applied_when_it_is_back(
    bot: Bot,
    down: TestClient,
    settings: Settings,
    engine: Engine,
    clock: SimulatedClock,
    spool_path: Path,
) -> None:
    bot.enrol()
    bot.at(local(3, 3, 19, 30))
    [reminder] = bot.messages(MessageKind.REMINDER)

    assert report(down, reminder.provider_id or "", "undelivered", "30003") == 204

    [line] = spool_path.read_text().splitlines()
    assert json.loads(line)["path"] == "/twilio/status"
    assert message(engine, reminder.id or 0).status == MessageStatus.SENT
    bot.clock.set(local(3, 3, 19, 45))
    Loop(App(settings, engine, clock), threading.Event())()

    stored = message(engine, reminder.id or 0)
    assert (stored.status, stored.failure) == (MessageStatus.FAILED, FailureCode.NOT_DELIVERED)
    assert not spool_path.exists()
