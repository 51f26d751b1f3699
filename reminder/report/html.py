"""The report as HTML: a standalone page (no script, no request to any other host) or its body.

``render(report)`` is the whole page, to save or mail; ``render(report, for_print=True)`` adds the
printed page's margins, running header and page numbers (the PDF renderer uses it);
``fragment(report)`` is the body alone and ``stylesheet()`` its CSS, for a page of one's own.
"""

from __future__ import annotations

import base64
import re
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from reminder import screening
from reminder.render import default_templates_dir
from reminder.report import charts, older
from reminder.report.values import LATE_AFTER, Day, DayState, Report

_KINDS = {
    "checkin": "morning check-in",
    "followup": "relapse screen follow-up",
    "site_heal": "has the site healed?",
}


_UNSCOPED = re.compile(r"\.report\s+(?=[^{\s])")  # ".report .cal td", not ".report {"


def _phq(value: int | None) -> str:
    """A PHQ-2 answer in words and number: "2 (more than half the days)"."""
    return "" if value is None else f"{value} ({screening.FREQUENCIES[value]})"


def render(report: Report, *, for_print: bool = False) -> str:
    """The whole page: ``<!DOCTYPE html>`` to ``</html>``, its CSS and charts inline.

    For print each chart is an ``<img>`` of the same SVG in a data: URL: WeasyPrint then draws
    it as one image instead of styling and laying out its elements as part of the page."""
    context = _context(report, images=for_print, for_print=for_print)
    # Printed, the page is the report alone: its rules need no .report scope, and WeasyPrint
    # matches a one-class selector without walking every element's ancestors.
    css = _UNSCOPED.sub("", stylesheet()) if for_print else stylesheet()
    extra = {"for_print": for_print, "stylesheet": Markup(css)}
    return _environment().get_template("report/report.html.j2").render(context | extra)


def fragment(report: Report, *, images: bool = False) -> str:
    """The report's body (``<div class="report">``), to place in another page with ``stylesheet()``.

    The body has no style attribute (its CSS is all in ``stylesheet()``), but an inline chart's SVG
    has; ``images=True`` draws each chart as an ``<img>`` of a data: URL instead, for a page whose
    Content-Security-Policy allows no inline style but ``img-src data:``."""
    return (
        _environment().get_template("report/body.html.j2").render(_context(report, images=images))
    )


@cache
def stylesheet() -> str:
    """The report's CSS; every rule is scoped under ``.report``."""
    return (default_templates_dir() / "report" / "report.css").read_text(encoding="utf-8")


def _context(report: Report, *, images: bool = False, for_print: bool = False) -> dict[str, Any]:
    show = _as_image if images else Markup
    # Printed, a long window sums up its older months (report/older.py); on screen it is whole.
    summed = older.split(report) if for_print else None
    return {
        "report": report,
        "older": summed,
        "weeks": weeks(older.recent_days(report, summed)),
        "check_ins": older.recent_check_ins(report, summed),
        "legend": _legend(report),
        "timeline": show(
            charts.timeline(
                report.symptoms, report.window, marks_from=summed.recent_from if summed else None
            )
        ),
        "body_map": show(charts.body_map(report.sites)),
        "kinds": _KINDS,
        "states": DayState,
        "one_day": timedelta(days=1),
        "late_hours": f"{LATE_AFTER / timedelta(hours=1):g}",
        "phq": _phq,
        "yesno": lambda value: {True: "yes", False: "no", None: ""}[value],
    }


def _as_image(svg: str) -> Markup:
    """An inline chart as an <img> of the same SVG, keeping its class and label."""
    head = svg[: svg.index(">")]
    css_class = head.split('class="', 1)[1].split('"', 1)[0]
    label = head.split('aria-label="', 1)[1].split('"', 1)[0]
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Markup(f'<img class="{css_class}" alt="{label}" src="data:image/svg+xml;base64,{data}">')


def weeks(days: tuple[Day, ...]) -> list[tuple[Day | None, list[Day | None]]]:
    """The calendar's rows, Monday first: (the row's first day, its seven cells or gaps)."""
    rows: list[tuple[Day | None, list[Day | None]]] = []
    if not days:
        return rows
    cells: list[Day | None] = [None] * days[0].day.weekday() + list(days)
    cells += [None] * (-len(cells) % 7)
    for offset in range(0, len(cells), 7):
        week = cells[offset : offset + 7]
        rows.append((next((d for d in week if d is not None), None), week))
    return rows


def _legend(report: Report) -> list[tuple[DayState, int]]:
    counts = dict(report.adherence.counts)
    shown = [s for s in DayState if s != DayState.OUTSIDE or counts.get(s)]
    return [(state, counts.get(state, 0)) for state in shown]


def _d(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


def _d_short(value: date) -> str:
    return f"{value.day} {value:%b}"


def _dts(value: datetime) -> str:
    return f"{value:%a} {value.day} {value:%b %H:%M}"


def _dt(value: datetime) -> str:
    return f"{value:%a} {value.day} {value:%b %Y %H:%M}"


def _duration(value: timedelta) -> str:
    """35 min, 24 h 25 min, 3 d 4 h: exact to the minute for the first two days."""
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours >= 48:
        return f"{hours // 24} d {hours % 24} h"
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def _css_string(value: str) -> Markup:
    """A name inside a CSS string in <style>, where HTML escapes are not decoded: CSS-escaped
    instead, and "<" too, so no name can close the style element."""
    escaped = value.replace("\\", "\\5c ").replace('"', "\\22 ").replace("<", "\\3c ")
    return Markup(escaped.replace("\n", " ").replace("\r", " "))


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(default_templates_dir()),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        d=_d,
        d_short=_d_short,
        dt=_dt,
        dts=_dts,
        hm=lambda value: f"{value:%H:%M}",
        wd=lambda value: f"{value:%a}",
        mon=lambda value: f"{value:%b}",
        duration=_duration,
        pct=_pct,
        mcg=lambda value: f"{value:g}",
        ml=lambda value: f"{value:g}",
        css_string=_css_string,
    )
    return env
