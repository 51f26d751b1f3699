"""A burst of inbound texts at the default pacing (1 message a second), against a real
`reminder serve`: every text is stored and answered 200 long before Twilio gives up (15 s), and the
answers then leave at the paced rate from the answer sender, not from request threads.

Bounded: 100 texts, 25 at once, 127.0.0.1 only, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from reminder.models import InboundMessage, Message, MessageKind
from tests.fake_twilio import FakeTwilio
from tests.processes import enrol_burst
from tests.test_daemon import healthz, wait_for
from tests.test_sms_end_to_end import TwilioOperator

pytestmark = pytest.mark.slow

TEXTS = 100
AT_ONCE = 25
TWILIO_GIVES_UP_SECONDS = 15.0


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio().running() as running:
        yield running


@pytest.fixture
def operator(database_url: str, tmp_path: Path, fake: FakeTwilio) -> Iterator[TwilioOperator]:
    shell = TwilioOperator(database_url, tmp_path, fake)  # messages_per_second = 1.0
    try:
        yield shell
    finally:
        shell.kill_all()


def count(engine: Engine, statement: sa.Select[tuple[int]]) -> int:
    with engine.connect() as connection:
        return int(connection.execute(statement).scalar_one())


def test_a_burst_of_texts_is_stored_and_answered_200_while_the_answers_go_out_paced(
    operator: TwilioOperator, fake: FakeTwilio, engine: Engine
) -> None:
    phones = enrol_burst(operator, TEXTS)
    operator.start("serve", "--port", str(operator.web_port))
    wait_for("the web server", lambda: healthz(operator.web_port))
    url = f"{operator.public}/twilio/sms"

    def text(sender: str) -> tuple[int, float]:
        started = time.monotonic()
        status, _, _ = fake.text_us(url, sender, "HELP")
        return status, time.monotonic() - started

    started = time.monotonic()
    with ThreadPoolExecutor(AT_ONCE) as senders:
        answered = list(senders.map(text, phones))
    burst_seconds = time.monotonic() - started

    assert [status for status, _ in answered] == [200] * TEXTS
    slowest = max(seconds for _, seconds in answered)
    assert slowest < TWILIO_GIVES_UP_SECONDS / 3, f"the slowest 200 took {slowest:.1f} s"
    assert count(engine, sa.select(sa.func.count()).select_from(InboundMessage)) == TEXTS
    replies = sa.select(sa.func.count()).where(Message.kind == MessageKind.REPLY)
    assert count(engine, replies) == TEXTS
    # The answers leave one a second, from the sender thread, while the requests are long done.
    wait_for("three answers at the fake", lambda: len(fake.messages) >= 3)
    elapsed = time.monotonic() - started
    assert len(fake.messages) <= elapsed + 2
    assert burst_seconds < elapsed
