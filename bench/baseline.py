"""`python -m bench.baseline`: our tick against one APScheduler job per patient, in one run.

On one scratch database per size, the same generated patients are first run our way (bulk
enrolment, the first tick that plans them all, then the simulated day up to the busiest minute,
see bench/day.py; the outbox is left alone, since the baseline's jobs only record the send), then
the tutorial way (bench/tutorial.py): a job added per patient, the hours before the busy minute
caught up on a frozen clock, and the busy minute itself on a clock running at real speed, timed
until every due job has run. Finally a taken dose: our ``DONE`` reply (stored, applied, next dose
planned, answer queued) against the baseline's ``reschedule_job`` alone, for the same patients.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import select

from bench.day import Deadline, Worker, simulate
from bench.population import (
    DEFAULT_POSTGRES_URL,
    ENROLLED_AT,
    SEED,
    Database,
    bench_settings,
    generate_rows,
    quiet_logging,
    scratch_database,
    specs_of,
    stop_on_sigterm,
)
from bench.report import against, machine, save_json, table
from bench.tutorial import TutorialClock, TutorialScheduler, patch_apscheduler
from reminder import conversation, regimen
from reminder.app import tune_garbage_collector
from reminder.db import session_scope
from reminder.models import Dose, DoseStatus, Patient

BUSY_TARGET_RATIO = 10.0
ENROL_TARGET_RATIO = 5.0
DONE_REPLIES = 1000  # taken doses timed each way
# A tutorial's jobs keep APScheduler's default of 1 s; then most of a busy minute is skipped as
# "missed" (counted below). To time the whole minute the baseline lets every job run however late.
MISFIRE_GRACE_S = None


def wait_until(condition, deadline: Deadline, doing: str, poll: float = 0.05) -> None:  # noqa: ANN001
    while not condition():
        deadline.check(doing)
        time.sleep(poll)


def our_taken_doses(
    database: Database, worker: Worker, busy: datetime
) -> tuple[list[int], list[float]]:
    """Reply DONE for patients whose reminder went out at the busy minute: their ids, and the
    seconds each reply took."""
    with session_scope(database.engine) as session:
        patients = session.exec(
            select(Patient)
            .join(Dose, Dose.patient_id == Patient.id)
            .where(Dose.scheduled_at == busy, Dose.status == DoseStatus.PENDING)
            .order_by(Patient.id)
            .limit(DONE_REPLIES)
        ).all()
    worker.clock.set(busy + timedelta(minutes=10))
    seconds = []
    for patient in patients:
        started = time.perf_counter()
        outcome = conversation.receive(
            database.engine,
            worker.settings,
            worker.clock,
            sender=patient.address,
            body="DONE",
            channel=patient.channel,
        )
        seconds.append(time.perf_counter() - started)
        assert outcome.outcome and "taken" in outcome.outcome, outcome
    return [patient.id for patient in patients if patient.id is not None], seconds


def run(kind: str, patients: int, args: argparse.Namespace, deadline: Deadline) -> dict:
    rows = generate_rows(patients, args.seed)
    with scratch_database(kind, f"baseline{patients}", args.postgres_url) as database:
        settings = bench_settings(database.url)
        specs = specs_of(settings, rows)
        print(f"{kind}, {patients} patients, ours:", flush=True)
        day, worker = simulate(database, settings, specs, deadline, dispatch=False)
        busy_sample = day.busiest
        busy = datetime.fromisoformat(busy_sample.at)
        ours_done_for, ours_done = our_taken_doses(database, worker, busy)

        print(f"{kind}, {patients} patients, one APScheduler job per patient:", flush=True)
        with database.engine.connect() as connection:
            enrolled = connection.execute(
                sa.select(
                    Patient.id, Patient.timezone, Patient.dose_time, Patient.start_date
                ).order_by(Patient.id)
            ).all()
        enrolled_by_id = {row[0]: row for row in enrolled}
        clock = TutorialClock(ENROLLED_AT)
        patch_apscheduler(clock)
        tutorial = TutorialScheduler(database.url, clock, MISFIRE_GRACE_S)
        try:
            started = time.perf_counter()
            for index, (patient_id, zone, dose_time, start) in enumerate(enrolled):
                tutorial.enrol(patient_id, zone, dose_time, start)
                if index % 1000 == 0:
                    deadline.check("adding jobs")
            their_enrol = time.perf_counter() - started
            print(f"  {len(enrolled)} jobs added in {their_enrol:.1f} s", flush=True)

            # The hours before the busy minute, at once; these jobs are not timed.
            before = busy - timedelta(minutes=1)
            earlier = tutorial.due_by(before)
            clock.freeze(before)
            tutorial.scheduler.wakeup()
            wait_until(
                lambda: tutorial.due_by(before) == 0 and tutorial.tally.finished() >= earlier,
                deadline,
                "catching up",
            )
            print(f"  caught up on {earlier} earlier jobs", flush=True)

            due = tutorial.due_by(busy)
            tutorial.tally.reset()
            sends_before = tutorial.sends()
            clock.run_from(busy)
            started = time.perf_counter()
            tutorial.scheduler.wakeup()
            wait_until(lambda: tutorial.tally.finished() >= due, deadline, "the busy minute", 0.005)
            their_busy = time.perf_counter() - started
            fired = tutorial.sends() - sends_before
            lateness = sorted(tutorial.tally.lateness)
            print(f"  busy minute: {fired} of {due} due jobs ran in {their_busy:.1f} s", flush=True)

            taken_at = busy + timedelta(minutes=10)
            clock.freeze(taken_at)
            their_done = []
            for patient_id in ours_done_for:
                _id, zone, dose_time, _start = enrolled_by_id[patient_id]
                on = regimen.local_date(taken_at, ZoneInfo(zone))
                started = time.perf_counter()
                tutorial.taken(patient_id, zone, dose_time, on)
                their_done.append(time.perf_counter() - started)
        finally:
            tutorial.shutdown()

    ours_enrol = day.enrol_seconds + day.first_tick.tick_seconds
    theirs_enrol = day.enrol_seconds + their_enrol
    result = {
        "db": kind,
        "patients": patients,
        "patient_rows_seconds": round(day.enrol_seconds, 2),
        "ours_first_tick_seconds": round(day.first_tick.tick_seconds, 2),
        "theirs_add_jobs_seconds": round(their_enrol, 2),
        "ours_enrol_seconds": round(ours_enrol, 2),
        "theirs_enrol_seconds": round(theirs_enrol, 2),
        "enrol_ratio": round(theirs_enrol / ours_enrol, 2),
        "busy_at": busy_sample.at,
        "ours_busy_due": busy_sample.patients,
        "ours_busy_messages": busy_sample.messages,
        "ours_busy_seconds": round(busy_sample.tick_seconds, 3),
        "theirs_busy_due": due,
        "theirs_busy_fired": fired,
        "theirs_busy_seconds": round(their_busy, 3),
        "theirs_late_over_1s": sum(1 for late in lateness if late > 1.0),
        "theirs_lateness_max_s": round(lateness[-1], 1) if lateness else None,
        "busy_ratio": round(their_busy / busy_sample.tick_seconds, 2),
        "ours_done_ms": round(1000 * statistics.mean(ours_done), 3),
        "theirs_reschedule_ms": round(1000 * statistics.mean(their_done), 3),
        "done_ratio": round(statistics.mean(their_done) / statistics.mean(ours_done), 2),
        "done_count": len(their_done),
    }
    print(f"  {result}", flush=True)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.baseline", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--db", nargs="+", choices=("sqlite", "postgresql"), default=["postgresql"])
    parser.add_argument("--patients", nargs="+", type=int, default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--time-limit", type=float, default=3600)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    quiet_logging()
    tune_garbage_collector()  # as `reminder` does at start: this process plans as a worker
    stop_on_sigterm()
    deadline = Deadline(args.time_limit)
    results = [run(kind, n, args, deadline) for kind in args.db for n in args.patients]
    deadline.cancel()
    print(f"\nbaseline benchmark, {machine()}\n")
    print(
        table(
            ["db", "patients", "what", "ours", "baseline", "ratio", "target"],
            [
                row
                for r in results
                for row in (
                    [
                        r["db"],
                        r["patients"],
                        "enrol, s (rows + first tick | + add_job)",
                        r["ours_enrol_seconds"],
                        r["theirs_enrol_seconds"],
                        r["enrol_ratio"],
                        against(r["enrol_ratio"], ENROL_TARGET_RATIO, at_most=False),
                    ],
                    [
                        r["db"],
                        r["patients"],
                        f"busy minute, s ({r['ours_busy_due']} due | {r['theirs_busy_due']} jobs)",
                        r["ours_busy_seconds"],
                        r["theirs_busy_seconds"],
                        r["busy_ratio"],
                        against(r["busy_ratio"], BUSY_TARGET_RATIO, at_most=False),
                    ],
                    [
                        r["db"],
                        r["patients"],
                        "taken dose, ms (DONE reply | reschedule_job)",
                        r["ours_done_ms"],
                        r["theirs_reschedule_ms"],
                        r["done_ratio"],
                        "",
                    ],
                )
            ],
        )
    )
    save_json(args.json, results)


if __name__ == "__main__":
    main()
