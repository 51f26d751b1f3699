"""Enrolling patients and contacts, by hand or from a CSV file, with every field checked first."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import phonenumbers
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from reminder import regimen
from reminder.config import Settings, in_window, parse_hhmm, parse_zone
from reminder.db import session_scope
from reminder.models import Contact, ContactRole, Patient, PatientStatus

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
)
_TRUE = {"1", "true", "yes", "y"}
_FALSE = {"", "0", "false", "no", "n"}


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
) -> PatientSpec:
    """Check every field and return the spec, or raise FieldError naming the first bad one."""
    errors = list(
        _patient_errors(settings, name, phone, email, timezone, dose_time, start, checkin_time)
    )
    if errors:
        raise errors[0]
    schedule = settings.schedule
    return PatientSpec(
        name=" ".join(name.split()),
        phone=normalise_phone(phone, settings.file.default_region) if phone else None,
        email=normalise_email(email) if email else None,
        timezone=parse_zone(timezone) if timezone else schedule.default_timezone,
        dose_time=parse_hhmm(dose_time) if dose_time else schedule.default_dose_time,
        checkin_time=parse_hhmm(checkin_time) if checkin_time else schedule.checkin_time,
        start=date.fromisoformat(start.strip()) if start else None,
        full_dose=full_dose,
        language=(language or "en").strip().lower(),
    )


def _patient_errors(
    settings: Settings,
    name: str,
    phone: str | None,
    email: str | None,
    timezone: str | None,
    dose_time: str | None,
    start: str | None,
    checkin_time: str | None,
) -> Iterable[FieldError]:
    """Every fault of a patient's fields, so one CSV line can report them all at once."""
    if not name or not name.strip():
        yield FieldError("name", "a name is required")
    elif len(name) > 120:
        yield FieldError("name", "longer than 120 characters")
    if not phone and not email:
        yield FieldError("phone", "a phone number or an email address is required")
    checks: list[tuple[str, str | None, Callable[[str], object]]] = [
        ("phone", phone, lambda v: normalise_phone(v, settings.file.default_region)),
        ("email", email, normalise_email),
        ("timezone", timezone, parse_zone),
        ("start", start, lambda v: date.fromisoformat(v.strip())),
    ]
    for field_name, value, check in checks:
        if value:
            try:
                check(value)
            except FieldError as exc:
                yield FieldError(field_name, exc.message)
            except ValueError as exc:
                message = (
                    str(exc) if field_name != "start" else f"{value!r} is not a YYYY-MM-DD date"
                )
                yield FieldError(field_name, message)
    schedule = settings.schedule
    for field_name, value in (("time", dose_time), ("checkin_time", checkin_time)):
        if not value:
            continue
        try:
            moment = parse_hhmm(value)
        except ValueError as exc:
            yield FieldError(field_name, str(exc))
            continue
        if in_window(moment, schedule.quiet_hours_start, schedule.quiet_hours_end):
            yield FieldError(
                field_name,
                f"{moment:%H:%M} falls in quiet hours "
                f"{schedule.quiet_hours_start:%H:%M}-{schedule.quiet_hours_end:%H:%M}",
            )


def add_patient(session: Session, settings: Settings, spec: PatientSpec, now: datetime) -> Patient:
    """Enrol a checked patient; refuses a phone or email another patient already has."""
    _refuse_taken_address(session, spec.phone, spec.email)
    zone = ZoneInfo(spec.timezone)
    patient = Patient(
        name=spec.name,
        phone=spec.phone,
        email=spec.email,
        timezone=spec.timezone,
        dose_time=spec.dose_time,
        checkin_time=spec.checkin_time,
        quiet_start=settings.schedule.quiet_hours_start,
        quiet_end=settings.schedule.quiet_hours_end,
        start_date=spec.start or regimen.local_date(now, zone),
        full_dose=spec.full_dose,
        language=spec.language,
        status=PatientStatus.ACTIVE,
        injured_sites=[],
        created_at=now,
        active_since=now,
        next_action_at=now,
    )
    session.add(patient)
    session.flush()
    return patient


def _refuse_taken_address(session: Session, phone: str | None, email: str | None) -> None:
    for field_name, value, column in (
        ("phone", phone, Patient.phone),
        ("email", email, Patient.email),
    ):
        if value is None:
            continue
        other = session.exec(select(Patient.id).where(column == value)).first()
        if other is not None:
            raise FieldError(field_name, f"{value} is already enrolled (patient {other})")


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
) -> Contact:
    """Add the patient's next contact in escalation order."""
    if not name or not name.strip():
        raise FieldError("contact_name", "a contact name is required")
    if not phone and not email:
        raise FieldError("contact_phone", "a contact needs a phone number or an email address")
    region = settings.file.default_region
    position_query = select(func.coalesce(func.max(Contact.position), 0)).where(
        Contact.patient_id == patient.id
    )
    contact = Contact(
        patient_id=patient.id,
        name=" ".join(name.split()),
        phone=normalise_phone(phone, region, "contact_phone") if phone else None,
        email=normalise_email(email, "contact_email") if email else None,
        role=role,
        position=session.exec(position_query).one() + 1,
        created_at=now,
    )
    session.add(contact)
    session.flush()
    return contact


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


def import_csv(
    engine: Engine,
    settings: Settings,
    path: Path,
    now: datetime,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 1000,
) -> ImportReport:
    """Import patients (and a first contact each) from CSV; bad rows are reported, good rows kept.

    Rows are checked in full before anything is written, then written a batch per transaction.
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
        pending: list[tuple[PatientSpec, dict[str, str]]] = []
        end = reader.line_num
        for row in reader:
            # A quoted field may span lines: a row is reported by the line it starts on.
            line, end = end + 1, reader.line_num
            if progress:
                progress(end - line + 1)
            if not row:
                continue  # a blank line
            values = {column: value.strip() for column, value in zip(columns, row, strict=False)}
            try:
                spec = _check_row(settings, values, taken)
            except FieldError as exc:
                report.errors.append((line, exc))
            else:
                pending.append((spec, values))
                taken.update(a for a in (spec.phone, spec.email) if a)
            if len(pending) >= batch_size:
                report.imported += _write_batch(engine, settings, pending, now)
                pending.clear()
        report.imported += _write_batch(engine, settings, pending, now)
    return report


def _check_row(settings: Settings, values: dict[str, str], taken: set[str]) -> PatientSpec:
    full_dose_text = values.get("full_dose", "").lower()
    if full_dose_text not in _TRUE | _FALSE:
        raise FieldError("full_dose", f"{values['full_dose']!r} is not yes/no")
    spec = check_patient(
        settings,
        name=values.get("name", ""),
        phone=values.get("phone") or None,
        email=values.get("email") or None,
        timezone=values.get("timezone") or None,
        dose_time=values.get("time") or None,
        start=values.get("start") or None,
        full_dose=full_dose_text in _TRUE,
    )
    for field_name, address in (("phone", spec.phone), ("email", spec.email)):
        if address and address in taken:
            raise FieldError(field_name, f"{address} is already enrolled")
    contact_name = values.get("contact_name", "")
    contact_phone, contact_email = values.get("contact_phone", ""), values.get("contact_email", "")
    if (contact_phone or contact_email) and not contact_name:
        raise FieldError("contact_name", "a contact address is given without a contact name")
    if contact_name and not (contact_phone or contact_email):
        raise FieldError("contact_phone", "a contact needs a phone number or an email address")
    if contact_phone:
        normalise_phone(contact_phone, settings.file.default_region, "contact_phone")
    if contact_email:
        normalise_email(contact_email, "contact_email")
    return spec


def _write_batch(
    engine: Engine,
    settings: Settings,
    rows: list[tuple[PatientSpec, dict[str, str]]],
    now: datetime,
) -> int:
    if not rows:
        return 0
    with session_scope(engine) as session:
        for spec, values in rows:
            patient = add_patient(session, settings, spec, now)
            if values.get("contact_name"):
                add_contact(
                    session,
                    settings,
                    patient,
                    name=values["contact_name"],
                    phone=values.get("contact_phone") or None,
                    email=values.get("contact_email") or None,
                    role=ContactRole.CAREGIVER,
                    now=now,
                )
    return len(rows)
