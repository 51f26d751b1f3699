"""`reminder tick --at T` run twice, or by two processes at once, makes exactly one reminder per due dose.

Two real processes start together: each imports the command, says it is ready and waits on its
stdin; the test releases both at the same instant, so their ticks overlap instead of queueing
behind each other's start-up. Small batches make the two share the work batch by batch (row locks
with SKIP LOCKED on PostgreSQL, BEGIN IMMEDIATE on SQLite).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from datetime import date, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from reminder import planner
from reminder.clock import SimulatedClock
from reminder.config import Settings
from reminder.db import session_scope
from reminder.due import beat
from reminder.enrolment import add_patient, check_patient
from reminder.models import Dose, DoseStatus, Heartbeat, Message, MessageKind, MessageStatus

CHICAGO = ZoneInfo("America/Chicago")
REMINDER = Path(sys.executable).with_name("reminder")
COMMAND = [str(REMINDER)] if REMINDER.exists() else [sys.executable, "-m", "reminder.cli"]
PROCESS_SECONDS = 60
TICK_AT = "2026-03-03T20:00-06:00"
# Six patients at each time; the first three times have come by 20:00, the last two have not.
DOSE_TIMES = ("19:00", "19:30", "20:00", "20:30", "21:00")
PATIENTS = 30
# Starts the command like the console script does, but only once the test writes to stdin.
ON_SIGNAL = (
    "import sys\n"
    "from reminder.cli import app\n"
    "print('ready', flush=True)\n"
    "sys.stdin.read(1)\n"
    "sys.argv[0] = 'reminder'\n"
    "app()\n"
)
SENT_LINE = re.compile(r"reminder\.console: message (\d+) to ")
PLANNED = re.compile(r"planned (\d+) message\(s\).*; sent (\d+),")


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "concurrency.toml"
    config.write_text(
        '[schedule]\ndefault_timezone = "America/Chicago"\n\n[outbox]\nbatch_size = 4\n'
        "[daemon]\nplan_batch_size = 4\n",
        encoding="utf-8",
    )
    return os.environ | {"DATABASE_URL": database_url, "REMINDER_CONFIG": str(config)}


def enrol_patients(engine: Engine, settings: Settings, clock: SimulatedClock) -> dict[int, time]:
    """Thirty patients enrolled on the morning of 3 March; returns each one's dose time."""
    enrolled: dict[int, time] = {}
    with session_scope(engine) as session:
        for number in range(PATIENTS):
            spec = check_patient(
                settings,
                name=f"Patient {number:02d}",
                phone=f"+1 312 555 01{number:02d}",
                email=None,
                timezone="America/Chicago",
                dose_time=DOSE_TIMES[number % len(DOSE_TIMES)],
                start="2026-03-03",
                full_dose=number % 2 == 0,
            )
            patient = add_patient(session, settings, spec, clock.now())
            assert patient.id is not None
            enrolled[patient.id] = spec.dose_time
    return enrolled


def tick_together(env: dict[str, str], cwd: Path) -> list[tuple[str, str]]:
    """Start two `reminder tick --at TICK_AT`, release them at once; return (stdout, stderr) each."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", ON_SIGNAL, "tick", "--at", TICK_AT],
            env=env,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for process in processes:
            assert process.stdout is not None
            assert process.stdout.readline() == "ready\n"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go")
            process.stdin.flush()
        outputs = [process.communicate(timeout=PROCESS_SECONDS) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
    return outputs


def tick_once(env: dict[str, str], cwd: Path) -> tuple[str, str]:
    done = subprocess.run(
        [*COMMAND, "tick", "--at", TICK_AT],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=PROCESS_SECONDS,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, done.stderr


def planned_and_sent(stdout: str) -> tuple[int, int]:
    found = PLANNED.search(stdout)
    assert found is not None, stdout
    return int(found.group(1)), int(found.group(2))


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_two_ticks_at_once_make_and_send_one_reminder_per_due_dose(
    env: dict[str, str],
    engine: Engine,
    settings: Settings,
    clock: SimulatedClock,
    tmp_path: Path,
) -> None:
    dose_times = enrol_patients(engine, settings, clock)
    # A database that has ticked before: the race on the first heartbeat is the test below.
    beat(engine, "planner", clock.now(), "an earlier tick")
    due = {pid for pid, at in dose_times.items() if at <= time(20, 0)}
    assert len(due) == 18

    outputs = tick_together(env, tmp_path)

    with Session(engine) as session:
        messages = list(session.exec(select(Message).order_by(col(Message.id))))
        doses = list(session.exec(select(Dose)))
    assert [m.kind for m in messages] == [MessageKind.REMINDER] * len(due)
    assert sorted(m.patient_id for m in messages) == sorted(due)
    assert {m.status for m in messages} == {MessageStatus.SENT}
    # Claimed once each: a second claim would show as a second attempt.
    assert [(m.attempts, m.provider_id) for m in messages] == [
        (1, f"console-{m.id}") for m in messages
    ]
    doses_by_id = {d.id: d for d in doses}
    for message in messages:
        dose = doses_by_id[message.dose_id]
        assert message.idempotency_key == f"dose:{dose.id}:reminder"
        assert dose.patient_id == message.patient_id
        wall = message.send_at.astimezone(CHICAGO)
        assert (wall.date(), wall.time()) == (date(2026, 3, 3), dose_times[dose.patient_id])
    # One dose per patient, due or not yet: neither process planned a patient the other had.
    assert sorted(d.patient_id for d in doses) == sorted(dose_times)
    assert {(d.day, d.status) for d in doses} == {(date(2026, 3, 3), DoseStatus.PENDING)}

    # What left through the transport: each message exactly once, across both processes.
    sends = Counter(int(n) for _, stderr in outputs for n in SENT_LINE.findall(stderr))
    assert sends == Counter(m.id for m in messages)
    totals = [planned_and_sent(stdout) for stdout, _ in outputs]
    assert sum(planned for planned, _ in totals) == len(due)
    assert sum(sent for _, sent in totals) == len(due)

    stdout, stderr = tick_once(env, tmp_path)
    assert planned_and_sent(stdout) == (0, 0)
    assert SENT_LINE.search(stderr) is None
    with Session(engine) as session:
        after = list(session.exec(select(Message).order_by(col(Message.id))))
        assert len(session.exec(select(Dose)).all()) == PATIENTS
    assert [(m.id, m.status, m.attempts) for m in after] == [
        (m.id, m.status, m.attempts) for m in messages
    ]


def test_two_first_ticks_at_once_both_record_the_heartbeat(
    engine: Engine, settings: Settings, clock: SimulatedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer at a time in (BEGIN IMMEDIATE): no interleaving")
    read = Session.get

    def read_while_the_other_tick_records(
        self: Session, entity: Any, ident: Any, *args: Any, **kwargs: Any
    ) -> Any:
        found = read(self, entity, ident, *args, **kwargs)
        if entity is Heartbeat and found is None:
            # The other process's tick ends now: it records the heartbeat after this read.
            with session_scope(engine) as other:
                other.add(Heartbeat(name=ident, at=clock.now(), detail="the other tick"))
        return found

    monkeypatch.setattr(Session, "get", read_while_the_other_tick_records)
    planner.tick(engine, settings, clock)
    monkeypatch.undo()

    with Session(engine) as session:
        heartbeat = session.get(Heartbeat, "planner")
    assert heartbeat is not None
    assert heartbeat.at == clock.now()
    assert heartbeat.detail == "0 patients, 0 messages"
