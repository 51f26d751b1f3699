"""`reminder staff add|list|disable|password` as an operator uses them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from typer.testing import CliRunner

from reminder.cli import app
from reminder.db import session_scope
from reminder.models import StaffAccount
from reminder.staff import accounts
from tests.test_cli import Ran, ok

SECRET = "a test key that is long enough to sign links"


@pytest.fixture
def staff(database_url: str, tmp_path: Path) -> Callable[..., Ran]:
    config = tmp_path / "cli.toml"
    config.write_text('[schedule]\ndefault_timezone = "America/Chicago"\n', encoding="utf-8")
    env = {
        "DATABASE_URL": database_url,
        "REMINDER_CONFIG": str(config),
        "REMINDER_SECRET_KEY": SECRET,
    }
    runner = CliRunner()

    def run(*args: str, input: str | None = None, secret: bool = True) -> Ran:
        environ = env if secret else env | {"REMINDER_SECRET_KEY": ""}
        result = runner.invoke(app, ["staff", *args], env=environ, input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Ran(result.exit_code, result.stdout, result.stderr)

    return run


def test_an_admin_is_added_given_a_password_at_the_prompt_and_listed(
    staff: Callable[..., Ran], engine: Engine
) -> None:
    account_id = ok(staff("add", "sam", "--email", "Sam@Clinic.example", "--role", "admin")).stdout
    password = "a long enough password"

    ran = ok(staff("password", "sam", input=f"{password}\n{password}\n"))

    assert "password set for sam" in ran.stdout
    assert password not in ran.stdout + ran.stderr
    listed = ok(staff("list", "--json")).json()
    assert listed == [
        {
            "id": int(account_id),
            "name": "sam",
            "email": "sam@clinic.example",
            "role": "admin",
            "contact": None,
            "password_set": True,
            "disabled_at": None,
            "created_at": listed[0]["created_at"],
        }
    ]
    with session_scope(engine) as session:
        account = session.exec(select(StaffAccount)).one()
        assert accounts.password_matches(account, password)


def test_a_short_password_is_refused_and_nothing_is_stored(
    staff: Callable[..., Ran], engine: Engine
) -> None:
    ok(staff("add", "sam", "--email", "sam@clinic.example", "--role", "admin"))
    ran = staff("password", "sam", input="short\nshort\n")
    assert ran.code == 2
    assert "at least 12 characters" in ran.stderr
    with session_scope(engine) as session:
        assert session.exec(select(StaffAccount.password_hash)).one() is None


def test_a_nurse_needs_a_contact_that_exists(staff: Callable[..., Ran]) -> None:
    no_contact = staff("add", "nora", "--email", "nora@clinic.example")
    assert no_contact.code == 2 and "--contact" in no_contact.stderr
    unknown = staff("add", "nora", "--email", "nora@clinic.example", "--contact", "99")
    assert unknown.code == 2 and "no contact with id 99" in unknown.stderr


def test_a_taken_name_or_email_is_refused(staff: Callable[..., Ran]) -> None:
    ok(staff("add", "sam", "--email", "sam@clinic.example", "--role", "admin"))
    assert (
        "exists already"
        in staff("add", "SAM", "--email", "x@clinic.example", "--role", "admin").stderr
    )
    assert (
        "exists already"
        in staff("add", "sue", "--email", "SAM@clinic.example", "--role", "admin").stderr
    )


def test_password_link_prints_a_one_use_link_and_needs_the_secret_key(
    staff: Callable[..., Ran],
) -> None:
    ok(staff("add", "sam", "--email", "sam@clinic.example", "--role", "admin"))
    ran = ok(staff("password", "sam", "--link"))
    assert ran.stdout.startswith("http://127.0.0.1:8000/staff/password/")
    assert "works once, until" in ran.stderr
    refused = staff("password", "sam", "--link", secret=False)
    assert refused.code == 2 and "REMINDER_SECRET_KEY" in refused.stderr


def test_disable_refuses_further_use_of_the_account(staff: Callable[..., Ran]) -> None:
    ok(staff("add", "sam", "--email", "sam@clinic.example", "--role", "admin"))
    ran = ok(staff("disable", "sam"))
    assert "disabled; 0 session(s) ended" in ran.stdout
    assert ok(staff("list", "--json")).json()[0]["disabled_at"] is not None
    assert staff("password", "sam", "--link").code == 2
    assert "no staff account named 'nobody'" in staff("disable", "nobody").stderr
