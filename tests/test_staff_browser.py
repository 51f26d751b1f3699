"""A nurse's day in real Chromium: log in, see the urgent alert a patient's text raised, acknowledge
it, read the conversation, pause the patient; another team's patient stays closed to her.

Screenshots are kept in test-artifacts/staff/ (TEST_ARTIFACTS overrides the folder); the alerts
page is copied to docs/dashboard.png for the README.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import uvicorn
from sqlmodel import select

from reminder.app import App
from reminder.db import session_scope
from reminder.models import Alert, AlertStatus, Message, MessageStatus, PatientStatus
from reminder.web import create_app
from tests.conftest import require_installed
from tests.mail_servers import free_port
from tests.staff_world import (  # noqa: F401  (fixture)
    ADA_PHONE,
    PASSWORD,
    SELF_HARM,
    Clinic,
    clinic_fixture,
)
from tests.test_checkin_form import CHROMIUM, CHROMIUM_ARGS

sync_api = pytest.importorskip("playwright.sync_api")
ROOT = Path(__file__).parent.parent
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", ROOT / "test-artifacts")) / "staff"
README_SCREENSHOT = ROOT / "docs" / "dashboard.png"
DESKTOP = {"width": 1280, "height": 900}
CHICAGO = ZoneInfo("America/Chicago")


@pytest.fixture
def base_url(clinic: Clinic) -> Iterator[str]:
    port = free_port()
    web = create_app(App(clinic.settings, clinic.engine, clinic.clock))
    server = uvicorn.Server(uvicorn.Config(web, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the web server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)


@pytest.fixture
def page() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        require_installed(CHROMIUM, "chromium")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=DESKTOP)
        try:
            yield context.new_page()
        finally:
            browser.close()


def shot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_a_nurse_acknowledges_an_urgent_alert_raised_by_a_text_and_pauses_the_patient(
    clinic: Clinic, base_url: str, page
) -> None:  # type: ignore[no-untyped-def]
    expect = sync_api.expect
    clinic.bot.say(SELF_HARM, sender=ADA_PHONE)  # a real inbound text, through the conversation
    with session_scope(clinic.engine) as session:
        alert = session.exec(select(Alert).where(Alert.patient_id == clinic.ada)).one()
    assert alert.severity == "urgent" and alert.status == AlertStatus.OPEN

    page.goto(f"{base_url}/staff/")
    expect(page.get_by_role("heading", name="Staff log in")).to_be_visible()
    page.get_by_label("Name or email").fill("nora")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name=re.compile(r"^Alerts"))).to_contain_text("1 open")
    card = page.get_by_role("article").filter(has_text="Ada Lovelace")
    expect(card).to_contain_text("urgent")
    expect(card).to_contain_text(SELF_HARM)
    expect(card).to_contain_text("Carl Lovelace (caregiver) +13125550170: sent")
    README_SCREENSHOT.parent.mkdir(exist_ok=True)
    shutil.copyfile(shot(page, "alerts"), README_SCREENSHOT)

    card.get_by_label("Note (optional)").fill("called Ada, she is safe with Carl")
    card.get_by_role("button", name=f"Acknowledge alert {alert.id}").click()

    expect(page.get_by_role("status")).to_contain_text("The alert is acknowledged")
    shot(page, "acknowledged")
    with session_scope(clinic.engine) as session:
        stored = session.get(Alert, alert.id)
        assert stored is not None
        assert stored.status == AlertStatus.ACKNOWLEDGED
        assert stored.acknowledged_by == clinic.nurse_contact  # as her OK by SMS would
        assert stored.escalate_at is None
        notices = session.exec(
            select(Message).where(Message.template == "alert_acknowledged")
        ).all()
    # Carl was told of the alert, so he hears it is taken care of; Nora acknowledged it herself.
    assert [(m.contact_id, m.status) for m in notices] == [
        (clinic.caregiver_contact, MessageStatus.QUEUED)
    ]

    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Ada Lovelace").click()
    expect(page.get_by_role("heading", level=1).first).to_contain_text("Ada Lovelace")
    report = page.locator("details.report-box")
    expect(
        report.get_by_role("heading", name="Adherence")
    ).to_be_hidden()  # folded: the thread first
    report.get_by_text("Clinician report, last 90 days").click()
    expect(report.get_by_role("heading", name="Adherence")).to_be_visible()
    thread = page.locator("ol.thread")
    expect(thread).to_contain_text(SELF_HARM)
    expect(thread).to_contain_text("If you are thinking about harming yourself")
    page.get_by_label("Pause for").fill("3")
    page.get_by_role("button", name="Pause reminders").click()
    expect(page.get_by_role("status")).to_contain_text("reminders are paused")
    expect(page.get_by_role("button", name="Resume reminders")).to_be_visible()
    shot(page, "patient")
    assert clinic.bot.patient(clinic.ada).status == PatientStatus.PAUSED
    link = page.get_by_role("link", name="PDF").get_attribute("href")
    pdf = page.context.request.get(f"{base_url}{link}")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    assert pdf.headers["content-disposition"].startswith(
        f'attachment; filename="report-{clinic.ada}-'
    )

    refused = page.goto(f"{base_url}/staff/patients/{clinic.bob}")
    assert refused is not None and refused.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    shot(page, "another-team-refused")

    trail = [(e.action, e.account_name, e.patient_id, e.address) for e in clinic.audit()]
    here = "127.0.0.1"
    assert trail == [
        ("login", "nora", None, here),
        ("alert_acknowledged", "nora", clinic.ada, here),
        ("patient_viewed", "nora", clinic.ada, here),
        ("patient_paused", "nora", clinic.ada, here),
        ("patient_viewed", "nora", clinic.ada, here),
        ("report_downloaded", "nora", clinic.ada, here),
        ("patient_refused", "nora", clinic.bob, here),
    ]
    assert clinic.audit()[1].detail == "called Ada, she is safe with Carl"


def log_in(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base_url}/staff/")
    page.get_by_label("Name or email").fill("nora")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    sync_api.expect(page.get_by_role("heading", name=re.compile(r"^Alerts"))).to_be_visible()


def test_the_patient_s_report_shows_its_charts_and_breaks_no_content_security_rule(
    clinic: Clinic, base_url: str, page
) -> None:  # type: ignore[no-untyped-def]
    # A dose taken and its check-in answered: the report draws both charts.
    bot = clinic.bot
    bot.run_until(datetime(2026, 3, 3, 19, 35, tzinfo=CHICAGO))
    bot.say("DONE left arm", sender=ADA_PHONE)
    bot.run_until(datetime(2026, 3, 4, 9, 30, tzinfo=CHICAGO))
    bot.say("3 2 N", sender=ADA_PHONE)
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text} ({m.location['url']})"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))

    log_in(page, base_url)
    page.goto(f"{base_url}/staff/patients/{clinic.ada}")
    report = page.locator("details.report-box")
    report.get_by_text("Clinician report, last 90 days").click()
    expect = sync_api.expect
    expect(report.get_by_role("heading", name="Depression screen (PHQ-2)")).to_be_visible()
    charts = report.locator("img.chart")
    expect(charts).to_have_count(2)
    for index in range(2):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        assert chart.evaluate("img => img.complete && img.naturalWidth > 0"), "a chart is blank"
    assert report.locator("[style]").count() == 0  # no inline style left for the CSP to refuse
    shot(page, "patient-report")

    assert not [line for line in console if "Content Security Policy" in line], console
    # The browser's own request for /favicon.ico (the dashboard has none) is the only 404.
    errors = [line for line in console if line.startswith(("error", "pageerror"))]
    assert not [line for line in errors if not line.endswith("/favicon.ico)")], console
