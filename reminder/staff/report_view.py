"""The clinician's report (reminder/report/) on the dashboard: its body on the patient page, and the
same report as PDF or CSV to download. Nothing here draws the report; it only asks for it.
"""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup
from sqlmodel import Session

from reminder import report
from reminder.config import Settings
from reminder.models import Patient


def window(patient: Patient, now: datetime) -> report.Window:
    """The window the dashboard shows and downloads: the last 90 days, today included."""
    return report.default_window(patient, now)


def build(session: Session, patient: Patient, settings: Settings, now: datetime) -> report.Report:
    """The report of the default window (the last 90 days, today included)."""
    return report.build(session, patient, window(patient, now), settings, now)


def fragment(values: report.Report) -> Markup:
    """The report's body; its renderer escapes every value it places (the report's own tests).
    Its charts are images (data: URLs): inline SVG carries style attributes the CSP refuses."""
    return Markup(report.html.fragment(values, images=True))


def stylesheet() -> str:
    return report.html.stylesheet()


def pdf(values: report.Report) -> bytes:
    return report.pdf.render(values)


def csv(values: report.Report) -> str:
    return report.csv.render(values)


def file_name(patient: Patient, values: report.Report, suffix: str) -> str:
    """report-12-2026-01-01-2026-03-31.pdf: the patient's id, never the name, in a file name."""
    return f"report-{patient.id}-{values.window.start}-{values.window.end}.{suffix}"
