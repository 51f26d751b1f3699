"""`python -m bench.csv_import`: `reminder import` of a generated 100k-row CSV, as an operator runs it.

The CLI runs as a subprocess on a scratch database migrated by ``reminder.db.upgrade``; its wall
time (interpreter start included) is the figure, and its CPU time the work whatever the machine's
load. Then, to say where the time goes, the first 10,000 rows are imported again in-process on a
second scratch database, counting SQL statements and timing the row checks alone (every patient's
and every contact's fields, as the import checks them).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bench.day import StatementCounter
from bench.population import (
    DEFAULT_POSTGRES_URL,
    ENROLLED_AT,
    SEED,
    bench_settings,
    generate_rows,
    quiet_logging,
    scratch_database,
    specs_of,
    stop_on_sigterm,
    write_csv,
)
from bench.report import against, machine, save_json, table
from reminder.app import tune_garbage_collector
from reminder.config import Settings
from reminder.csv_import import import_csv
from reminder.enrolment import check_contact

TARGET_S = 20.0  # for 100k rows
SAMPLE_ROWS = 10_000


def import_with_cli(
    csv_path: Path, database_url: str, folder: Path, time_limit: float
) -> tuple[float, float]:
    """Wall and CPU seconds of `reminder import` (the PostgreSQL server's CPU is not counted)."""
    config = folder / "reminder.toml"
    config.write_text('log_level = "WARNING"\n', encoding="utf-8")
    environment = dict(os.environ, DATABASE_URL=database_url, REMINDER_CONFIG=str(config))
    command = [sys.executable, "-m", "reminder.cli", "import", str(csv_path)]
    started, cpu_before = time.perf_counter(), children_cpu()
    done = subprocess.run(
        [*command, "--at", ENROLLED_AT.isoformat()],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=time_limit,
    )
    seconds, cpu_seconds = time.perf_counter() - started, children_cpu() - cpu_before
    if done.returncode != 0:
        raise RuntimeError(f"reminder import failed ({done.returncode}): {done.stderr[-2000:]}")
    print(f"  {done.stdout.strip()}", flush=True)
    return seconds, cpu_seconds


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def check_rows(settings: Settings, rows: list[dict]) -> None:
    """The checks import_csv makes on each row: the patient's fields, then the contact's."""
    specs_of(settings, rows)
    for row in rows:
        if row["contact_name"]:
            check_contact(
                settings,
                name=row["contact_name"],
                phone=row["contact_phone"],
                email=row["contact_email"],
            )


def count(engine: sa.Engine, table_name: str) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text(f"SELECT count(*) FROM {table_name}")).scalar_one()


def run(
    kind: str, rows: list[dict], csv_path: Path, folder: Path, args: argparse.Namespace
) -> dict:
    print(f"{kind}, {len(rows)} rows:", flush=True)
    with scratch_database(kind, "import", args.postgres_url) as database:
        seconds, cpu_seconds = import_with_cli(csv_path, database.url, folder, args.time_limit)
        patients, contacts = count(database.engine, "patient"), count(database.engine, "contact")
    assert patients == len(rows), f"{patients} patients imported of {len(rows)}"
    sample = rows[:SAMPLE_ROWS]
    sample_path = folder / "sample.csv"
    write_csv(sample_path, sample)
    with scratch_database(kind, "importsample", args.postgres_url) as database:
        settings = bench_settings(database.url)
        statements = StatementCounter(database.engine)
        started = time.perf_counter()
        import_csv(database.engine, settings, sample_path, ENROLLED_AT)
        sample_seconds = time.perf_counter() - started
        started = time.perf_counter()
        check_rows(settings, sample)
        check_seconds = time.perf_counter() - started
    return {
        "db": kind,
        "rows": len(rows),
        "contacts": contacts,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu_seconds, 1),
        "rows_per_second": round(len(rows) / seconds),
        "sample_rows": len(sample),
        "sample_ms_per_row": round(1000 * sample_seconds / len(sample), 3),
        "sample_statements_per_row": round(statements.count / len(sample), 4),
        "sample_check_ms_per_row": round(1000 * check_seconds / len(sample), 3),
        "sample_check_share": round(check_seconds / sample_seconds, 2),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.csv_import", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--db", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"]
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument(
        "--time-limit", type=float, default=900, help="per import (default: %(default)s s)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    quiet_logging()
    tune_garbage_collector()  # as `reminder` does at start: this process plans as a worker
    stop_on_sigterm()
    rows = generate_rows(args.rows, args.seed)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-import-") as name:
        folder = Path(name)
        csv_path = folder / "patients.csv"
        write_csv(csv_path, rows)
        size_mb = csv_path.stat().st_size / 1e6
        print(f"{csv_path.name}: {len(rows)} rows, {size_mb:.1f} MB", flush=True)
        results = [run(kind, rows, csv_path, folder, args) for kind in args.db]
    print(f"\nimport benchmark, {machine()}\n")
    print(
        table(
            [
                "db",
                "rows",
                "with contact",
                "reminder import s",
                "CPU s",
                "rows/s",
                "vs 20 s",
                "ms/row",
                "SQL/row",
                "checks ms/row",
                "checks share",
            ],
            [
                [
                    r["db"],
                    r["rows"],
                    r["contacts"],
                    r["seconds"],
                    r["cpu_seconds"],
                    r["rows_per_second"],
                    against(r["seconds"] * 100_000 / r["rows"], TARGET_S),
                    r["sample_ms_per_row"],
                    r["sample_statements_per_row"],
                    r["sample_check_ms_per_row"],
                    f"{r['sample_check_share']:.0%}",
                ]
                for r in results
            ],
        )
    )
    print(
        f"\n'CPU s' is the import process alone; 'vs 20 s' is scaled to 100k rows; the last four"
        f" columns come from {SAMPLE_ROWS} rows imported in-process\n(ms/row in all, SQL statements"
        " per row, the row checks alone, and their share of the in-process import)."
    )
    save_json(args.json, results)


if __name__ == "__main__":
    main()
