"""Enrolling patients and contacts, by hand or from a CSV file, with every field checked first."""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import phonenumbers
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, or_, select

from reminder import lifecycle, regimen
from reminder.config import Schedule, Settings, in_window, parse_hhmm, parse_zone
from reminder.db import session_scope
from reminder.languages import missing_crisis_text
from reminder.models import Contact, ContactRole, Patient, PatientStatus
from reminder.render import REFERENCE_LANGUAGE, template_languages, template_roots

# The domain is dot-separated labels, none empty: "ann@mail..com" can never be delivered.
_EMAIL = re.compile(r"^[^@\s<>,;]+@(?:[^@\s<>,;.]+\.)+[^@\s<>,;.]+$")
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
_T = TypeVar("_T")


class FieldError(ValueError):
    """One bad field: ``field`` names it the way the CLI flag or CSV column does."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def normalise_phone(text: str, region: str, field: str = "phone") -> str:
    """A phone number in E.164 (+15551234567); a number without a country code uses ``region``."""
    try:
        number = phonenumbers.parse(text.strip(), region)
    except phonenumbers.NumberParseException:
        raise FieldError(field, f"{text!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise FieldError(field, f"{text!r} is not a valid phone number for region {region}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(text: str, field: str = "email") -> str:
    """An address in lower case: mail providers ignore case, and a reply from Ann@example.com
    must find the patient enrolled as ann@example.com, and a second enrolment of it be refused."""
    address = text.strip()
    if not _EMAIL.match(address):
        raise FieldError(field, f"{text!r} is not an email address")
    return address.lower()


def normalise_address(text: str, region: str) -> str:
    """Turn an inbound sender (phone or email) into the form stored on patients and contacts."""
    if "@" in text:
        try:
            return normalise_email(text)
        except FieldError:
            return text.strip()
    try:
        return normalise_phone(text, region)
    except FieldError:
        return text.strip()


@dataclass(frozen=True)
class PatientSpec:
    """A patient as the operator described them, already checked."""

    name: str
    phone: str | None
    email: str | None
    timezone: str
    dose_time: time
    checkin_time: time
    start: date | None
    full_dose: bool = False
    language: str = "en"
    vials: int | None = None  # vials on hand; None: no count, so no refill reminders
    thyroid: bool = False  # a thyroid history: thyroid test reminders too


def check_patient(
    settings: Settings,
    *,
    name: str,
    phone: str | None,
    email: str | None,
    timezone: str | None,
    dose_time: str | None,
    start: str | None,
    full_dose: bool = False,
    checkin_time: str | None = None,
    language: str | None = None,
    vials: str | None = None,
    thyroid: bool = False,
) -> PatientSpec:
    """Check every field and return the spec, or raise FieldError naming the first bad one.

    Each field is parsed once: parsing a phone number is most of the cost of a row in a CSV import.
    """
    errors: list[FieldError] = []
    if not name or not name.strip():
        errors.append(FieldError("name", "a name is required"))
    elif len(name) > 120:
        errors.append(FieldError("name", "longer than 120 characters"))
    if not phone and not email:
        errors.append(FieldError("phone", "a phone number or an email address is required"))
    schedule = settings.schedule
    region = settings.file.default_region
    phone_e164 = _checked("phone", phone, lambda v: normalise_phone(v, region), errors)
    address = _checked("email", email, normalise_email, errors)
    zone = _checked("timezone", timezone, parse_zone, errors)
    first_day = _checked("start", start, _parse_date, errors)
    dose = _checked("time", dose_time, lambda v: _waking_time(v, schedule), errors)
    checkin = _checked("checkin_time", checkin_time, lambda v: _waking_time(v, schedule), errors)
    code = _checked(
        "language", language, lambda v: check_language(settings, v, patient=True), errors
    )
    count = _checked("vials", vials, _parse_vials, errors)
    if errors:
        raise errors[0]
    return PatientSpec(
        name=" ".join(name.split()),
        phone=phone_e164,
        email=address,
        timezone=zone if zone is not None else schedule.default_timezone,
        dose_time=dose if dose is not None else schedule.default_dose_time,
        checkin_time=checkin if checkin is not None else schedule.checkin_time,
        start=first_day,
        full_dose=full_dose,
        language=code or REFERENCE_LANGUAGE,
        vials=count,
        thyroid=thyroid,
    )


def check_language(settings: Settings, text: str, *, patient: bool) -> str:
    """A language code with a template folder; for a patient, also with a crisis text, which a
    reply about self-harm needs at once and which is never sent in another language unasked."""
    code = text.strip().lower()
    offered = _offered_languages(settings.file.templates_dir)
    if code not in offered:
        raise ValueError(f"{text!r} has no templates; languages are {', '.join(offered)}")
    if patient and settings.messages.texts(code).crisis_text is None:
        raise ValueError(missing_crisis_text(code))
    return code


@functools.cache
def _offered_languages(templates_dir: str) -> list[str]:
    # Read once per process, as the templates are: a CSV import checks every row's language.
    return template_languages(template_roots(templates_dir))


def _parse_vials(text: str) -> int:
    if not text.strip().isdigit() or int(text) > 1000:
        raise ValueError(f"{text!r} is not a count of vials from 0 to 1000")
    return int(text)


def _checked(
    field_name: str, value: str | None, check: Callable[[str], _T], errors: list[FieldError]
) -> _T | None:
    """``check(value)``, or None for a blank value; a fault is added to ``errors`` under
    ``field_name``, so one call of check_patient finds every bad field of a CSV line."""
    if not value:
        return None
    try:
        return check(value)
    except FieldError as exc:
        errors.append(FieldError(field_name, exc.message))
    except ValueError as exc:
        errors.append(FieldError(field_name, str(exc)))
    return None


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a YYYY-MM-DD date") from None


def _waking_time(text: str, schedule: Schedule) -> time:
    """A time of day outside quiet hours: a reminder planned in them would never be sent."""
    moment = parse_hhmm(text)
    if in_window(moment, schedule.quiet_hours_start, schedule.quiet_hours_end):
        raise ValueError(
            f"{moment:%H:%M} falls in quiet hours "
            f"{schedule.quiet_hours_start:%H:%M}-{schedule.quiet_hours_end:%H:%M}"
        )
    return moment


def add_patient(session: Session, settings: Settings, spec: PatientSpec, now: datetime) -> Patient:
    """Enrol a checked patient; refuses a phone or email another patient already has."""
    taken = _taken_address(session, spec.phone, spec.email)
    if taken is not None:
        raise taken
    patient = Patient(**patient_row(settings, spec, now))
    session.add(patient)
    lifecycle.unblock(session, [spec.phone, spec.email])  # enrolled again: the operator vouches
    session.flush()
    return patient


def patient_row(settings: Settings, spec: PatientSpec, now: datetime) -> dict[str, Any]:
    """The columns of a new patient, written alike by add_patient and by a CSV import."""
    return {
        "name": spec.name,
        "phone": spec.phone,
        "email": spec.email,
        "timezone": spec.timezone,
        "dose_time": spec.dose_time,
        "checkin_time": spec.checkin_time,
        "quiet_start": settings.schedule.quiet_hours_start,
        "quiet_end": settings.schedule.quiet_hours_end,
        "start_date": spec.start or regimen.local_date(now, ZoneInfo(spec.timezone)),
        "full_dose": spec.full_dose,
        "language": spec.language,
        "status": PatientStatus.ACTIVE,
        "injured_sites": [],
        "created_at": now,
        "active_since": now,
        "next_action_at": now,
        "vials": spec.vials,
        "vials_changed_at": now if spec.vials is not None else None,
        "thyroid": spec.thyroid,
    }


def _taken_address(session: Session, phone: str | None, email: str | None) -> FieldError | None:
    """The error for a phone or email another patient already has, or None if both are free."""
    for field_name, value, column in (
        ("phone", phone, Patient.phone),
        ("email", email, Patient.email),
    ):
        if value is None:
            continue
        other = session.exec(select(Patient.id).where(column == value)).first()
        if other is not None:
            return FieldError(field_name, f"{value} is already enrolled (patient {other})")
    return None


@dataclass(frozen=True)
class ContactSpec:
    """A contact as the operator described them, already checked."""

    name: str
    phone: str | None
    email: str | None
    language: str | None = None  # None: the patient's


def check_contact(
    settings: Settings,
    *,
    name: str,
    phone: str | None,
    email: str | None,
    language: str | None = None,
) -> ContactSpec:
    """Check a contact's fields and return the spec, or raise FieldError naming the first bad one."""
    if not name or not name.strip():
        raise FieldError("contact_name", "a contact name is required")
    if not phone and not email:
        raise FieldError("contact_phone", "a contact needs a phone number or an email address")
    region = settings.file.default_region
    return ContactSpec(
        name=" ".join(name.split()),
        phone=normalise_phone(phone, region, "contact_phone") if phone else None,
        email=normalise_email(email, "contact_email") if email else None,
        language=_contact_language(settings, language) if language else None,
    )


def _contact_language(settings: Settings, text: str) -> str:
    try:
        return check_language(settings, text, patient=False)
    except ValueError as exc:
        raise FieldError("contact_language", str(exc)) from None


def add_contact(
    session: Session,
    settings: Settings,
    patient: Patient,
    *,
    name: str,
    phone: str | None,
    email: str | None,
    role: ContactRole,
    now: datetime,
    language: str | None = None,
) -> Contact:
    """Add the patient's next contact in escalation order; they read the patient's language
    unless ``language`` says otherwise."""
    spec = check_contact(settings, name=name, phone=phone, email=email, language=language)
    assert patient.id is not None
    position_query = select(func.coalesce(func.max(Contact.position), 0)).where(
        Contact.patient_id == patient.id
    )
    position = session.exec(position_query).one() + 1
    contact = Contact(**contact_row(spec, patient.id, role, position, now, patient.language))
    session.add(contact)
    lifecycle.unblock(session, [spec.phone, spec.email])
    session.flush()
    return contact


def contact_row(
    spec: ContactSpec,
    patient_id: int,
    role: ContactRole,
    position: int,
    now: datetime,
    patient_language: str,
) -> dict[str, Any]:
    """The columns of a new contact, written alike by add_contact and by a CSV import."""
    return {
        "patient_id": patient_id,
        "name": spec.name,
        "phone": spec.phone,
        "email": spec.email,
        "role": role,
        "position": position,
        "created_at": now,
        "language": spec.language or patient_language,
    }


def find_patient(session: Session, reference: str) -> Patient:
    """A patient by id or by unique name (case-insensitive); LookupError says what went wrong."""
    reference = " ".join(reference.split())
    if reference.isdigit():
        patient = session.get(Patient, int(reference))
        if patient is None:
            raise LookupError(f"no patient with id {reference}")
        return patient
    # Compared in Python: SQLite's lower() folds only ASCII, so "élise" would not find "Élise".
    wanted = reference.casefold()
    ids = [
        pid
        for pid, name in session.exec(select(Patient.id, Patient.name))
        if name.casefold() == wanted
    ]
    matches = list(
        session.exec(select(Patient).where(col(Patient.id).in_(ids)).order_by(col(Patient.id)))
    )
    if not matches:
        raise LookupError(f"no patient named {reference!r}")
    if len(matches) > 1:
        listed = ", ".join(str(p.id) for p in matches)
        raise LookupError(
            f"{len(matches)} patients are named {reference!r} (ids {listed}); use the id"
        )
    return matches[0]


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
        reader = csv.reader(handle)
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
            clash = _taken_address(session, row.patient.phone, row.patient.email)
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
