"""Shared fixtures: every database test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL.

Each PostgreSQL test gets a schema of its own (named by the process and a counter), created by the
real Alembic migrations and dropped afterwards, so test runs never see each other's rows.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from typer.testing import CliRunner

from reminder.cli import app
from reminder.clock import SimulatedClock
from reminder.config import Settings, load_settings
from reminder.db import create_db_engine, upgrade

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
_schemas = itertools.count()


def postgres_url_with_schema(schema: str) -> str:
    """The test server's URL with a search_path option, usable by subprocesses too."""
    url = make_url(PG_URL)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


def require_installed(path_or_name: str, package: str) -> None:
    """Skip a test whose real server or browser is missing, except in CI, where it must be there."""
    import shutil

    if Path(path_or_name).exists() or shutil.which(path_or_name):
        return
    message = f"{path_or_name} is not installed (apt-get install {package})"
    if os.environ.get("CI"):
        pytest.fail(message + "; .ci/run installs it", pytrace=False)
    pytest.skip(message)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        engine = create_db_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    with postgres_schema(f"t_{os.getpid()}_{next(_schemas)}") as url:
        yield url


@contextmanager
def postgres_schema(schema: str) -> Iterator[str]:
    """A schema of its own on the test server, built by the migrations, dropped afterwards."""
    admin = sa.create_engine(PG_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = postgres_url_with_schema(schema)
    engine = create_db_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Default settings on the test database (no config file, no secrets)."""
    return load_settings(
        {"DATABASE_URL": database_url, "REMINDER_CONFIG": str(_empty_config(tmp_path))}
    )


def _empty_config(tmp_path: Path) -> Path:
    path = tmp_path / "reminder.toml"
    if not path.exists():
        path.write_text('[schedule]\ndefault_timezone = "America/Chicago"\n', encoding="utf-8")
    return path


@pytest.fixture
def clock() -> SimulatedClock:
    # A Tuesday morning in Chicago (CST), days before the 2026 spring-forward change on 8 March.
    return SimulatedClock(datetime(2026, 3, 3, 15, 0, tzinfo=UTC))


# The command line, run in-process as an operator would (tests/test_cli.py runs it as processes too).
# The languages' crisis lines first: tests append their own [schedule] keys to the end.
CONFIG = (
    "".join(
        f'[messages.{code}]\ncrisis_text = "{text}"\n'
        for code, text in (
            ("es", "Si piensas en hacerte daño, llama ahora al 988 (marca 2) o al 911."),
            ("de", "Wenn Sie daran denken, sich etwas anzutun: Notruf 112."),
            ("fr", "Si vous pensez à vous faire du mal, appelez le 3114 ou le 15."),
        )
    )
    + '[schedule]\ndefault_timezone = "America/Chicago"\n'
)


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    """What an operator exports: the database and a config file whose default zone is Chicago."""
    config = tmp_path / "cli.toml"
    config.write_text(CONFIG, encoding="utf-8")
    return {"DATABASE_URL": database_url, "REMINDER_CONFIG": str(config)}


@pytest.fixture
def cli(env: dict[str, str]) -> Callable[..., Ran]:
    """Run the same typer app in-process, with the operator's environment."""
    runner = CliRunner()

    def run(*args: str) -> Ran:
        result = runner.invoke(app, list(args), env=env)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Ran(result.exit_code, result.stdout, result.stderr)

    return run


def ok(ran: Ran) -> Ran:
    assert ran.code == 0, ran.stderr
    return ran
