"""The schema comes from Alembic migrations and matches the models on every backend."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from reminder.db import create_db_engine, current_revision, head_revision, upgrade
from reminder.models import Heartbeat


def test_migrations_build_exactly_the_models_schema(engine: Engine) -> None:
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []


def test_upgrading_twice_is_harmless(engine: Engine) -> None:
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)


def test_times_come_back_aware_in_utc(engine: Engine) -> None:
    chicago_evening = datetime(2026, 3, 3, 19, 30, tzinfo=timezone(timedelta(hours=-6)))
    with Session(engine) as session:
        session.add(Heartbeat(name="t", at=chicago_evening))
        session.commit()
    with Session(engine) as session:
        stored = session.get(Heartbeat, "t")
        assert stored is not None
        assert stored.at.tzinfo is not None
        assert stored.at == datetime(2026, 3, 4, 1, 30, tzinfo=UTC)


def test_a_naive_time_is_refused(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Heartbeat(name="t", at=datetime(2026, 3, 3, 19, 30)))  # noqa: DTZ001
        with pytest.raises(Exception, match="naive"):
            session.commit()


# --- SQLite's writers queue within a process ----------------------------------------------------


def _write_in_a_thread(engine: Engine, name: str) -> threading.Thread:
    def write() -> None:
        with Session(engine) as session:
            session.add(Heartbeat(name=name, at=datetime(2026, 3, 3, tzinfo=UTC)))
            session.commit()

    thread = threading.Thread(target=write)
    thread.start()
    return thread


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'queue.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def test_many_threads_writing_at_once_to_sqlite_all_get_in(sqlite_engine: Engine) -> None:
    threads = [_write_in_a_thread(sqlite_engine, f"t{i}") for i in range(60)]
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    with Session(sqlite_engine) as session:
        assert len(session.exec(select(Heartbeat)).all()) == 60


def test_a_failed_or_abandoned_sqlite_transaction_lets_the_next_writer_in(
    sqlite_engine: Engine,
) -> None:
    # A transaction that raises gives its place back ...
    with pytest.raises(sa.exc.OperationalError), sqlite_engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO no_such_table VALUES (1)")
    # ... and so does one whose connection is dropped mid-way, rolled back by the pool.
    connection = sqlite_engine.connect()
    connection.begin()
    connection.exec_driver_sql("INSERT INTO heartbeat (name, at) VALUES ('lost', '2026-03-03')")
    del connection
    gc.collect()

    writer = _write_in_a_thread(sqlite_engine, "next")
    writer.join(timeout=10)  # far below the 30 s a writer would wait on a lock never given back
    assert not writer.is_alive()
    with Session(sqlite_engine) as session:
        assert [h.name for h in session.exec(select(Heartbeat))] == ["next"]
