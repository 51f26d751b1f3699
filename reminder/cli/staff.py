"""`reminder staff`: accounts of the staff dashboard at /staff (reminder/staff/)."""

from __future__ import annotations

from typing import Annotated

import typer

from reminder.cli.shell import AtOption, JsonOption, application, fail, print_rows
from reminder.db import session_scope
from reminder.models import StaffRole
from reminder.staff import accounts as staff_accounts

AccountArgument = Annotated[str, typer.Argument(help="Login name or email.")]


def staff_add(
    name: Annotated[str, typer.Argument(help="The login name, e.g. nora.")],
    email: Annotated[str, typer.Option(help="Their email address (they may log in with it).")],
    role: Annotated[
        StaffRole, typer.Option(help="nurse: her patients only; admin: every patient, the audit.")
    ] = StaffRole.NURSE,
    contact: Annotated[
        int | None,
        typer.Option(
            help="A nurse's contact id: she sees every patient with a contact of its address."
        ),
    ] = None,
    at: AtOption = None,
) -> None:
    """Add a staff account (no password yet: see `reminder staff password`); prints its id."""
    with application(at) as ctx, session_scope(ctx.engine) as session:
        try:
            account = staff_accounts.add_account(
                session, name=name, email=email, role=role, contact_id=contact, now=ctx.clock.now()
            )
        except staff_accounts.AccountError as exc:
            fail(str(exc))
        typer.echo(account.id)


def staff_list(as_json: JsonOption = False) -> None:
    """Staff accounts with their role, linked contact and state."""
    with application() as ctx, session_scope(ctx.engine) as session:
        rows = staff_accounts.list_accounts(session)
    print_rows(
        rows,
        as_json,
        ("id", "name", "email", "role", "contact", "password", "disabled"),
        lambda row: (
            str(row["id"]),
            row["name"],
            row["email"],
            row["role"],
            str(row["contact"] or "-"),
            "set" if row["password_set"] else "not set",
            (row["disabled_at"] or "-")[:16],
        ),
    )


def staff_disable(name: AccountArgument, at: AtOption = None) -> None:
    """Refuse the account's logins from now on and end its sessions; its audit rows stay."""
    with application(at) as ctx, session_scope(ctx.engine) as session:
        account = staff_accounts.require_account(session, name)
        ended = staff_accounts.disable(session, account, ctx.clock.now())
        typer.echo(f"account {account.id} ({account.name}) disabled; {ended} session(s) ended")


def staff_password(
    name: AccountArgument,
    link: Annotated[
        bool,
        typer.Option(
            "--link", help="Print a one-use link to set it instead (needs REMINDER_SECRET_KEY)."
        ),
    ] = False,
    at: AtOption = None,
) -> None:
    """Set the account's password at a prompt, or print a one-use link valid for 24 h."""
    with application(at) as ctx, session_scope(ctx.engine) as session:
        account = staff_accounts.require_account(session, name)
        if account.disabled_at is not None:
            fail(f"account {account.name} is disabled")
        if link:
            made = staff_accounts.password_link(ctx.settings, account, ctx.clock.now())
            typer.echo(made.url)
            typer.echo(f"works once, until {made.expires_at.isoformat()}", err=True)
            return
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
        try:
            staff_accounts.set_password(session, account, password, ctx.clock.now())
        except staff_accounts.AccountError as exc:
            fail(str(exc))
        typer.echo(f"password set for {account.name}; their sessions were ended")
