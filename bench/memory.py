"""`python -m bench.memory`: the resident memory of a real `reminder worker` with 100k patients.

The patients are enrolled (``bulk_enrol``) as if imported three hours ago while no worker ran,
so the worker's first tick plans all of them (the largest tick a worker ever runs) and sends
what fell due meanwhile (console transport, log level WARNING). The worker runs as a subprocess
(``python -m reminder.cli worker``, a tick every 5 s, the system clock); its VmRSS and VmHWM (the
peak) are read from /proc every 0.2 s until it has finished the first tick and three more, then
it is stopped with SIGTERM.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.population import (
    DEFAULT_POSTGRES_URL,
    SEED,
    analyse,
    bench_settings,
    bulk_enrol,
    generate_rows,
    quiet_logging,
    same_as_add_patient,
    scratch_database,
    specs_of,
    stop_on_sigterm,
)
from bench.report import against, machine, save_json, table
from reminder.clock import SystemClock

TARGET_MB = 200.0
TICKS_AFTER_FIRST = 3


def status_mb(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MB."""
    figures = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            figures[key] = int(value.split()[0]) / 1024  # kB
    return figures


def heartbeat(engine: sa.Engine) -> tuple[object, str] | None:
    with engine.connect() as connection:
        return connection.execute(
            sa.text("SELECT at, detail FROM heartbeat WHERE name = 'planner'")
        ).first()


def watch(kind: str, patients: int, args: argparse.Namespace) -> dict:
    rows = generate_rows(patients, args.seed)
    with (
        scratch_database(kind, "memory", args.postgres_url) as database,
        tempfile.TemporaryDirectory(prefix="bench-memory-") as folder,
    ):
        settings = bench_settings(database.url)
        enrolled_at = SystemClock().now().replace(microsecond=0) - timedelta(hours=3)
        specs = specs_of(settings, rows)
        same_as_add_patient(settings, specs[:300], enrolled_at)
        bulk_enrol(database.engine, settings, specs, enrolled_at)
        if kind == "postgresql":
            analyse(database)
        config = Path(folder) / "reminder.toml"
        config.write_text('log_level = "WARNING"\n[daemon]\ntick_seconds = 5\n', encoding="utf-8")
        environment = dict(os.environ, DATABASE_URL=database.url, REMINDER_CONFIG=str(config))
        print(f"{kind}, {patients} patients: starting reminder worker", flush=True)
        started = time.monotonic()
        worker = subprocess.Popen(
            [sys.executable, "-m", "reminder.cli", "worker"],
            cwd=folder,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        # A plain engine: reminder's own takes SQLite's write lock for every transaction, and the
        # watcher must not wait for the worker's tick to read the heartbeat.
        watcher = sa.create_engine(database.url)
        samples: list[tuple[float, float]] = []
        beats: list[tuple[float, str]] = []
        startup_mb = None
        figures: dict[str, float] = {}
        try:
            while len(beats) < 1 + TICKS_AFTER_FIRST:
                if worker.poll() is not None:
                    raise RuntimeError(f"the worker exited: {worker.stderr.read()[-2000:]}")
                if time.monotonic() - started > args.time_limit:
                    raise TimeoutError(f"gave up after {args.time_limit:.0f} s")
                figures = status_mb(worker.pid)
                samples.append((time.monotonic() - started, figures["VmRSS"]))
                beat = heartbeat(watcher)
                if beat is not None and (not beats or beats[-1][1] != str(beat[0])):
                    beats.append((time.monotonic() - started, str(beat[0])))
                    print(
                        f"  tick {len(beats)} done at {beats[-1][0]:.0f} s: {beat[1]}; "
                        f"RSS {figures['VmRSS']:.0f} MB",
                        flush=True,
                    )
                if startup_mb is None and time.monotonic() - started > 3:
                    startup_mb = figures["VmRSS"]
                time.sleep(0.2)
        finally:
            watcher.dispose()
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        with database.engine.connect() as connection:
            sent = connection.execute(
                sa.text("SELECT count(*) FROM message WHERE status = 'sent'")
            ).scalar_one()
            doses = connection.execute(sa.text("SELECT count(*) FROM dose")).scalar_one()
    return {
        "db": kind,
        "patients": patients,
        "doses_planned": doses,
        "messages_sent": sent,
        "first_tick_seconds": round(beats[0][0], 1),
        "rss_after_3s_mb": round(startup_mb or 0, 1),
        "rss_peak_mb": round(figures["VmHWM"], 1),
        "rss_end_mb": round(figures["VmRSS"], 1),
        "exit_status": worker.returncode,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.memory", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--db", nargs="+", choices=("sqlite", "postgresql"), default=["postgresql"])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument(
        "--time-limit", type=float, default=1200, help="per database (default: %(default)s s)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    quiet_logging()
    stop_on_sigterm()
    results = [watch(kind, args.patients, args) for kind in args.db]
    print(f"\nmemory benchmark, {machine()}\n")
    print(
        table(
            [
                "db",
                "patients",
                "doses planned",
                "sent",
                "first tick s",
                "RSS at 3 s MB",
                "peak RSS MB",
                "vs 200 MB",
                "RSS at end MB",
                "exit",
            ],
            [
                [
                    r["db"],
                    r["patients"],
                    r["doses_planned"],
                    r["messages_sent"],
                    r["first_tick_seconds"],
                    r["rss_after_3s_mb"],
                    r["rss_peak_mb"],
                    against(r["rss_peak_mb"], TARGET_MB),
                    r["rss_end_mb"],
                    r["exit_status"],
                ]
                for r in results
            ],
        )
    )
    save_json(args.json, results)


if __name__ == "__main__":
    main()
