"""`reminder contact`: the caregivers, nurses and doctors a patient's alerts go to, in order."""

from __future__ import annotations

from typing import Annotated

import typer

from reminder import listings
from reminder.cli.shell import (
    EmailOption,
    JsonOption,
    LanguageArgument,
    PatientArgument,
    application,
    fail,
    language_code,
    print_rows,
    require_one_address,
)
from reminder.config_values import parse_zone
from reminder.db import session_scope
from reminder.enrolment import add_contact, find_patient
from reminder.models import ContactRole


def contact_add(
    patient: PatientArgument,
    name: Annotated[str, typer.Argument(help="The contact's name.")],
    phone: Annotated[str | None, typer.Option(help="Mobile number.")] = None,
    email: EmailOption = None,
    role: Annotated[
        ContactRole, typer.Option(help="caregiver, nurse or doctor.")
    ] = ContactRole.CAREGIVER,
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz", help="Their IANA time zone, for quiet hours (default: the patient's)."
        ),
    ] = None,
    language: Annotated[
        str | None,
        typer.Option(help="The language their alerts are written in (default: the patient's)."),
    ] = None,
) -> None:
    """Add the patient's next contact in escalation order; prints the contact's id."""
    require_one_address(phone, email)
    try:
        zone = parse_zone(tz) if tz else None
    except ValueError as exc:
        fail(f"timezone: {exc}")
    with application() as ctx, session_scope(ctx.engine) as session:
        found = find_patient(session, patient)
        contact = add_contact(
            session,
            ctx.settings,
            found,
            name=name,
            phone=phone,
            email=email,
            role=role,
            now=ctx.clock.now(),
            language=language,
        )
        contact.timezone = zone
        session.add(contact)
        typer.echo(contact.id)


def contact_language(
    contact: Annotated[int, typer.Argument(help="Contact id (see `reminder contact list`).")],
    code: LanguageArgument,
) -> None:
    """Change the language a contact's alerts are written in, including those already queued."""
    with application() as ctx, session_scope(ctx.engine) as session:
        found = listings.contact(session, contact)
        if found is None:
            fail(f"no contact with id {contact}")
        found.language = language_code(ctx.settings, code, patient=False)
        session.add(found)
        typer.echo(f"contact {found.id} reads {found.language}")


def contact_list(
    patient: Annotated[str | None, typer.Argument(help="Only this patient's contacts.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Contacts in escalation order."""
    with application() as ctx, session_scope(ctx.engine) as session:
        patient_id = find_patient(session, patient).id if patient else None
        rows = listings.contacts(session, patient_id)
    print_rows(
        rows,
        as_json,
        ("id", "patient", "#", "name", "role", "address"),
        lambda row: (
            str(row["id"]),
            str(row["patient"]),
            str(row["position"]),
            row["name"],
            row["role"],
            row["phone"] or row["email"],
        ),
    )
