"""The baseline: reminders scheduled the way most tutorials do it, one APScheduler job per patient.

A ``BackgroundScheduler`` with a ``SQLAlchemyJobStore`` on the same database and the default
thread pool; each patient gets ``add_job(record_send, "interval", days=2, start_date=first dose,
timezone=zone, id="patient-ID")``, and a taken dose moves the job with ``reschedule_job``. The job
only records the send (one INSERT), so the comparison is of scheduling, not of sending.

APScheduler 3 reads the time with ``datetime.now()`` in its scheduler and executor modules;
``TutorialClock`` replaces that name there, so the scheduler can live the benchmark's simulated
day. It either stands still (to catch up on the hours before the busy minute at once) or runs at
the speed of the real clock from a chosen moment (the busy minute itself, so lateness and
misfires are what they would be).
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import time as time_of_day
from zoneinfo import ZoneInfo

import apscheduler.executors.base
import apscheduler.schedulers.base
import sqlalchemy as sa
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobEvent
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

SENDS = sa.Table(
    "baseline_send",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("patient_id", sa.Integer, nullable=False),
    sa.Column("fired_at", sa.DateTime(timezone=True), nullable=False),
)
_sends_engine: sa.Engine | None = None


def record_send(patient_id: int) -> None:
    """The job: record that the reminder went out (a tutorial would call its SMS API here)."""
    assert _sends_engine is not None
    with _sends_engine.begin() as connection:
        connection.execute(SENDS.insert().values(patient_id=patient_id, fired_at=datetime.now(UTC)))


class TutorialClock:
    """The time APScheduler sees: frozen at a moment, or running from one at real speed."""

    def __init__(self, moment: datetime) -> None:
        self.freeze(moment)

    def freeze(self, moment: datetime) -> None:
        self._base, self._started = moment, None

    def run_from(self, moment: datetime) -> None:
        self._base, self._started = moment, time.monotonic()

    def now(self, tz: tzinfo | None = None) -> datetime:
        moment = self._base
        if self._started is not None:
            moment += timedelta(seconds=time.monotonic() - self._started)
        return moment.astimezone(tz) if tz else moment


def patch_apscheduler(clock: TutorialClock) -> None:
    class ClockDatetime(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
            return clock.now(tz)

    apscheduler.schedulers.base.datetime = ClockDatetime  # type: ignore[misc]
    apscheduler.executors.base.datetime = ClockDatetime  # type: ignore[attr-defined]


class Tally:
    """Counts finished jobs (run, failed or missed) and how late each one finished."""

    def __init__(self, clock: TutorialClock) -> None:
        self.clock = clock
        self.lock = threading.Lock()
        self.executed = self.errors = self.missed = 0
        self.lateness: list[float] = []

    def __call__(self, event: JobEvent) -> None:
        with self.lock:
            if event.code == EVENT_JOB_EXECUTED:
                self.executed += 1
                late = self.clock.now(UTC) - event.scheduled_run_time.astimezone(UTC)
                self.lateness.append(late.total_seconds())
            elif event.code == EVENT_JOB_ERROR:
                self.errors += 1
            else:
                self.missed += 1

    def finished(self) -> int:
        with self.lock:
            return self.executed + self.errors + self.missed

    def reset(self) -> None:
        with self.lock:
            self.executed = self.errors = self.missed = 0
            self.lateness = []


class TutorialScheduler:
    """A job per patient in a SQLAlchemyJobStore, as the tutorials set it up."""

    def __init__(self, database_url: str, clock: TutorialClock, misfire_grace_time: int | None):
        global _sends_engine
        _sends_engine = sa.create_engine(database_url)
        SENDS.create(_sends_engine, checkfirst=True)
        self.clock = clock
        self.scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(url=database_url)},
            job_defaults={"misfire_grace_time": misfire_grace_time},
            timezone=UTC,
        )
        self.tally = Tally(clock)
        self.scheduler.add_listener(
            self.tally, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED
        )
        self.scheduler.start()

    def enrol(self, patient_id: int, zone: str, dose_time: time_of_day, start: date) -> None:
        self.scheduler.add_job(
            record_send,
            "interval",
            days=2,
            start_date=datetime.combine(start, dose_time),
            timezone=ZoneInfo(zone),
            args=[patient_id],
            id=f"patient-{patient_id}",
            replace_existing=True,
        )

    def taken(self, patient_id: int, zone: str, dose_time: time_of_day, on: date) -> None:
        """A dose taken on ``on``: the next one is two days later at the preferred time."""
        self.scheduler.reschedule_job(
            f"patient-{patient_id}",
            trigger="interval",
            days=2,
            start_date=datetime.combine(on + timedelta(days=2), dose_time),
            timezone=ZoneInfo(zone),
        )

    def due_by(self, moment: datetime) -> int:
        store: SQLAlchemyJobStore = self.scheduler._lookup_jobstore("default")
        with store.engine.connect() as connection:
            return connection.execute(
                sa.select(sa.func.count())
                .select_from(store.jobs_t)
                .where(store.jobs_t.c.next_run_time <= moment.timestamp())
            ).scalar_one()

    def sends(self) -> int:
        assert _sends_engine is not None
        with _sends_engine.connect() as connection:
            return connection.execute(sa.select(sa.func.count()).select_from(SENDS)).scalar_one()

    def shutdown(self) -> None:
        self.scheduler.shutdown(wait=True)
        if _sends_engine is not None:
            _sends_engine.dispose()
