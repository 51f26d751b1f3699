"""Engine, sessions and migrations: SQLite by default, PostgreSQL by URL, the schema owned by Alembic."""

from __future__ import annotations

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
    """
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000}, **kwargs)

        @sa.event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # let the "begin" hook below issue BEGIN
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if url not in ("sqlite://", "sqlite:///:memory:"):
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(connection: sa.Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # A server that accepts but never answers must not hang a tick or /healthz for minutes.
    connect_args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
    return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


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
