"""The `reminder` command line: parses arguments and calls the modules that do the work."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, NoReturn
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlmodel import col, select

from reminder import care, conversation, doses, escalation, labs, lifecycle, planner, views
from reminder.app import App, NotInitialised, tune_garbage_collector
from reminder.clock import Clock, SimulatedClock, SystemClock, parse_moment
from reminder.config import ConfigError
from reminder.config_values import parse_zone
from reminder.csv_import import import_csv
from reminder.db import describe_failure, session_scope, upgrade
from reminder.enrolment import (
    add_contact,
    add_patient,
    check_language,
    check_patient,
    find_patient,
)
from reminder.fields import FieldError
from reminder.models import (
    Alert,
    AlertStatus,
    Channel,
    Contact,
    ContactRole,
    LabKind,
    Message,
    MessageStatus,
    Patient,
)

app = typer.Typer(
    help="Every-other-day injection reminders, check-ins and escalation for interferon beta-1b.",
    no_args_is_help=True,
    add_completion=False,
)
patient_app = typer.Typer(help="Enrol and manage patients.", no_args_is_help=True)
contact_app = typer.Typer(
    help="Caregivers, nurses and doctors to alert, in order.", no_args_is_help=True
)
messages_app = typer.Typer(help="The outbox.", no_args_is_help=True)
alerts_app = typer.Typer(help="Alerts raised by the red-flag rules.", no_args_is_help=True)
app.add_typer(patient_app, name="patient")
app.add_typer(contact_app, name="contact")
app.add_typer(messages_app, name="messages")
app.add_typer(alerts_app, name="alerts")

out = Console()

AtOption = Annotated[
    str | None,
    typer.Option(
        "--at", help="Act as of this moment (ISO 8601 with offset), e.g. 2026-03-03T19:30-06:00."
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON with stable keys, for scripts.")
]


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def clock_at(at: str | None) -> Clock:
    if at is None:
        return SystemClock()
    try:
        return SimulatedClock(parse_moment(at))
    except ValueError as exc:
        fail(f"--at: {exc}")


@contextmanager
def application(at: str | None = None, *, schema: bool = True) -> Iterator[App]:
    """Load the configuration and database; turn known failures into one clear line and exit 2."""
    try:
        instance = App.from_environment(clock_at(at))  # also configures logging
        if schema:
            instance.require_schema()
        yield instance
    except ConfigError as exc:
        fail(str(exc))
    except NotInitialised as exc:
        fail(str(exc))
    except FieldError as exc:
        fail(str(exc))
    except LookupError as exc:
        # str(KeyError) adds quotes; args[0] is the message as written, quotes inside it kept.
        fail(str(exc.args[0]) if exc.args else str(exc))
    except sa.exc.SQLAlchemyError as exc:
        fail(describe_failure(exc))


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, default=str) + "\n")


@app.command()
def init() -> None:
    """Create the database or upgrade it to the newest schema (safe to run again)."""
    with application(schema=False) as ctx:
        upgrade(ctx.engine)
        url = ctx.engine.url.render_as_string(hide_password=True)
        typer.echo(f"database ready: {url}")


@patient_app.command("add")
def patient_add(
    name: Annotated[str, typer.Argument(help="The patient's name.")],
    phone: Annotated[str | None, typer.Option(help="Mobile number, E.164 or national.")] = None,
    email: Annotated[str | None, typer.Option(help="Email address.")] = None,
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
    if bool(phone) == bool(email):
        fail("give exactly one of --phone or --email")
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


@patient_app.command("list")
def patient_list(as_json: JsonOption = False) -> None:
    """All patients with their next dose."""
    with application() as ctx, session_scope(ctx.engine) as session:
        patients = session.exec(select(Patient).order_by(col(Patient.id)))
        rows = [views.patient_row(session, p, ctx.settings) for p in patients]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "name", "address", "zone", "time", "status", "next dose")
    for row in rows:
        address = row["phone"] or row["email"]
        table.add_row(
            str(row["id"]),
            row["name"],
            address,
            row["timezone"],
            row["time"],
            row["status"],
            row["next_dose_at"] or "-",
        )
    out.print(table)


@patient_app.command("show")
def patient_show(
    patient: Annotated[str, typer.Argument(help="Patient id or unique name.")],
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


@patient_app.command("pause")
def patient_pause(
    patient: Annotated[str, typer.Argument(help="Patient id or unique name.")],
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


@patient_app.command("resume")
def patient_resume(
    patient: Annotated[str, typer.Argument(help="Patient id or unique name.")], at: AtOption = None
) -> None:
    """Resume a paused patient's reminders now."""
    with application(at) as ctx, session_scope(ctx.engine) as session:
        found = find_patient(session, patient)
        if found.status != "paused":
            fail(f"patient {found.id} is not paused (status {found.status})")
        lifecycle.resume(session, found, ctx.settings, ctx.clock.now())
        typer.echo(f"patient {found.id} resumed")


@contact_app.command("add")
def contact_add(
    patient: Annotated[str, typer.Argument(help="Patient id or unique name.")],
    name: Annotated[str, typer.Argument(help="The contact's name.")],
    phone: Annotated[str | None, typer.Option(help="Mobile number.")] = None,
    email: Annotated[str | None, typer.Option(help="Email address.")] = None,
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
    if bool(phone) == bool(email):
        fail("give exactly one of --phone or --email")
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


@patient_app.command("language")
def patient_language(
    patient: Annotated[str, typer.Argument(help="Patient id or unique name.")],
    code: Annotated[str, typer.Argument(help="en, es, de, fr, or a language you added.")],
) -> None:
    """Change the language of a patient's messages, including those already queued."""
    with application() as ctx, session_scope(ctx.engine) as session:
        found = find_patient(session, patient)
        try:
            found.language = check_language(ctx.settings, code, patient=True)
        except ValueError as exc:
            fail(f"language: {exc}")
        session.add(found)
        typer.echo(f"patient {found.id} reads {found.language}")


@contact_app.command("language")
def contact_language(
    contact: Annotated[int, typer.Argument(help="Contact id (see `reminder contact list`).")],
    code: Annotated[str, typer.Argument(help="en, es, de, fr, or a language you added.")],
) -> None:
    """Change the language a contact's alerts are written in, including those already queued."""
    with application() as ctx, session_scope(ctx.engine) as session:
        found = session.get(Contact, contact)
        if found is None:
            fail(f"no contact with id {contact}")
        try:
            found.language = check_language(ctx.settings, code, patient=False)
        except ValueError as exc:
            fail(f"language: {exc}")
        session.add(found)
        typer.echo(f"contact {found.id} reads {found.language}")


@contact_app.command("list")
def contact_list(
    patient: Annotated[str | None, typer.Argument(help="Only this patient's contacts.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Contacts in escalation order."""
    with application() as ctx, session_scope(ctx.engine) as session:
        query = select(Contact).order_by(col(Contact.patient_id), col(Contact.position))
        if patient:
            query = query.where(Contact.patient_id == find_patient(session, patient).id)
        rows = [views.contact_row(c) for c in session.exec(query)]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "patient", "#", "name", "role", "address")
    for row in rows:
        table.add_row(
            str(row["id"]),
            str(row["patient"]),
            str(row["position"]),
            row["name"],
            row["role"],
            row["phone"] or row["email"],
        )
    out.print(table)


@app.command("import")
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


@app.command()
def inbound(
    text: Annotated[str, typer.Argument(help="What the person wrote.")],
    sender: Annotated[str, typer.Option("--from", help="Their phone number or email address.")],
    channel: Annotated[Channel, typer.Option(help="sms or email.")] = Channel.SMS,
    at: AtOption = None,
) -> None:
    """Feed a reply by hand, as if it had arrived; the answer is sent at once."""
    with application(at) as ctx:
        result = conversation.receive(
            ctx.engine, ctx.settings, ctx.clock, sender=sender, body=text, channel=channel
        )
        ctx.outbox().dispatch()
        typer.echo(f"inbound {result.inbound_id}: {result.parsed_as}: {result.outcome}")
        if result.answer_message_id is not None:
            with session_scope(ctx.engine) as session:
                answer = session.get(Message, result.answer_message_id)
                if answer is not None:
                    typer.echo(f"answer ({answer.status}): {answer.body or ''}")


@app.command()
def tick(at: AtOption = None) -> None:
    """One planner and sender pass: write what is due, then send it."""
    with application(at) as ctx:
        ctx.check_languages()
        planned = planner.tick(ctx.engine, ctx.settings, ctx.clock)
        sent = ctx.outbox().dispatch()
    typer.echo(
        f"planned {planned.messages} message(s) for {planned.patients} patient(s)"
        f" ({planned.cancelled} too late, {planned.doses_missed} dose(s) missed);"
        f" {planned.alerts} new alert(s), {planned.escalated} escalated;"
        f" sent {sent.sent}, retrying {sent.retried}, failed {sent.failed}, cancelled {sent.cancelled}"
    )


@alerts_app.command("list")
def alerts_list(
    only_open: Annotated[
        bool, typer.Option("--open", help="Only alerts not yet acknowledged.")
    ] = False,
    patient: Annotated[str | None, typer.Option(help="Only this patient's alerts.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Alerts with their reason, who they went to, and who acknowledged them."""
    with application() as ctx, session_scope(ctx.engine) as session:
        query = select(Alert).order_by(col(Alert.id))
        if only_open:
            query = query.where(Alert.status == AlertStatus.OPEN)
        if patient:
            query = query.where(Alert.patient_id == find_patient(session, patient).id)
        rows = [views.alert_row(session, a) for a in session.exec(query)]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "patient", "kind", "severity", "status", "created", "reason", "sent to")
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["patient_name"] or str(row["patient"]),
            row["kind"],
            row["severity"],
            row["status"] + (f" by {row['acknowledged_by']}" if row["acknowledged_by"] else ""),
            (row["created_at"] or "")[:16],
            row["reason"],
            ", ".join(
                ("operator " if n["recipient"] == "operator" else "") + f"{n['to']} ({n['status']})"
                for n in row["sent_to"]
            )
            or "-",
        )
    out.print(table)


@alerts_app.command("ack")
def alerts_ack(
    alert_id: Annotated[int, typer.Argument(help="The alert's id.")],
    at: AtOption = None,
) -> None:
    """Acknowledge an alert as the operator: it stops escalating, and those told hear so."""
    with application(at) as ctx:
        with session_scope(ctx.engine) as session:
            alert = session.get(Alert, alert_id)
            if alert is None:
                fail(f"no alert with id {alert_id}")
            if not escalation.acknowledge(session, ctx.settings, alert, ctx.clock.now()):
                fail(f"alert {alert_id} is already acknowledged (by {alert.acknowledged_note})")
        ctx.outbox().dispatch()
    typer.echo(f"alert {alert_id} acknowledged")


@messages_app.command("list")
def messages_list(
    patient: Annotated[str | None, typer.Option(help="Only this patient's messages.")] = None,
    status: Annotated[
        MessageStatus | None, typer.Option(help="Only messages in this status.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many, newest first.")] = 200,
    as_json: JsonOption = False,
) -> None:
    """The outbox with each message's status."""
    with application() as ctx, session_scope(ctx.engine) as session:
        query = select(Message).order_by(col(Message.id).desc()).limit(limit)
        if patient:
            query = query.where(Message.patient_id == find_patient(session, patient).id)
        if status:
            query = query.where(Message.status == status)
        rows = [views.message_row(m) for m in reversed(list(session.exec(query)))]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "patient", "kind", "status", "send at (UTC)", "body / reason")
    for row in rows:
        detail = row["failed_reason"] if row["status"] in ("failed", "cancelled") else row["body"]
        table.add_row(
            str(row["id"]),
            str(row["patient"]),
            row["kind"],
            row["status"],
            row["send_at"][:16],
            detail or "",
        )
    out.print(table)


HostOption = Annotated[str | None, typer.Option(help="Address to listen on (default from config).")]
PortOption = Annotated[int | None, typer.Option(help="Port to listen on (default from config).")]


@app.command()
def run(host: HostOption = None, port: PortOption = None) -> None:
    """The daemon: the scheduler tick and the web server in one process."""
    from reminder.daemon import run_daemon, stop_on_signals

    stop = stop_on_signals()
    with application() as ctx:
        ctx.check_languages()
        run_daemon(ctx, scheduler=True, web=True, host=host, port=port, stop=stop)


@app.command()
def worker() -> None:
    """The scheduler tick only (run as many as you like against one PostgreSQL)."""
    from reminder.daemon import run_daemon, stop_on_signals

    stop = stop_on_signals()
    with application() as ctx:
        ctx.check_languages()
        run_daemon(ctx, scheduler=True, web=False, stop=stop)


@app.command()
def serve(host: HostOption = None, port: PortOption = None) -> None:
    """The web server only (health check; webhooks as channels are configured)."""
    from reminder.daemon import run_daemon, stop_on_signals

    stop = stop_on_signals()
    with application() as ctx:
        ctx.check_languages()
        run_daemon(ctx, scheduler=False, web=True, host=host, port=port, stop=stop)


@app.command()
def demo(
    at: Annotated[
        str | None,
        typer.Option("--at", help="Day the simulated two weeks start (ISO 8601 with offset)."),
    ] = None,
    language: Annotated[
        str, typer.Option(help="The language the patient and caregiver read: en, es, de or fr.")
    ] = "en",
) -> None:
    """Two simulated weeks of a new patient, on a temporary database, printed as a conversation."""
    from reminder.demo import LANGUAGES, run_demo

    if language not in LANGUAGES:
        fail(f"--language: {language!r} is not one of {', '.join(LANGUAGES)}")
    run_demo(clock_at(at).now(), echo=typer.echo, language=language)


REPORT_FORMATS = (".html", ".pdf", ".csv")


@app.command()
def report(
    patient: Annotated[str, typer.Argument(help="Patient id or unique name.")],
    out: Annotated[
        Path, typer.Option("--out", dir_okay=False, help="FILE.html, FILE.pdf or FILE.csv.")
    ],
    since: Annotated[
        str | None, typer.Option("--from", help="First day, YYYY-MM-DD (default: 90 days back).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default: today).")
    ] = None,
    at: AtOption = None,
) -> None:
    """The clinician's report: adherence, symptoms, sites, alerts, check-ins and labs."""
    suffix = out.suffix.lower()
    if suffix not in REPORT_FORMATS:
        fail(f"--out: {out.name}: the suffix chooses the format: {', '.join(REPORT_FORMATS)}")
    first, last = _report_day("--from", since), _report_day("--to", until)
    # Imported here: the report loads matplotlib (and WeasyPrint for a PDF), which no other
    # command needs, so `reminder --help` and the daemon start without them.
    from reminder import report as clinician_report

    with application(at) as ctx, session_scope(ctx.engine) as session:
        found = find_patient(session, patient)
        now = ctx.clock.now()
        window = _report_window(found, now, first, last)
        values = clinician_report.build(session, found, window, ctx.settings, now)
    try:
        if suffix == ".pdf":
            out.write_bytes(clinician_report.pdf.render(values))
        elif suffix == ".html":
            out.write_text(clinician_report.html.render(values), encoding="utf-8")
        else:
            out.write_text(clinician_report.csv.render(values), encoding="utf-8", newline="")
    except clinician_report.pdf.PdfUnavailable as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"--out: {out}: {exc.strerror or exc}")
    typer.echo(f"report of patient {found.id}, {window.start} to {window.end}: {out}")


def _report_window(patient: Patient, now: datetime, first: date | None, last: date | None) -> Any:
    """The report's window from --from and --to, each defaulting to the report's own (90 days)."""
    from reminder import report as clinician_report

    default = clinician_report.default_window(patient, now)
    last = last or default.end
    first = first or last - timedelta(days=default.days - 1)
    if first > last:
        fail(f"--from {first} is after --to {last}")
    return clinician_report.Window(first, last)


def _report_day(option: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value!r} is not a date; use YYYY-MM-DD")


EXPORT_FORMATS = ("fhir", "csv")


@app.command()
def export(
    patient: Annotated[str, typer.Argument(help="Patient id or unique name.")],
    out: Annotated[Path, typer.Option("--out", dir_okay=False, help="The file to write.")],
    export_format: Annotated[
        str, typer.Option("--format", help="fhir: a FHIR R4 Bundle (JSON); csv: the report's CSV.")
    ] = "fhir",
    since: Annotated[
        str | None, typer.Option("--from", help="First day, YYYY-MM-DD (default: 90 days back).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default: today).")
    ] = None,
    at: AtOption = None,
) -> None:
    """The patient's record for the clinic's systems: a FHIR R4 Bundle, or the report's CSV."""
    if export_format not in EXPORT_FORMATS:
        fail(f"--format: {export_format!r} is not one of {', '.join(EXPORT_FORMATS)}")
    first, last = _report_day("--from", since), _report_day("--to", until)
    # Imported here, as for `report`: fhir.resources loads hundreds of models.
    from reminder import fhir
    from reminder import report as clinician_report

    with application(at) as ctx, session_scope(ctx.engine) as session:
        found = find_patient(session, patient)
        now = ctx.clock.now()
        window = _report_window(found, now, first, last)
        if export_format == "fhir":
            try:
                text = fhir.to_json(fhir.export(session, found, window, ctx.settings, now))
            except fhir.ExportError as exc:
                fail(str(exc))
        else:
            values = clinician_report.build(session, found, window, ctx.settings, now)
            text = clinician_report.csv.render(values)
    out.write_text(text, encoding="utf-8", newline="")
    typer.echo(
        f"{export_format} export of patient {found.id}, {window.start} to {window.end}: {out}"
    )


# --- reminder staff: accounts of the staff dashboard (reminder/staff/) ------------------------------
from reminder.models import StaffRole  # noqa: E402  (kept with the block it serves)
from reminder.staff import accounts as staff_accounts  # noqa: E402

staff_app = typer.Typer(help="Accounts of the staff dashboard at /staff.", no_args_is_help=True)
app.add_typer(staff_app, name="staff")


@staff_app.command("add")
def staff_add(
    name: Annotated[str, typer.Argument(help="The login name, e.g. nora.")],
    email: Annotated[str, typer.Option(help="Their email address (they may log in with it).")],
    role: Annotated[
        StaffRole, typer.Option(help="nurse: her patients only; admin: every patient, the audit.")
    ] = StaffRole.NURSE,
    contact: Annotated[
        int | None,
        typer.Option(
            help="A nurse's contact id: she sees every patient with a contact of its address."
        ),
    ] = None,
    at: AtOption = None,
) -> None:
    """Add a staff account (no password yet: see `reminder staff password`); prints its id."""
    with application(at) as ctx, session_scope(ctx.engine) as session:
        try:
            account = staff_accounts.add_account(
                session, name=name, email=email, role=role, contact_id=contact, now=ctx.clock.now()
            )
        except staff_accounts.AccountError as exc:
            fail(str(exc))
        typer.echo(account.id)


@staff_app.command("list")
def staff_list(as_json: JsonOption = False) -> None:
    """Staff accounts with their role, linked contact and state."""
    with application() as ctx, session_scope(ctx.engine) as session:
        rows = staff_accounts.list_accounts(session)
    if as_json:
        print_json(rows)
        return
    table = Table("id", "name", "email", "role", "contact", "password", "disabled")
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["name"],
            row["email"],
            row["role"],
            str(row["contact"] or "-"),
            "set" if row["password_set"] else "not set",
            (row["disabled_at"] or "-")[:16],
        )
    out.print(table)


@staff_app.command("disable")
def staff_disable(
    name: Annotated[str, typer.Argument(help="Login name or email.")], at: AtOption = None
) -> None:
    """Refuse the account's logins from now on and end its sessions; its audit rows stay."""
    with application(at) as ctx, session_scope(ctx.engine) as session:
        account = staff_accounts.require_account(session, name)
        ended = staff_accounts.disable(session, account, ctx.clock.now())
        typer.echo(f"account {account.id} ({account.name}) disabled; {ended} session(s) ended")


@staff_app.command("password")
def staff_password(
    name: Annotated[str, typer.Argument(help="Login name or email.")],
    link: Annotated[
        bool,
        typer.Option(
            "--link", help="Print a one-use link to set it instead (needs REMINDER_SECRET_KEY)."
        ),
    ] = False,
    at: AtOption = None,
) -> None:
    """Set the account's password at a prompt, or print a one-use link valid for 24 h."""
    with application(at) as ctx, session_scope(ctx.engine) as session:
        account = staff_accounts.require_account(session, name)
        if account.disabled_at is not None:
            fail(f"account {account.name} is disabled")
        if link:
            made = staff_accounts.password_link(ctx.settings, account, ctx.clock.now())
            typer.echo(made.url)
            typer.echo(f"works once, until {made.expires_at.isoformat()}", err=True)
            return
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
        try:
            staff_accounts.set_password(session, account, password, ctx.clock.now())
        except staff_accounts.AccountError as exc:
            fail(str(exc))
        typer.echo(f"password set for {account.name}; their sessions were ended")


lab_app = typer.Typer(help="Lab tests: blood count, liver and thyroid.", no_args_is_help=True)
app.add_typer(lab_app, name="lab")


@patient_app.command("supply")
def patient_supply(
    patient: Annotated[str, typer.Argument(help="Patient id or unique name.")],
    add: Annotated[int | None, typer.Option(help="Vials added by a refill.")] = None,
    set_to: Annotated[int | None, typer.Option("--set", help="Vials on hand, counted.")] = None,
    at: AtOption = None,
) -> None:
    """Record a refill (--add N) or a count (--set N); prints the vials on hand and run-out date."""
    if (add is None) == (set_to is None):
        fail("give exactly one of --add N or --set N")
    if add is not None and add < 1:
        fail(f"--add: a refill adds 1 vial or more, not {add}")
    if set_to is not None and set_to < 0:
        fail(f"--set: a count of vials is 0 or more, not {set_to}")
    with application(at) as ctx, session_scope(ctx.engine) as session:
        found = find_patient(session, patient)
        now = ctx.clock.now()
        care.set_vials(found, ctx.settings, now, add=add, count=set_to)
        session.add(found)
        planner.replan(session, found, ctx.settings, now)
        dose = doses.open_dose(session, found.id or 0)
        view = care.supply_view(found, dose.day if dose else None)
    run_out = f", enough until {view['run_out_on']}" if view["run_out_on"] else ""
    typer.echo(f"{view['vials']} vials on hand{run_out}")


@lab_app.command("done")
def lab_done(
    patient: Annotated[str, typer.Argument(help="Patient id or unique name.")],
    day: Annotated[
        str | None, typer.Option("--date", help="Day of the test, YYYY-MM-DD (default today).")
    ] = None,
    kind: Annotated[
        LabKind | None,
        typer.Option(help="The test; without it, the routine blood count and liver tests."),
    ] = None,
    at: AtOption = None,
) -> None:
    """Record a lab test done; the next reminder of its kind counts from it."""
    with application(at) as ctx, session_scope(ctx.engine) as session:
        found = find_patient(session, patient)
        now = ctx.clock.now()
        today = now.astimezone(ZoneInfo(found.timezone)).date()
        try:
            done_on = date.fromisoformat(day) if day else today
        except ValueError:
            fail(f"--date: {day!r} is not a YYYY-MM-DD date")
        if done_on > today:
            fail(f"--date: {done_on} is in the future; record a test once it is done")
        kinds = [kind] if kind else [LabKind(k) for k in labs.ROUTINE]
        care.record_lab(session, found, ctx.settings, kinds, done_on, now, "operator")
        planner.replan(session, found, ctx.settings, now)
        view = care.labs_view(session, found, ctx.settings)
    upcoming = view["next_thyroid_on"] if kind == LabKind.THYROID else view["next_on"]
    typer.echo(f"recorded {', '.join(kinds)} on {done_on}; next due {upcoming or '-'}")


def main() -> None:  # pragma: no cover - the console script entry point
    tune_garbage_collector()
    app()


if __name__ == "__main__":  # pragma: no cover - `python -m reminder.cli`
    main()
