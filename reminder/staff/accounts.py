"""Staff accounts: add, list, disable, and passwords hashed with Argon2id, never kept in clear.

A password is set at a prompt (`reminder staff password NAME`) or through a one-use link signed with
REMINDER_SECRET_KEY. The link carries its expiry and a fingerprint of the account's current password
hash, so it stops working once a password has been set through it (or any other way).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeSerializer
from sqlmodel import Session, col, select

from reminder.config import ConfigError, Settings
from reminder.fields import FieldError, normalise_email
from reminder.models import Contact, StaffAccount, StaffRole
from reminder.staff import sessions

# argon2-cffi's defaults: Argon2id with RFC 9106's low-memory profile (t=3, 64 MiB, p=4).
HASHER = PasswordHasher()
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024  # Argon2 hashes any length; a megabyte "password" would only cost CPU
LINK_SALT = "betaminder.staff.password.v1"


@cache
def _dummy_hash() -> str:
    """Verified when the account has no password (or does not exist), so a wrong name takes as
    long as a wrong password and the answer's timing does not tell which names exist. Hashed at
    the first login, not at import: every command and worker would pay for it otherwise."""
    return HASHER.hash("no password is set for this account")


class AccountError(ValueError):
    """An account that cannot be added or changed as asked; the text says why."""


class LinkProblem(Exception):
    """A set-password link that cannot be used: ``reason`` is "tampered", "expired" or "used"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PasswordLink:
    url: str
    expires_at: datetime


def add_account(
    session: Session,
    *,
    name: str,
    email: str,
    role: StaffRole,
    contact_id: int | None,
    now: datetime,
) -> StaffAccount:
    """A new account without a password; refuses a taken name or email, or an unknown contact."""
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise AccountError("name: give 1 to 120 characters")
    try:
        address = normalise_email(email)
    except FieldError as exc:
        raise AccountError(f"--email: {exc.message}") from None
    if role == StaffRole.NURSE and contact_id is None:
        raise AccountError(
            "--contact: a nurse sees the patients of one of her contact rows; give its id"
            " (`reminder contact list`), or --role admin"
        )
    if contact_id is not None and session.get(Contact, contact_id) is None:
        raise AccountError(f"--contact: no contact with id {contact_id}")
    if find_account(session, name) is not None:
        raise AccountError(f"an account named {name!r} exists already")
    if find_account(session, address) is not None:
        raise AccountError(f"an account with email {address} exists already")
    account = StaffAccount(
        name=name, email=address, role=role, contact_id=contact_id, created_at=now
    )
    session.add(account)
    session.flush()
    return account


def find_account(session: Session, name_or_email: str) -> StaffAccount | None:
    """The account with this name or email, compared without case."""
    wanted = " ".join(name_or_email.split()).casefold()
    if not wanted:
        return None
    # Compared in Python: SQLite's lower() folds only ASCII letters.
    for account in session.exec(select(StaffAccount).order_by(col(StaffAccount.id))):
        if wanted in (account.name.casefold(), account.email.casefold()):
            return account
    return None


def require_account(session: Session, name: str) -> StaffAccount:
    account = find_account(session, name)
    if account is None:
        raise LookupError(f"no staff account named {name!r}")
    return account


def account_row(account: StaffAccount) -> dict[str, Any]:
    return {
        "id": account.id,
        "name": account.name,
        "email": account.email,
        "role": account.role,
        "contact": account.contact_id,
        "password_set": account.password_hash is not None,
        "disabled_at": account.disabled_at.isoformat() if account.disabled_at else None,
        "created_at": account.created_at.isoformat(),
    }


def list_accounts(session: Session) -> list[dict[str, Any]]:
    return [
        account_row(a) for a in session.exec(select(StaffAccount).order_by(col(StaffAccount.id)))
    ]


def disable(session: Session, account: StaffAccount, now: datetime) -> int:
    """Refuse the account's logins from now on; returns how many live sessions were ended."""
    if account.disabled_at is None:
        account.disabled_at = now
        session.add(account)
    return sessions.end_all(session, account.id or 0, "account disabled", now)


def check_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise AccountError(f"the password may have at most {MAX_PASSWORD_CHARS} characters")


def set_password(session: Session, account: StaffAccount, password: str, now: datetime) -> None:
    """Store the Argon2id hash of ``password``; every session of the account ends (a new password
    is often set because the old one leaked)."""
    check_strength(password)
    account.password_hash = HASHER.hash(password)
    account.password_set_at = now
    session.add(account)
    sessions.end_all(session, account.id or 0, "password changed", now)


def password_matches(account: StaffAccount | None, password: str) -> bool:
    """Whether ``password`` is the account's; as slow for a missing account as for a real one."""
    stored = account.password_hash if account is not None else None
    try:
        return HASHER.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def upgrade_hash(session: Session, account: StaffAccount, password: str) -> None:
    """Rehash with today's parameters after a login, when the stored hash used older ones."""
    if account.password_hash and HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = HASHER.hash(password)
        session.add(account)


def _serializer(settings: Settings) -> URLSafeSerializer:
    key = settings.secrets.secret_key
    if key is None:
        raise ConfigError(
            "REMINDER_SECRET_KEY: not set; set-password links are signed with it"
            " (or set the password at the prompt)"
        )
    return URLSafeSerializer(key.get_secret_value(), salt=LINK_SALT)


def _fingerprint(account: StaffAccount) -> str:
    return hashlib.sha256(f"{account.id}:{account.password_hash or ''}".encode()).hexdigest()[:20]


def password_link(settings: Settings, account: StaffAccount, now: datetime) -> PasswordLink:
    """A link that sets the account's password once, within ``staff.password_link_hours``."""
    from reminder.links import base_url

    expires = now + timedelta(hours=settings.file.staff.password_link_hours)
    token = _serializer(settings).dumps(
        [account.id, int(expires.timestamp()), _fingerprint(account)]
    )
    return PasswordLink(f"{base_url(settings)}/staff/password/{token}", expires)


def read_password_link(
    session: Session, settings: Settings, token: str, now: datetime
) -> StaffAccount:
    """The account a set-password link is for, or LinkProblem."""
    try:
        account_id, expires, fingerprint = _serializer(settings).loads(token)
        account = session.get(StaffAccount, int(account_id))
        expires_at = datetime.fromtimestamp(int(expires), now.tzinfo)
    except (BadSignature, ValueError, TypeError):
        raise LinkProblem("tampered") from None
    if account is None or account.disabled_at is not None:
        raise LinkProblem("tampered")
    if now >= expires_at:
        raise LinkProblem("expired")
    if fingerprint != _fingerprint(account):
        raise LinkProblem("used")
    return account
