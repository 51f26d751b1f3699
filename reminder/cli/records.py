"""`reminder report` and `reminder export`: a patient's record over a window of days, as files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from sqlmodel import Session

from reminder.cli.shell import AtOption, PatientArgument, application, fail
from reminder.config import Settings
from reminder.db import session_scope
from reminder.enrolment import find_patient
from reminder.models import Patient

if TYPE_CHECKING:
    from reminder.report import Window

REPORT_FORMATS = (".html", ".pdf", ".csv")
EXPORT_FORMATS = ("fhir", "csv")
T = TypeVar("T")

FromOption = Annotated[
    str | None, typer.Option("--from", help="First day, YYYY-MM-DD (default: 90 days back).")
]
ToOption = Annotated[
    str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default: today).")
]


@dataclass(frozen=True)
class Days:
    """The days given with --from and --to; None where the option was left out."""

    first: date | None
    last: date | None


def parse_days(since: str | None, until: str | None) -> Days:
    """--from and --to as dates, or exit 2 naming the option that is not one."""
    return Days(_day("--from", since), _day("--to", until))


def _day(option: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value!r} is not a date; use YYYY-MM-DD")


def window_of(patient: Patient, now: datetime, days: Days) -> Window:
    """The window from --from and --to, each defaulting to the report's own (90 days)."""
    from reminder import report as clinician_report

    default = clinician_report.default_window(patient, now)
    last = days.last or default.end
    first = days.first or last - timedelta(days=default.days - 1)
    if first > last:
        fail(f"--from {first} is after --to {last}")
    return clinician_report.Window(first, last)


@dataclass(frozen=True)
class Record:
    """One patient's record over a window, read in one session as of one moment."""

    session: Session
    settings: Settings
    patient: Patient
    window: Window
    now: datetime

    def read(self, builder: Callable[[Session, Patient, Window, Settings, datetime], T]) -> T:
        """What a builder (the report's, the FHIR export's) makes of this record."""
        return builder(self.session, self.patient, self.window, self.settings, self.now)


@contextmanager
def record_of(patient: str, days: Days, at: str | None) -> Iterator[Record]:
    """The named patient's record over the window the days ask for, as of --at (or now)."""
    with application(at) as ctx, session_scope(ctx.engine) as session:
        found = find_patient(session, patient)
        now = ctx.clock.now()
        yield Record(session, ctx.settings, found, window_of(found, now, days), now)


def report(
    patient: PatientArgument,
    out: Annotated[
        Path, typer.Option("--out", dir_okay=False, help="FILE.html, FILE.pdf or FILE.csv.")
    ],
    since: FromOption = None,
    until: ToOption = None,
    at: AtOption = None,
) -> None:
    """The clinician's report: adherence, symptoms, sites, alerts, check-ins and labs."""
    suffix = out.suffix.lower()
    if suffix not in REPORT_FORMATS:
        fail(f"--out: {out.name}: the suffix chooses the format: {', '.join(REPORT_FORMATS)}")
    days = parse_days(since, until)
    # Imported here: the report loads matplotlib (and WeasyPrint for a PDF), which no other
    # command needs, so `reminder --help` and the daemon start without them.
    from reminder import report as clinician_report

    with record_of(patient, days, at) as record:
        values = record.read(clinician_report.build)
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
    typer.echo(f"report of patient {record.patient.id}, {_span(record.window)}: {out}")


def export(
    patient: PatientArgument,
    out: Annotated[Path, typer.Option("--out", dir_okay=False, help="The file to write.")],
    export_format: Annotated[
        str, typer.Option("--format", help="fhir: a FHIR R4 Bundle (JSON); csv: the report's CSV.")
    ] = "fhir",
    since: FromOption = None,
    until: ToOption = None,
    at: AtOption = None,
) -> None:
    """The patient's record for the clinic's systems: a FHIR R4 Bundle, or the report's CSV."""
    if export_format not in EXPORT_FORMATS:
        fail(f"--format: {export_format!r} is not one of {', '.join(EXPORT_FORMATS)}")
    days = parse_days(since, until)
    # Imported here, as for `report`: fhir.resources loads hundreds of models.
    from reminder import fhir
    from reminder import report as clinician_report

    with record_of(patient, days, at) as record:
        if export_format == "fhir":
            try:
                text = fhir.to_json(record.read(fhir.export))
            except fhir.ExportError as exc:
                fail(str(exc))
        else:
            text = clinician_report.csv.render(record.read(clinician_report.build))
    out.write_text(text, encoding="utf-8", newline="")
    typer.echo(
        f"{export_format} export of patient {record.patient.id}, {_span(record.window)}: {out}"
    )


def _span(window: Window) -> str:
    return f"{window.start} to {window.end}"
