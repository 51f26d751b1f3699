"""The report's care beyond the injection: the PHQ-2 screens of the window with their answers and
alert, the lab tests done and the next due per kind, and the header of a paused or opted-out
patient. A patient lives through the real planner, conversation and outbox on the simulated clock
(once per backend, shared by the tests that only read it); lab tests are recorded with
`reminder lab done`, as an operator does."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from reminder import care, report, views
from reminder.cli import app
from reminder.clock import SimulatedClock
from reminder.config import Settings, load_settings
from reminder.db import create_db_engine, upgrade
from reminder.models import Patient
from tests.conftest import BACKENDS, postgres_schema
from tests.scenario import Bot, local

AT = local(6, 24, 12, 0)


@dataclass(frozen=True)
class Lived:
    engine: Engine
    settings: Settings
    env: dict[str, str]
    patient_id: int

    def cli(self, *args: str) -> str:
        result = CliRunner().invoke(app, list(args), env=self.env)
        assert result.exit_code == 0, result.output
        return result.stdout

    def build(self, window: report.Window | None = None) -> report.Report:
        with Session(self.engine) as session:
            patient = session.get(Patient, self.patient_id)
            assert patient is not None
            window = window or report.Window(date(2026, 3, 3), AT.date())
            return report.build(session, patient, window, self.settings, AT)


@pytest.fixture(scope="module", params=BACKENDS)
def lived(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Lived]:
    folder = tmp_path_factory.mktemp("report_care")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'care.db'}"
        setup = create_db_engine(url)
        upgrade(setup)
        setup.dispose()
        yield from _lived(url, folder)
        return
    with postgres_schema(f"report_care_{os.getpid()}") as url:
        yield from _lived(url, folder)


def _lived(url: str, folder: Path) -> Iterator[Lived]:
    config = folder / "reminder.toml"
    config.write_text('[schedule]\ndefault_timezone = "America/Chicago"\n', encoding="utf-8")
    env = {"DATABASE_URL": url, "REMINDER_CONFIG": str(config)}
    settings = load_settings(env)
    engine = create_db_engine(url)
    try:
        bot = Bot(engine, settings, SimulatedClock(local(3, 3, 9, 0)))
        yield Lived(engine, settings, env, screens_and_labs(bot, env))
    finally:
        engine.dispose()


def screens_and_labs(bot: Bot, env: dict[str, str]) -> int:
    """Four screens four weeks apart (the patient takes no dose: nothing moves them): "2 2"
    raises the alert, the second goes unanswered, "1 0" is below the cut-off, and "2 1" reaches
    it while the first alert is still open. Routine tests on 2 April, thyroid on 10 June."""

    def lab_done(*args: str) -> None:
        result = CliRunner().invoke(app, ["lab", "done", "1", *args], env=env)
        assert result.exit_code == 0, result.output

    patient_id = bot.enrol()
    bot.update_patient(patient_id, thyroid=True)
    for day, answer in ((local(3, 31, 9, 0), "2 2"), (local(4, 28, 9, 0), None)):
        bot.run_until(day)
        if answer:
            bot.say(answer)
    lab_done("--date", "2026-04-02", "--at", local(4, 2, 12).isoformat())
    for day, answer in ((local(5, 26, 9, 0), "1 0"), (local(6, 23, 9, 0), "2 1")):
        bot.run_until(day)
        bot.say(answer)
    lab_done("--kind", "thyroid", "--date", "2026-06-10", "--at", local(6, 23, 12).isoformat())
    bot.run_until(AT)
    return patient_id


def test_each_screen_shows_its_answers_its_total_and_whether_it_raised_the_alert(
    lived: Lived,
) -> None:
    values = lived.build()

    lines = values.screens.lines
    assert [(s.asked_at, s.status) for s in lines] == [
        (local(3, 31, 9, 0), "answered"),
        (local(4, 28, 9, 0), "no answer"),
        (local(5, 26, 9, 0), "answered"),
        (local(6, 23, 9, 0), "answered"),
    ]
    assert [(s.interest, s.mood, s.total, s.positive, s.alert) for s in lines] == [
        (2, 2, 4, True, "raised"),
        (None, None, None, False, ""),
        (1, 0, 1, False, ""),
        (2, 1, 3, True, "already open"),  # counted on the alert of 31 March, not sent again
    ]
    assert values.screens.alert_score == 3
    assert [a.kind for a in values.alerts if a.kind == "depression_screen"] == ["depression_screen"]
    # The screens have their own section, not rows of the check-in table.
    assert all(c.kind != "phq2" for c in values.check_ins)

    page = report.html.render(values)
    assert "Depression screen (PHQ-2)" in page
    assert "2 (more than half the days)" in page and "0 (not at all)" in page
    assert "4 of 6" in page and "depression screen alert raised" in page
    assert "no answer" in page

    by_day = {d.day: d for d in values.adherence.days}
    assert (by_day[date(2026, 3, 31)].phq_interest, by_day[date(2026, 3, 31)].phq_mood) == (2, 2)
    assert by_day[date(2026, 4, 28)].phq_interest is None


def test_the_lab_section_lists_the_tests_done_and_the_next_due_per_kind(lived: Lived) -> None:
    values = lived.build()

    labs = values.labs
    assert [(t.done_on, t.kind, t.source) for t in labs.done] == [
        (date(2026, 4, 2), "blood_count", "operator"),
        (date(2026, 4, 2), "liver", "operator"),
        (date(2026, 6, 10), "thyroid", "operator"),
    ]
    with Session(lived.engine) as session:
        patient = session.get(Patient, lived.patient_id)
        assert patient is not None
        shown = care.labs_view(session, patient, lived.settings)  # what `patient show` prints
    due = {t.kind: (t.last_done, t.due_on) for t in labs.due}
    assert due == {
        "blood_count": (date(2026, 4, 2), date.fromisoformat(shown["next_on"])),
        "liver": (date(2026, 4, 2), date.fromisoformat(shown["next_on"])),
        "thyroid": (date(2026, 6, 10), date.fromisoformat(shown["next_thyroid_on"])),
    }
    assert values.header.next_lab == date.fromisoformat(shown["next_on"])

    page = report.html.render(values)
    for words in ("Lab tests", "Done in this window", "Next due", "thyroid function"):
        assert words in page, words
    # A window before any test: none done, and the next dates all the same.
    early = lived.build(report.Window(date(2026, 3, 3), date(2026, 3, 31)))
    assert early.labs.done == () and early.labs.due == labs.due


def test_the_csv_has_the_day_s_phq2_answers_and_lab_tests(lived: Lived, tmp_path: Path) -> None:
    out = tmp_path / "ada.csv"
    lived.cli("report", "1", "--out", str(out), "--from", "2026-03-03", "--at", AT.isoformat())

    rows = {r["date"]: r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
    assert (rows["2026-03-31"]["phq2_interest"], rows["2026-03-31"]["phq2_mood"]) == ("2", "2")
    assert (rows["2026-06-23"]["phq2_interest"], rows["2026-06-23"]["phq2_mood"]) == ("2", "1")
    assert rows["2026-04-28"]["phq2_interest"] == ""
    assert rows["2026-04-02"]["lab_tests"] == "blood_count;liver"
    assert rows["2026-06-10"]["lab_tests"] == "thyroid"


@pytest.mark.parametrize("every_days", [28, 0])
def test_a_window_without_a_screen_or_a_test_says_so(
    database_url: str, engine: Engine, clock: SimulatedClock, tmp_path: Path, every_days: int
) -> None:
    config = tmp_path / "reminder.toml"
    config.write_text(f"[screening]\nphq2_every_days = {every_days}\n", encoding="utf-8")
    settings = load_settings({"DATABASE_URL": database_url, "REMINDER_CONFIG": str(config)})
    patient_id = Bot(engine, settings, clock).enrol()
    with Session(engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        values = report.build(
            session, patient, report.default_window(patient, clock.now()), settings, clock.now()
        )

    assert values.screens.lines == () and values.labs.done == ()
    page = report.html.render(values)
    if every_days:
        assert "No depression screen was due or answered in this window" in page
    else:
        assert "the screen is turned off" in page
    assert "No lab test recorded as done in this window" in page


def test_a_paused_or_opted_out_patient_has_no_next_dose_and_no_next_site(
    engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    bot = Bot(engine, settings, clock)
    patient_id = bot.enrol()
    bot.run_until(local(3, 3, 19, 35))
    bot.say("DONE left arm")

    def header_and_sites() -> tuple[report.values.Header, report.values.Sites, str, object]:
        with Session(engine) as session:
            patient = session.get(Patient, patient_id)
            assert patient is not None
            values = report.build(
                session, patient, report.default_window(patient, clock.now()), settings, clock.now()
            )
            shown = views.patient_detail(session, patient, settings)  # `patient show`
        return values.header, values.sites, report.html.render(values), shown["next_dose"]

    header, sites, _, _ = header_and_sites()
    assert header.next_dose is not None and sites.next_site == "right_arm"

    bot.say("PAUSE 3")
    header, sites, page, shown = header_and_sites()
    assert (header.status, header.next_dose, shown) == ("paused", None, None)
    assert (sites.next_site, sites.next_label) == (None, "paused: no dose planned")
    assert "Next in rotation: <strong>paused: no dose planned</strong>" in page
    assert "none planned while reminders are paused" in page
    assert "every other site is injured" not in page

    bot.say("STOP")
    header, sites, page, shown = header_and_sites()
    assert (header.status, header.next_dose, shown) == ("opted_out", None, None)
    assert sites.next_label == "opted out: no dose planned"
    assert "none planned while reminders are opted out" in page


def test_printed_a_long_window_keeps_its_last_90_days_in_full_and_sums_up_the_months_before(
    lived: Lived,
) -> None:
    values = lived.build()  # 3 March to 24 June: 114 days
    printed = report.html.render(values, for_print=True)
    screen = report.html.render(values)

    assert "Before Fri 27 Mar 2026, month by month" in printed
    march = printed.split("<td>Mar 2026 (3-26)</td>", 1)[1].split("</tr>", 1)[0]
    # Not one dose taken in March: one is due (and missed) each day, and the adherence alert.
    assert march == "<td>0 of 24</td>" + "<td>0</td>" * 4 + "<td>24</td><td>0</td><td>1</td>"
    assert "Calendar, from Fri 27 Mar 2026" in printed
    assert printed.count('title="Fri 27 Mar 2026: ') == 1
    assert 'title="Thu 26 Mar 2026: ' not in printed
    # On screen (and in the CSV) every day of the window stays.
    assert "month by month" not in screen and 'title="Tue 3 Mar 2026: ' in screen
