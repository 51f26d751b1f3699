"""The clinician's report of twelve scripted weeks: its values, the CSV, the PDF (text and the
pixels of its first page) and the HTML in real Chromium; and the report of a patient enrolled today.

The history is driven through the real planner, conversation and outbox (tests/report_history.py)
once per database backend and shared by the tests of this module, which only read it.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from reminder import report
from reminder.cli import app
from reminder.clock import SimulatedClock
from reminder.config import Settings, load_settings
from reminder.db import create_db_engine, session_scope, upgrade
from reminder.models import Dose, Patient
from reminder.report import DayState
from tests.conftest import BACKENDS, postgres_schema, require_installed
from tests.report_history import REPORT_AT, History, twelve_weeks
from tests.scenario import CHICAGO, Bot, local

AT = REPORT_AT.isoformat()
SCREENSHOT = Path(__file__).parent.parent / "docs" / "report.png"


@dataclass(frozen=True)
class World:
    engine: Engine
    settings: Settings
    history: History
    env: dict[str, str]

    def report(self, window: report.Window | None = None) -> report.Report:
        with session_scope(self.engine) as session:
            patient = session.get(Patient, self.history.patient_id)
            assert patient is not None
            window = window or report.default_window(patient, REPORT_AT)
            return report.build(session, patient, window, self.settings, REPORT_AT)


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("report")
    config = folder / "reminder.toml"
    # The scripted history answers no depression screen, so none is asked (issue 15's own tests).
    config.write_text(
        '[schedule]\ndefault_timezone = "America/Chicago"\n[screening]\nphq2_every_days = 0\n',
        encoding="utf-8",
    )
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'report.db'}"
        setup = create_db_engine(url)
        upgrade(setup)
        setup.dispose()
        yield from _world(url, config)
        return
    with postgres_schema(f"report_{os.getpid()}") as url:
        yield from _world(url, config)


def _world(url: str, config: Path) -> Iterator[World]:
    env = {"DATABASE_URL": url, "REMINDER_CONFIG": str(config)}
    settings = load_settings(env)
    engine = create_db_engine(url)
    bot = Bot(engine, settings, SimulatedClock(local(3, 3, 9, 0)))
    try:
        yield World(engine, settings, twelve_weeks(bot), env)
    finally:
        engine.dispose()


def require_weasyprint() -> None:
    """Skip a PDF test where pango is missing, except in CI, where .ci/run installs it."""
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"WeasyPrint cannot load pango ({exc}); .ci/run installs it", pytrace=False)
        pytest.skip(f"WeasyPrint cannot load pango: {exc}")


def day(values: report.Report, on: date) -> report.values.Day:
    (found,) = [d for d in values.adherence.days if d.day == on]
    return found


# The values


def test_adherence_counts_taken_over_doses_whose_reminder_went_out(world: World) -> None:
    adherence = world.report().adherence

    # 44 doses planned: 40 taken (2 late), 1 skipped, 1 missed, 1 unconfirmed (the outage), 1
    # due tonight. The unconfirmed one and tonight's are not due against her.
    assert (adherence.taken, adherence.due) == (40, 42)
    assert round(adherence.percent or 0, 1) == 95.2
    assert (adherence.taken_30, adherence.due_30) == (14, 15)  # the missed dose of 27 Apr
    assert dict(adherence.counts) == {
        DayState.ON_TIME: 38,
        DayState.LATE: 2,
        DayState.SKIPPED: 1,
        DayState.MISSED: 1,
        DayState.UNCONFIRMED: 1,
        DayState.DUE: 1,
        DayState.NO_DOSE: 41,
        DayState.OUTSIDE: 5,  # 26 Feb to 2 Mar, before the start of therapy
    }
    gap = adherence.longest_gap
    assert gap is not None  # around the outage: 18 Apr 19:35 to 21 Apr 20:00
    assert (gap.start, gap.end) == (local(4, 18, 19, 35), local(4, 21, 20, 0))
    assert adherence.consecutive_days == 0


def test_each_calendar_cell_shows_what_happened_that_day(world: World) -> None:
    values = world.report()

    assert values.window == report.Window(date(2026, 2, 26), date(2026, 5, 26))
    assert len(values.adherence.days) == 90
    cells = {
        date(2026, 2, 26): (DayState.OUTSIDE, ""),
        date(2026, 3, 3): (DayState.ON_TIME, "✓"),
        date(2026, 3, 4): (DayState.NO_DOSE, "·"),
        date(2026, 3, 9): (DayState.LATE, "L+3h"),  # DONE at 22:45
        date(2026, 3, 17): (DayState.LATE, "L+14h"),  # DONE at 09:40 the next morning
        date(2026, 3, 24): (DayState.SKIPPED, "S"),
        date(2026, 3, 25): (DayState.ON_TIME, "✓"),  # the day after a skip
        date(2026, 4, 20): (DayState.UNCONFIRMED, "?"),  # the service was down
        date(2026, 4, 27): (DayState.MISSED, "✗"),
        date(2026, 5, 26): (DayState.DUE, "…"),
    }
    assert {on: (day(values, on).state, day(values, on).note) for on in cells} == cells
    late = day(values, date(2026, 3, 9))
    assert (late.taken_at, late.hours_late) == (local(3, 9, 22, 45), 3.25)
    # Scores sit on the morning they were given, the day after the dose.
    morning = day(values, date(2026, 5, 13))
    assert (morning.flu, morning.site_score, morning.neuro, morning.alerts) == (
        2,
        8,
        False,
        ("injection_site",),
    )


def test_an_early_dose_is_drawn_on_the_day_it_was_taken_and_counted_as_consecutive(
    world: World,
) -> None:
    with Session(world.engine) as session:
        # Set directly: the conversation that records an early DONE is being built (issue 10).
        # The dose planned for Fri 22 May, taken on Thu 21 May, 26 h after Wednesday's.
        dose = session.exec(select(Dose).where(Dose.day == date(2026, 5, 22))).one()
        dose.taken_at, dose.early = local(5, 21, 21, 40), True
        session.add(dose)
        session.flush()
        patient = session.get(Patient, world.history.patient_id)
        assert patient is not None
        window = report.default_window(patient, REPORT_AT)
        values = report.build(session, patient, window, world.settings, REPORT_AT)
        session.rollback()

    assert day(values, date(2026, 5, 21)).state == DayState.EARLY
    assert day(values, date(2026, 5, 22)).state == DayState.NO_DOSE
    assert values.adherence.consecutive_days == 1  # 20 May and 21 May
    assert (values.adherence.taken, values.adherence.due) == (40, 42)


def test_the_header_names_today_s_dose_the_next_dose_and_the_contacts_in_order(
    world: World,
) -> None:
    header = world.report().header

    assert (header.name, header.start_date, header.titration_step, header.dose_mcg) == (
        "Ada Lovelace",
        date(2026, 3, 3),
        4,
        250.0,
    )
    assert header.next_dose is not None
    assert (header.next_dose.at, header.next_dose.site) == (local(5, 26, 19, 30), "left_abdomen")
    assert header.next_lab == date(2026, 6, 3)  # 3 months after the start
    assert [(c.position, c.name, c.role) for c in header.contacts] == [
        (1, "Grace Hopper", "caregiver"),
        (2, "Joy Okafor", "nurse"),
    ]


def test_sites_are_counted_and_the_injured_one_is_marked_with_its_date(world: World) -> None:
    sites = world.report().sites

    assert {s.site: s.count for s in sites.counts} == {
        "left_arm": 6,
        "right_arm": 6,
        "left_abdomen": 5,
        "right_abdomen": 5,
        "left_buttock": 5,
        "right_buttock": 4,
        "left_thigh": 4,
        "right_thigh": 5,  # one of them named by the patient: "DONE right thigh"
    }
    injured = [(s.site, s.injured_on, s.injured_now) for s in sites.counts if s.injured_on]
    assert injured == [("right_abdomen", (date(2026, 5, 13),), True)]
    assert (sites.next_site, sites.unreported) == ("left_abdomen", 0)


def test_each_alert_shows_who_was_told_who_acknowledged_and_how_fast(world: World) -> None:
    relapse, site = world.report().alerts

    assert (relapse.kind, relapse.status, relapse.created_at) == (
        "possible_relapse",
        "acknowledged",
        local(4, 2, 9, 35),
    )
    assert [(n.to, n.at, n.escalated) for n in relapse.notices] == [
        ("Grace Hopper (caregiver)", local(4, 2, 9, 35), False),
        ("Joy Okafor (nurse)", local(4, 3, 9, 35), True),  # nobody said OK in 24 h
    ]
    assert relapse.re_escalations == 1
    assert (relapse.acknowledged_by, relapse.acknowledged_after) == (
        "Joy Okafor (nurse)",
        timedelta(hours=24, minutes=25),
    )
    assert (site.kind, [n.to for n in site.notices], site.re_escalations) == (
        "injection_site",
        ["Grace Hopper (caregiver)"],
        0,
    )
    assert (site.acknowledged_by, site.acknowledged_after) == (
        "Grace Hopper (caregiver)",
        timedelta(minutes=35),
    )


def test_symptoms_hold_the_relapse_screen_fever_and_the_patient_s_words(world: World) -> None:
    values = world.report()
    symptoms = values.symptoms

    (episode,) = symptoms.episodes
    assert (episode.started_at, episode.ended_at, episode.symptoms, episode.outcome) == (
        local(4, 1, 9, 30),
        local(4, 2, 9, 35),
        ("numbness",),
        "possible relapse alert",
    )
    assert symptoms.neuro_days == (date(2026, 4, 1), date(2026, 4, 2))
    assert symptoms.fever_days == (date(2026, 4, 9),)
    assert (symptoms.flu_threshold, symptoms.site_threshold) == (7, 7)
    assert len(symptoms.points) == 39  # one per answered morning check-in
    words = [c.words for c in values.check_ins if c.words]
    assert words == [("Y still numb",), ("5 2 N feeling tired today",), ("2 8 N blister",)]
    unanswered = [(c.kind, c.asked_at) for c in values.check_ins if c.status == "unanswered"]
    assert unanswered == [
        ("checkin", local(3, 28, 9, 0)),
        ("site_heal", local(5, 20, 9, 0)),  # "has the site healed?", a week after the injury
    ]
    (lab,) = values.labs.reminders
    assert (lab.due_on, lab.sent_at, lab.status) == (date(2026, 4, 3), local(4, 3, 9, 0), "sent")


def test_a_shorter_window_counts_only_its_own_days(world: World) -> None:
    values = world.report(report.Window(date(2026, 4, 1), date(2026, 4, 30)))

    assert len(values.adherence.days) == 30
    assert (values.adherence.taken, values.adherence.due) == (14, 15)
    assert [a.kind for a in values.alerts] == ["possible_relapse"]
    assert [s.count for s in values.sites.counts if s.site == "left_arm"] == [2]


# The command and its three formats


def run(world: World, *args: str) -> str:
    result = CliRunner().invoke(app, list(args), env=world.env)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_csv_has_a_header_and_one_row_per_day(world: World, tmp_path: Path) -> None:
    out = tmp_path / "ada.csv"
    printed = run(world, "report", "Ada Lovelace", "--out", str(out), "--at", AT)

    assert f"2026-02-26 to 2026-05-26: {out}" in printed
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 90
    assert list(rows[0]) == list(report.csv.COLUMNS)
    by_day = {row["date"]: row for row in rows}
    assert {k: by_day["2026-03-09"][k] for k in ("dose_status", "taken_at", "hours_late")} == {
        "dose_status": "late",
        "taken_at": "2026-03-09T22:45-05:00",
        "hours_late": "3.2",
    }
    assert {k: by_day["2026-05-13"][k] for k in ("flu_score", "site_score", "alerts")} == {
        "flu_score": "2",
        "site_score": "8",
        "alerts": "injection_site",
    }
    assert by_day["2026-04-09"]["fever"] == "yes"
    assert by_day["2026-04-20"]["dose_status"] == "unconfirmed"


def test_the_pdf_has_every_section_the_figures_and_the_name_on_every_page(
    world: World, tmp_path: Path
) -> None:
    require_weasyprint()
    pypdf = pytest.importorskip("pypdf")
    out = tmp_path / "ada.pdf"
    run(world, "report", "1", "--out", str(out), "--at", AT)

    pages = [page.extract_text() for page in pypdf.PdfReader(out).pages]
    assert len(pages) >= 4
    for number, text in enumerate(pages, start=1):
        assert "Ada Lovelace" in text
        assert f"Page {number} of {len(pages)}" in text
    everything = " ".join("\n".join(pages).split())  # a table cell's text may wrap
    for words in (
        "Adherence",
        "Last two weeks",
        "Symptoms",
        "Relapse screens",
        "Injection sites",
        "Alerts",
        "Check-in answers",
        "Lab reminders",
        "95%",  # over the window
        "93%",  # over the last 30 days
        "L+14h",
        "Joy Okafor (nurse)",
        "after 35 min",
        "after 24 h 25 min",
        "feeling tired today",
        # The charts' own text, drawn in the PDF: the timeline and the body map are there.
        "score 0-10",
        "injection-site score",
        "Front (facing the patient)",
        "next in rotation",
    ):
        assert words in everything, words
    # Each part a nurse turns to begins a page: symptoms (with sites), alerts, check-ins (with labs).
    first_lines = [text.split("\n", 1)[0] for text in pages]
    assert first_lines[0] == "Ada Lovelace"
    assert {"Symptoms", "Alerts", "Check-in answers"} <= set(first_lines)


def test_the_first_page_printed_holds_the_calendar_and_goes_in_the_readme(
    world: World, tmp_path: Path
) -> None:
    require_installed("pdftoppm", "poppler-utils")
    require_weasyprint()
    import numpy
    from PIL import Image

    out = tmp_path / "ada.pdf"
    run(world, "report", "1", "--out", str(out), "--at", AT)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(out),
            str(tmp_path / "page"),
        ],
        check=True,
        timeout=60,
    )
    page = Image.open(tmp_path / "page.png").convert("RGB")
    pixels = numpy.asarray(page, dtype=numpy.int32)
    inked = float((pixels.sum(axis=2) < 600).mean())
    tinted = float((pixels.max(axis=2) - pixels.min(axis=2) > 20).mean())
    assert inked > 0.03, "the first page is (nearly) blank"
    # The calendar's cells are tinted (and marked): a page of text alone has no colour.
    assert tinted > 0.005, "the calendar is missing from the first page"
    if page.getpixel((0, 0)) == (255, 255, 255):
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(tmp_path / "page.png", SCREENSHOT)


def test_the_html_opens_offline_in_chromium_with_its_charts(world: World, tmp_path: Path) -> None:
    require_installed("/usr/bin/chromium", "chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    out = tmp_path / "ada.html"
    run(world, "report", "1", "--out", str(out), "--at", AT)

    errors: list[str] = []
    elsewhere: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))

            def route(request_route: object) -> None:
                url = request_route.request.url  # type: ignore[attr-defined]
                if url.startswith(("file:", "data:")):
                    request_route.continue_()  # type: ignore[attr-defined]
                else:
                    elsewhere.append(url)
                    request_route.abort()  # type: ignore[attr-defined]

            page.route("**/*", route)
            page.goto(out.as_uri())
            assert page.title().startswith("Ada Lovelace: clinician report")
            charts = page.locator("svg.chart")
            assert charts.count() == 2
            assert page.locator("svg.chart-timeline").get_attribute("aria-label")
            box = page.locator("svg.chart-sites").bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 150
            assert page.locator("script").count() == 0
            assert page.locator(".cal td.state-missed").count() == 1
            assert "Grace Hopper (caregiver)" in page.locator("#alerts").inner_text()
        finally:
            browser.close()
    assert errors == []
    assert elsewhere == []


def test_bad_options_are_refused_with_a_clear_error(world: World, tmp_path: Path) -> None:
    runner = CliRunner()
    for args, words in (
        (["--out", str(tmp_path / "a.docx")], "the suffix chooses the format: .html, .pdf, .csv"),
        (
            ["--out", str(tmp_path / "a.csv"), "--from", "26/05/2026"],
            "--from: '26/05/2026' is not a date",
        ),
        (
            ["--out", str(tmp_path / "a.csv"), "--from", "2026-05-02", "--to", "2026-05-01"],
            "--from 2026-05-02 is after --to 2026-05-01",
        ),
        (["--out", str(tmp_path / "no" / "such" / "a.csv")], "No such file or directory"),
    ):
        result = runner.invoke(app, ["report", "1", *args, "--at", AT], env=world.env)
        assert result.exit_code == 2
        assert words in result.stderr
    result = runner.invoke(
        app, ["report", "Nobody", "--out", str(tmp_path / "a.csv")], env=world.env
    )
    assert result.exit_code == 2
    assert not (tmp_path / "a.csv").exists()


# A patient with nothing yet


def test_a_patient_enrolled_today_gets_a_report_that_says_there_is_nothing_yet(
    engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    bot = Bot(engine, settings, clock)
    patient_id = bot.enrol(start=clock.now().astimezone(CHICAGO).date().isoformat())
    with session_scope(engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        values = report.build(
            session, patient, report.default_window(patient, clock.now()), settings, clock.now()
        )

    assert values.empty
    assert (values.adherence.due, values.adherence.percent, values.adherence.longest_gap) == (
        0,
        None,
        None,
    )
    assert values.header.next_dose is not None
    assert values.header.next_dose.at == local(3, 3, 19, 30)
    page = report.html.render(values)
    assert "Nothing recorded yet." in page
    assert "No check-in answered in this window yet." in page
    assert "No alert in this window." in page
    rows = list(csv.reader(io.StringIO(report.csv.render(values))))
    assert len(rows) == 91
    assert rows[-1][:2] == ["2026-03-03", "no_dose"]
    require_weasyprint()
    assert report.pdf.render(values).startswith(b"%PDF")


def test_the_command_line_starts_without_matplotlib_or_weasyprint() -> None:
    code = (
        "import sys, reminder.cli, reminder.report; "
        "print(sorted(m for m in ('matplotlib', 'weasyprint') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_each_chart_is_a_standalone_svg_with_ids_of_its_own(world: World) -> None:
    import xml.dom.minidom

    from reminder.report import charts

    values = world.report()
    drawn = [charts.timeline(values.symptoms, values.window), charts.body_map(values.sites)]
    ids = []
    for svg in drawn:
        root = xml.dom.minidom.parseString(svg).documentElement  # an <img> needs valid XML
        assert (root.tagName, root.getAttribute("width")) == ("svg", "")  # sized by the page
        ids.append({e.getAttribute("id") for e in root.getElementsByTagName("*")} - {""})
    assert not ids[0] & ids[1]
    assert charts.body_map(values.sites) == drawn[1]  # no date inside: the same bytes each time


def test_the_stylesheet_and_fragment_serve_a_page_of_one_s_own(world: World) -> None:
    values = world.report()
    body = report.html.fragment(values)

    assert body.startswith('<div class="report">')
    assert "<html" not in body and "<svg" in body
    assert ".report .cal" in report.html.stylesheet()
    assert isinstance(values.generated_at, datetime)
