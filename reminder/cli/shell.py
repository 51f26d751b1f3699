"""What every command shares: loading the app, failing in one line, printing, and common options."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, NoReturn

import sqlalchemy as sa
import typer
from rich.console import Console
from rich.table import Table

from reminder.app import App, NotInitialised
from reminder.clock import Clock, SimulatedClock, SystemClock, parse_moment
from reminder.config import ConfigError, Settings
from reminder.db import describe_failure
from reminder.enrolment import check_language
from reminder.fields import FieldError

out = Console()

AtOption = Annotated[
    str | None,
    typer.Option(
        "--at", help="Act as of this moment (ISO 8601 with offset), e.g. 2026-03-03T19:30-06:00."
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON with stable keys, for scripts.")
]
PatientArgument = Annotated[str, typer.Argument(help="Patient id or unique name.")]
LanguageArgument = Annotated[str, typer.Argument(help="en, es, de, fr, or a language you added.")]
EmailOption = Annotated[str | None, typer.Option(help="Email address.")]


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def clock_at(at: str | None) -> Clock:
    if at is None:
        return SystemClock()
    try:
        return SimulatedClock(parse_moment(at))
    except ValueError as exc:
        fail(f"--at: {exc}")


@contextmanager
def application(at: str | None = None, *, schema: bool = True) -> Iterator[App]:
    """Load the configuration and database; turn known failures into one clear line and exit 2."""
    try:
        instance = App.from_environment(clock_at(at))  # also configures logging
        if schema:
            instance.require_schema()
        yield instance
    except (ConfigError, NotInitialised, FieldError) as exc:
        fail(str(exc))
    except LookupError as exc:
        # str(KeyError) adds quotes; args[0] is the message as written, quotes inside it kept.
        fail(str(exc.args[0]) if exc.args else str(exc))
    except sa.exc.SQLAlchemyError as exc:
        fail(describe_failure(exc))


def require_one_address(phone: str | None, email: str | None) -> None:
    """A person is reached by phone or by email, never both and never neither."""
    if bool(phone) == bool(email):
        fail("give exactly one of --phone or --email")


def language_code(settings: Settings, code: str, *, patient: bool) -> str:
    """A language code a patient (or contact) may be written to in, or exit 2 saying why not."""
    try:
        return check_language(settings, code, patient=patient)
    except ValueError as exc:
        fail(f"language: {exc}")


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, default=str) + "\n")


Row = dict[str, Any]


def print_rows(
    rows: list[Row], as_json: bool, columns: Sequence[str], cells: Callable[[Row], Sequence[str]]
) -> None:
    """A listing as JSON (the rows as they are) or as a table of the given columns."""
    if as_json:
        print_json(rows)
        return
    table = Table(*columns)
    for row in rows:
        table.add_row(*cells(row))
    out.print(table)
