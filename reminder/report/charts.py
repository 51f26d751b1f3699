"""The report's charts, drawn on the server by matplotlib as SVG text to inline in the page.

Black-and-white readable: lines differ by style and marker, areas by hatching, marks carry letters.
No pyplot: each chart is its own Figure on the SVG canvas, so the web server can draw in threads.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta

import matplotlib

matplotlib.use("svg")  # never a GUI backend: the report is drawn in a CLI or a web server

from matplotlib.axes import Axes  # noqa: E402  (after the backend is chosen)
from matplotlib.backends.backend_svg import FigureCanvasSVG  # noqa: E402
from matplotlib.dates import AutoDateLocator, DateFormatter  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Circle, FancyBboxPatch  # noqa: E402

from reminder.report.values import SiteCount, Sites, Symptoms, Window  # noqa: E402

_STYLE = {
    # Text stays text in the SVG: it is searchable, selectable and copied into the PDF as text.
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.edgecolor": "#333333",
    "axes.linewidth": 0.8,
}
FLU = "#1f3f8f"  # dark blue, a solid line with round marks
SITE = "#b34700"  # dark orange, a dashed line with open squares


def _svg(figure: Figure, name: str, label: str) -> str:
    """The figure as an <svg> element: no XML prolog, scaled to the width of its container."""
    buffer = io.StringIO()
    with matplotlib.rc_context(_STYLE | {"svg.hashsalt": name}):
        # No creation date in the metadata: the same report draws the same bytes.
        FigureCanvasSVG(figure).print_svg(buffer, metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    head, rest = text.split(">", 1)
    # Sized by the page (CSS), not in points: drop the root's width and height, keep the rest
    # (its xlink namespace above all, without which the markers do not parse as XML).
    text = re.sub(r'\s(width|height)="[^"]*"', "", head) + ">" + rest
    # matplotlib numbers its ids per figure (text_1, line2d_1, ...): prefixed with the chart's
    # name, two charts on one page never share an id.
    text = re.sub(r'\bid="([^"]+)"', rf'id="{name}-\1"', text)
    text = re.sub(r'(href="#|url\(#)([^")]+)', rf"\1{name}-\2", text)
    return text.replace(
        "<svg",
        f'<svg class="chart chart-{name}" role="img" aria-label="{label}"'
        ' preserveAspectRatio="xMidYMid meet"',
        1,
    )


def _naive(moment: datetime) -> datetime:
    # matplotlib would convert an aware time to UTC: the chart is drawn in the patient's wall time.
    return moment.replace(tzinfo=None)


def timeline(symptoms: Symptoms, window: Window, *, marks_from: date | None = None) -> str:
    """Flu-like and injection-site scores over the window, with the [triage] thresholds as
    lines, fever (F) and neurological symptom (N) days marked, relapse screens hatched.

    With ``marks_from``, the scores before that day are the lines alone, without a mark at each
    check-in (fewer shapes to print in a long window); fever and symptom days keep theirs."""
    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(7.4, 2.9))
        ax = figure.add_axes((0.06, 0.27, 0.92, 0.68))
        start = datetime.combine(window.start, datetime.min.time())
        end = datetime.combine(window.end, datetime.min.time()) + timedelta(days=1)
        for number, episode in enumerate(symptoms.episodes):
            ax.axvspan(
                _naive(episode.started_at),
                _naive(max(episode.ended_at, episode.started_at + timedelta(hours=12))),
                facecolor="#e6e6e6",
                edgecolor="#555555",
                hatch="///",
                linewidth=0.6,
                label="relapse screen (report to outcome)" if number == 0 else None,
            )
        flu = [(p.at, p.flu) for p in symptoms.points if p.flu is not None]
        site = [(p.at, p.site_score) for p in symptoms.points if p.site_score is not None]
        if flu:
            ax.plot(
                [_naive(a) for a, _ in flu],
                [s for _, s in flu],
                color=FLU,
                linestyle="-",
                marker="o",
                markevery=_marked(flu, marks_from),
                markersize=3.5,
                linewidth=1.2,
                label="flu-like score",
            )
        if site:
            ax.plot(
                [_naive(a) for a, _ in site],
                [s for _, s in site],
                color=SITE,
                linestyle="--",
                marker="s",
                markevery=_marked(site, marks_from),
                markersize=3.5,
                markerfacecolor="white",
                linewidth=1.2,
                label="injection-site score",
            )
        _thresholds(ax, symptoms, start)
        # Fever and symptom days: a row of marks each above the scores, named at the left.
        ax.scatter(
            [_noon(d) for d in symptoms.fever_days],
            [10.9] * len(symptoms.fever_days),
            marker="v",
            s=22,
            color="black",
            label="fever reported",
        )
        ax.scatter(
            [_noon(d) for d in symptoms.neuro_days],
            [12.0] * len(symptoms.neuro_days),
            marker="D",
            s=16,
            facecolor="white",
            edgecolor="black",
            label="new or worse neurological symptom",
        )
        ax.text(end, 10.9, "fever ", ha="right", va="center", fontsize=7)
        ax.text(end, 12.0, "symptom ", ha="right", va="center", fontsize=7)
        ax.set_xlim(start, end)
        ax.set_ylim(-0.4, 12.8)
        ax.set_yticks(range(0, 11, 2))
        ax.set_ylabel("score 0-10")
        ax.grid(axis="y", color="#dddddd", linewidth=0.5)
        locator = AutoDateLocator(minticks=4, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(DateFormatter("%d %b"))
        ax.spines[["top", "right"]].set_visible(False)
        handles, labels = ax.get_legend_handles_labels()
        figure.legend(
            handles, labels, loc="lower center", ncol=3, frameon=False, bbox_to_anchor=(0.5, 0.0)
        )
        return _svg(figure, "timeline", "Flu-like and injection-site scores over time")


def _marked(points: list[tuple[datetime, int]], since: date | None) -> list[bool] | None:
    if since is None:
        return None
    return [at.date() >= since for at, _ in points]


def _thresholds(ax: Axes, symptoms: Symptoms, start: datetime) -> None:
    flu, site = symptoms.flu_threshold, symptoms.site_threshold
    lines = {flu: "flu-like alert"} if flu != site else {flu: "alert (flu-like and site)"}
    if flu != site:
        lines[site] = "site alert"
    for score, name in lines.items():
        ax.axhline(score, color="#000000", linestyle=":", linewidth=1.0)
        ax.text(start + timedelta(days=1), score + 0.2, f"{name} at {score} or more", fontsize=7)


def _noon(day: object) -> datetime:
    return datetime.combine(day, datetime.min.time()) + timedelta(hours=12)  # type: ignore[arg-type]


# Where each site sits on the outline: (view, x, y); the front view faces the patient, so the
# patient's left is on the viewer's right there, and on the viewer's left in the back view.
_PLACES = {
    "right_abdomen": ("front", -0.8, 5.7),
    "left_abdomen": ("front", 0.8, 5.7),
    "right_thigh": ("front", -0.78, 2.4),
    "left_thigh": ("front", 0.78, 2.4),
    "left_arm": ("back", -2.1, 7.0),
    "right_arm": ("back", 2.1, 7.0),
    "left_buttock": ("back", -0.8, 4.3),
    "right_buttock": ("back", 0.8, 4.3),
}
_SHORT = {
    "left_arm": "L back of arm",
    "right_arm": "R back of arm",
    "left_abdomen": "L abdomen",
    "right_abdomen": "R abdomen",
    "left_buttock": "L buttock",
    "right_buttock": "R buttock",
    "left_thigh": "L thigh",
    "right_thigh": "R thigh",
}
_RADIUS = 0.5
_LABEL_X = 2.9  # captions sit outside the outline, joined to their site by a thin line


def body_map(sites: Sites) -> str:
    """Front and back outlines with the injections per site in circles; an injured site has a
    hatched ring and the date it was reported, the next suggested site a thick outer ring."""
    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(7.2, 4.0))
        views = {
            "front": figure.add_axes((0.0, 0.0, 0.5, 0.92)),
            "back": figure.add_axes((0.5, 0.0, 0.5, 0.92)),
        }
        for view, ax in views.items():
            _outline(ax)
            ax.set_title(
                "Front (facing the patient)" if view == "front" else "Back (from behind)",
                fontweight="bold",
                fontsize=10,
            )
            left_x = 2.7 if view == "front" else -2.7
            ax.text(left_x, 9.3, "patient's left", ha="center", fontsize=8, color="#444444")
            ax.text(-left_x, 9.3, "patient's right", ha="center", fontsize=8, color="#444444")
        for count in sites.counts:
            view, x, y = _PLACES[count.site]
            _site(views[view], x, y, count, nxt=count.site == sites.next_site)
        return _svg(figure, "sites", "Injections per site, front and back")


def _site(ax: Axes, x: float, y: float, count: SiteCount, *, nxt: bool) -> None:
    injured = count.injured_now or bool(count.injured_on)
    if injured:
        # A hatched ring, not a hatched disc, so the count inside stays readable.
        ax.add_patch(
            Circle(
                (x, y),
                _RADIUS + 0.22,
                facecolor="white",
                edgecolor="#8b0000",
                hatch="xxxx",
                linewidth=1.0,
            )
        )
    if nxt:
        ax.add_patch(Circle((x, y), _RADIUS + 0.2, fill=False, linewidth=2.6, edgecolor="black"))
    ax.add_patch(
        Circle(
            (x, y),
            _RADIUS,
            facecolor="white",
            edgecolor="#8b0000" if injured else "black",
            linewidth=1.4,
        )
    )
    ax.text(x, y, str(count.count), ha="center", va="center", fontweight="bold", fontsize=12)
    caption = _SHORT[count.site]
    if nxt:
        caption += "\nnext in rotation"
    if count.injured_on:
        caption += "\ninjured " + ", ".join(f"{d.day} {d:%b}" for d in count.injured_on)
    elif count.injured_now:
        caption += "\ninjured"
    side = -1 if x < 0 else 1
    label_x = side * _LABEL_X
    ax.plot([x + side * (_RADIUS + 0.05), label_x - side * 0.1], [y, y], color="#777777", lw=0.6)
    ax.text(
        label_x,
        y,
        caption,
        ha="right" if side < 0 else "left",
        va="center",
        fontsize=8.5,
        fontweight="bold" if injured or nxt else "normal",
        color="#8b0000" if injured else "black",
    )


def _outline(ax: Axes) -> None:
    """A plain figure outline: head, torso, arms and legs, in grey."""
    style = {"facecolor": "#f4f4f4", "edgecolor": "#888888", "linewidth": 1.0}
    ax.add_patch(Circle((0, 9.1), 0.65, **style))
    ax.add_patch(FancyBboxPatch((-1.5, 3.9), 3.0, 4.6, boxstyle="round,pad=0.1", **style))
    for x in (-2.5, 1.7):
        ax.add_patch(FancyBboxPatch((x, 4.6), 0.8, 3.8, boxstyle="round,pad=0.1", **style))
    for x in (-1.45, 0.1):
        ax.add_patch(FancyBboxPatch((x, -0.2), 1.35, 4.0, boxstyle="round,pad=0.1", **style))
    ax.set_xlim(-6.7, 6.7)
    ax.set_ylim(-0.5, 10.0)
    ax.set_aspect("equal")
    ax.axis("off")
