"""The schema comes from Alembic migrations and matches the models on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from reminder.db import current_revision, head_revision, upgrade
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
