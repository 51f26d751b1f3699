"""Server-side login sessions: a random cookie value whose SHA-256 names the row, with idle and
absolute timeouts read on the clock object, so tests move simulated time instead of waiting."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from reminder.config import Settings
from reminder.models import StaffAccount, StaffSession

COOKIE = "staff_session"
# Only once a request is this much later than the last recorded one is last_seen_at written again:
# a page and its stylesheet need not each update the row.
_SEEN_STEP = timedelta(seconds=30)


@dataclass
class Login:
    """A live session and its account, as one request sees them."""

    row: StaffSession
    account: StaffAccount


def token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, account: StaffAccount, address: str | None, now: datetime) -> str:
    """A new session row; returns the cookie value, which is stored nowhere but in the browser."""
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            id=token_id(token),
            account_id=account.id or 0,
            csrf_token=secrets.token_urlsafe(32),
            address=(address or "")[:64] or None,
            created_at=now,
            last_seen_at=now,
        )
    )
    session.flush()
    return token


def current(session: Session, settings: Settings, token: str, now: datetime) -> Login | None:
    """The live session this cookie names, or None; a session found past a timeout, or of an
    account disabled meanwhile, is ended here, at its next request."""
    if not token:
        return None
    row = session.get(StaffSession, token_id(token))
    if row is None or row.ended_at is not None:
        return None
    account = session.get(StaffAccount, row.account_id)
    staff = settings.file.staff
    reason = None
    if account is None or account.disabled_at is not None:
        reason = "account disabled"
    elif now - row.created_at >= timedelta(hours=staff.absolute_timeout_hours):
        reason = "expired"
    elif now - row.last_seen_at >= timedelta(minutes=staff.idle_timeout_minutes):
        reason = "idle"
    if reason is not None or account is None:
        end(session, row, reason or "account disabled", now)
        return None
    if now - row.last_seen_at >= _SEEN_STEP:
        row.last_seen_at = now
        session.add(row)
    return Login(row, account)


def end(session: Session, row: StaffSession, reason: str, now: datetime) -> None:
    row.ended_at, row.ended_reason = now, reason
    session.add(row)


def end_all(session: Session, account_id: int, reason: str, now: datetime) -> int:
    """End every live session of the account; returns how many there were."""
    result = session.execute(
        sa.update(StaffSession)
        .where(col(StaffSession.account_id) == account_id, col(StaffSession.ended_at).is_(None))
        .values(ended_at=now, ended_reason=reason)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
