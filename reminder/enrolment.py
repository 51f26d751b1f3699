"""Enrolling one patient or contact, by hand or for a CSV row: every field checked first, then
the row written; and finding an enrolled patient by id or name."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from reminder import lifecycle, regimen
from reminder.config import Settings
from reminder.config_values import parse_zone
from reminder.fields import (
    FieldError,
    normalise_email,
    normalise_phone,
    parse_start,
    parse_vials,
    waking_time,
)
from reminder.languages import missing_crisis_text
from reminder.models import Contact, ContactRole, Patient, PatientStatus
from reminder.render import REFERENCE_LANGUAGE, template_languages, template_roots

_T = TypeVar("_T")


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
    first_day = _checked("start", start, parse_start, errors)
    dose = _checked("time", dose_time, lambda v: waking_time(v, schedule), errors)
    checkin = _checked("checkin_time", checkin_time, lambda v: waking_time(v, schedule), errors)
    code = _checked(
        "language", language, lambda v: check_language(settings, v, patient=True), errors
    )
    count = _checked("vials", vials, parse_vials, errors)
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


def add_patient(session: Session, settings: Settings, spec: PatientSpec, now: datetime) -> Patient:
    """Enrol a checked patient; refuses a phone or email another patient already has."""
    taken = taken_address(session, spec.phone, spec.email)
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


def taken_address(session: Session, phone: str | None, email: str | None) -> FieldError | None:
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


def not_the_patient(contact: ContactSpec, phone: str | None, email: str | None) -> None:
    """Refuse a contact at the patient's own address: an alert about the patient (self-harm
    words, a possible relapse) would reach only the patient, and their OK would not be read as
    the contact's."""
    if contact.phone and contact.phone == phone:
        raise FieldError("contact_phone", f"{phone} is the patient's own number")
    if contact.email and email and contact.email.lower() == email.lower():
        raise FieldError("contact_email", f"{email} is the patient's own address")


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
    not_the_patient(spec, patient.phone, patient.email)
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
