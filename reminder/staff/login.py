"""Logging in: the lockout after repeated failures comes first, then the password; every try is
audited, and the failures in the audit trail are what the lockout counts."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from reminder.config import Settings
from reminder.models import StaffAccount
from reminder.staff import accounts, audit, sessions

log = logging.getLogger("reminder.staff")


@dataclass(frozen=True)
class Attempt:
    """The outcome of one try: a cookie value on success; else when the lockout lifts, if it holds."""

    token: str | None = None
    account: StaffAccount | None = None
    locked_until: datetime | None = None


def attempt(
    session: Session,
    settings: Settings,
    name: str,
    password: str,
    address: str | None,
    now: datetime,
) -> Attempt:
    """Check a login; the caller commits, so the audit row and the session row land together."""
    name = " ".join(name.split())[:120]
    account = accounts.find_account(session, name)
    _one_try_at_a_time(session, account, name, address)
    locked_until = _locked_until(session, settings, account, name, address, now)
    if locked_until is not None:
        audit.record(
            session,
            audit.Action.LOGIN_LOCKED,
            now,
            account=account,
            name=name,
            address=address,
            detail=f"locked until {locked_until.isoformat()}",
        )
        # The name typed and the address, never the password.
        log.warning(
            "staff login for %r from %s refused: too many failures, locked until %s",
            name,
            address,
            locked_until.isoformat(),
        )
        return Attempt(locked_until=locked_until)
    usable = account is not None and account.disabled_at is None
    if not accounts.password_matches(account, password) or not usable or account is None:
        audit.record(
            session,
            audit.Action.LOGIN_FAILED,
            now,
            account=account,
            name=name,
            address=address,
            detail="account disabled" if account is not None and not usable else None,
        )
        log.info("staff login for %r from %s failed", name, address)
        return Attempt()
    accounts.upgrade_hash(session, account, password)
    token = sessions.start(session, account, address, now)
    audit.record(session, audit.Action.LOGIN, now, account=account, address=address)
    log.info("staff %s logged in from %s", account.id, address)
    return Attempt(token=token, account=account)


def _one_try_at_a_time(
    session: Session, account: StaffAccount | None, name: str, address: str | None
) -> None:
    """On PostgreSQL, hold a lock on the account (or name typed) and on the address until the
    caller commits, so tries at once count each other's failures: under read committed each would
    see only the failures committed before it, and a burst of guesses would pass the lockout.
    (SQLite runs one writing transaction at a time already.)"""
    if session.get_bind().dialect.name != "postgresql":
        return
    who = f"account:{account.id}" if account is not None else f"name:{name}"
    for key in sorted({who, f"address:{address}"} if address else {who}):  # one order: no deadlock
        session.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"staff-login {key}"}
        )


def _locked_until(
    session: Session,
    settings: Settings,
    account: StaffAccount | None,
    name: str,
    address: str | None,
    now: datetime,
) -> datetime | None:
    """While ``lockout_failures`` failures for this account, or from this address, lie within the
    last ``lockout_minutes``: the moment the oldest of them leaves that window."""
    staff = settings.file.staff
    window = timedelta(minutes=staff.lockout_minutes)
    by_account, by_address = audit.failures_since(
        session,
        now - window,
        account_id=account.id if account else None,
        name=name,
        address=address,
    )
    ends = [
        times[-staff.lockout_failures] + window
        for times in (by_account, by_address)
        if len(times) >= staff.lockout_failures
    ]
    return max(ends) if ends else None
