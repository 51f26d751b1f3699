"""The daemon as an operator runs it: real `reminder run|worker|serve` processes, stopped by signals.

These tests start processes on the system clock, so the patient is enrolled with a dose due this
very minute; the tests poll the database and the port (bounded) instead of simulating time.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from reminder.app import App
from reminder.clock import SimulatedClock, SystemClock
from reminder.config import Settings
from reminder.daemon import run_daemon
from reminder.models import Heartbeat, Message, MessageKind, MessageStatus

pytestmark = pytest.mark.slow

REMINDER = str(Path(sys.executable).with_name("reminder"))
POLL_SECONDS = 0.2
WAIT_SECONDS = 20.0
STOP_SECONDS = 5.0
# Zones spread round the globe, so at any moment at least one is in waking hours (08:00-21:30).
ZONES = ("UTC", "America/Chicago", "Asia/Tokyo", "Europe/Berlin", "America/Los_Angeles")
PHONE = "+13125550100"

T = TypeVar("T")


def wait_for(what: str, probe: Callable[[], T | None], seconds: float = WAIT_SECONDS) -> T:
    """Poll ``probe`` until it returns something truthy; fail naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {seconds:g} s waiting for {what}")
        time.sleep(POLL_SECONDS)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def daytime_zone_and_minute(now: datetime) -> tuple[str, str]:
    """A zone where ``now`` is comfortably outside default quiet hours, and the local HH:MM there."""
    for name in ZONES:
        local = now.astimezone(ZoneInfo(name))
        if 8 <= local.hour < 21:
            return name, f"{local:%H:%M}"
    raise AssertionError(f"no zone of {ZONES} is in daytime at {now.isoformat()}")


@dataclass
class Daemon:
    """A started `reminder` process whose stderr goes to a file we can read at any time."""

    process: subprocess.Popen[bytes]
    stderr_path: Path

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, signum: signal.Signals = signal.SIGTERM) -> int:
        self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {STOP_SECONDS:g} s after {signum.name}:\n{self.stderr()}")


class Operator:
    """Runs `reminder` commands against one database and config, as an operator's shell would."""

    def __init__(self, database_url: str, workdir: Path) -> None:
        # The configured port is one nothing else uses, so a process that should not listen can
        # be caught listening there.
        self.port = free_port()
        config = workdir / "reminder.toml"
        config.write_text(
            f"[daemon]\ntick_seconds = 1\nport = {self.port}\n\n"
            '[schedule]\ndefault_timezone = "America/Chicago"\n',
            encoding="utf-8",
        )
        self.workdir = workdir
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TWILIO", "SMTP"))},
            "DATABASE_URL": database_url,
            "REMINDER_CONFIG": str(config),
        }
        self.started: list[Daemon] = []

    def command(self, *args: str) -> str:
        done = subprocess.run(
            [REMINDER, *args],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 0, f"reminder {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def start(self, *args: str) -> Daemon:
        stderr_path = self.workdir / f"daemon-{len(self.started)}.log"
        with stderr_path.open("wb") as stderr:
            process = subprocess.Popen(
                [REMINDER, *args],
                cwd=self.workdir,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        daemon = Daemon(process, stderr_path)
        self.started.append(daemon)
        return daemon

    def kill_all(self) -> None:
        for daemon in self.started:
            if daemon.process.poll() is None:
                daemon.process.kill()
                daemon.process.wait(timeout=10)

    def enrol_patient_due_now(self) -> int:
        """`reminder init`, then a full-dose patient whose dose time is the current minute."""
        self.command("init")
        now = SystemClock().now()
        zone, minute = daytime_zone_and_minute(now)
        # Enrolled a moment before the dose time, so this minute's dose is the first one.
        enrolled = now.replace(second=0, microsecond=0) - timedelta(seconds=30)
        output = self.command(
            "patient",
            "add",
            "Ada Example",
            "--phone",
            PHONE,
            "--tz",
            zone,
            "--time",
            minute,
            "--full-dose",
            "--at",
            enrolled.isoformat(),
        )
        return int(output.strip())


@pytest.fixture
def operator(database_url: str, tmp_path: Path) -> Iterator[Operator]:
    shell = Operator(database_url, tmp_path)
    try:
        yield shell
    finally:
        shell.kill_all()


def reminders(engine: Engine, patient_id: int) -> list[Any]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                sa.select(Message.id, Message.status, Message.body, Message.dose_id).where(
                    Message.patient_id == patient_id, Message.kind == MessageKind.REMINDER
                )
            )
        )


def sent_reminder(engine: Engine, patient_id: int) -> Any | None:
    rows = reminders(engine, patient_id)
    return rows[0] if rows and rows[0].status == MessageStatus.SENT else None


def last_tick(engine: Engine) -> datetime | None:
    with engine.connect() as connection:
        return connection.execute(
            sa.select(Heartbeat.at).where(Heartbeat.name == "planner")
        ).scalar_one_or_none()


def healthz(port: int) -> tuple[int, str] | None:
    """The status and body of /healthz, or None while nothing listens on the port."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except (ConnectionError, urllib.error.URLError):
        return None


def refuses_connections(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(2)
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_run_sends_the_due_reminder_once_answers_health_and_stops_on_sigterm(
    operator: Operator, engine: Engine
) -> None:
    patient_id = operator.enrol_patient_due_now()
    port = free_port()
    daemon = operator.start("run", "--port", str(port))

    reminder = wait_for("the reminder to be sent", lambda: sent_reminder(engine, patient_id))
    assert "it's time for your injection" in reminder.body
    assert "1 mL" in reminder.body
    health = wait_for("/healthz to answer", lambda: healthz(port))
    assert health[0] == 200, health
    assert '"status":"ok"' in health[1]
    assert reminder.body in daemon.stderr()
    assert PHONE in daemon.stderr()

    assert daemon.stop(signal.SIGTERM) == 0
    assert refuses_connections(port)

    restarted_at = SystemClock().now()
    again = operator.start("run", "--port", str(port))
    ticks: set[datetime] = set()

    def two_ticks_since_restart() -> bool:
        beat = last_tick(engine)
        if beat is not None and beat > restarted_at:
            ticks.add(beat)
        return len(ticks) >= 2

    wait_for("two ticks of the restarted daemon", two_ticks_since_restart)
    assert again.stop(signal.SIGTERM) == 0

    rows = reminders(engine, patient_id)
    assert [(row.id, row.status) for row in rows] == [(reminder.id, MessageStatus.SENT)]
    assert reminder.body not in again.stderr()
    assert "stopped" in again.stderr()
    # A tick a second must not write lines of scheduler chatter to the operator's log.
    assert "Running job" not in again.stderr()


def test_worker_sends_without_serving_http_and_stops_on_sigint(
    operator: Operator, engine: Engine
) -> None:
    patient_id = operator.enrol_patient_due_now()
    worker = operator.start("worker")

    reminder = wait_for("the reminder to be sent", lambda: sent_reminder(engine, patient_id))
    assert reminder.body in worker.stderr()
    assert refuses_connections(operator.port)

    assert worker.stop(signal.SIGINT) == 0
    assert "received SIGINT" in worker.stderr()
    assert "Traceback" not in worker.stderr()


def test_run_stops_on_sigint_too(operator: Operator, engine: Engine) -> None:
    operator.command("init")
    port = free_port()
    daemon = operator.start("run", "--port", str(port))
    wait_for("/healthz to answer", lambda: healthz(port))

    assert daemon.stop(signal.SIGINT) == 0
    assert refuses_connections(port)
    assert "Traceback" not in daemon.stderr()


def test_serve_answers_health_but_runs_no_tick(operator: Operator, engine: Engine) -> None:
    patient_id = operator.enrol_patient_due_now()
    port = free_port()
    server = operator.start("serve", "--port", str(port))

    status, body = wait_for("/healthz to answer", lambda: healthz(port))

    # No worker has ticked: the server says so instead of pretending to be healthy.
    assert status == 503
    assert '"status":"stale"' in body
    assert '"database":"ok"' in body
    assert last_tick(engine) is None
    assert reminders(engine, patient_id) == []
    assert server.stop(signal.SIGTERM) == 0
    assert last_tick(engine) is None


def test_run_exits_with_failure_when_its_port_is_taken(operator: Operator) -> None:
    operator.command("init")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        daemon = operator.start("run", "--port", str(port))

        try:
            code = daemon.process.wait(timeout=WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running although port {port} is taken:\n{daemon.stderr()}")

    # A supervisor restarts a failed daemon; a clean exit would leave reminders silently unsent.
    assert code == 1, daemon.stderr()
    assert "address already in use" in daemon.stderr()
    assert "the web server stopped" in daemon.stderr()


def test_a_stop_asked_for_during_start_up_ends_the_daemon_before_it_starts_anything(
    engine: Engine, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    # SIGTERM while `reminder worker` still compiles its templates sets the event early; the
    # daemon then starts neither the tick nor the web server, and exits cleanly.
    stop = threading.Event()
    stop.set()
    app = App(settings, engine, SimulatedClock(datetime(2026, 3, 3, 15, 0, tzinfo=ZoneInfo("UTC"))))
    port = free_port()
    with caplog.at_level(logging.INFO, logger="reminder.daemon"):
        run_daemon(app, scheduler=True, web=True, port=port, stop=stop)
    assert "stopped before starting" in caplog.text
    assert refuses_connections(port)
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(Heartbeat)).scalar() == 0
