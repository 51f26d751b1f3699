"""`reminder import FILE.csv`: every row checked as `reminder patient add` checks it, bad lines
reported by number and field, good rows written a batch per transaction."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from reminder.config import Settings
from reminder.db import session_scope
from reminder.enrolment import (
    ContactSpec,
    PatientSpec,
    check_contact,
    check_patient,
    contact_row,
    not_the_patient,
    patient_row,
    taken_address,
)
from reminder.fields import FieldError
from reminder.models import Contact, ContactRole, Patient

CSV_COLUMNS = (
    "name",
    "phone",
    "email",
    "timezone",
    "time",
    "start",
    "full_dose",
    "contact_name",
    "contact_phone",
    "contact_email",
    "language",
    "contact_language",
    "vials",
    "thyroid",
)
_TRUE = {"1", "true", "yes", "y"}
_FALSE = {"", "0", "false", "no", "n"}
_YES_OR_NO = _TRUE | _FALSE


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[tuple[int, FieldError]] = field(default_factory=list)


@dataclass(frozen=True)
class _ImportRow:
    """A checked CSV row, with the line it starts on for reporting a clash found on writing."""

    line: int
    patient: PatientSpec
    contact: ContactSpec | None


def import_csv(
    engine: Engine,
    settings: Settings,
    path: Path,
    now: datetime,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 5000,
) -> ImportReport:
    """Import patients (and a first contact each) from CSV; bad rows are reported, good rows kept.

    Rows are checked in full before anything is written, then written a batch per transaction: one
    INSERT of many rows into each table, not two ORM flushes a row. ``progress`` hears of the
    physical lines read, a batch at a time, once that batch is written.
    """
    report = ImportReport()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        header = handle.readline()
        handle.seek(0)
        # Excel saves "CSV" with semicolons where a comma is the decimal mark (de, fr, es).
        reader = csv.reader(handle, delimiter=";" if ";" in header and "," not in header else ",")
        columns = [c.strip() for c in next(reader, [])]
        missing = [c for c in ("name",) if c not in columns]
        unknown = [c for c in columns if c not in CSV_COLUMNS]
        if missing or unknown:
            problem = (
                f"missing column {missing[0]}" if missing else f"unknown column {unknown[0]!r}"
            )
            raise FieldError("header", f"{problem}; columns are {', '.join(CSV_COLUMNS)}")
        with session_scope(engine) as session:
            taken = {
                value
                for column in (Patient.phone, Patient.email)
                for value in session.exec(select(column).where(col(column).is_not(None)))
            }
        pending: list[_ImportRow] = []
        end = lines_read = reader.line_num
        for row in reader:
            # A quoted field may span lines: a row is reported by the line it starts on.
            line, end = end + 1, reader.line_num
            if row:  # not a blank line
                values = {
                    column: value.strip() for column, value in zip(columns, row, strict=False)
                }
                try:
                    pending.append(_check_row(settings, values, taken, line))
                except FieldError as exc:
                    report.errors.append((line, exc))
            if len(pending) >= batch_size:
                _write_batch(engine, settings, pending, now, report)
                pending.clear()
                lines_read = _advance(progress, lines_read, end)
        _write_batch(engine, settings, pending, now, report)
        _advance(progress, lines_read, end)
    report.errors.sort(key=lambda error: error[0])
    return report


def _advance(progress: Callable[[int], None] | None, reported: int, end: int) -> int:
    """Tell ``progress`` of the lines read since it last heard; returns the line it now knows."""
    if progress and end > reported:
        progress(end - reported)
    return end


def _check_row(
    settings: Settings, values: dict[str, str], taken: set[str], line: int
) -> _ImportRow:
    """Check a row as `reminder patient add` would, and claim its addresses in ``taken``."""
    for field_name, value in values.items():
        # PostgreSQL text cannot hold NUL: refused here, the row alone, instead of the batch.
        if "\x00" in value:
            raise FieldError(field_name, "contains a NUL byte (\\x00); remove it and import again")
    full_dose_text = values.get("full_dose", "").lower()
    if full_dose_text not in _YES_OR_NO:
        raise FieldError("full_dose", f"{values['full_dose']!r} is not yes/no")
    thyroid_text = values.get("thyroid", "").lower()
    if thyroid_text not in _YES_OR_NO:
        raise FieldError("thyroid", f"{values['thyroid']!r} is not yes/no")
    spec = check_patient(
        settings,
        name=values.get("name", ""),
        phone=values.get("phone") or None,
        email=values.get("email") or None,
        timezone=values.get("timezone") or None,
        dose_time=values.get("time") or None,
        start=values.get("start") or None,
        full_dose=full_dose_text in _TRUE,
        language=values.get("language") or None,
        vials=values.get("vials") or None,
        thyroid=thyroid_text in _TRUE,
    )
    for field_name, address in (("phone", spec.phone), ("email", spec.email)):
        if address and address in taken:
            raise FieldError(field_name, f"{address} is already enrolled")
    contact_name = values.get("contact_name", "")
    contact_phone, contact_email = values.get("contact_phone", ""), values.get("contact_email", "")
    if (contact_phone or contact_email) and not contact_name:
        raise FieldError("contact_name", "a contact address is given without a contact name")
    contact = (
        check_contact(
            settings,
            name=contact_name,
            phone=contact_phone,
            email=contact_email,
            language=values.get("contact_language") or None,
        )
        if contact_name
        else None
    )
    if contact is not None:
        not_the_patient(contact, spec.phone, spec.email)
    taken.update(a for a in (spec.phone, spec.email) if a)
    return _ImportRow(line, spec, contact)


def _write_batch(
    engine: Engine,
    settings: Settings,
    rows: list[_ImportRow],
    now: datetime,
    report: ImportReport,
) -> None:
    """Write the rows in one transaction, or, if one clashes with a patient someone enrolled since
    the addresses were read, write them one by one in that same transaction."""
    if not rows:
        return
    with session_scope(engine) as session:
        try:
            with session.begin_nested():
                _insert(session, settings, rows, now)
        except IntegrityError:
            _insert_one_by_one(session, settings, rows, now, report)
        else:
            report.imported += len(rows)


def _insert_one_by_one(
    session: Session,
    settings: Settings,
    rows: list[_ImportRow],
    now: datetime,
    report: ImportReport,
) -> None:
    """Each row in a savepoint of its own: the others still land, and a clash is reported by its
    line as add_patient reports it. The unique indexes, not a read, are what refuse the clash."""
    for row in rows:
        try:
            with session.begin_nested():
                _insert(session, settings, [row], now)
        except IntegrityError:
            clash = taken_address(session, row.patient.phone, row.patient.email)
            if clash is None:
                raise
            report.errors.append((row.line, clash))
        else:
            report.imported += 1


def _insert(session: Session, settings: Settings, rows: list[_ImportRow], now: datetime) -> None:
    """The patients, then the contacts of those who have one, each table in one executemany.

    Core INSERTs on the tables: the ORM's bulk INSERT starts a new statement whenever the set of
    columns that are not None changes, which phone and email patients do every few rows. Without
    RETURNING, psycopg sends the rows in one pipeline of a short statement; multi-row INSERTs with
    RETURNING cost it about 0.1 ms a row to rewrite their placeholders.
    """
    patients: sa.Table = Patient.__table__  # type: ignore[assignment]
    contacts: sa.Table = Contact.__table__  # type: ignore[assignment]
    session.execute(patients.insert(), [patient_row(settings, row.patient, now) for row in rows])
    with_contact = [(row.patient, row.contact) for row in rows if row.contact is not None]
    if not with_contact:
        return
    ids = _patient_ids(session, [patient for patient, _ in with_contact])
    session.execute(
        contacts.insert(),
        [
            contact_row(
                contact, ids[_key(patient)], ContactRole.CAREGIVER, 1, now, patient.language
            )
            for patient, contact in with_contact
        ],
    )


def _key(spec: PatientSpec) -> str | None:
    """What finds a patient among all: their phone, else their email, both unique."""
    return spec.phone or spec.email


def _patient_ids(session: Session, specs: list[PatientSpec]) -> dict[str | None, int]:
    """The ids of patients just written, by ``_key``."""
    phones = [spec.phone for spec in specs if spec.phone]
    emails = [spec.email for spec in specs if not spec.phone]
    query = select(Patient.id, Patient.phone, Patient.email).where(
        or_(col(Patient.phone).in_(phones), col(Patient.email).in_(emails))
    )
    return {phone or email: patient_id for patient_id, phone, email in session.exec(query)}
