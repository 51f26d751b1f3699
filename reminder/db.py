"""Engine, sessions and migrations: SQLite by default, PostgreSQL by URL, the schema owned by Alembic."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session

MIGRATIONS = Path(__file__).parent / "migrations"
# A writer waits this long for SQLite's lock before giving up; ticks and inbound replies are short.
SQLITE_BUSY_MS = 30_000
# Marks a connection whose transaction holds its process's SQLite writer lock.
_WRITE_LOCK = "reminder.write_lock"


_T = TypeVar("_T")
# Values per IN list: SQLite allows some thousands of parameters in one statement.
IN_LIST_SIZE = 500


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def upsert_insert(engine: Engine, table: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that takes ``ON CONFLICT``: both dialects spell it alike, each with its own class."""
    return (postgresql if is_postgres(engine) else sqlite).insert(table)


def in_chunks(values: Sequence[_T], size: int = IN_LIST_SIZE) -> Iterator[Sequence[_T]]:
    """``values`` in slices short enough for one IN list each."""
    for offset in range(0, len(values), size):
        yield values[offset : offset + size]


def describe_failure(exc: sa.exc.SQLAlchemyError) -> str:
    """A database failure in one line for the operator; never the URL, which may hold a password."""
    if isinstance(exc, sa.exc.ArgumentError):
        return (
            "DATABASE_URL: not a database URL this program can use (sqlite:///FILE or"
            " postgresql+psycopg://USER@HOST/NAME)"
        )
    cause = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    said = cause[0] if cause else type(exc).__name__
    if isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError):
        return f"the database cannot be reached or opened (DATABASE_URL): {said}"
    return f"database error ({type(exc).__name__}): {said}"


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; on SQLite every transaction takes the write lock up front.

    Deferred SQLite transactions that read and then write can fail with "database is locked" when two
    processes tick at once; ``BEGIN IMMEDIATE`` makes the second one wait its turn instead.

    Within one process, SQLite's own wait is a poll: a blocked writer sleeps up to 100 ms between
    tries, so under a burst of inbound texts (40 request threads) most of them slept while the
    database sat idle, and the last answered after seconds. The threads of one process therefore
    queue for the lock on a Python lock first, woken the moment the writer before them commits;
    SQLite's wait is left only for other processes (a worker beside ``serve``).
    """
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000}, **kwargs)
        _queue_writers(engine)

        @sa.event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # let the "begin" hook below issue BEGIN
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if url not in ("sqlite://", "sqlite:///:memory:"):
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.close()

        return engine
    # A server that accepts but never answers must not hang a tick or /healthz for minutes.
    connect_args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
    engine = sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)
    sa.event.listen(engine, "handle_error", _first_line_only)
    return engine


def _first_line_only(context: sa.engine.ExceptionContext) -> None:
    """Keep only the first line of a PostgreSQL error's text: its DETAIL line quotes the values
    ("Failing row contains (..., I want to kill myself, ...)", "Key (phone)=(+1...)"), and that text
    reaches the log in every traceback. ``diag`` still holds the whole report."""
    error = context.original_exception
    text = str(error)
    first = text.split("\n", 1)[0]
    if first == text:
        return
    error.args = (first,)
    wrapped = context.sqlalchemy_exception
    if wrapped is not None and wrapped.args and isinstance(wrapped.args[0], str):
        wrapped.args = (wrapped.args[0].replace(text, first), *wrapped.args[1:])


def _queue_writers(engine: Engine) -> None:
    """Each transaction begins with ``BEGIN IMMEDIATE``, once this process's lock is held.

    The lock is taken at the transaction's real start and given back right after its COMMIT or
    ROLLBACK (done here, so the next writer never finds SQLite still locked). A writer that waits
    longer than the busy timeout goes on without it and lets SQLite decide, as before.
    """
    lock = threading.Lock()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        held = lock.acquire(timeout=SQLITE_BUSY_MS / 1000)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if held:
                lock.release()
            raise
        connection.info[_WRITE_LOCK] = held

    def _end(connection: sa.Connection, finish: str) -> None:
        try:
            # The dialect's own COMMIT or ROLLBACK, after this, finds no transaction: a no-op.
            getattr(connection.connection.dbapi_connection, finish)()
        finally:
            if connection.info.pop(_WRITE_LOCK, False):
                lock.release()

    @sa.event.listens_for(engine, "commit")
    def _commit(connection: sa.Connection) -> None:
        _end(connection, "commit")

    @sa.event.listens_for(engine, "rollback")
    def _rollback(connection: sa.Connection) -> None:
        _end(connection, "rollback")

    def _abandoned(record: Any) -> None:
        # A connection given back to the pool (or dropped) mid-transaction is rolled back by
        # the pool itself, with no event above; its lock goes back with it.
        if record is not None and record.info.pop(_WRITE_LOCK, False):
            lock.release()

    @sa.event.listens_for(engine, "reset")
    def _reset(_dbapi_connection: Any, record: Any, _reset_state: Any) -> None:
        _abandoned(record)

    @sa.event.listens_for(engine, "invalidate")
    def _invalidate(_dbapi_connection: Any, record: Any, _exception: Any) -> None:
        _abandoned(record)


def alembic_config(engine: Engine) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration; running it again changes nothing."""
    command.upgrade(alembic_config(engine), "head")


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back if it raises."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
