"""The clinician's report of a patient with a year of history: how long each format takes.

    .venv/bin/python -m bench.clinician_report [--days 365] [--runs 3]

A year is lived first through the real planner, conversation and outbox on a simulated clock, on
a scratch SQLite database: a dose every other day, mostly on time, some late, a skip and a missed
dose now and then, every check-in answered, a site reaction every few months. Then, for the
default window (the last 90 days) and for the whole year (``--from`` a year back), it times
``report.build`` and each renderer in this process (best of ``--runs``, modules already loaded),
and the whole command, ``reminder report P --out FILE.x``, as a new process (what an operator
waits for: Python's start, imports, the database and the file). Target: under 2 s per format.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdf  # a dev dependency, as the benchmarks are
from sqlmodel import select

from bench.report import against, machine, table
from reminder import conversation, planner, report
from reminder.app import App
from reminder.clock import SimulatedClock
from reminder.config import load_settings
from reminder.db import create_db_engine, session_scope, upgrade
from reminder.due import next_due
from reminder.enrolment import add_contact, add_patient, check_patient
from reminder.models import ContactRole, Dose, DoseStatus, Patient

CHICAGO = ZoneInfo("America/Chicago")
PHONE, NURSE = "+13125550101", "+13125550160"
TARGET_S = 2.0


def live_a_year(url: str, config: Path, days: int) -> datetime:
    """Enrol a patient on 2025-06-02 and live ``days`` days; return the moment of the report."""
    settings = load_settings({"DATABASE_URL": url, "REMINDER_CONFIG": str(config)})
    engine = create_db_engine(url)
    upgrade(engine)
    clock = SimulatedClock(datetime(2025, 6, 2, 9, 0, tzinfo=CHICAGO))
    outbox = App(settings, engine, clock).outbox()
    spec = check_patient(
        settings,
        name="Ada Lovelace",
        phone=PHONE,
        email=None,
        timezone="America/Chicago",
        dose_time="19:30",
        start="2025-06-02",
    )
    with session_scope(engine) as session:
        patient = add_patient(session, settings, spec, clock.now())
        add_contact(
            session,
            settings,
            patient,
            name="Joy Okafor",
            phone=NURSE,
            email=None,
            role=ContactRole.NURSE,
            now=clock.now(),
        )

    def tick_to(moment: datetime) -> None:
        while True:
            planner.tick(engine, settings, clock)
            outbox.dispatch()
            due = next_due(engine)
            if due is None or due > moment:
                break
            clock.set(max(due, clock.now() + timedelta(seconds=1)))
        clock.set(max(moment, clock.now()))
        planner.tick(engine, settings, clock)
        outbox.dispatch()

    def say(text: str, sender: str = PHONE) -> None:
        conversation.receive(engine, settings, clock, sender=sender, body=text)
        outbox.dispatch()

    end = datetime(2025, 6, 2, 12, 0, tzinfo=CHICAGO) + timedelta(days=days)
    number = 0
    while True:
        tick_to(clock.now())
        with session_scope(engine) as session:
            dose = session.exec(select(Dose).where(Dose.status == DoseStatus.PENDING)).one()
            at, window_end = dose.scheduled_at, dose.window_end
        if at > end:
            break
        if number % 37 == 36:  # missed: reminded, never answered
            tick_to(window_end + timedelta(minutes=1))
        elif number % 23 == 22:
            tick_to(at + timedelta(minutes=10))
            say("SKIP")
        else:
            late = timedelta(hours=3) if number % 11 == 5 else timedelta(minutes=5)
            tick_to(at + late)
            say("DONE")
            morning = (at.astimezone(CHICAGO) + timedelta(days=1)).replace(hour=9, minute=30)
            tick_to(morning)
            if number % 45 == 44:
                say("2 8 N blister")
                tick_to(morning + timedelta(minutes=40))
                say("OK", sender=NURSE)
            else:
                say(f"{number % 5} {number % 3} N")
        number += 1
    tick_to(end)
    engine.dispose()
    return end


def best(runs: int, work: object) -> tuple[float, float]:
    """The best wall time of ``runs`` and the CPU time of this process in that run: on a shared
    machine the wall time carries the others' load, the CPU time mostly not."""
    times = []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        work()  # type: ignore[operator]
        times.append((time.perf_counter() - started, time.process_time() - cpu))
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=365, help="days of history (default 365)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each, the best kept")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the console transport would log every message of the year
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "reminder.toml"
        config.write_text('[schedule]\ndefault_timezone = "America/Chicago"\n', encoding="utf-8")
        url = f"sqlite:///{Path(folder) / 'year.db'}"
        started = time.perf_counter()
        at = live_a_year(url, config, args.days)
        lived = time.perf_counter() - started
        settings = load_settings({"DATABASE_URL": url, "REMINDER_CONFIG": str(config)})
        engine = create_db_engine(url)
        rows = []
        measured: dict[str, tuple[report.Window, dict[str, tuple[float, float]], int]] = {}
        with session_scope(engine) as session:
            patient = session.get(Patient, 1)
            assert patient is not None
            today = at.astimezone(CHICAGO).date()
            windows = {
                "last 90 days": report.default_window(patient, at),
                f"all {args.days} days": report.Window(today - timedelta(days=args.days), today),
            }
            for name, window in windows.items():
                values = report.build(session, patient, window, settings, at)
                report.html.render(values)  # loads matplotlib and the templates once
                report.pdf.render(values)  # and WeasyPrint
                figures = {
                    "build": best(
                        args.runs, lambda w=window: report.build(session, patient, w, settings, at)
                    ),
                    "html": best(args.runs, lambda v=values: report.html.render(v)),
                    "pdf": best(args.runs, lambda v=values: report.pdf.render(v)),
                    "csv": best(args.runs, lambda v=values: report.csv.render(v)),
                }
                pages = len(pypdf.PdfReader(io.BytesIO(report.pdf.render(values))).pages)
                measured[name] = (window, figures, pages)
        engine.dispose()
        # Each command as its own process, once this one holds no transaction on the database.
        for name, (window, figures, pages) in measured.items():
            for suffix in ("html", "pdf", "csv"):
                command = _command(folder, suffix, window, at)
                whole, _ = best(args.runs, lambda c=command: _run(c, _env(url, config)))
                wall = figures["build"][0] + figures[suffix][0]
                cpu = figures["build"][1] + figures[suffix][1]
                rows.append(
                    (
                        name,
                        suffix,
                        f"{wall:.2f}",
                        f"{cpu:.2f}",
                        against(wall, TARGET_S),
                        f"{whole:.2f}",
                        pages if suffix == "pdf" else "",
                    )
                )
    print(
        f"clinician report benchmark: {args.days} days lived in {lived:.0f} s; "
        f"best of {args.runs}; {machine()}\n"
    )
    print(
        table(
            ("window", "format", "build+render s", "CPU s", "vs 2 s", "whole command s", "pages"),
            rows,
        )
    )
    print(
        "\n'build+render s' is report.build plus the renderer in a warm process (wall time; 'CPU s'"
        "\nthe same in CPU time of this process); 'whole command s' is `reminder report 1 --out"
        "\nFILE` as a new process, Python's start and every import included."
    )


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=os.environ | env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")


def _env(url: str, config: Path) -> dict[str, str]:
    return {"DATABASE_URL": url, "REMINDER_CONFIG": str(config), "TZ": "UTC"}


def _command(folder: str, suffix: str, window: report.Window, at: datetime) -> list[str]:
    out = Path(folder) / f"report.{suffix}"
    return [
        sys.executable,
        "-m",
        "reminder.cli",
        "report",
        "1",
        "--out",
        str(out),
        "--from",
        window.start.isoformat(),
        "--to",
        window.end.isoformat(),
        "--at",
        at.astimezone(UTC).isoformat(),
    ]


if __name__ == "__main__":
    main()
