"""Generated patients for the benchmarks, and the databases they live in.

Patients get realistic zones (weighted by where people live, mostly North America), preferred
evening times clustered on the hour, phone or email, a start date today or tomorrow (so about
half of them inject on any given day) and sometimes a caregiver; the same seed gives the same
patients. They are enrolled either by the real ``import_csv`` or by ``bulk_enrol``, which writes
the rows ``enrolment.add_patient`` writes, a few thousand per INSERT, and is checked against it.
"""

from __future__ import annotations

import csv
import logging
import os
import random
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from reminder.config import FileSettings, Secrets, Settings
from reminder.csv_import import CSV_COLUMNS
from reminder.db import create_db_engine, session_scope, upgrade
from reminder.enrolment import PatientSpec, add_patient, check_patient, patient_row
from reminder.models import Patient

# The server the benchmarks create their own database on (it needs CREATEDB, not the database).
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# A Thursday morning, before any dose time in the Americas: 07:00 in New York, 04:00 in LA.
ENROLLED_AT = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
SEED = 20261126

# Share of patients per zone, with the area codes of their phones (None: reached by email).
ZONES: tuple[tuple[str, float, tuple[str, ...] | None], ...] = (
    ("America/New_York", 0.40, ("212", "718", "617", "215", "404", "305", "202", "412", "313")),
    ("America/Toronto", 0.04, ("416", "647", "613")),
    ("America/Chicago", 0.26, ("312", "773", "214", "713", "512", "615", "612", "314")),
    ("America/Denver", 0.05, ("303", "720", "801", "505")),
    ("America/Phoenix", 0.02, ("602", "480", "520")),
    ("America/Los_Angeles", 0.15, ("213", "310", "415", "206", "503", "702", "619")),
    ("America/Vancouver", 0.02, ("604", "778")),
    ("America/Anchorage", 0.005, ("907",)),
    ("Pacific/Honolulu", 0.005, ("808",)),
    ("America/Puerto_Rico", 0.01, ("787", "939")),
    ("Europe/London", 0.02, None),
    ("Europe/Berlin", 0.02, None),
)
# Interferon beta-1b is mostly injected in the evening (its flu-like effects pass in the night),
# on the hour or the half hour; the rest is spread over every 5 minutes of the waking day.
POPULAR_TIMES: tuple[tuple[time, float], ...] = (
    (time(20, 0), 0.26),
    (time(19, 0), 0.16),
    (time(21, 0), 0.12),
    (time(19, 30), 0.08),
    (time(20, 30), 0.07),
    (time(18, 0), 0.05),
    (time(8, 0), 0.04),
    (time(9, 0), 0.03),
    (time(18, 30), 0.02),
    (time(12, 0), 0.02),
    (time(17, 0), 0.02),
)
FIRST_NAMES = (
    "Ann Bob Carla Dev Elena Farid Grace Hiro Ines Jamal Kate Luis Maria Nadia Omar Priya Quinn "
    "Rosa Sam Tara Uma Victor Wen Ximena Yusuf Zoe Ada Ben Chloe Diego Emma Felix Gina Hugo Ivy"
).split()
LAST_NAMES = (
    "Smith Garcia Chen Johnson Nguyen Patel Brown Lopez Kim Miller Davis Wilson Moore Taylor "
    "Anderson Thomas Jackson White Harris Martin Thompson Martinez Robinson Clark Lewis Lee Walker"
).split()
SHARE_TITRATING = 0.15  # newly started, on the six-week ramp; the rest take the full dose
SHARE_EMAIL_ONLY = 0.08  # in North America; Europe is reached by email
SHARE_WITH_CAREGIVER = 0.4

log = logging.getLogger("bench")


def stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so the scratch database is dropped and a worker stopped."""
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))


def quiet_logging() -> None:
    """The console transport writes every message at INFO: silence it, as the brief asks."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for name in ("reminder", "alembic", "apscheduler"):
        logging.getLogger(name).setLevel(logging.WARNING)


def bench_settings(database_url: str) -> Settings:
    """The defaults, as an operator with no reminder.toml would run."""
    return Settings(path=None, file=FileSettings(), secrets=Secrets(), database_url=database_url)


def _other_times() -> list[time]:
    taken = {moment for moment, _ in POPULAR_TIMES}
    return [
        time(hour, minute)
        for hour in range(8, 22)
        for minute in range(0, 60, 5)
        if time(hour, minute) < time(21, 30) and time(hour, minute) not in taken
    ]


def generate_rows(count: int, seed: int = SEED, enrolled_at: datetime = ENROLLED_AT) -> list[dict]:
    """``count`` patients as CSV rows (the columns of ``reminder import``), the same for one seed."""
    rng = random.Random(seed)
    zones = [zone for zone, _, _ in ZONES]
    zone_weights = [weight for _, weight, _ in ZONES]
    areas = {zone: codes for zone, _, codes in ZONES}
    other = _other_times()
    popular_share = sum(weight for _, weight in POPULAR_TIMES)
    slots = [moment for moment, _ in POPULAR_TIMES] + other
    slot_weights = [weight for _, weight in POPULAR_TIMES] + [
        (1 - popular_share) / len(other)
    ] * len(other)
    numbers = iter(range(10**9))

    def phone_in(zone: str) -> str:
        # Exchanges 220-239 are valid in every area code used here; the counter keeps them unique.
        serial = next(numbers)
        area = rng.choice(areas[zone] or ("212",))
        return f"({area}) {220 + serial // 10_000}-{serial % 10_000:04d}"

    rows = []
    for index in range(count):
        zone = rng.choices(zones, zone_weights)[0]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email_only = areas[zone] is None or rng.random() < SHARE_EMAIL_ONLY
        local_today = enrolled_at.astimezone(ZoneInfo(zone)).date()
        row = {
            "name": f"{first} {last}",
            "phone": "" if email_only else phone_in(zone),
            "email": f"{first}.{last}.{index}@example.org".lower() if email_only else "",
            "timezone": zone,
            "time": f"{rng.choices(slots, slot_weights)[0]:%H:%M}",
            # Injecting every other day: about half of them are due today, half tomorrow.
            "start": (local_today + timedelta(days=rng.randrange(2))).isoformat(),
            "full_dose": "no" if rng.random() < SHARE_TITRATING else "yes",
            "contact_name": "",
            "contact_phone": "",
            "contact_email": "",
        }
        if rng.random() < SHARE_WITH_CAREGIVER:
            row["contact_name"] = f"{rng.choice(FIRST_NAMES)} {last}"
            row["contact_phone"] = phone_in(zone)
        rows.append(row)
    return rows


def write_csv(path: Path, rows: Sequence[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def specs_of(settings: Settings, rows: Sequence[dict]) -> list[PatientSpec]:
    """Check and normalise every row with the real ``check_patient``, as enrolment does."""
    return [
        check_patient(
            settings,
            name=row["name"],
            phone=row["phone"] or None,
            email=row["email"] or None,
            timezone=row["timezone"],
            dose_time=row["time"],
            start=row["start"],
            full_dose=row["full_dose"] == "yes",
        )
        for row in rows
    ]


def bulk_enrol(
    engine: Engine, settings: Settings, specs: Sequence[PatientSpec], now: datetime
) -> None:
    """Write the patients as ``add_patient`` would, 5,000 per multi-row INSERT and transaction."""
    for offset in range(0, len(specs), 5000):
        rows = [patient_row(settings, spec, now) for spec in specs[offset : offset + 5000]]
        with session_scope(engine) as session:
            session.execute(sa.insert(Patient), rows)


def same_as_add_patient(settings: Settings, specs: Sequence[PatientSpec], now: datetime) -> None:
    """Enrol ``specs`` both ways on two scratch SQLite files and refuse any difference in the rows."""
    tables = []
    with tempfile.TemporaryDirectory(prefix="bench-check-") as folder:
        for way in ("add_patient", "bulk"):
            engine = create_db_engine(f"sqlite:///{folder}/{way}.db")
            upgrade(engine)
            if way == "bulk":
                bulk_enrol(engine, settings, specs, now)
            else:
                with session_scope(engine) as session:
                    for spec in specs:
                        add_patient(session, settings, spec, now)
            with engine.connect() as connection:
                tables.append(
                    connection.execute(sa.text("SELECT * FROM patient ORDER BY id")).all()
                )
            engine.dispose()
    if tables[0] != tables[1]:
        raise AssertionError("bulk_enrol no longer writes what enrolment.add_patient writes")


@dataclass
class Database:
    """A database of the benchmark's own: a scratch SQLite file or a PostgreSQL database."""

    kind: str
    url: str
    engine: Engine


@contextmanager
def scratch_database(kind: str, label: str, postgres_url: str) -> Iterator[Database]:
    """Create an empty, migrated database (``reminder.db.upgrade``) and drop it afterwards."""
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix=f"bench-{label}-", dir=os.environ.get("BENCH_TMPDIR"))
        url = f"sqlite:///{folder}/bench.db"
        engine = create_db_engine(url)
        try:
            upgrade(engine)
            yield Database(kind, url, engine)
        finally:
            engine.dispose()
            shutil.rmtree(folder, ignore_errors=True)
        return
    name = f"bench_{label}_{os.getpid()}"
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    engine = create_db_engine(url)
    try:
        upgrade(engine)
        yield Database(kind, url, engine)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def analyse(database: Database) -> None:
    """Refresh the planner statistics after a bulk load, as autovacuum would within a minute."""
    with database.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
