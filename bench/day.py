"""A simulated day of the worker on generated patients: every tick and dispatch timed.

The patients are enrolled at 12:00 UTC (before any dose time in the Americas). The clock then
jumps from one due moment to the next (``due.next_due``), as a worker ticking every few
seconds would see them, with ``planner.tick`` and ``Outbox.dispatch`` run at each moment, up to
and including the busiest moment of the evening. So the busy tick finds what a worker that ran
all day would find: reminders due now, nudges for the reminders sent two hours earlier, and
everything before already sent.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import select

from bench.population import ENROLLED_AT, Database, analyse, bulk_enrol, same_as_add_patient
from reminder import planner
from reminder.app import App
from reminder.clock import SimulatedClock
from reminder.config import Settings
from reminder.db import session_scope
from reminder.due import next_due
from reminder.enrolment import PatientSpec
from reminder.models import Patient

QUIET_SAMPLE_EVERY = 20  # a quiet tick after every 20th due moment (and after the busiest)


class Deadline:
    """Bounds a benchmark's running time: ``stop`` is set when the time is up.

    ``planner.tick`` and ``Outbox.dispatch`` take it as their stop event and return after the
    batch in hand; the loops here then give up with TimeoutError.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.stop = threading.Event()
        self._timer = threading.Timer(seconds, self.stop.set)
        self._timer.daemon = True
        self._timer.start()

    def check(self, doing: str) -> None:
        if self.stop.is_set():
            raise TimeoutError(f"gave up after {self.seconds:.0f} s while {doing}")

    def cancel(self) -> None:
        self._timer.cancel()


class ServerCpu:
    """CPU seconds the PostgreSQL backends serving one database have used (0 on SQLite).

    The machine is shared: a wall time includes waiting for a core. Client CPU (this process) and
    server CPU (its backends, read from /proc) say how much work a tick was, whatever the load.
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self.ticks_per_second = os.sysconf("SC_CLK_TCK")

    def seconds(self) -> float:
        if self.database.kind != "postgresql":
            return 0.0
        with self.database.engine.connect() as connection:
            pids = connection.execute(
                sa.text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            ).scalars()
            total = 0
            for pid in pids:
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue  # a server on another machine, or a backend that just ended
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / self.ticks_per_second


class StatementCounter:
    """Counts the SQL statements an engine sends, to tell round trips per due patient."""

    def __init__(self, engine: sa.Engine) -> None:
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: object) -> None:
        self.count += 1


@dataclass
class Sample:
    """One tick (and, unless left out, the dispatch after it) at one moment."""

    at: str
    patients: int  # patients the tick planned: those whose next_action_at had come
    messages: int  # message rows it wrote
    tick_seconds: float
    statements: int  # SQL statements the tick sent
    tick_client_cpu: float = 0.0  # CPU seconds of this process during the tick
    tick_server_cpu: float = 0.0  # CPU seconds of the PostgreSQL backends during the tick
    sent: int = 0
    dispatch_seconds: float = 0.0


@dataclass
class Day:
    kind: str
    enrolled: int
    enrol_seconds: float
    first_tick: Sample
    samples: list[Sample] = field(default_factory=list)
    quiet: list[Sample] = field(default_factory=list)

    @property
    def busiest(self) -> Sample:
        return max(self.samples, key=lambda sample: sample.patients)

    def summary(self) -> dict[str, object]:
        """The figures the README quotes."""
        busy = self.busiest
        due = [s for s in self.samples if s.patients]
        fixed, per_patient = fit(
            [s.patients for s in due], [s.tick_seconds for s in due]
        )  # tick time = fixed + per_patient * due
        cpu_fixed, cpu_per_patient = fit(
            [s.patients for s in due], [s.tick_client_cpu + s.tick_server_cpu for s in due]
        )
        sent = sum(s.sent for s in self.samples)
        dispatching = sum(s.dispatch_seconds for s in self.samples)
        quiet_ticks = [s.tick_seconds for s in self.quiet]
        quiet_dispatch = [s.dispatch_seconds for s in self.quiet]
        return {
            "db": self.kind,
            "patients": self.enrolled,
            "enrol_seconds": round(self.enrol_seconds, 2),
            "first_tick_patients": self.first_tick.patients,
            "first_tick_seconds": round(self.first_tick.tick_seconds, 2),
            "first_tick_ms_per_patient": round(
                1000 * self.first_tick.tick_seconds / max(self.first_tick.patients, 1), 3
            ),
            "due_moments": len(due),
            "busy_at": busy.at,
            "busy_due": busy.patients,
            "busy_messages": busy.messages,
            "busy_tick_seconds": round(busy.tick_seconds, 3),
            "busy_tick_client_cpu": round(busy.tick_client_cpu, 3),
            "busy_tick_server_cpu": round(busy.tick_server_cpu, 3),
            "first_tick_client_cpu": round(self.first_tick.tick_client_cpu, 2),
            "first_tick_server_cpu": round(self.first_tick.tick_server_cpu, 2),
            "busy_statements_per_patient": round(busy.statements / max(busy.patients, 1), 2),
            "busy_dispatch_seconds": round(busy.dispatch_seconds, 3),
            "busy_sent": busy.sent,
            "fit_fixed_ms": round(1000 * fixed, 2),
            "fit_ms_per_due_patient": round(1000 * per_patient, 3),
            "fit_cpu_fixed_ms": round(1000 * cpu_fixed, 2),
            "fit_cpu_ms_per_due_patient": round(1000 * cpu_per_patient, 3),
            "quiet_tick_ms_median": round(1000 * statistics.median(quiet_ticks), 2),
            "quiet_tick_ms_max": round(1000 * max(quiet_ticks), 2),
            "quiet_dispatch_ms_median": round(1000 * statistics.median(quiet_dispatch), 2),
            "dispatch_sent_total": sent,
            "dispatch_per_second": round(sent / dispatching, 1) if dispatching else None,
        }

    def as_dict(self) -> dict[str, object]:
        return {
            "summary": self.summary(),
            "first_tick": asdict(self.first_tick),
            "samples": [asdict(s) for s in self.samples],
            "quiet": [asdict(s) for s in self.quiet],
        }


def fit(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """Least squares y = a + b x; with fewer than two distinct x, a is 0 and b the mean ratio."""
    if len(set(xs)) < 2:
        return 0.0, (sum(ys) / sum(xs)) if sum(xs) else 0.0
    slope, intercept = statistics.linear_regression(xs, ys)
    return intercept, slope


def busiest_moment(database: Database) -> datetime:
    """The moment of the first day most patients are next due at, once the first tick planned them.

    Only the first day: later, unanswered doses close and the schedule moves (the simulation sends
    no replies), which would no longer be an ordinary evening.
    """
    with session_scope(database.engine) as session:
        moment, _count = session.exec(
            select(Patient.next_action_at, sa.func.count())
            .where(Patient.next_action_at < ENROLLED_AT + timedelta(days=1))
            .group_by(Patient.next_action_at)
            .order_by(sa.func.count().desc(), Patient.next_action_at)
            .limit(1)
        ).one()
    assert moment is not None
    return moment


def next_patient_moment(database: Database) -> datetime | None:
    with session_scope(database.engine) as session:
        return session.exec(select(sa.func.min(Patient.next_action_at))).one()


class Worker:
    """What ``daemon.Loop`` does at each tick, timed: ``planner.tick`` then ``Outbox.dispatch``."""

    def __init__(self, database: Database, settings: Settings, deadline: Deadline) -> None:
        self.database = database
        self.settings = settings
        self.deadline = deadline
        self.clock = SimulatedClock(ENROLLED_AT)
        self.outbox = App(settings, database.engine, self.clock).outbox()
        self.statements = StatementCounter(database.engine)
        self.server = ServerCpu(database)

    def step(self, *, dispatch: bool = True) -> Sample:
        before = self.statements.count
        server_before = self.server.seconds()
        client_before = time.process_time()
        started = time.perf_counter()
        stats = planner.tick(self.database.engine, self.settings, self.clock, self.deadline.stop)
        sample = Sample(
            at=self.clock.now().isoformat(),
            patients=stats.patients,
            messages=stats.messages,
            tick_seconds=time.perf_counter() - started,
            statements=self.statements.count - before,
            tick_client_cpu=time.process_time() - client_before,
        )
        sample.tick_server_cpu = self.server.seconds() - server_before
        self.deadline.check("ticking")
        if dispatch:
            started = time.perf_counter()
            sent = self.outbox.dispatch(self.deadline.stop)
            sample.dispatch_seconds = time.perf_counter() - started
            sample.sent = sent.sent
            self.deadline.check("dispatching")
        return sample


def simulate(
    database: Database,
    settings: Settings,
    specs: Sequence[PatientSpec],
    deadline: Deadline,
    *,
    dispatch: bool = True,
    progress: bool = True,
) -> tuple[Day, Worker]:
    """Enrol ``specs`` at 12:00 UTC, plan them all, then live the day up to its busiest moment.

    Without ``dispatch`` the outbox is left alone (queued messages do not slow the planner, which
    reads messages only by dose).
    """
    same_as_add_patient(settings, specs[:300], ENROLLED_AT)
    started = time.perf_counter()
    bulk_enrol(database.engine, settings, specs, ENROLLED_AT)
    enrol_seconds = time.perf_counter() - started
    if database.kind == "postgresql":
        analyse(database)  # as autovacuum would within a minute of the load
    worker = Worker(database, settings, deadline)
    day = Day(database.kind, len(specs), enrol_seconds, worker.step(dispatch=dispatch))
    if database.kind == "postgresql":
        # The first tick wrote a dose per patient and moved every next_action_at: far past the
        # threshold at which autovacuum analyzes a table. This server runs with autovacuum off.
        analyse(database)
    note(
        progress,
        f"  first tick: {day.first_tick.patients} patients planned "
        f"in {day.first_tick.tick_seconds:.1f} s",
    )
    busiest = busiest_moment(database)
    while True:
        moment = next_due(database.engine) if dispatch else next_patient_moment(database)
        if moment is None or moment > busiest:
            break
        worker.clock.set(moment)
        day.samples.append(worker.step(dispatch=dispatch))
        if moment == busiest or len(day.samples) % QUIET_SAMPLE_EVERY == 0:
            day.quiet.append(worker.step(dispatch=dispatch))
            assert day.quiet[-1].patients == 0, "a quiet tick found patients due"
        if len(day.samples) % 100 == 0:
            note(progress, f"  {moment:%H:%M} UTC: {len(day.samples)} due moments so far")
    return day, worker


def note(enabled: bool, text: str) -> None:
    if enabled:
        print(text, flush=True)
