"""Crash and concurrency on PostgreSQL: real `reminder worker` processes send bursts through the
fake Twilio while the test kills them, takes their database away and makes the provider fail.

What must hold each time: every reminder reaches the provider and its row ends ``sent``, and nothing
is sent twice except where the ambiguous-send policy allows it: a send that may have reached the
provider before its answer was lost (a read timeout, or a worker that died or lost its database
mid-send) is retried once, and then the row says so, its ``last_error`` starting with
``[ambiguous]``; a second such loss fails the row instead ("it may have arrived").

The workers run on the system clock; patients are enrolled (through `reminder import`) with their
dose due this very minute, and the test polls the fake and the database, bounded in time. These
run on PostgreSQL only. The rules they rest on (what the sweep makes of a dead worker's claims, a
live worker renewing its claim) are first checked in process on a simulated clock, on every backend.
"""

from __future__ import annotations

import os
import random
import re
import signal
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from reminder.clock import SimulatedClock
from reminder.config import Settings
from reminder.db import create_db_engine
from reminder.models import Message, MessageKind, MessageStatus
from reminder.outbox import Outbox
from reminder.retry import MID_SEND, NOT_SENT, SENT_TWICE
from reminder.transports import Outgoing
from tests.conftest import PG_URL, postgres_schema
from tests.fake_twilio import Behaviour, FakeTwilio
from tests.processes import TwilioShell, enrol_burst, private_postgres, received_by
from tests.test_daemon import wait_for
from tests.test_outbox import (
    RecordingTransport,
    enrol,
    make_outbox,
    queue,
    stored,
    with_concurrency,
)

# The tests with real processes run on PostgreSQL only.
needs_postgres = pytest.mark.skipif(
    not PG_URL, reason="crash tests with processes run on PostgreSQL: set TEST_DATABASE_URL"
)

BURST = 2000
BURST_SECONDS = 120.0
OUTBOX = "[outbox]\nlease_seconds = 10\nbatch_size = 50\n"
# One send in flight, so the request the fake holds is the only one that can go twice (several
# in flight at a crash are covered in test_outbox).
ONE_IN_FLIGHT = OUTBOX + "concurrency = 1\n"
SENT_BY_TICK = re.compile(r"tick: planned \d+, sent (\d+),")
TICK_FAILED = "tick failed; retrying at the next interval"
RETRYING = re.compile(r"message \d+ attempt (\d+) failed \((.*?)\); retrying in ([\d.]+) s")
BACKOFF_BASE, BACKOFF_MAX = 0.2, 0.8


@dataclass
class UnreliableTwilio(FakeTwilio):
    """The fake Twilio made unreliable: ``failure_rate`` of the requests fail at random with a 429,
    a 500 or an answer that comes ``slow_seconds`` late (after the client gave up: the message was
    accepted, the answer lost), and the ``hold``-th request is accepted but answered only after
    ``hold_seconds``, so a send is in flight when the test strikes. ``latency`` slows every other
    answer down (within the client's timeout)."""

    failure_rate: float = 0.0
    latency: float = 0.0
    slow_seconds: float = 0.0
    hold: int | None = None
    hold_seconds: float = 0.0
    holding: threading.Event = field(default_factory=threading.Event)
    faults: Counter[str] = field(default_factory=Counter)
    rng: random.Random = field(default_factory=lambda: random.Random(6))
    _count: int = 0

    def _next_behaviour(self) -> Behaviour:
        with self._lock:
            self._count += 1
            if self._count == self.hold:
                self.holding.set()
                return Behaviour(delay=self.hold_seconds)
            if self.rng.random() < self.failure_rate:
                fault = self.rng.choice(("429", "500", "slow"))
                self.faults[fault] += 1
                if fault == "slow":
                    return Behaviour(delay=self.slow_seconds)
                return Behaviour(error=20429 if fault == "429" else 20500)
        scripted = super()._next_behaviour()
        return scripted if scripted != Behaviour() else Behaviour(delay=self.latency)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A migrated, empty schema of its own on the test PostgreSQL server."""
    with postgres_schema(f"crash_{os.getpid()}_{random.randrange(10**6)}") as url:
        yield url


@pytest.fixture
def fake() -> Iterator[UnreliableTwilio]:
    with UnreliableTwilio().running() as running:
        yield running


def make_shell(database_url: str, workdir: Path, fake: FakeTwilio, **options: Any) -> TwilioShell:
    options.setdefault("sections", OUTBOX)
    return TwilioShell(database_url, workdir, fake, **options)


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[Engine]:
    engine = create_db_engine(pg_url)
    yield engine
    engine.dispose()


@pytest.fixture
def shell(pg_url: str, tmp_path: Path, fake: UnreliableTwilio) -> Iterator[TwilioShell]:
    operator = make_shell(pg_url, tmp_path, fake)
    try:
        yield operator
    finally:
        operator.kill_all()


def statuses(engine: Engine) -> Counter[str]:
    with engine.connect() as connection:
        return Counter(str(status) for (status,) in connection.execute(sa.select(Message.status)))


def all_sent(engine: Engine, count: int) -> bool:
    return statuses(engine) == Counter({MessageStatus.SENT.value: count})


def all_final(engine: Engine, count: int) -> bool:
    """Whether every one of ``count`` rows is sent or failed: nothing queued or in flight."""
    found = statuses(engine)
    final = found[MessageStatus.SENT.value] + found[MessageStatus.FAILED.value]
    return final == sum(found.values()) == count


def rows(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                sa.select(
                    Message.id,
                    Message.to_address,
                    Message.status,
                    Message.provider_id,
                    Message.attempts,
                    Message.last_error,
                    Message.failed_reason,
                ).order_by(Message.id)
            )
        )


def sent_per_worker(log: str) -> int:
    return sum(int(sent) for sent in SENT_BY_TICK.findall(log))


# --- the rules, in process on a simulated clock (every backend) ------------------------------


class Killed(BaseException):
    """A kill -9 as far as the outbox can tell: nothing after it runs, no handler, no rollback
    of what was committed."""


class DyingTransport(RecordingTransport):
    """Accepts messages; the ``die_at``-th reaches the provider, then its worker dies before the
    answer is recorded."""

    def __init__(self, die_at: int) -> None:
        super().__init__()
        self.die_at = die_at

    def send(self, outgoing: Outgoing) -> str:
        provider_id = super().send(outgoing)
        if len(self.sent) == self.die_at:
            raise Killed
        return provider_id


class SlowTransport(RecordingTransport):
    """A provider that takes ``seconds`` of simulated time to answer, while another worker's
    sweep runs."""

    def __init__(self, clock: SimulatedClock, seconds: float, other: Outbox) -> None:
        super().__init__()
        self.clock, self.seconds, self.other = clock, seconds, other
        self.swept = 0

    def send(self, outgoing: Outgoing) -> str:
        self.clock.advance(timedelta(seconds=self.seconds))
        self.swept += self.other.reclaim_expired_leases()
        return super().send(outgoing)


@pytest.fixture
def patient_id(engine: Engine, settings: Settings, clock: SimulatedClock) -> int:
    return enrol(engine, settings, clock)


def replies(engine: Engine, clock: SimulatedClock, patient_id: int, count: int) -> list[int]:
    return [
        queue(engine, clock, patient_id, f"reply:{n}", kind=MessageKind.REPLY) for n in range(count)
    ]


def test_after_a_crash_mid_send_the_sweep_marks_only_the_send_in_flight_ambiguous(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int, tmp_path: Path
) -> None:
    settings = with_concurrency(settings, tmp_path, 1)  # one send at a time, followed in order
    ids = replies(engine, clock, patient_id, 5)
    dying = DyingTransport(die_at=3)
    with pytest.raises(Killed):
        make_outbox(engine, settings, clock, dying).dispatch()
    clock.advance(timedelta(seconds=settings.outbox.lease_seconds + 1))

    survivor = RecordingTransport()
    stats = make_outbox(engine, settings, clock, survivor).dispatch()

    assert (stats.reclaimed, stats.sent) == (3, 3)
    assert [o.message_id for o in dying.sent] == ids[:3]
    assert [o.message_id for o in survivor.sent] == ids[2:]  # the one in flight goes again
    assert {stored(engine, i).status for i in ids} == {MessageStatus.SENT}
    assert [stored(engine, i).last_error for i in ids] == [
        None,
        None,
        f"[ambiguous] re-queued: {MID_SEND}",
        f"re-queued: {NOT_SENT}",
        f"re-queued: {NOT_SENT}",
    ]


def test_a_message_in_flight_at_two_crashes_is_failed_rather_than_sent_a_third_time(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    [message_id] = replies(engine, clock, patient_id, 1)
    for _ in range(2):
        with pytest.raises(Killed):
            make_outbox(engine, settings, clock, DyingTransport(die_at=1)).dispatch()
        clock.advance(timedelta(seconds=settings.outbox.lease_seconds + 1))

    third = RecordingTransport()
    stats = make_outbox(engine, settings, clock, third).dispatch()

    assert (stats.reclaimed, stats.sent, third.sent) == (1, 0, [])
    message = stored(engine, message_id)
    assert (message.status, message.failed_reason) == (MessageStatus.FAILED, SENT_TWICE)
    assert message.last_error == f"[ambiguous] {MID_SEND}"


def test_a_worker_renews_its_claim_through_a_long_batch_and_a_sweep_takes_none_of_it(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int, tmp_path: Path
) -> None:
    settings = with_concurrency(settings, tmp_path, 1)  # one send at a time, followed in order
    ids = replies(engine, clock, patient_id, 6)
    other = RecordingTransport()
    # Each answer takes 40% of a lease: the batch of six takes 2.4 leases.
    slow = SlowTransport(
        clock, 0.4 * settings.outbox.lease_seconds, make_outbox(engine, settings, clock, other)
    )

    stats = make_outbox(engine, settings, clock, slow).dispatch()

    assert stats.sent == 6
    assert slow.swept == 0
    assert [o.message_id for o in slow.sent] == ids
    assert other.sent == []
    assert {(m.status, m.attempts, m.last_error) for m in map(partial(stored, engine), ids)} == {
        (MessageStatus.SENT, 1, None)
    }


# --- real workers on PostgreSQL -------------------------------------------------------------


@pytest.mark.slow
@needs_postgres
def test_two_workers_send_a_burst_of_2000_reminders_each_exactly_once(
    shell: TwilioShell, fake: UnreliableTwilio, pg_engine: Engine
) -> None:
    phones = enrol_burst(shell, BURST)
    workers = [shell.start("worker"), shell.start("worker")]

    wait_for("every row sent", lambda: all_sent(pg_engine, BURST), seconds=BURST_SECONDS)
    for worker in workers:
        assert worker.stop(signal.SIGTERM) == 0

    assert received_by(fake) == Counter(dict.fromkeys(phones, 1))
    stored = rows(pg_engine)
    assert sorted(row.to_address for row in stored) == sorted(phones)
    assert {row.provider_id for row in stored} == {sid for sid, _ in fake.messages}
    assert {row.attempts for row in stored} == {1}
    shares = [sent_per_worker(worker.stderr()) for worker in workers]
    assert sum(shares) == BURST
    assert min(shares) > 0, f"one worker did all the work: {shares}"
    for worker in workers:
        assert "Traceback" not in worker.stderr()


def sending_ids(engine: Engine) -> set[int]:
    with engine.connect() as connection:
        return set(
            connection.execute(
                sa.select(Message.id).where(Message.status == MessageStatus.SENDING)
            ).scalars()
        )


@pytest.mark.slow
@needs_postgres
def test_a_worker_killed_mid_send_is_replaced_and_only_the_send_in_flight_goes_twice(
    pg_url: str, tmp_path: Path, fake: UnreliableTwilio, pg_engine: Engine
) -> None:
    # The 275th request is accepted but its answer held back: the worker is killed while it waits.
    fake.hold, fake.hold_seconds = 275, 90.0
    # Killed the moment the fake holds the answer; a 5 s timeout keeps within the 10 s lease.
    shell = make_shell(pg_url, tmp_path, fake, timeout_seconds=5.0, sections=ONE_IN_FLIGHT)
    try:
        phones = enrol_burst(shell, 600)
        first = shell.start("worker")
        wait_for("a send in flight", fake.holding.is_set, seconds=BURST_SECONDS)
        shell.kill(first)

        in_flight_to = fake.messages[-1][1].form["To"]
        # What the dead worker held: the send in flight and the rest of its batch of 50.
        held = sending_ids(pg_engine)
        assert len(held) == 26
        assert statuses(pg_engine)[MessageStatus.SENT.value] == 274

        second = shell.start("worker")
        wait_for("every row sent after the restart", lambda: all_sent(pg_engine, 600), seconds=60)
        assert second.stop(signal.SIGTERM) == 0
    finally:
        shell.kill_all()

    received = received_by(fake)
    assert set(received) == set(phones)  # nothing lost
    assert {to for to, times in received.items() if times > 1} == {in_flight_to}
    assert received[in_flight_to] == 2
    stored = rows(pg_engine)
    requeued = {row.id for row in stored if row.last_error and "re-queued" in row.last_error}
    assert requeued == held
    [twice] = [row for row in stored if row.to_address == in_flight_to]
    assert twice.last_error.startswith("[ambiguous] ")
    assert [row.id for row in stored if (row.last_error or "").startswith("[ambiguous]")] == [
        twice.id
    ]
    assert (
        "re-queued 26 message(s) whose worker lease expired; 1 of them may have reached the provider"
        in second.stderr()
    )


@pytest.mark.slow
@needs_postgres
def test_a_worker_whose_batch_outlasts_its_lease_keeps_it_and_no_other_worker_sends_it_too(
    pg_url: str, tmp_path: Path, fake: UnreliableTwilio, pg_engine: Engine
) -> None:
    # Every answer takes 0.2 s: one batch of 100 takes 20 s, twice the 10 s lease.
    fake.latency = 0.2
    shell = TwilioShell(
        pg_url, tmp_path, fake, sections="[outbox]\nlease_seconds = 10\nbatch_size = 100\n"
    )
    try:
        phones = enrol_burst(shell, 100)
        slow = shell.start("worker")
        wait_for("the first send", lambda: fake.messages)
        # A second worker, idle, sweeps expired leases every second meanwhile.
        idle = shell.start("worker")
        wait_for("the idle worker to start", lambda: "worker started" in idle.stderr())
        wait_for("every row sent", lambda: all_sent(pg_engine, 100), seconds=BURST_SECONDS)
        for worker in (slow, idle):
            assert worker.stop(signal.SIGTERM) == 0
    finally:
        shell.kill_all()

    assert received_by(fake) == Counter(dict.fromkeys(phones, 1))
    assert sent_per_worker(slow.stderr()) == 100
    assert "re-queued" not in idle.stderr()
    assert {row.last_error for row in rows(pg_engine)} == {None}


@pytest.mark.slow
@needs_postgres
def test_a_worker_rides_out_a_postgresql_restart_and_finishes_the_burst_without_a_restart(
    tmp_path: Path, fake: UnreliableTwilio
) -> None:
    # The 120th answer comes 4 s late: the database is stopped while that send is in flight.
    fake.hold, fake.hold_seconds = 120, 4.0
    with private_postgres() as server:
        # The worker survives here, so a long lease costs nothing; it must be twice the timeout.
        shell = make_shell(
            server.url,
            tmp_path,
            fake,
            timeout_seconds=30.0,
            sections="[outbox]\nlease_seconds = 60\nbatch_size = 50\nconcurrency = 1\n",
        )
        engine = create_db_engine(server.url)
        try:
            shell.command("init")
            phones = enrol_burst(shell, 300)
            worker = shell.start("worker")
            wait_for("a send in flight", fake.holding.is_set, seconds=BURST_SECONDS)
            in_flight_to = fake.messages[-1][1].form["To"]
            server.stop()
            wait_for("the worker to fail ticks", lambda: worker.stderr().count(TICK_FAILED) >= 3)
            assert worker.process.poll() is None
            server.start()
            outage_ended = len(worker.stderr())

            wait_for("every row sent", lambda: all_sent(engine, 300), seconds=BURST_SECONDS)
            assert worker.process.poll() is None  # it recovered by itself
            assert worker.stop(signal.SIGTERM) == 0
            stored = rows(engine)
        finally:
            shell.kill_all()
            engine.dispose()

    received = received_by(fake)
    assert set(received) == set(phones)
    # The answer to the send in flight came while the database was down: it could not be recorded,
    # so that one reminder went twice, and its row says it may have.
    assert {to for to, times in received.items() if times > 1} == {in_flight_to}
    [twice] = [row for row in stored if row.to_address == in_flight_to]
    assert twice.last_error.startswith("[ambiguous] re-queued")
    log = worker.stderr()
    assert "OperationalError" in log[:outage_ended]
    after = log[outage_ended:]
    assert re.search(r"re-queued \d+ message\(s\) whose worker lease expired; 1 of them", after)
    assert SENT_BY_TICK.search(after)
    # The database errors quote no statement's values: no message text, no patient's name.
    assert "Patient " not in log
    assert "time for your injection" not in log


def backoff_lines(log: str) -> list[tuple[int, str, float]]:
    """(attempt, error, wait in seconds) of each "retrying in" line."""
    return [(int(attempt), error, float(wait)) for attempt, error, wait in RETRYING.findall(log)]


@pytest.mark.slow
@needs_postgres
def test_a_provider_failing_one_request_in_five_delays_reminders_but_loses_none(
    pg_url: str, tmp_path: Path, fake: UnreliableTwilio, pg_engine: Engine
) -> None:
    # One request in five: a 429, a 500, or an answer after the client's 1 s timeout (accepted).
    fake.failure_rate, fake.slow_seconds = 0.2, 1.5
    shell = TwilioShell(
        pg_url,
        tmp_path,
        fake,
        timeout_seconds=1.0,
        sections=(
            "[outbox]\nlease_seconds = 10\nbatch_size = 50\n"
            f"backoff_base_seconds = {BACKOFF_BASE}\nbackoff_max_seconds = {BACKOFF_MAX}\n"
        ),
    )
    try:
        phones = enrol_burst(shell, 400)
        workers = [shell.start("worker"), shell.start("worker")]
        wait_for("every row final", lambda: all_final(pg_engine, 400), seconds=BURST_SECONDS)
        for worker in workers:
            assert worker.stop(signal.SIGTERM) == 0
    finally:
        shell.kill_all()

    assert min(fake.faults[fault] for fault in ("429", "500", "slow")) > 0, fake.faults
    received = received_by(fake)
    assert set(received) == set(phones)  # every reminder reached the provider
    stored = rows(pg_engine)
    sent = [row for row in stored if row.status == MessageStatus.SENT]
    # The only failures allowed: two answers lost in a row (the policy stops there; both arrived).
    for row in stored:
        if row.status != MessageStatus.SENT:
            assert (row.status, row.failed_reason) == (MessageStatus.FAILED, SENT_TWICE)
            assert received[row.to_address] == 2
    # Every extra copy is a late answer, and the row of each copy says it may have gone twice.
    assert sum(received.values()) == len(sent) + fake.faults["slow"]
    for row in stored:
        if received[row.to_address] > 1:
            assert row.last_error.startswith("[ambiguous] ")
    # The backoff shows in the log: each retry waits half to all of base * 2**(attempt - 1).
    log = "".join(worker.stderr() for worker in workers)
    retries = backoff_lines(log)
    kinds = {error.split(":")[0] for _, error, _ in retries}
    assert {
        "Twilio 20429",
        "Twilio 20500",
        "no answer from Twilio within 1 s after the request was sent; it may have been accepted",
    } <= kinds
    assert max(attempt for attempt, _, _ in retries) >= 2
    for attempt, _, wait in retries:
        ceiling = min(BACKOFF_MAX, BACKOFF_BASE * 2 ** (attempt - 1))
        assert ceiling / 2 - 0.05 <= wait <= ceiling + 0.05
