"""The clinician's report: one patient's adherence, symptoms, sites, alerts, check-ins and labs.

    from reminder import report
    values = report.build(session, patient, window, settings, now)   # plain frozen values
    page = report.html.render(values)        # a standalone HTML page (str), charts inline as SVG
    body = report.html.fragment(values)      # the body alone, for another page, with
    css = report.html.stylesheet()           # its CSS (every rule scoped under .report)
    pdf = report.pdf.render(values)          # bytes, via WeasyPrint
    text = report.csv.render(values)         # one row per day (str)

``window`` is a ``report.Window`` of local dates (``report.default_window(patient, now)``: the last
90 days). Building reads the database; rendering does not. Importing this package loads neither
matplotlib nor WeasyPrint: the renderers' modules do, when imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from reminder.report.assemble import build, default_window
from reminder.report.values import LATE_AFTER, DayState, Report, Window

if TYPE_CHECKING:
    from reminder.report import csv, html, pdf

__all__ = [
    "LATE_AFTER",
    "DayState",
    "Report",
    "Window",
    "build",
    "csv",
    "default_window",
    "html",
    "pdf",
]


def __getattr__(name: str) -> Any:
    # report.html / report.pdf / report.csv on first use, so `import reminder.report` stays light.
    if name in ("html", "pdf", "csv"):
        return importlib.import_module(f"reminder.report.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
