"""`reminder patient` and `reminder import`: enrol patients, list and show them, pause, resume, language."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from reminder import lifecycle, listings, views
from reminder.cli.shell import (
    AtOption,
    EmailOption,
    JsonOption,
    LanguageArgument,
    PatientArgument,
    application,
    fail,
    language_code,
    print_json,
    print_rows,
    require_one_address,
)
from reminder.csv_import import import_csv
from reminder.db import session_scope
from reminder.enrolment import add_patient, check_patient, find_patient


def patient_add(
    name: Annotated[str, typer.Argument(help="The patient's name.")],
    phone: Annotated[str | None, typer.Option(help="Mobile number, E.164 or national.")] = None,
    email: EmailOption = None,
    tz: Annotated[
        str | None, typer.Option("--tz", help="IANA time zone, e.g. America/Chicago.")
    ] = None,
    time: Annotated[
        str | None, typer.Option("--time", help="Preferred injection time, HH:MM.")
    ] = None,
    start: Annotated[str | None, typer.Option(help="First day of therapy, YYYY-MM-DD.")] = None,
    full_dose: Annotated[
        bool, typer.Option("--full-dose", help="Already at 250 mcg: no titration.")
    ] = False,
    checkin_time: Annotated[str | None, typer.Option(help="Morning check-in time, HH:MM.")] = None,
    language: Annotated[
        str | None, typer.Option(help="The language of their messages: en, es, de, fr, ...")
    ] = None,
    vials: Annotated[
        int | None, typer.Option(help="Vials on hand; without it, no refill reminders.")
    ] = None,
    thyroid: Annotated[
        bool, typer.Option("--thyroid", help="A thyroid history: thyroid test reminders too.")
    ] = False,
    at: AtOption = None,
) -> None:
    """Enrol a patient; prints the new patient's id."""
    require_one_address(phone, email)
    with application(at) as ctx:
        spec = check_patient(
            ctx.settings,
            name=name,
            phone=phone,
            email=email,
            timezone=tz,
            dose_time=time,
            start=start,
            full_dose=full_dose,
            checkin_time=checkin_time,
            language=language,
            vials=None if vials is None else str(vials),
            thyroid=thyroid,
        )
        with session_scope(ctx.engine) as session:
            patient = add_patient(session, ctx.settings, spec, ctx.clock.now())
        typer.echo(patient.id)


def patient_list(as_json: JsonOption = False) -> None:
    """All patients with their next dose."""
    with application() as ctx, session_scope(ctx.engine) as session:
        rows = listings.patients(session, ctx.settings)
    columns = ("id", "name", "address", "zone", "time", "status", "next dose")
    print_rows(
        rows,
        as_json,
        columns,
        lambda row: (
            str(row["id"]),
            row["name"],
            row["phone"] or row["email"],
            row["timezone"],
            row["time"],
            row["status"],
            row["next_dose_at"] or "-",
        ),
    )


def patient_show(
    patient: PatientArgument,
    as_json: JsonOption = False,
) -> None:
    """One patient: the next dose (when, which dose and site, and why), contacts, recent doses."""
    with application() as ctx, session_scope(ctx.engine) as session:
        detail = views.patient_detail(session, find_patient(session, patient), ctx.settings)
    if as_json:
        print_json(detail)
        return
    typer.echo(f"{detail['name']} (id {detail['id']}), {detail['phone'] or detail['email']}")
    typer.echo(
        f"  zone {detail['timezone']}, injection at {detail['time']}, status {detail['status']}"
    )
    upcoming = detail["next_dose"]
    if upcoming:
        typer.echo(
            f"  next dose: {upcoming['at']}, {upcoming['dose_mcg']:g} mcg ({upcoming['volume_ml']:g} mL), "
            f"site {upcoming['site'] or 'any'}"
        )
        typer.echo(f"  why: {upcoming['why']}")
    elif detail["paused_until"]:
        typer.echo(f"  paused until {detail['paused_until']}")
    for contact in detail["contacts"]:
        typer.echo(
            f"  contact {contact['position']}: {contact['name']} ({contact['role']}) "
            f"{contact['phone'] or contact['email']}"
        )
    for dose in detail["recent_doses"]:
        taken = f" at {dose['taken_at']}" if dose["taken_at"] else ""
        typer.echo(f"  {dose['day']}: {dose['status']}{taken} {dose['site'] or ''}".rstrip())
    for message in detail["failed_messages"]:
        typer.echo(f"  failed message {message['id']} ({message['kind']}): {message['reason']}")
    if detail["injured_sites"]:
        typer.echo(f"  injured sites, skipped in rotation: {', '.join(detail['injured_sites'])}")
    for alert in detail["open_alerts"]:
        typer.echo(
            f"  OPEN ALERT {alert['id']} ({alert['severity']} {alert['kind']}): {alert['reason']}"
        )
    supply, lab_tests = detail["supply"], detail["labs"]
    if supply["vials"] is not None:
        run_out = f", enough until {supply['run_out_on']}" if supply["run_out_on"] else ""
        typer.echo(f"  vials on hand: {supply['vials']}{run_out}")
    done = "; ".join(f"{t['kind']} {t['on']}" for t in lab_tests["done"][:4]) or "none recorded"
    thyroid = f", thyroid {lab_tests['next_thyroid_on']}" if lab_tests["next_thyroid_on"] else ""
    typer.echo(f"  labs: next {lab_tests['next_on'] or '-'}{thyroid}; done: {done}")
    for screen in detail["phq2"][:3]:
        answers = f"{screen['interest']} {screen['mood']}" if screen["total"] is not None else "-"
        typer.echo(f"  PHQ-2 {(screen['asked_at'] or '')[:10]}: {screen['status']} {answers}")
    for check_in in detail["recent_check_ins"]:
        answers = ", ".join(
            f"{name} {check_in[key]}"
            for name, key in (("flu", "flu"), ("site", "site_score"))
            if check_in[key] is not None
        )
        symptom = {True: "new symptom", False: "no new symptom", None: ""}[check_in["neuro"]]
        asked = (check_in["asked_at"] or "")[:16]
        detail_text = ", ".join(part for part in (answers, symptom) if part)
        typer.echo(f"  {check_in['kind']} {asked}: {check_in['status']} {detail_text}".rstrip())


def patient_pause(
    patient: PatientArgument,
    days: Annotated[
        int | None, typer.Option(min=1, max=365, help="Days to pause (default from config).")
    ] = None,
    at: AtOption = None,
) -> None:
    """Pause a patient's reminders (travel, hospital)."""
    with application(at) as ctx, session_scope(ctx.engine) as session:
        found = find_patient(session, patient)
        now = ctx.clock.now()
        until = now + timedelta(days=days or ctx.settings.schedule.default_pause_days)
        lifecycle.pause(session, found, until, now)
        typer.echo(f"patient {found.id} paused until {until.isoformat()}")


def patient_resume(patient: PatientArgument, at: AtOption = None) -> None:
    """Resume a paused patient's reminders now."""
    with application(at) as ctx, session_scope(ctx.engine) as session:
        found = find_patient(session, patient)
        if found.status != "paused":
            fail(f"patient {found.id} is not paused (status {found.status})")
        lifecycle.resume(session, found, ctx.settings, ctx.clock.now())
        typer.echo(f"patient {found.id} resumed")


def patient_language(
    patient: PatientArgument,
    code: LanguageArgument,
) -> None:
    """Change the language of a patient's messages, including those already queued."""
    with application() as ctx, session_scope(ctx.engine) as session:
        found = find_patient(session, patient)
        found.language = language_code(ctx.settings, code, patient=True)
        session.add(found)
        typer.echo(f"patient {found.id} reads {found.language}")


def import_command(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="CSV with a header row.")
    ],
    at: AtOption = None,
) -> None:
    """Import patients from CSV; bad rows are reported by line and field, good rows are kept."""
    with application(at) as ctx:
        try:
            # Reading it all first also finds a wrong encoding before any row is written.
            with file.open(encoding="utf-8-sig") as handle:
                total = max(sum(1 for _ in handle) - 1, 0)
        except UnicodeDecodeError:
            fail(f"{file}: not UTF-8 text; save it as CSV UTF-8 and import it again")
        columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("import", total=total)
            report = import_csv(
                ctx.engine,
                ctx.settings,
                file,
                ctx.clock.now(),
                progress=lambda n: progress.advance(task, n),
            )
    for line, error in report.errors:
        typer.echo(f"{file}:{line}: {error.field}: {error.message}", err=True)
    typer.echo(f"imported {report.imported} patient(s), {len(report.errors)} bad row(s)")
    if report.errors:
        raise typer.Exit(1)
