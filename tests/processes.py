"""Real processes for the crash tests: `reminder` daemons sending through the fake Twilio, a burst of
patients due this very minute, and a private PostgreSQL server that a test may stop and start.

The shared test server (TEST_DATABASE_URL) is never restarted: a test that takes the database away
from a worker starts a cluster of its own (Debian's initdb and pg_ctl, run as the ``postgres`` user
because initdb refuses root) in a temporary folder, on a free port, with trust authentication.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from reminder.clock import SystemClock
from tests.fake_twilio import AUTH_TOKEN, FakeTwilio, twilio_toml
from tests.test_daemon import Daemon, Operator, daytime_zone_and_minute, free_port

POSTGRES_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
KILL_SECONDS = 10


class TwilioShell(Operator):
    """An operator's shell whose config sends SMS through the fake Twilio with pacing off.

    ``top`` holds top-level keys (``log_format = "json"``), ``sections`` whole TOML sections
    (``[outbox]`` ...); the daemon ticks every second.
    """

    def __init__(
        self,
        database_url: str,
        workdir: Path,
        fake: FakeTwilio,
        *,
        top: str = "",
        sections: str = "",
        timeout_seconds: float = 2.0,
    ) -> None:
        super().__init__(database_url, workdir)
        self.web_port = free_port()
        self.public = f"http://127.0.0.1:{self.web_port}"
        (workdir / "reminder.toml").write_text(
            twilio_toml(
                fake.base_url,
                self.public,
                messages_per_second=0.0,
                timeout_seconds=timeout_seconds,
                extra=f"{top}\n[daemon]\ntick_seconds = 1\nport = {self.web_port}\n{sections}",
            ),
            encoding="utf-8",
        )
        self.env["TWILIO_AUTH_TOKEN"] = AUTH_TOKEN

    def kill(self, daemon: Daemon) -> None:
        """SIGKILL: no handler runs, no claim is handed back, no row is finished."""
        daemon.process.kill()
        daemon.process.wait(timeout=KILL_SECONDS)


def phone(number: int) -> str:
    """The number-th of a block of valid, distinct US mobile numbers (Chicago, 555-1000 on)."""
    return f"+1312555{1000 + number:04d}"


def enrol_burst(shell: Operator, count: int) -> list[str]:
    """`reminder import` of ``count`` full-dose patients whose dose time is this very minute, in a
    zone where it is daytime; returns their phone numbers. The import runs as of half a minute
    before that minute, so this minute's dose is each patient's first."""
    now = SystemClock().now()
    zone, minute = daytime_zone_and_minute(now)
    enrolled = now.replace(second=0, microsecond=0) - timedelta(seconds=30)
    phones = [phone(number) for number in range(count)]
    path = shell.workdir / f"burst-{len(phones)}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "phone", "timezone", "time", "full_dose"])
        writer.writerows(
            [f"Patient {n}", number, zone, minute, "yes"] for n, number in enumerate(phones)
        )
    shell.command("import", str(path), "--at", enrolled.isoformat())
    return phones


def received_by(fake: FakeTwilio) -> Counter[str]:
    """How many messages the fake accepted for each To."""
    with fake._lock:
        return Counter(request.form["To"] for _, request in fake.messages)


class PrivatePostgres:
    """A PostgreSQL cluster of this test's own, which it may stop and start under a running worker."""

    def __init__(self) -> None:
        if not POSTGRES_BIN:
            pytest.skip("PostgreSQL server binaries (/usr/lib/postgresql/*/bin) are not installed")
        if os.geteuid() != 0:
            pytest.skip("starting a private cluster needs root (to run initdb as postgres)")
        self.bin = POSTGRES_BIN[-1].parent
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="reminder-pg-"))
        shutil.chown(self.root, "postgres")
        self.data = self.root / "data"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._as_postgres("initdb", *"-A trust -U postgres -E UTF8 --no-sync".split())

    def _as_postgres(self, tool: str, *args: str, check: bool = True) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(self.bin / tool), "-D", str(self.data), *args],
            check=check,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.root / "server.log")
        self._as_postgres("pg_ctl", "-l", log, "-o", options, "-w", "start")

    def stop(self) -> None:
        """A fast shutdown, as a restart by the operator or a package upgrade does: every
        session is cut, every open transaction rolled back."""
        self._as_postgres("pg_ctl", "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._as_postgres("pg_ctl", "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    try:
        server.start()
        yield server
    finally:
        server.remove()
