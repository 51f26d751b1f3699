"""`python -m bench.tick`: the tick at the busy minute and at quiet ones, by backend and size.

For each database (SQLite, PostgreSQL) and each number of patients (10k, 100k) it enrols the
generated patients, plans them (the first tick), then lives the day up to the busiest evening
minute (see bench/day.py), timing every ``planner.tick`` and ``Outbox.dispatch`` on a
SimulatedClock with the console transport silenced. It prints the busy tick, the quiet ticks, and
a straight-line fit of tick time against the number of patients due: the fixed part and the cost
per due patient, which should not change between 10k and 100k enrolled.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench.day import Day, Deadline, simulate
from bench.population import (
    DEFAULT_POSTGRES_URL,
    SEED,
    bench_settings,
    generate_rows,
    quiet_logging,
    scratch_database,
    specs_of,
    stop_on_sigterm,
)
from bench.report import against, machine, peak_rss_mb, save_json, table
from reminder.app import tune_garbage_collector

BUSY_TICK_TARGET_S = 1.0  # for 10k due, including the outbox rows
QUIET_TICK_TARGET_MS = 50.0


def run(kind: str, patients: int, seed: int, postgres_url: str, deadline: Deadline) -> Day:
    rows = generate_rows(patients, seed)
    with scratch_database(kind, f"tick{patients}", postgres_url) as database:
        settings = bench_settings(database.url)
        specs = specs_of(settings, rows)
        print(f"{kind}, {patients} patients:", flush=True)
        day, _worker = simulate(database, settings, specs, deadline)
    print(f"  {day.summary()}", flush=True)
    return day


def projected(summary: dict) -> float:
    """The tick time the fit gives for 10,000 patients due, in seconds."""
    return round((summary["fit_fixed_ms"] + 10_000 * summary["fit_ms_per_due_patient"]) / 1000, 2)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.tick", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--db", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"]
    )
    parser.add_argument("--patients", nargs="+", type=int, default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES_URL,
        help="server to create the scratch database on (default: %(default)s)",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=3600,
        help="give up after this many seconds (default: %(default)s)",
    )
    parser.add_argument("--json", type=Path, help="also write every sample to this file")
    args = parser.parse_args(argv)
    quiet_logging()
    tune_garbage_collector()  # as `reminder` does at start: this process plans as a worker
    stop_on_sigterm()
    deadline = Deadline(args.time_limit)
    started = time.perf_counter()
    days = [
        run(kind, n, args.seed, args.postgres_url, deadline)
        for kind in args.db
        for n in args.patients
    ]
    deadline.cancel()
    summaries = [day.summary() for day in days]
    print(f"\ntick benchmark, {time.perf_counter() - started:.0f} s in all; {machine()}\n")
    print(
        table(
            [
                "db",
                "patients",
                "busy at (UTC)",
                "due",
                "msgs",
                "tick s",
                "CPU s",
                "dispatch s",
                "SQL/due",
                "10k due s",
                "vs 1 s",
                "quiet ms",
                "vs 50 ms",
                "quiet dispatch ms",
                "fixed ms",
                "ms/due",
                "CPU ms/due",
                "first tick s",
                "dispatch msg/s",
            ],
            [
                [
                    s["db"],
                    s["patients"],
                    str(s["busy_at"])[11:16],
                    s["busy_due"],
                    s["busy_messages"],
                    s["busy_tick_seconds"],
                    f"{s['busy_tick_client_cpu']}+{s['busy_tick_server_cpu']}",
                    s["busy_dispatch_seconds"],
                    s["busy_statements_per_patient"],
                    projected(s),
                    against(projected(s), BUSY_TICK_TARGET_S),
                    f"{s['quiet_tick_ms_median']}/{s['quiet_tick_ms_max']}",
                    against(s["quiet_tick_ms_max"], QUIET_TICK_TARGET_MS),
                    s["quiet_dispatch_ms_median"],
                    s["fit_fixed_ms"],
                    s["fit_ms_per_due_patient"],
                    s["fit_cpu_ms_per_due_patient"],
                    s["first_tick_seconds"],
                    s["dispatch_per_second"],
                ]
                for s in summaries
            ],
        )
    )
    print(
        "\n'fixed ms' + 'ms/due' x due is the straight-line fit of every tick of the day, and"
        " '10k due s' that fit\nat 10,000 due; 'CPU s' is this process + the PostgreSQL backends"
        " during the busy tick, and\n'CPU ms/due' the same fit on that CPU time (the work, whatever"
        " the machine's load);\n'quiet ms' is median/max of ticks with nothing due;"
        f"\npeak RSS of this process {peak_rss_mb():.0f} MB."
    )
    save_json(args.json, [day.as_dict() for day in days])


if __name__ == "__main__":
    main()
