"""The outbox against a real database: one row per key, one send per message, retries, leases, stops."""

from __future__ import annotations

import random
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import select

from reminder.clock import SimulatedClock
from reminder.config import Settings, load_settings
from reminder.db import create_db_engine, session_scope
from reminder.enrolment import add_patient, check_patient
from reminder.models import (
    Channel,
    Contact,
    FailureCode,
    Message,
    MessageKind,
    MessageStatus,
    Patient,
    PatientStatus,
)
from reminder.outbox import Outbox
from reminder.pacing import Pacer
from reminder.queue import cancel_queued, enqueue, message_values
from reminder.render import Renderer, default_templates_dir
from reminder.retry import MID_SEND, NOT_SENT, Backoff
from reminder.transports import Outgoing, TransportError

PHONE = "+13125550100"


# --- fakes of the provider: each implements reminder.transports.Transport ---------------------


class RecordingTransport:
    """Accepts everything and remembers what it was given, like a provider that never fails."""

    sender = ""
    messages_per_second = 0.0  # no pacing

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []
        self.calls = 0

    def send(self, outgoing: Outgoing) -> str:
        self.calls += 1
        self.sent.append(outgoing)
        return f"SM{outgoing.message_id:04d}-{len(self.sent)}"


class FlakyTransport(RecordingTransport):
    """Fails ``failures`` times with a transient error (a 503), then accepts."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    def send(self, outgoing: Outgoing) -> str:
        if self.failures > 0:
            self.calls += 1
            self.failures -= 1
            raise TransportError("503 service unavailable", permanent=False)
        return super().send(outgoing)


class RejectingTransport(RecordingTransport):
    """Refuses every message for good, as Twilio does an invalid number (21211)."""

    def send(self, outgoing: Outgoing) -> str:
        self.calls += 1
        raise TransportError("21211: invalid 'To' phone number", permanent=True)


class StoppingTransport(RecordingTransport):
    """Accepts a message, then sets ``stop``, as a shutdown signal arriving mid-batch would."""

    def __init__(self, stop: threading.Event) -> None:
        super().__init__()
        self.stop = stop

    def send(self, outgoing: Outgoing) -> str:
        provider_id = super().send(outgoing)
        self.stop.set()
        return provider_id


# --- helpers ------------------------------------------------------------------------------


def enrol(
    engine: Engine,
    settings: Settings,
    clock: SimulatedClock,
    *,
    name: str = "Ann Lee",
    phone: str | None = PHONE,
    email: str | None = None,
    status: PatientStatus = PatientStatus.ACTIVE,
) -> int:
    spec = check_patient(
        settings, name=name, phone=phone, email=email, timezone=None, dose_time=None, start=None
    )
    with session_scope(engine) as session:
        patient = add_patient(session, settings, spec, clock.now())
        patient.status = status
        session.add(patient)
        session.flush()
        assert patient.id is not None
        return patient.id


def dose_context(
    clock: SimulatedClock, volume_ml: float = 1.0, site: str = "left_thigh"
) -> dict[str, Any]:
    """What the planner writes for a dose reminder (enqueue adds the zone)."""
    return {
        "name": "Ann",
        "volume_ml": volume_ml,
        "dose_mcg": volume_ml * 250,
        "site": site,
        "at": clock.now().isoformat(),
        "snoozed": False,
    }


def reply_context() -> dict[str, Any]:
    return {"answer": "help", "question": None, "help_contact": "", "sender_name": "Care team"}


def queue(
    engine: Engine,
    clock: SimulatedClock,
    patient_id: int,
    key: str,
    *,
    kind: MessageKind = MessageKind.REMINDER,
    template: str | None = None,
    context: dict[str, Any] | None = None,
    send_at: datetime | None = None,
) -> int:
    """Write one message row through enqueue and return its id."""
    with session_scope(engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        if context is None:
            context = reply_context() if kind == MessageKind.REPLY else dose_context(clock)
        enqueue(
            session,
            message_values(
                key=key,
                patient=patient,
                kind=kind,
                template=template or kind.value,
                context=context,
                send_at=send_at or clock.now(),
                now=clock.now(),
            ),
        )
        message_id = session.exec(select(Message.id).where(Message.idempotency_key == key)).one()
        assert message_id is not None
        return message_id


def stored(engine: Engine, message_id: int) -> Message:
    with session_scope(engine) as session:
        message = session.get(Message, message_id)
        assert message is not None
        return message


def all_messages(engine: Engine) -> list[Message]:
    with session_scope(engine) as session:
        return list(session.exec(select(Message).order_by(Message.id)))


def make_outbox(
    engine: Engine, settings: Settings, clock: SimulatedClock, transport: RecordingTransport
) -> Outbox:
    return Outbox(
        engine,
        settings,
        clock,
        {Channel.SMS: transport, Channel.EMAIL: transport},
        Renderer(),
        rng=random.Random(1234),
    )


@pytest.fixture
def patient_id(engine: Engine, settings: Settings, clock: SimulatedClock) -> int:
    return enrol(engine, settings, clock)


@pytest.fixture
def backoff(settings: Settings) -> Backoff:
    return Backoff(settings.outbox.backoff_base_seconds, settings.outbox.backoff_max_seconds)


def backoff_bounds(backoff: Backoff, attempt: int) -> tuple[timedelta, timedelta]:
    ceiling = min(backoff.max_seconds, backoff.base_seconds * 2 ** (attempt - 1))
    return timedelta(seconds=ceiling / 2), timedelta(seconds=ceiling)


# --- enqueue ------------------------------------------------------------------------------


def test_enqueueing_the_same_key_twice_writes_one_row(
    engine: Engine, clock: SimulatedClock, patient_id: int
) -> None:
    with session_scope(engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        common = {"key": "dose:1:reminder", "patient": patient, "kind": MessageKind.REMINDER}
        first = enqueue(
            session,
            message_values(
                **common,
                template="reminder",
                context=dose_context(clock, 0.25),
                send_at=clock.now(),
                now=clock.now(),
            ),
        )
        second = enqueue(
            session,
            message_values(
                **common,
                template="nudge",
                context=dose_context(clock, 1.0),
                send_at=clock.now() + timedelta(hours=1),
                now=clock.now(),
            ),
        )
    assert (first, second) == (True, False)
    [message] = all_messages(engine)
    assert message.id == first
    assert message.template == "reminder"
    assert message.context["volume_ml"] == 0.25
    assert message.send_at == clock.now()
    assert message.status == MessageStatus.QUEUED
    assert (message.to_address, message.channel) == (PHONE, Channel.SMS)


def test_a_second_transaction_with_the_same_key_writes_nothing(
    engine: Engine, clock: SimulatedClock, patient_id: int
) -> None:
    first = queue(
        engine,
        clock,
        patient_id,
        "lab:1:2026-04-03",
        kind=MessageKind.LAB,
        context={"name": "Ann", "on": "2026-04-03"},
    )
    clock.advance(timedelta(minutes=5))
    again = queue(
        engine,
        clock,
        patient_id,
        "lab:1:2026-04-03",
        kind=MessageKind.LAB,
        context={"name": "Ann", "on": "2026-10-03"},
    )
    assert again == first
    [message] = all_messages(engine)
    assert message.context["on"] == "2026-04-03"


def test_enqueue_stores_the_patients_zone_for_rendering(
    engine: Engine, clock: SimulatedClock, patient_id: int
) -> None:
    message_id = queue(engine, clock, patient_id, "k")
    assert stored(engine, message_id).context["tz"] == "America/Chicago"


# --- dispatch: the happy path --------------------------------------------------------------


def test_a_due_message_is_sent_once_and_its_record_says_so(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    message_id = queue(engine, clock, patient_id, "dose:1:reminder")
    transport = RecordingTransport()
    outbox = make_outbox(engine, settings, clock, transport)
    clock.advance(timedelta(minutes=1))

    stats = outbox.dispatch()

    assert stats.sent == 1
    [outgoing] = transport.sent
    assert outgoing.message_id == message_id
    assert (outgoing.to, outgoing.channel, outgoing.subject) == (PHONE, Channel.SMS, None)
    assert "1 mL" in outgoing.body
    assert "left thigh" in outgoing.body
    message = stored(engine, message_id)
    assert message.status == MessageStatus.SENT
    assert message.sent_at == clock.now()
    assert message.provider_id == f"SM{message_id:04d}-1"
    assert message.body == outgoing.body
    assert message.attempts == 1
    assert message.claimed_until is None
    assert message.failed_reason is None and message.last_error is None

    clock.advance(timedelta(hours=1))
    assert outbox.dispatch().sent == 0
    assert len(transport.sent) == 1
    assert stored(engine, message_id).sent_at == clock.now() - timedelta(hours=1)


def test_the_reminder_names_the_dose_of_the_day(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    first_weeks = queue(
        engine, clock, patient_id, "dose:1:reminder", context=dose_context(clock, 0.25, "left_arm")
    )
    transport = RecordingTransport()
    make_outbox(engine, settings, clock, transport).dispatch()
    body = stored(engine, first_weeks).body
    assert body is not None
    assert "0.25 mL" in body
    assert "upper arm" in body
    assert transport.sent[0].body == body


def test_an_email_patient_gets_a_subject(
    engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    patient = enrol(engine, settings, clock, name="Bo Diaz", phone=None, email="bo@example.org")
    message_id = queue(engine, clock, patient, "dose:2:reminder")
    transport = RecordingTransport()
    make_outbox(engine, settings, clock, transport).dispatch()
    [outgoing] = transport.sent
    assert (outgoing.to, outgoing.channel) == ("bo@example.org", Channel.EMAIL)
    assert outgoing.subject == "Reminder: your injection today"
    message = stored(engine, message_id)
    assert (message.subject, message.status) == (outgoing.subject, MessageStatus.SENT)


def test_a_message_due_later_waits_for_its_time(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    now_id = queue(engine, clock, patient_id, "now")
    later_id = queue(engine, clock, patient_id, "later", send_at=clock.now() + timedelta(hours=1))
    transport = RecordingTransport()
    outbox = make_outbox(engine, settings, clock, transport)

    outbox.dispatch()
    assert [o.message_id for o in transport.sent] == [now_id]
    later = stored(engine, later_id)
    assert (later.status, later.attempts, later.body) == (MessageStatus.QUEUED, 0, None)

    clock.advance(timedelta(minutes=59, seconds=59))
    outbox.dispatch()
    assert len(transport.sent) == 1

    clock.advance(timedelta(seconds=1))
    outbox.dispatch()
    assert [o.message_id for o in transport.sent] == [now_id, later_id]
    assert stored(engine, later_id).status == MessageStatus.SENT


def test_dispatch_works_through_more_than_one_batch(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    small = settings.model_copy(
        update={
            "file": settings.file.model_copy(
                update={"outbox": settings.outbox.model_copy(update={"batch_size": 3})}
            )
        }
    )
    ids = [queue(engine, clock, patient_id, f"reply:{n}", kind=MessageKind.REPLY) for n in range(7)]
    transport = RecordingTransport()
    stats = make_outbox(engine, small, clock, transport).dispatch()
    assert stats.sent == 7
    assert sorted(o.message_id for o in transport.sent) == ids


# --- dispatch: failures ----------------------------------------------------------------------


def test_a_transient_failure_retries_with_backoff_until_it_goes_through(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int, backoff: Backoff
) -> None:
    message_id = queue(engine, clock, patient_id, "dose:1:reminder")
    transport = FlakyTransport(failures=2)
    outbox = make_outbox(engine, settings, clock, transport)

    for attempt in (1, 2):
        failed_at = clock.now()
        stats = outbox.dispatch()
        assert (stats.sent, stats.retried) == (0, 1)
        message = stored(engine, message_id)
        assert message.status == MessageStatus.QUEUED
        assert message.attempts == attempt
        assert message.last_error == "503 service unavailable"
        assert message.failed_reason is None
        assert message.claimed_until is None
        shortest, longest = backoff_bounds(backoff, attempt)
        assert failed_at + shortest <= message.next_attempt_at <= failed_at + longest
        # Not before its time: the same moment, or a second early, sends nothing.
        assert outbox.dispatch().retried == 0
        clock.set(message.next_attempt_at - timedelta(seconds=1))
        assert outbox.dispatch().retried == 0
        assert transport.calls == attempt
        clock.set(message.next_attempt_at)

    assert outbox.dispatch().sent == 1
    message = stored(engine, message_id)
    assert (message.status, message.attempts) == (MessageStatus.SENT, 3)
    assert message.sent_at == clock.now()
    assert transport.calls == 3 and len(transport.sent) == 1


def test_a_message_that_keeps_failing_stops_at_the_retry_limit(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    message_id = queue(engine, clock, patient_id, "reply:1", kind=MessageKind.REPLY)
    transport = FlakyTransport(failures=1000)
    outbox = make_outbox(engine, settings, clock, transport)
    limit = settings.outbox.max_attempts

    for _ in range(limit):
        outbox.dispatch()
        message = stored(engine, message_id)
        if message.status == MessageStatus.QUEUED:
            clock.set(message.next_attempt_at)

    message = stored(engine, message_id)
    assert message.status == MessageStatus.FAILED
    assert message.failed_reason == f"retry limit: {limit} attempts"
    assert message.attempts == limit
    assert message.last_error == "503 service unavailable"
    assert transport.calls == limit
    clock.advance(timedelta(days=1))
    assert outbox.dispatch().failed == 0
    assert transport.calls == limit


def test_a_permanent_failure_fails_at_once_and_is_never_retried(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    message_id = queue(engine, clock, patient_id, "dose:1:reminder")
    transport = RejectingTransport()
    outbox = make_outbox(engine, settings, clock, transport)

    stats = outbox.dispatch()

    assert (stats.failed, stats.retried, stats.sent) == (1, 0, 0)
    message = stored(engine, message_id)
    assert message.status == MessageStatus.FAILED
    assert message.failed_reason == "21211: invalid 'To' phone number"
    assert message.last_error == "21211: invalid 'To' phone number"
    assert message.attempts == 1
    assert message.sent_at is None and message.provider_id is None
    # The rendered body is kept, so the operator sees what did not go out.
    assert message.body is not None and "1 mL" in message.body
    clock.advance(timedelta(days=2))
    outbox.dispatch()
    assert transport.calls == 1
    assert stored(engine, message_id).status == MessageStatus.FAILED


def test_each_way_a_send_ends_early_sets_a_failure_code_beside_its_words(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    refused = queue(engine, clock, patient_id, "dose:1:reminder")
    broken = queue(engine, clock, patient_id, "odd", template="birthday")
    answered = queue(engine, clock, patient_id, "dose:2:nudge", kind=MessageKind.NUDGE)
    with session_scope(engine) as session:
        cancel_queued(
            session, reason="dose taken", code=FailureCode.ANSWERED, idempotency_key="dose:2:nudge"
        )
    make_outbox(engine, settings, clock, RejectingTransport()).dispatch()

    codes = {
        message_id: (stored(engine, message_id).failure, stored(engine, message_id).failed_reason)
        for message_id in (refused, broken, answered)
    }
    assert codes[refused] == (FailureCode.PERMANENT, "21211: invalid 'To' phone number")
    assert codes[broken][0] == FailureCode.TEMPLATE_ERROR
    assert codes[answered] == (FailureCode.ANSWERED, "dose taken")


def test_a_message_held_back_at_send_time_says_why_as_a_code(
    engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    opted_out = enrol(engine, settings, clock, status=PatientStatus.OPTED_OUT)
    active = enrol(engine, settings, clock, name="Cy Po", phone="+12025550143")
    stopped = queue(engine, clock, opted_out, "dose:1:reminder")
    late = queue(engine, clock, active, "dose:2:reminder", send_at=clock.now() - timedelta(days=1))

    make_outbox(engine, settings, clock, RecordingTransport()).dispatch()

    assert (stored(engine, stopped).failure, stored(engine, stopped).failed_reason) == (
        FailureCode.OPTED_OUT,
        "patient opted out",
    )
    assert stored(engine, late).failure == FailureCode.TOO_LATE
    assert (stored(engine, late).failed_reason or "").startswith("too late: due ")


def test_a_missing_template_fails_visibly_without_a_send(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    message_id = queue(engine, clock, patient_id, "odd", template="birthday")
    transport = RecordingTransport()
    outbox = make_outbox(engine, settings, clock, transport)

    assert outbox.dispatch().failed == 1

    message = stored(engine, message_id)
    assert message.status == MessageStatus.FAILED
    assert message.failed_reason is not None
    assert message.failed_reason.startswith("template error: no template en/sms/birthday.txt.j2")
    assert message.last_error is not None and "birthday" in message.last_error
    assert transport.calls == 0
    clock.advance(timedelta(hours=1))
    outbox.dispatch()
    assert transport.calls == 0


def test_a_syntax_error_in_one_template_fails_only_its_message_and_the_batch_goes_out(
    engine: Engine,
    settings: Settings,
    clock: SimulatedClock,
    patient_id: int,
    tmp_path: Path,
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(default_templates_dir(), templates)
    (templates / "en" / "sms" / "lab.txt.j2").write_text("Hi {{ name\nyour lab test {% if %}\n")
    first = queue(engine, clock, patient_id, "dose:1:reminder")
    broken = queue(engine, clock, patient_id, "lab:1", kind=MessageKind.LAB, template="lab")
    last = queue(engine, clock, patient_id, "dose:2:reminder")
    transport = RecordingTransport()
    outbox = Outbox(
        engine,
        settings,
        clock,
        {Channel.SMS: transport, Channel.EMAIL: transport},
        Renderer(templates),
        rng=random.Random(1234),
    )

    stats = outbox.dispatch()

    assert (stats.sent, stats.failed) == (2, 1)
    assert [stored(engine, i).status for i in (first, last)] == [MessageStatus.SENT] * 2
    failed = stored(engine, broken)
    assert failed.status == MessageStatus.FAILED
    assert (failed.failed_reason or "").startswith("template error: en/sms/lab.txt.j2 line ")
    assert [sent.message_id for sent in transport.sent] == [first, last]


def test_a_context_missing_a_variable_fails_as_a_template_error(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    context = dose_context(clock)
    del context["volume_ml"]
    message_id = queue(engine, clock, patient_id, "dose:1:reminder", context=context)
    transport = RecordingTransport()
    make_outbox(engine, settings, clock, transport).dispatch()
    message = stored(engine, message_id)
    assert (message.status, message.failed_reason) == (
        MessageStatus.FAILED,
        "template error: en/sms/reminder.txt.j2: 'volume_ml' is undefined",
    )
    assert message.last_error is not None and "volume_ml" in message.last_error
    assert transport.calls == 0


def test_one_failing_message_does_not_hold_up_the_others(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    broken = queue(engine, clock, patient_id, "broken", template="birthday")
    good = queue(engine, clock, patient_id, "good")
    transport = RecordingTransport()
    stats = make_outbox(engine, settings, clock, transport).dispatch()
    assert (stats.failed, stats.sent) == (1, 1)
    assert [o.message_id for o in transport.sent] == [good]
    assert stored(engine, broken).status == MessageStatus.FAILED


@given(
    attempt=st.integers(min_value=1, max_value=20),
    seed=st.integers(min_value=0, max_value=2**32),
    base=st.floats(min_value=0.5, max_value=600),
    cap=st.floats(min_value=1, max_value=86_400),
)
def test_backoff_waits_between_half_and_all_of_the_capped_exponential(
    attempt: int, seed: int, base: float, cap: float
) -> None:
    backoff = Backoff(base, cap)
    ceiling = min(cap, base * 2 ** (attempt - 1))
    delay = backoff.delay(attempt, random.Random(seed)).total_seconds()
    # timedelta keeps microseconds, so allow one either side.
    assert ceiling / 2 - 1e-6 <= delay <= ceiling + 1e-6
    assert delay == backoff.delay(attempt, random.Random(seed)).total_seconds()


def test_backoff_follows_its_documented_example() -> None:
    backoff = Backoff(30, 3600)
    rng = random.Random(5)
    expected = {1: (15, 30), 2: (30, 60), 3: (60, 120), 8: (1800, 3600), 20: (1800, 3600)}
    for attempt, (low, high) in expected.items():
        for _ in range(50):
            assert low <= backoff.delay(attempt, rng).total_seconds() <= high


# --- claiming ---------------------------------------------------------------------------------


def test_claim_takes_due_messages_with_a_lease_and_counts_the_attempt(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    due = [queue(engine, clock, patient_id, f"r{n}", kind=MessageKind.REPLY) for n in range(3)]
    queue(engine, clock, patient_id, "later", send_at=clock.now() + timedelta(minutes=1))
    outbox = make_outbox(engine, settings, clock, RecordingTransport())

    assert outbox.claim(2) == due[:2]
    assert outbox.claim(10) == due[2:]
    assert outbox.claim(10) == []
    for message_id in due:
        message = stored(engine, message_id)
        assert message.status == MessageStatus.SENDING
        assert message.attempts == 1
        assert message.claimed_until == clock.now() + timedelta(
            seconds=settings.outbox.lease_seconds
        )


@pytest.fixture
def second_engine(database_url: str) -> Iterator[Engine]:
    """A separate engine (its own connections), as a second worker process would have."""
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


def test_concurrent_claims_never_take_the_same_message_twice(
    engine: Engine,
    second_engine: Engine,
    settings: Settings,
    clock: SimulatedClock,
    patient_id: int,
) -> None:
    with session_scope(engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        for n in range(200):
            enqueue(
                session,
                message_values(
                    key=f"reply:{n}",
                    patient=patient,
                    kind=MessageKind.REPLY,
                    template="reply",
                    context=reply_context(),
                    send_at=clock.now() - timedelta(seconds=n % 7),
                    now=clock.now(),
                ),
            )
    due = {m.id for m in all_messages(engine)}
    workers = [
        make_outbox(engine, settings, clock, RecordingTransport()),
        make_outbox(second_engine, settings, clock, RecordingTransport()),
    ]
    claimed: list[list[int]] = [[], []]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work(index: int) -> None:
        try:
            start.wait()
            while batch := workers[index].claim(10):
                assert len(batch) <= 10
                claimed[index].extend(batch)
        except BaseException as exc:  # surfaced below; a thread's exception is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    together = claimed[0] + claimed[1]
    assert len(together) == len(set(together)) == 200
    assert set(claimed[0]).isdisjoint(claimed[1])
    assert set(together) == due
    messages = all_messages(engine)
    assert {m.status for m in messages} == {MessageStatus.SENDING}
    assert {m.attempts for m in messages} == {1}


# --- leases -----------------------------------------------------------------------------------


def test_an_expired_lease_is_requeued_and_a_live_one_is_left_alone(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    lease = timedelta(seconds=settings.outbox.lease_seconds)
    dead_worker = make_outbox(engine, settings, clock, RecordingTransport())
    abandoned = queue(engine, clock, patient_id, "abandoned", kind=MessageKind.REPLY)
    assert dead_worker.claim(10) == [abandoned]
    clock.advance(timedelta(seconds=30))
    busy = queue(engine, clock, patient_id, "busy", kind=MessageKind.REPLY)
    assert dead_worker.claim(10) == [busy]
    busy_until = stored(engine, busy).claimed_until

    clock.set(stored(engine, abandoned).claimed_until or clock.now())
    outbox = make_outbox(engine, settings, clock, RecordingTransport())
    assert outbox.reclaim_expired_leases() == 0  # a lease runs until its last instant

    clock.advance(timedelta(seconds=1))
    assert outbox.reclaim_expired_leases() == 1

    requeued = stored(engine, abandoned)
    assert requeued.status == MessageStatus.QUEUED
    assert requeued.claimed_until is None
    assert requeued.next_attempt_at == clock.now()
    assert requeued.last_error is not None and "claim expired" in requeued.last_error
    live = stored(engine, busy)
    assert (live.status, live.claimed_until) == (MessageStatus.SENDING, busy_until)
    assert live.last_error is None
    assert busy_until is not None
    assert clock.now() < busy_until <= clock.now() + lease


def test_dispatch_sends_what_a_dead_worker_held_but_not_what_a_live_one_holds(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    abandoned = queue(engine, clock, patient_id, "abandoned", kind=MessageKind.REPLY)
    make_outbox(engine, settings, clock, RecordingTransport()).claim(10)
    clock.advance(timedelta(seconds=settings.outbox.lease_seconds + 1))
    busy = queue(engine, clock, patient_id, "busy", kind=MessageKind.REPLY)
    make_outbox(engine, settings, clock, RecordingTransport()).claim(10)

    transport = RecordingTransport()
    stats = make_outbox(engine, settings, clock, transport).dispatch()

    assert (stats.reclaimed, stats.sent) == (1, 1)
    assert [o.message_id for o in transport.sent] == [abandoned]
    assert stored(engine, abandoned).status == MessageStatus.SENT
    assert stored(engine, busy).status == MessageStatus.SENDING


class OvertakenTransport(RecordingTransport):
    """A first worker's send that outlasts its lease: while it is on the wire, the clock passes the
    lease and a second worker sweeps the row and sends it again."""

    def __init__(self, engine: Engine, settings: Settings, clock: SimulatedClock) -> None:
        super().__init__()
        self.engine, self.settings, self.clock = engine, settings, clock
        self.second = RecordingTransport()

    def send(self, outgoing: Outgoing) -> str:
        self.clock.advance(timedelta(seconds=self.settings.outbox.lease_seconds + 1))
        make_outbox(self.engine, self.settings, self.clock, self.second).dispatch()
        return f"SM-late-{super().send(outgoing)}"


def test_a_send_back_after_a_takeover_leaves_the_row_to_the_worker_that_took_it_over(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int, tmp_path: Path
) -> None:
    settings = with_concurrency(settings, tmp_path, 1)
    message_id = queue(engine, clock, patient_id, "slow", kind=MessageKind.REPLY)
    first = OvertakenTransport(engine, settings, clock)

    stats = make_outbox(engine, settings, clock, first).dispatch()

    assert [o.message_id for o in first.sent] == [o.message_id for o in first.second.sent]
    assert stats.sent == 0
    row = stored(engine, message_id)
    assert row.status == MessageStatus.SENT
    assert row.provider_id == f"SM{message_id:04d}-1"  # the second worker's, not "SM-late-..."
    assert row.claimed_until is None


# --- stopping ---------------------------------------------------------------------------------


def test_a_stop_mid_batch_hands_the_rest_back_and_loses_nothing(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int, tmp_path: Path
) -> None:
    settings = with_concurrency(
        settings, tmp_path, 1
    )  # one send at a time: which one the stop meets
    ids = [queue(engine, clock, patient_id, f"reply:{n}", kind=MessageKind.REPLY) for n in range(5)]
    stop = threading.Event()
    transport = StoppingTransport(stop)

    stats = make_outbox(engine, settings, clock, transport).dispatch(stop)

    assert (stats.sent, stats.released) == (1, 4)
    assert [o.message_id for o in transport.sent] == ids[:1]
    first, *rest = (stored(engine, message_id) for message_id in ids)
    assert first.status == MessageStatus.SENT
    for message in rest:
        assert message.status == MessageStatus.QUEUED
        assert message.attempts == 0
        assert message.claimed_until is None
        assert message.body is None

    after_restart = RecordingTransport()
    assert make_outbox(engine, settings, clock, after_restart).dispatch().sent == 4
    assert [o.message_id for o in transport.sent + after_restart.sent] == ids
    assert {m.status for m in all_messages(engine)} == {MessageStatus.SENT}
    assert {m.attempts for m in all_messages(engine)} == {1}


def test_a_stop_set_before_dispatch_claims_nothing(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    message_id = queue(engine, clock, patient_id, "r", kind=MessageKind.REPLY)
    stop = threading.Event()
    stop.set()
    transport = RecordingTransport()
    make_outbox(engine, settings, clock, transport).dispatch(stop)
    assert transport.calls == 0
    message = stored(engine, message_id)
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 0)


# --- too late, opted out, paused ---------------------------------------------------------


def test_a_reminder_past_the_grace_is_cancelled_but_a_reply_as_old_is_sent(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    grace = settings.schedule.late_send_grace()
    long_ago = clock.now() - grace - timedelta(minutes=1)
    reminder = queue(engine, clock, patient_id, "dose:1:reminder", send_at=long_ago)
    nudge = queue(
        engine, clock, patient_id, "dose:1:nudge", kind=MessageKind.NUDGE, send_at=long_ago
    )
    reply = queue(engine, clock, patient_id, "reply:1", kind=MessageKind.REPLY, send_at=long_ago)
    just_in_time = queue(engine, clock, patient_id, "dose:2:reminder", send_at=clock.now() - grace)
    transport = RecordingTransport()

    stats = make_outbox(engine, settings, clock, transport).dispatch()

    assert (stats.cancelled, stats.sent) == (2, 2)
    assert sorted(o.message_id for o in transport.sent) == sorted([reply, just_in_time])
    for message_id in (reminder, nudge):
        message = stored(engine, message_id)
        assert message.status == MessageStatus.CANCELLED
        assert message.failed_reason is not None
        assert message.failed_reason.startswith("too late")
        assert message.sent_at is None and message.body is None
    assert stored(engine, reply).status == MessageStatus.SENT


def test_an_opted_out_patient_gets_answers_but_no_reminders(
    engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    patient = enrol(engine, settings, clock, status=PatientStatus.OPTED_OUT)
    reminder = queue(engine, clock, patient, "dose:1:reminder")
    lab = queue(
        engine,
        clock,
        patient,
        "lab:1",
        kind=MessageKind.LAB,
        context={"name": "Ann", "on": "2026-04-03"},
    )
    reply = queue(
        engine,
        clock,
        patient,
        "reply:1",
        kind=MessageKind.REPLY,
        context=reply_context() | {"answer": "opted_out"},
    )
    transport = RecordingTransport()

    stats = make_outbox(engine, settings, clock, transport).dispatch()

    assert (stats.cancelled, stats.sent) == (2, 1)
    [outgoing] = transport.sent
    assert outgoing.message_id == reply
    assert "Reply START to opt back in" in outgoing.body
    for message_id in (reminder, lab):
        message = stored(engine, message_id)
        assert message.status == MessageStatus.CANCELLED
        assert message.failed_reason == "patient opted out"
        assert message.sent_at is None


def test_a_paused_patient_gets_no_reminder(
    engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    patient = enrol(engine, settings, clock, status=PatientStatus.PAUSED)
    reminder = queue(engine, clock, patient, "dose:1:reminder")
    nudge = queue(engine, clock, patient, "dose:1:nudge", kind=MessageKind.NUDGE)
    reply = queue(engine, clock, patient, "reply:1", kind=MessageKind.REPLY)
    transport = RecordingTransport()

    make_outbox(engine, settings, clock, transport).dispatch()

    assert [o.message_id for o in transport.sent] == [reply]
    for message_id in (reminder, nudge):
        message = stored(engine, message_id)
        assert (message.status, message.failed_reason) == (
            MessageStatus.CANCELLED,
            "patient paused",
        )


def test_messages_for_an_active_patient_are_not_held_back(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    kinds = [MessageKind.REMINDER, MessageKind.NUDGE, MessageKind.REPLY]
    ids = [queue(engine, clock, patient_id, f"k{kind}", kind=kind) for kind in kinds]
    transport = RecordingTransport()
    make_outbox(engine, settings, clock, transport).dispatch()
    assert sorted(o.message_id for o in transport.sent) == ids


def test_a_message_enqueued_as_cancelled_is_kept_but_never_sent(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    with session_scope(engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        written = enqueue(
            session,
            message_values(
                key="dose:1:reminder",
                patient=patient,
                kind=MessageKind.REMINDER,
                template="reminder",
                context=dose_context(clock),
                send_at=clock.now() - timedelta(days=1),
                now=clock.now(),
                cancelled_because="the dose window closed before the reminder went out",
            ),
        )
    assert written
    transport = RecordingTransport()
    make_outbox(engine, settings, clock, transport).dispatch()
    assert transport.calls == 0
    [message] = all_messages(engine)
    assert message.status == MessageStatus.CANCELLED
    assert message.failed_reason == "the dose window closed before the reminder went out"


def test_cancel_queued_touches_only_queued_messages_of_the_match(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    other = enrol(engine, settings, clock, name="Cy Po", phone="+12025550143")
    sent = queue(engine, clock, patient_id, "sent", kind=MessageKind.REPLY)
    make_outbox(engine, settings, clock, RecordingTransport()).dispatch()
    waiting = queue(engine, clock, patient_id, "waiting", send_at=clock.now() + timedelta(hours=1))
    theirs = queue(engine, clock, other, "theirs", send_at=clock.now() + timedelta(hours=1))

    with session_scope(engine) as session:
        assert cancel_queued(session, reason="paused", patient_id=patient_id) == 1

    assert stored(engine, sent).status == MessageStatus.SENT
    assert (stored(engine, waiting).status, stored(engine, waiting).failed_reason) == (
        MessageStatus.CANCELLED,
        "paused",
    )
    assert stored(engine, theirs).status == MessageStatus.QUEUED


class BrokenTransport(RecordingTransport):
    """A provider client with a bug: raises something that is not a TransportError."""

    def send(self, outgoing: Outgoing) -> str:
        self.calls += 1
        raise KeyError("sid")


def test_a_transport_bug_is_retried_like_a_transient_failure_and_recorded(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    first = queue(engine, clock, patient_id, "first", kind=MessageKind.REPLY)
    second = queue(engine, clock, patient_id, "second", kind=MessageKind.REPLY)

    stats = make_outbox(engine, settings, clock, BrokenTransport()).dispatch()

    assert stats.retried == 2
    for message_id in (first, second):  # the bug on the first did not strand the second
        message = stored(engine, message_id)
        assert message.status == MessageStatus.QUEUED
        assert message.claimed_until is None
        assert message.last_error == "KeyError('sid')"
        assert message.next_attempt_at > clock.now()


def test_a_message_whose_worker_keeps_dying_fails_at_the_retry_limit(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    message_id = queue(engine, clock, patient_id, "crasher", kind=MessageKind.REPLY)
    lease = timedelta(seconds=settings.outbox.lease_seconds + 1)
    worker = make_outbox(engine, settings, clock, RecordingTransport())
    for _ in range(settings.outbox.max_attempts - 1):
        assert worker.claim(10) == [message_id]  # ... and the worker dies mid-send
        clock.advance(lease)
        assert worker.reclaim_expired_leases() == 1
        assert stored(engine, message_id).status == MessageStatus.QUEUED

    assert worker.claim(10) == [message_id]
    clock.advance(lease)
    worker.reclaim_expired_leases()

    message = stored(engine, message_id)
    assert message.status == MessageStatus.FAILED
    assert message.failed_reason == (
        f"retry limit: the worker's claim expired {settings.outbox.max_attempts} times"
    )
    assert worker.claim(10) == []


# --- the block list after STOP, segments, pacing, send_now -------------------------------------


def test_an_answer_queued_before_stop_is_held_back_but_the_stop_confirmation_goes(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    before = queue(engine, clock, patient_id, "reply:1", kind=MessageKind.REPLY)
    clock.advance(timedelta(seconds=20))
    with session_scope(engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        patient.status, patient.opted_out_at = PatientStatus.OPTED_OUT, clock.now()
        session.add(patient)
    confirmation = queue(
        engine,
        clock,
        patient_id,
        "reply:2",
        kind=MessageKind.REPLY,
        context=reply_context() | {"answer": "opted_out"},
    )
    transport = RecordingTransport()

    make_outbox(engine, settings, clock, transport).dispatch()

    assert [o.message_id for o in transport.sent] == [confirmation]
    held = stored(engine, before)
    assert (held.status, held.failed_reason) == (MessageStatus.CANCELLED, "patient opted out")


def test_each_sms_records_its_segment_count_and_an_email_none(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    short = queue(engine, clock, patient_id, "short", kind=MessageKind.REPLY)
    long = queue(
        engine,
        clock,
        patient_id,
        "long",
        kind=MessageKind.REPLY,
        # The check-in's "not understood" answer is over 160 characters.
        context=reply_context() | {"answer": "not_understood", "question": "checkin"},
    )
    email_patient = enrol(
        engine, settings, clock, name="Bo Diaz", phone=None, email="bo@example.org"
    )
    email = queue(engine, clock, email_patient, "email", kind=MessageKind.REPLY)

    make_outbox(engine, settings, clock, RecordingTransport()).dispatch()

    assert stored(engine, short).segments == 1
    assert stored(engine, long).segments == 2
    assert stored(engine, email).segments is None


def test_the_pacer_books_one_slot_per_interval_for_each_sender(clock: SimulatedClock) -> None:
    pacer = Pacer()
    now = clock.now()

    waits = [pacer.reserve("sms:+1312", 2, now) for _ in range(3)]
    other = pacer.reserve("sms:+1415", 2, now)
    unpaced = pacer.reserve("sms:+1312", 0, now)
    too_late = pacer.reserve("sms:+1312", 2, now, deadline=now + timedelta(seconds=1.4))
    later = pacer.reserve("sms:+1312", 2, now + timedelta(seconds=10))

    assert waits == [timedelta(0), timedelta(seconds=0.5), timedelta(seconds=1)]
    assert (other, unpaced, too_late) == (timedelta(0), timedelta(0), None)
    # A refused slot is not booked, and a sender idle for a while starts afresh.
    assert later == timedelta(0)


def test_a_clock_stepped_back_an_hour_leaves_the_pace_of_each_sender_as_it_was(
    clock: SimulatedClock,
) -> None:
    pacer = Pacer()
    before = clock.now()
    assert [pacer.reserve("sms:+1312", 1, before) for _ in range(2)] == [
        timedelta(0),
        timedelta(seconds=1),
    ]

    after = before - timedelta(hours=1)  # an NTP correction steps the wall clock back

    assert pacer.free_in("sms:+1312", 1, after) == timedelta(seconds=2)
    assert pacer.reserve("sms:+1312", 1, after, deadline=after + timedelta(seconds=60)) == (
        timedelta(seconds=2)
    )
    # Threads reading the clock a moment apart move nothing.
    assert pacer.reserve("sms:+1312", 1, after + timedelta(seconds=0.5)) == timedelta(seconds=2.5)


@dataclass
class WallClock:
    """The system's clock as NTP may leave it: set to any time, earlier ones too."""

    at: datetime

    def now(self) -> datetime:
        return self.at


def test_after_the_clock_steps_back_the_next_message_is_sent_not_held_until_it_catches_up(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    transport = PacedTransport(1)
    waits: list[timedelta] = []

    def no_wait(delay: timedelta, _stop: threading.Event | None) -> bool:
        waits.append(delay)
        return False

    wall = WallClock(clock.now())  # a SimulatedClock refuses to run backwards; the wall's may
    outbox = Outbox(
        engine,
        settings,
        wall,
        {Channel.SMS: transport, Channel.EMAIL: transport},
        Renderer(),
        pause=no_wait,
    )
    queue(engine, clock, patient_id, "before", kind=MessageKind.REPLY)
    assert outbox.dispatch().sent == 1
    wall.at -= timedelta(hours=1)
    after = queue(engine, SimulatedClock(wall.at), patient_id, "after", kind=MessageKind.REPLY)

    stats = outbox.dispatch()

    assert (stats.sent, stats.released) == (1, 0)
    assert stored(engine, after).status == MessageStatus.SENT
    assert waits == [timedelta(seconds=1)]


class PacedTransport(RecordingTransport):
    """A provider that allows ``messages_per_second`` from one sender, like a Twilio long code."""

    sender = "+13125550199"

    def __init__(self, messages_per_second: float) -> None:
        super().__init__()
        self.messages_per_second = messages_per_second


def test_a_stop_during_a_pacing_wait_hands_the_message_back_unsent(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int, tmp_path: Path
) -> None:
    settings = with_concurrency(
        settings, tmp_path, 1
    )  # one send at a time: which one the stop meets
    ids = [queue(engine, clock, patient_id, f"r{n}", kind=MessageKind.REPLY) for n in range(3)]
    stop = threading.Event()
    waits: list[timedelta] = []

    def stopped_while_waiting(delay: timedelta, event: threading.Event | None) -> bool:
        waits.append(delay)
        stop.set()
        return event is stop

    transport = PacedTransport(1)
    outbox = Outbox(
        engine,
        settings,
        clock,
        {Channel.SMS: transport, Channel.EMAIL: transport},
        Renderer(),
        pause=stopped_while_waiting,
    )

    stats = outbox.dispatch(stop)

    assert waits == [timedelta(seconds=1)]
    assert (stats.sent, stats.released) == (1, 2)
    assert [o.message_id for o in transport.sent] == ids[:1]
    for message_id in ids[1:]:
        message = stored(engine, message_id)
        assert (message.status, message.attempts, message.claimed_until) == (
            MessageStatus.QUEUED,
            0,
            None,
        )


def test_send_now_sends_only_that_message_and_only_while_it_is_queued(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    other = queue(engine, clock, patient_id, "other", kind=MessageKind.REPLY)
    answer = queue(engine, clock, patient_id, "answer", kind=MessageKind.REPLY)
    transport = RecordingTransport()
    outbox = make_outbox(engine, settings, clock, transport)

    assert outbox.send_now(answer).sent == 1
    assert outbox.send_now(answer).sent == 0  # already sent: a second caller sends nothing

    assert [o.message_id for o in transport.sent] == [answer]
    assert stored(engine, other).status == MessageStatus.QUEUED


def alert_context() -> dict[str, Any]:
    """What escalation writes for an alert notice to the fallback address."""
    return {
        "alert_id": 1,
        "patient": "Ann Lee",
        "kind": "mood",
        "severity": "urgent",
        "reason": "wrote words of self-harm",
        "escalated": False,
        "fallback": True,
    }


def test_an_alert_about_an_opted_out_patient_still_reaches_the_fallback_address(
    engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    # The operator's fallback address has no contact row: the patient's STOP must not silence it.
    patient_id = enrol(engine, settings, clock, status=PatientStatus.OPTED_OUT)
    operator = Contact(name="operator", phone="+13125550111", email=None)
    with session_scope(engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        for key, to in (("alert:1:fallback", operator), ("reminder:x", None)):
            enqueue(
                session,
                message_values(
                    key=key,
                    patient=patient,
                    kind=MessageKind.ALERT if to else MessageKind.REMINDER,
                    template="alert" if to else "reminder",
                    context=alert_context() if to else dose_context(clock),
                    send_at=clock.now() - timedelta(minutes=1),
                    now=clock.now() - timedelta(minutes=1),
                    contact=to,
                ),
            )
    transport = RecordingTransport()

    make_outbox(engine, settings, clock, transport).dispatch()

    assert [o.to for o in transport.sent] == ["+13125550111"]
    fallback, reminder = all_messages(engine)
    assert (fallback.status, fallback.contact_id) == (MessageStatus.SENT, None)
    assert (reminder.status, reminder.failed_reason) == (
        MessageStatus.CANCELLED,
        "patient opted out",
    )


def test_a_reminder_whose_sms_fails_for_good_goes_by_email_when_the_patient_has_one(
    engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    both = enrol(engine, settings, clock, name="Bea Both", email="bea@example.org")
    sms_only = enrol(engine, settings, clock, name="Sam Sms", phone="+13125550177")
    for patient in (both, sms_only):
        queue(engine, clock, patient, f"dose:{patient}:reminder")
    sms, email = RejectingTransport(), RecordingTransport()
    outbox = Outbox(engine, settings, clock, {Channel.SMS: sms, Channel.EMAIL: email}, Renderer())

    outbox.dispatch()
    outbox.dispatch()

    assert [m.status for m in all_messages(engine)[:2]] == [MessageStatus.FAILED] * 2
    assert [(o.channel, o.to) for o in email.sent] == [(Channel.EMAIL, "bea@example.org")]
    copy = all_messages(engine)[2]
    assert (copy.idempotency_key, copy.status) == (
        f"dose:{both}:reminder:email",
        MessageStatus.SENT,
    )
    assert copy.subject and "injection" in copy.subject.lower()


# --- several sends in flight (outbox.concurrency) ---------------------------------------------


def with_concurrency(settings: Settings, tmp_path: Path, concurrency: int) -> Settings:
    """The test settings with ``[outbox] concurrency`` set."""
    path = tmp_path / f"concurrency-{concurrency}.toml"
    path.write_text(
        '[schedule]\ndefault_timezone = "America/Chicago"\n'
        f"[outbox]\nconcurrency = {concurrency}\n",
        encoding="utf-8",
    )
    return load_settings({"DATABASE_URL": settings.database_url, "REMINDER_CONFIG": str(path)})


class GatedTransport(RecordingTransport):
    """Lets sends through only ``together`` at a time, all at once: it proves that many are in
    flight together (with fewer, the barrier times out and the send raises)."""

    def __init__(self, together: int) -> None:
        super().__init__()
        self.barrier = threading.Barrier(together, timeout=10)

    def send(self, outgoing: Outgoing) -> str:
        self.barrier.wait()
        super().send(outgoing)
        return f"SM{outgoing.message_id:04d}"


class DyingMidFlightTransport(RecordingTransport):
    """Message ``dies_on`` kills its worker while the other sends in flight hang until
    ``hanging`` is set (their answers come after the worker is gone)."""

    def __init__(self, dies_on: int) -> None:
        super().__init__()
        self.dies_on = dies_on
        self.hanging = threading.Event()

    def send(self, outgoing: Outgoing) -> str:
        if outgoing.message_id == self.dies_on:
            raise KilledMidSend
        self.hanging.wait(10)
        return super().send(outgoing)


class KilledMidSend(BaseException):
    """A kill -9 as far as the outbox can tell: nothing after it runs."""


def test_with_concurrency_several_sends_are_in_flight_at_once_and_each_is_recorded_as_its_own(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int, tmp_path: Path
) -> None:
    ids = [queue(engine, clock, patient_id, f"reply:{n}", kind=MessageKind.REPLY) for n in range(8)]
    transport = GatedTransport(together=4)
    outbox = make_outbox(engine, with_concurrency(settings, tmp_path, 4), clock, transport)

    stats = outbox.dispatch()

    assert (stats.sent, stats.failed, stats.retried) == (8, 0, 0)
    assert sorted(o.message_id for o in transport.sent) == ids
    for message_id in ids:
        message = stored(engine, message_id)
        assert (message.status, message.attempts, message.last_error) == (
            MessageStatus.SENT,
            1,
            None,
        )
        assert message.provider_id == f"SM{message_id:04d}"
        assert message.sent_at == clock.now()
        assert message.body is not None and message.claimed_until is None


def test_a_crash_with_sends_in_flight_marks_each_of_them_ambiguous_and_no_other(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int, tmp_path: Path
) -> None:
    ids = [queue(engine, clock, patient_id, f"reply:{n}", kind=MessageKind.REPLY) for n in range(5)]
    dying = DyingMidFlightTransport(dies_on=ids[1])
    outbox = make_outbox(engine, with_concurrency(settings, tmp_path, 3), clock, dying)
    with pytest.raises(KilledMidSend):
        outbox.dispatch()
    dying.hanging.set()  # the first and third answers arrive after the worker died
    clock.advance(timedelta(seconds=settings.outbox.lease_seconds + 1))

    survivor = RecordingTransport()
    stats = make_outbox(engine, settings, clock, survivor).dispatch()

    assert (stats.reclaimed, stats.sent) == (5, 5)
    assert [o.message_id for o in survivor.sent] == ids
    assert [stored(engine, i).last_error for i in ids] == [
        f"[ambiguous] re-queued: {MID_SEND}",
        f"[ambiguous] re-queued: {MID_SEND}",
        f"[ambiguous] re-queued: {MID_SEND}",
        f"re-queued: {NOT_SENT}",
        f"re-queued: {NOT_SENT}",
    ]


def test_the_body_of_an_earlier_attempt_does_not_make_a_message_look_in_flight(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int, tmp_path: Path
) -> None:
    settings = with_concurrency(
        settings, tmp_path, 1
    )  # one send at a time: which one the stop meets
    first, second = (
        queue(engine, clock, patient_id, f"reply:{n}", kind=MessageKind.REPLY) for n in range(2)
    )
    make_outbox(engine, settings, clock, FlakyTransport(failures=2)).dispatch()
    assert stored(engine, second).body is not None  # rendered for the failed attempt
    clock.advance(timedelta(seconds=settings.outbox.backoff_base_seconds))
    with pytest.raises(KilledMidSend):  # dies sending the first; the second never began
        make_outbox(engine, settings, clock, DyingMidFlightTransport(dies_on=first)).dispatch()
    clock.advance(timedelta(seconds=settings.outbox.lease_seconds + 1))

    make_outbox(engine, settings, clock, RecordingTransport()).dispatch()

    assert stored(engine, first).last_error == f"[ambiguous] re-queued: {MID_SEND}"
    assert stored(engine, second).last_error == f"re-queued: {NOT_SENT}"
    assert {stored(engine, i).status for i in (first, second)} == {MessageStatus.SENT}


def test_a_stop_lets_the_sends_in_flight_finish_and_hands_back_the_rest(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int, tmp_path: Path
) -> None:
    ids = [queue(engine, clock, patient_id, f"reply:{n}", kind=MessageKind.REPLY) for n in range(5)]
    stop = threading.Event()
    transport = StoppingTransport(stop)
    outbox = make_outbox(engine, with_concurrency(settings, tmp_path, 2), clock, transport)

    stats = outbox.dispatch(stop)

    assert (stats.sent, stats.released) == (2, 3)
    assert sorted(o.message_id for o in transport.sent) == ids[:2]
    assert [stored(engine, i).status for i in ids] == [MessageStatus.SENT] * 2 + [
        MessageStatus.QUEUED
    ] * 3
    for message_id in ids[2:]:
        message = stored(engine, message_id)
        assert (message.attempts, message.claimed_until, message.body) == (0, None, None)


def test_sends_in_flight_together_still_keep_to_the_senders_pace(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int, tmp_path: Path
) -> None:
    ids = [queue(engine, clock, patient_id, f"reply:{n}", kind=MessageKind.REPLY) for n in range(4)]
    waits: list[timedelta] = []
    lock = threading.Lock()

    def waited(delay: timedelta, _stop: threading.Event | None) -> bool:
        with lock:
            waits.append(delay)
        return False

    transport = PacedTransport(2)
    outbox = Outbox(
        engine,
        with_concurrency(settings, tmp_path, 4),
        clock,
        {Channel.SMS: transport, Channel.EMAIL: transport},
        Renderer(),
        pause=waited,
    )

    stats = outbox.dispatch()

    assert stats.sent == 4
    assert sorted(o.message_id for o in transport.sent) == ids
    # Four slots booked half a second apart: the first goes at once, the others wait for theirs.
    assert sorted(waits) == [timedelta(seconds=s) for s in (0.5, 1.0, 1.5)]
