"""Tables: patients and their contacts, scheduled doses, check-ins, alerts, the outbox and the raw inbox.

Their states and kinds are in ``reminder.kinds``, re-exported here. Every time is stored as UTC and
read back aware; local times exist only in rules and in rendered text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

# Imported here, the kinds are found with the tables: ``from reminder.models import Channel``.
from reminder.kinds import (
    AlertKind,
    AlertSeverity,
    AlertStatus,
    Channel,
    CheckInKind,
    CheckInStatus,
    ContactRole,
    DoseStatus,
    FailureCode,
    LabKind,
    MessageKind,
    MessageStatus,
    PatientStatus,
    Recipient,
    StaffRole,
)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that refuses naive values and always comes back aware in UTC, on SQLite too."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored; times are UTC-aware")
        value = value.astimezone(UTC)
        # SQLite has no zone-aware type: store naive UTC text so it sorts and compares correctly.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _ts(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


def _json(empty: Callable[[], Any]) -> Any:
    """A JSON column. ``empty`` is a Python function, not the builtin list or dict: pydantic 2.14
    inspects a default factory's signature at every row built, and a builtin's costs 0.15 ms."""
    return Field(default_factory=empty, sa_type=sa.JSON, nullable=False)


def _status(default: StrEnum) -> Any:
    return Field(default=default, sa_type=sa.String(16), nullable=False)


class Reachable:
    """A person reached by SMS when they have a phone number, else by email."""

    phone: str | None
    email: str | None

    @property
    def channel(self) -> Channel:
        return Channel.SMS if self.phone else Channel.EMAIL

    @property
    def address(self) -> str:
        return self.phone or self.email or ""


class Patient(Reachable, SQLModel, table=True):
    """A person on interferon beta-1b, with where and when to reach them.

    ``next_action_at`` is the earliest moment the planner has something to do for this patient; the tick
    reads only rows whose moment has come, so its cost follows what is due, not how many are enrolled.
    """

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=sa.String(120), nullable=False, index=True)
    phone: str | None = Field(default=None, sa_type=sa.String(20), unique=True)
    email: str | None = Field(default=None, sa_type=sa.String(254), unique=True)
    timezone: str = Field(sa_type=sa.String(64), nullable=False)
    dose_time: time = Field(sa_type=sa.Time, nullable=False)
    checkin_time: time = Field(sa_type=sa.Time, nullable=False)
    quiet_start: time = Field(sa_type=sa.Time, nullable=False)
    quiet_end: time = Field(sa_type=sa.Time, nullable=False)
    start_date: date = Field(sa_type=sa.Date, nullable=False)
    full_dose: bool = Field(default=False, nullable=False)
    language: str = Field(default="en", sa_type=sa.String(8), nullable=False)
    status: PatientStatus = _status(PatientStatus.ACTIVE)
    paused_until: datetime | None = _ts()
    opted_out_at: datetime | None = _ts()
    injured_sites: list[str] = _json(lambda: [])
    next_lab_on: date | None = Field(default=None, sa_type=sa.Date)
    created_at: datetime = _ts(nullable=False)
    # Enrolment, RESUME or START: no dose is planned before this, so a pause is never made up for.
    active_since: datetime = _ts(nullable=False)
    next_action_at: datetime | None = _ts(index=True)
    # Supply: vials on hand; None means no count was ever recorded, and then no refill messages.
    vials: int | None = Field(default=None)
    vials_changed_at: datetime | None = _ts()  # the first refill reminder follows this
    refill_reminded_at: datetime | None = _ts()  # the last one; cleared when a refill is recorded
    flu_advised_at: datetime | None = _ts()  # the flu-like advice went out at most once a week
    thyroid: bool = Field(default=False, nullable=False)  # a thyroid history: thyroid tests too
    next_thyroid_on: date | None = Field(default=None, sa_type=sa.Date)


class Contact(Reachable, SQLModel, table=True):
    """Someone to alert about a patient; ``position`` is the escalation order (1 first)."""

    __table_args__ = (sa.UniqueConstraint("patient_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", nullable=False, index=True)
    name: str = Field(sa_type=sa.String(120), nullable=False)
    phone: str | None = Field(default=None, sa_type=sa.String(20), index=True)
    email: str | None = Field(default=None, sa_type=sa.String(254), index=True)
    role: ContactRole = _status(ContactRole.CAREGIVER)
    position: int = Field(nullable=False)
    created_at: datetime = _ts(nullable=False)
    opted_out_at: datetime | None = _ts()  # STOP from the contact: nothing but answers until START
    # Their own IANA zone for quiet hours; None: they live where the patient does.
    timezone: str | None = Field(default=None, sa_type=sa.String(64))
    # The language their alerts are written in (a template folder); the patient's by default.
    language: str = Field(default="en", sa_type=sa.String(8), nullable=False)


class Dose(SQLModel, table=True):
    """One planned injection: ``pending`` > ``taken`` | ``skipped`` | ``missed`` | ``unconfirmed`` |
    ``cancelled``.

    A reminder stays answerable until ``window_end`` (the preferred time on the next local day); a reply
    after that is stored but never moves to the next dose.
    """

    __table_args__ = (
        # One live dose per local day; a dose cancelled by a pause may be planned again on resume.
        sa.Index(
            "uq_dose_patient_day",
            "patient_id",
            "day",
            unique=True,
            sqlite_where=sa.text("status != 'cancelled'"),
            postgresql_where=sa.text("status != 'cancelled'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", nullable=False, index=True)
    day: date = Field(sa_type=sa.Date, nullable=False)
    scheduled_at: datetime = _ts(nullable=False)
    window_end: datetime = _ts(nullable=False)
    why: str = Field(sa_type=sa.String(16), nullable=False)
    dose_mcg: float = Field(nullable=False)
    volume_ml: float = Field(nullable=False)
    suggested_site: str | None = Field(default=None, sa_type=sa.String(16))
    status: DoseStatus = _status(DoseStatus.PENDING)
    taken_at: datetime | None = _ts()
    site: str | None = Field(default=None, sa_type=sa.String(16))
    site_reported: bool = Field(default=False, nullable=False)
    # Taken sooner than min_hours_between_doses after the dose before: recorded as the patient said.
    early: bool = Field(default=False, nullable=False)
    closed_at: datetime | None = _ts()
    snoozed_until: datetime | None = _ts()
    snooze_count: int = Field(default=0, nullable=False)
    created_at: datetime = _ts(nullable=False)


class Message(SQLModel, table=True):
    """An outgoing message; it is a row before it is a send.

    Lifecycle: ``queued > sending > sent > delivered``; ``sending > queued`` (transient error, retried at
    next_attempt_at with backoff); ``sending > failed`` (permanent error or retry limit); ``queued >
    cancelled`` (too late, opted out, paused). ``idempotency_key`` is unique, so planning the same thing
    twice, in one process or two, writes one row.
    """

    __table_args__ = (
        # The outbox reads exactly these rows when it claims: keep the index as narrow as that query.
        sa.Index(
            "ix_message_due",
            "next_attempt_at",
            sqlite_where=sa.text("status = 'queued'"),
            postgresql_where=sa.text("status = 'queued'"),
        ),
        sa.Index(
            "ix_message_lease",
            "claimed_until",
            sqlite_where=sa.text("status = 'sending'"),
            postgresql_where=sa.text("status = 'sending'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(sa_type=sa.String(120), nullable=False, unique=True)
    patient_id: int | None = Field(default=None, foreign_key="patient.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    dose_id: int | None = Field(default=None, foreign_key="dose.id", index=True)
    # The alert a notice, an acknowledgement note or a contact's answer is about.
    alert_id: int | None = Field(default=None, foreign_key="alert.id", index=True)
    recipient: Recipient = _status(Recipient.PATIENT)
    channel: Channel = _status(Channel.SMS)
    to_address: str = Field(sa_type=sa.String(254), nullable=False)
    kind: MessageKind = _status(MessageKind.REMINDER)
    template: str = Field(sa_type=sa.String(64), nullable=False)
    context: dict[str, Any] = _json(lambda: {})
    subject: str | None = Field(default=None, sa_type=sa.String(200))
    body: str | None = Field(default=None, sa_type=sa.Text)
    status: MessageStatus = _status(MessageStatus.QUEUED)
    send_at: datetime = _ts(nullable=False)
    next_attempt_at: datetime = _ts(nullable=False)
    claimed_until: datetime | None = _ts()
    attempts: int = Field(default=0, nullable=False)
    sent_at: datetime | None = _ts()
    delivered_at: datetime | None = _ts()
    provider_id: str | None = Field(default=None, sa_type=sa.String(255), index=True)
    # The provider's last word on delivery, e.g. "undelivered 30003: unreachable handset".
    provider_status: str | None = Field(default=None, sa_type=sa.String(200))
    segments: int | None = Field(default=None)
    # Why it failed or was cancelled: words to read, and a code to match on; set together by failure().
    failed_reason: str | None = Field(default=None, sa_type=sa.String(200))
    failure: FailureCode | None = Field(default=None, sa_type=sa.String(16))
    last_error: str | None = Field(default=None, sa_type=sa.String(500))
    created_at: datetime = _ts(nullable=False)


def failure(code: FailureCode, reason: str) -> dict[str, str]:
    """A message's failure columns, always set together: the code to match on, the words to read."""
    return {"failure": code.value, "failed_reason": reason[:200]}


class CheckIn(SQLModel, table=True):
    """A question put to a patient: ``planned > open > answered | incomplete | unanswered``, or
    ``cancelled``.

    ``answers`` keeps every reply applied to it, with its time and raw text; the score columns hold the
    latest value of each. ``key`` is unique (``checkin:{dose_id}``, ``followup:{checkin_id}``, ...), so
    planning the same question twice writes one row.
    """

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=sa.String(64), nullable=False, unique=True)
    patient_id: int = Field(foreign_key="patient.id", nullable=False, index=True)
    kind: CheckInKind = _status(CheckInKind.CHECKIN)
    status: CheckInStatus = _status(CheckInStatus.PLANNED)
    dose_id: int | None = Field(default=None, foreign_key="dose.id")
    # A follow-up: the check-in whose "yes" started the relapse screen.
    parent_id: int | None = Field(default=None, foreign_key="checkin.id")
    site: str | None = Field(default=None, sa_type=sa.String(16))  # the dose's, or the injured one
    due_at: datetime = _ts(nullable=False)
    reask_at: datetime | None = _ts()  # one re-ask if nothing is answered by then
    expires_at: datetime = _ts(nullable=False)
    asked_at: datetime | None = _ts()
    reasked_at: datetime | None = _ts()
    answered_at: datetime | None = _ts()  # the first answer
    closed_at: datetime | None = _ts()
    flu_score: int | None = Field(default=None)
    site_score: int | None = Field(default=None)
    neuro: bool | None = Field(
        default=None
    )  # check-in: new or worse symptom; follow-up: still there
    fever: bool | None = Field(default=None)
    symptoms: list[str] = _json(lambda: [])
    phq_interest: int | None = Field(default=None)  # PHQ-2: little interest or pleasure, 0-3
    phq_mood: int | None = Field(default=None)  # PHQ-2: feeling down, depressed or hopeless, 0-3
    answers: list[dict[str, Any]] = _json(lambda: [])
    reason: str | None = Field(default=None, sa_type=sa.String(200))
    created_at: datetime = _ts(nullable=False)


class Alert(SQLModel, table=True):
    """A finding that must reach a person: ``open > acknowledged``.

    While open it escalates: at ``escalate_at`` it goes to the contact after ``notified_position``,
    then to the operator's fallback address. One open alert per patient and kind; the same finding
    seen again meanwhile only counts in ``repeats``.
    """

    __table_args__ = (
        sa.Index(
            "uq_alert_open_kind",
            "patient_id",
            "kind",
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        ),
        # The escalation pass reads exactly these rows.
        sa.Index(
            "ix_alert_escalate",
            "escalate_at",
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", nullable=False, index=True)
    kind: AlertKind = Field(sa_type=sa.String(32), nullable=False)
    severity: AlertSeverity = _status(AlertSeverity.ROUTINE)
    status: AlertStatus = _status(AlertStatus.OPEN)
    reason: str = Field(sa_type=sa.String(300), nullable=False)
    site: str | None = Field(default=None, sa_type=sa.String(16))
    symptoms: list[str] = _json(lambda: [])
    # The reason's facts as plain values (triage.Finding.details), so each contact's language can
    # word it; ``reason`` is the same in English, for the operator.
    details: dict[str, Any] = _json(lambda: {})
    created_at: datetime = _ts(nullable=False)
    # The newest evidence this alert accounts for; older evidence never raises or repeats it again.
    evidence_at: datetime = _ts(nullable=False)
    repeats: int = Field(default=0, nullable=False)
    last_repeat_at: datetime | None = _ts()
    notified_position: int = Field(default=0, nullable=False)  # contacts reached, in order
    fallback_at: datetime | None = _ts()  # when it went to escalation.fallback_address
    escalate_at: datetime | None = _ts()
    acknowledged_at: datetime | None = _ts()
    acknowledged_by: int | None = Field(default=None, foreign_key="contact.id")
    acknowledged_note: str | None = Field(default=None, sa_type=sa.String(120))


class LabTest(SQLModel, table=True):
    """A lab test the patient had: the next reminder of its kind counts from ``done_on``."""

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", nullable=False, index=True)
    kind: LabKind = Field(sa_type=sa.String(16), nullable=False)
    done_on: date = Field(sa_type=sa.Date, nullable=False)
    recorded_at: datetime = _ts(nullable=False)
    source: str = Field(sa_type=sa.String(16), nullable=False)  # "operator" or "patient"


class InboundMessage(SQLModel, table=True):
    """Something a person wrote, stored raw before it is parsed, so nothing is lost.

    ``parsed_as`` is what the parser made of it (an intent, or ``unknown_sender``); ``outcome`` is what
    the conversation did with it in words, for the operator.
    """

    id: int | None = Field(default=None, primary_key=True)
    channel: Channel = _status(Channel.SMS)
    sender: str = Field(sa_type=sa.String(254), nullable=False, index=True)
    body: str = Field(sa_type=sa.Text, nullable=False)
    received_at: datetime = _ts(nullable=False)
    provider_id: str | None = Field(default=None, sa_type=sa.String(64), unique=True)
    patient_id: int | None = Field(default=None, foreign_key="patient.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    dose_id: int | None = Field(default=None, foreign_key="dose.id")
    parsed_as: str | None = Field(default=None, sa_type=sa.String(32))
    outcome: str | None = Field(default=None, sa_type=sa.String(200))
    # An email's whole source (RFC 5322), as received; ``body`` is the reply without quotes. For
    # an MMS, its media: one "content-type URL" line each.
    raw: str | None = Field(default=None, sa_type=sa.Text)


class EarlyDeliveryReport(SQLModel, table=True):
    """A delivery report that named no message yet: Twilio can call back before the worker has
    stored the SID its create call returned. Kept until that SID is recorded, then applied (and
    deleted); one that never matches (another app's message) is deleted after a few days."""

    provider_id: str = Field(sa_type=sa.String(64), primary_key=True)
    status: str = Field(sa_type=sa.String(16), primary_key=True)
    error_code: str | None = Field(default=None, sa_type=sa.String(16))
    meaning: str | None = Field(default=None, sa_type=sa.String(120))
    opted_out: bool = Field(default=False, nullable=False)
    received_at: datetime = _ts(nullable=False, index=True)


class BlockedAddress(SQLModel, table=True):
    """An address the provider refused for good (Twilio 21211 invalid number, 21614 landline): the
    outbox sends nothing more to it, so one bad number fails once instead of at every reminder.
    Enrolling the address again (``patient add`` / ``contact add``) lifts the block."""

    address: str = Field(sa_type=sa.String(254), primary_key=True)
    reason: str = Field(sa_type=sa.String(200), nullable=False)
    created_at: datetime = _ts(nullable=False)


class Heartbeat(SQLModel, table=True):
    """When each loop last completed, so health checks can tell a stalled daemon from a quiet one."""

    name: str = Field(sa_type=sa.String(32), primary_key=True)
    at: datetime = _ts(nullable=False)
    detail: str | None = Field(default=None, sa_type=sa.String(200))


class StaffAccount(SQLModel, table=True):
    """Someone who logs in to the staff dashboard.

    ``password_hash`` is Argon2id (None until a password is set); ``disabled_at`` ends every session at
    its next request and refuses logins. A nurse's ``contact_id`` names one of her Contact rows: she
    sees every patient with a contact of the same phone or email.
    """

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=sa.String(120), nullable=False, unique=True)
    email: str = Field(sa_type=sa.String(254), nullable=False, unique=True)
    role: StaffRole = _status(StaffRole.NURSE)
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    password_hash: str | None = Field(default=None, sa_type=sa.String(200))
    password_set_at: datetime | None = _ts()
    disabled_at: datetime | None = _ts()
    created_at: datetime = _ts(nullable=False)


class StaffSession(SQLModel, table=True):
    """A login: ``id`` is the SHA-256 of the random cookie value, so a copy of the table opens nothing.

    Alive while ``ended_at`` is None, the last request is within the idle timeout and the login within
    the absolute one; ``ended_reason`` says how it ended (logout, idle, expired, account disabled).
    """

    id: str = Field(sa_type=sa.String(64), primary_key=True)
    account_id: int = Field(foreign_key="staffaccount.id", nullable=False, index=True)
    csrf_token: str = Field(sa_type=sa.String(64), nullable=False)
    address: str | None = Field(default=None, sa_type=sa.String(64))
    created_at: datetime = _ts(nullable=False)
    last_seen_at: datetime = _ts(nullable=False)
    ended_at: datetime | None = _ts()
    ended_reason: str | None = Field(default=None, sa_type=sa.String(32))


class AuditEvent(SQLModel, table=True):
    """One staff action (login, failed login, patient viewed, alert acknowledged, pause, ...).

    Written in the same transaction as the action it records, never updated or deleted by the
    application. ``account_name`` is what was typed for a failed login to an unknown account.
    """

    __table_args__ = (
        # The lockout counts recent failures by account and by address.
        sa.Index("ix_auditevent_action_at", "action", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(nullable=False, index=True)
    account_id: int | None = Field(default=None, foreign_key="staffaccount.id", index=True)
    account_name: str = Field(sa_type=sa.String(120), nullable=False)
    action: str = Field(sa_type=sa.String(32), nullable=False)
    address: str | None = Field(default=None, sa_type=sa.String(64))
    patient_id: int | None = Field(default=None, foreign_key="patient.id")
    alert_id: int | None = Field(default=None, foreign_key="alert.id")
    detail: str | None = Field(default=None, sa_type=sa.String(300))
