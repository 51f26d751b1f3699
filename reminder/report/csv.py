"""The report as CSV: one row per day of the window, UTF-8 with a header row, for a spreadsheet."""

from __future__ import annotations

import csv
import io

from reminder.report.values import Day, Report

COLUMNS = (
    "date",
    "dose_status",  # a DayState value: on_time, late, early, skipped, missed, unconfirmed, ...
    "scheduled_at",
    "taken_at",
    "hours_late",
    "dose_mcg",
    "site",
    "flu_score",
    "site_score",
    "neuro_symptom",
    "symptoms",
    "fever",
    "alerts",
    "phq2_interest",  # a PHQ-2 screen answered that day: little interest or pleasure, 0-3
    "phq2_mood",  # feeling down, depressed or hopeless, 0-3
    "lab_tests",  # lab tests done that day: blood_count, liver, thyroid
)


def render(report: Report) -> str:
    """The CSV text (RFC 4180 line endings); times are ISO 8601 in the patient's zone."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(row(day) for day in report.adherence.days)
    return buffer.getvalue()


def row(day: Day) -> list[str]:
    return [
        day.day.isoformat(),
        day.state.value,
        _text(day.scheduled_at.isoformat(timespec="minutes") if day.scheduled_at else None),
        _text(day.taken_at.isoformat(timespec="minutes") if day.taken_at else None),
        _text(f"{day.hours_late:.1f}" if day.hours_late is not None else None),
        _text(f"{day.dose_mcg:g}" if day.dose_mcg is not None else None),
        _text(day.site),
        _text(day.flu),
        _text(day.site_score),
        _yes_no(day.neuro),
        ";".join(day.symptoms),
        _yes_no(day.fever),
        ";".join(day.alerts),
        _text(day.phq_interest),
        _text(day.phq_mood),
        ";".join(day.lab_tests),
    ]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no", None: ""}[value]
