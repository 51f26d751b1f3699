"""The pages behind the signed links, in real Chromium: a mail from a real SMTP server (aiosmtpd),
its link opened, answered and submitted; the answer checked in the database."""

from __future__ import annotations

import random
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from reminder.app import App, Transports
from reminder.clock import SimulatedClock
from reminder.config import Settings
from reminder.conversation import receive
from reminder.db import session_scope
from reminder.models import (
    Channel,
    CheckIn,
    CheckInStatus,
    Dose,
    DoseStatus,
    InboundMessage,
    MessageKind,
    Patient,
    PatientStatus,
)
from reminder.outbox import Outbox
from reminder.render import Renderer
from reminder.web import create_app
from tests.conftest import require_installed
from tests.mail_servers import (  # noqa: F401  (fixtures)
    PATIENT_EMAIL,
    SmtpServer,
    advance_until_queued,
    email_settings,
    enrol_by_email,
    free_port,
    parts,
    smtp_server_fixture,
    until_reminder,
)

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
SCREENSHOT = Path(__file__).parent.parent / "docs" / "checkin-form.png"


@dataclass
class World:
    engine: Engine
    settings: Settings
    clock: SimulatedClock
    smtp: SmtpServer
    outbox: Outbox
    patient_id: int

    def dispatch(self) -> None:
        self.outbox.dispatch()

    def advance_until_queued(self, kind: MessageKind) -> None:
        advance_until_queued(self.engine, self.settings, self.clock, self.patient_id, kind)

    def link(self, kind: str) -> str:
        """The newest mail's link of that kind ("t", "c", "u")."""
        for mail in reversed(self.smtp.received):
            found = re.search(rf"http://127\.0\.0\.1:\d+/{kind}/\S+", parts(mail)[0])
            if found:
                return found.group(0)
        raise AssertionError(f"no /{kind}/ link in any mail")


@pytest.fixture
def world(
    engine: Engine,
    database_url: str,
    clock: SimulatedClock,
    tmp_path: Path,
    smtp_server: SmtpServer,
) -> Iterator[World]:
    port = free_port()
    settings = email_settings(
        tmp_path, database_url, smtp_server.port, base_url=f"http://127.0.0.1:{port}"
    )
    outbox = Outbox(engine, settings, clock, Transports(settings), Renderer(), rng=random.Random(1))
    web = create_app(App(settings, engine, clock), outbox)
    server = uvicorn.Server(uvicorn.Config(web, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the web server did not start"
        time.sleep(0.02)
    patient_id = enrol_by_email(engine, settings, clock)
    until_reminder(engine, settings, clock, patient_id)
    world = World(engine, settings, clock, smtp_server, outbox, patient_id)
    world.dispatch()
    try:
        yield world
    finally:
        server.should_exit = True
        thread.join(timeout=5)


@pytest.fixture
def page() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        require_installed(CHROMIUM, "chromium")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
        try:
            yield context.new_page()
        finally:
            browser.close()


def _take_dose(world: World, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(world.link("t"))
    page.get_by_role("button", name="Yes, I took it").click()
    sync_api.expect(page.get_by_role("heading", name="Thank you")).to_be_visible()


def _checkin(world: World) -> CheckIn:
    with session_scope(world.engine) as session:
        checkin = session.exec(select(CheckIn).where(CheckIn.patient_id == world.patient_id)).one()
        session.expunge(checkin)
        return checkin


def test_i_took_it_from_a_reminder_mail_marks_the_dose_taken(world: World, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(world.link("t"))
    sync_api.expect(page.get_by_role("heading")).to_contain_text("Did you take your injection")
    with session_scope(world.engine) as session:  # opening the link alone changes nothing
        first = session.exec(select(Dose).order_by(col(Dose.id))).first()
        assert first is not None and first.status == DoseStatus.PENDING

    page.get_by_role("button", name="Yes, I took it").click()

    sync_api.expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    with session_scope(world.engine) as session:
        dose = session.exec(select(Dose).order_by(col(Dose.id))).first()
        inbound = session.exec(select(InboundMessage)).one()
        assert (
            dose is not None
            and dose.status == DoseStatus.TAKEN
            and dose.taken_at == world.clock.now()
        )
        assert (inbound.channel, inbound.sender, inbound.body) == (
            Channel.EMAIL,
            PATIENT_EMAIL,
            "DONE",
        )
        assert inbound.patient_id == world.patient_id


def test_the_nudges_i_took_it_pressed_after_the_dose_was_recorded_records_no_second_dose(
    world: World,
) -> None:
    reminder_link = world.link("t")
    world.advance_until_queued(MessageKind.NUDGE)  # no answer by the evening: the morning nudge
    world.dispatch()
    nudge_link = world.link("t")
    assert _post(reminder_link)[0] == 200  # taken, from the reminder's own link
    world.clock.advance(timedelta(hours=26))  # the nudge's link still works the next day

    status, page = _post(nudge_link)

    assert status == 410 and 'data-reason="used"' in page
    with session_scope(world.engine) as session:
        doses = list(session.exec(select(Dose).order_by(col(Dose.id))))
        answers = list(session.exec(select(InboundMessage)))
    assert [dose.status for dose in doses] == [DoseStatus.TAKEN, DoseStatus.PENDING]
    assert len(answers) == 1


def test_the_checkin_form_from_a_mail_records_the_answers_like_an_sms_reply(
    world: World,
    page,  # type: ignore[no-untyped-def]
) -> None:
    _take_dose(world, page)
    world.advance_until_queued(MessageKind.CHECKIN)
    world.dispatch()
    link = world.link("c")

    page.goto(link)
    sync_api.expect(page.get_by_role("heading")).to_contain_text("How are you, Ann?")
    page.get_by_role("radiogroup", name="Flu-like symptoms").get_by_text("3", exact=True).click()
    page.get_by_role("radiogroup", name="Injection-site reaction").get_by_text(
        "1", exact=True
    ).click()
    page.get_by_role("group", name=re.compile("new or worse vision")).get_by_text("No").click()
    page.get_by_role("group", name="Do you have a fever?").get_by_text("No").click()
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.get_by_role("button", name="Send my answers").click()

    sync_api.expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    checkin = _checkin(world)
    assert (checkin.flu_score, checkin.site_score, checkin.neuro, checkin.fever) == (
        3,
        1,
        False,
        False,
    )
    assert checkin.status == CheckInStatus.ANSWERED
    with session_scope(world.engine) as session:
        inbound = session.exec(
            select(InboundMessage).order_by(col(InboundMessage.id).desc())
        ).first()
        assert inbound is not None and inbound.body == "flu 3 site 1 N no fever"
        assert inbound.channel == Channel.EMAIL and inbound.outcome is not None
    # The answer to it went out by email, like the answer to an SMS reply.
    assert world.smtp.received[-1]["To"] == PATIENT_EMAIL

    page.goto(link)  # the same link again: refused, nothing changes
    sync_api.expect(page.get_by_role("heading")).to_have_text("This link was already used")
    assert _checkin(world).answers == checkin.answers


def test_an_unanswered_form_says_what_is_missing_and_records_nothing(
    world: World,
    page,  # type: ignore[no-untyped-def]
) -> None:
    _take_dose(world, page)
    world.advance_until_queued(MessageKind.CHECKIN)
    world.dispatch()
    page.goto(world.link("c"))
    page.get_by_role("radiogroup", name="Flu-like symptoms").get_by_text("3", exact=True).click()

    page.get_by_role("button", name="Send my answers").click()

    sync_api.expect(page.get_by_role("alert")).to_contain_text("for the injection site")
    assert page.get_by_role("radiogroup", name="Flu-like symptoms").get_by_label("3").is_checked()
    assert _checkin(world).answered_at is None


def test_an_expired_link_shows_its_page_and_changes_nothing(world: World, page) -> None:  # type: ignore[no-untyped-def]
    link = world.link("t")
    world.clock.advance(timedelta(hours=37))

    page.goto(link)

    sync_api.expect(page.get_by_role("heading")).to_have_text("This link has expired")
    with session_scope(world.engine) as session:
        assert session.exec(select(InboundMessage)).first() is None


def test_a_tampered_link_shows_its_page_and_changes_nothing(world: World, page) -> None:  # type: ignore[no-untyped-def]
    link = world.link("t")
    tampered = link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB")

    response = page.goto(tampered)

    assert response is not None and response.status == 400
    sync_api.expect(page.get_by_role("heading")).to_have_text("This link does not work")
    with session_scope(world.engine) as session:
        assert session.exec(select(InboundMessage)).first() is None
        first = session.exec(select(Dose).order_by(col(Dose.id))).first()
        assert first is not None and first.status == DoseStatus.PENDING


def test_the_unsubscribe_link_opts_the_patient_out(world: World, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(world.link("u"))
    page.get_by_role("button", name="Stop the emails").click()

    sync_api.expect(page.get_by_role("heading")).to_have_text("You are unsubscribed")
    with session_scope(world.engine) as session:
        patient = session.get(Patient, world.patient_id)
        assert patient is not None and patient.status == PatientStatus.OPTED_OUT


def test_a_french_patient_gets_the_pages_in_french(world: World, page) -> None:  # type: ignore[no-untyped-def]
    with session_scope(world.engine) as session:
        patient = session.get(Patient, world.patient_id)
        assert patient is not None
        patient.language = "fr"
        session.add(patient)
    page.goto(world.link("t"))
    sync_api.expect(page.get_by_role("heading")).to_have_text(
        "Avez-vous fait votre injection, Ann\u00a0?"
    )
    page.get_by_role("button", name="Oui, c’est fait").click()
    sync_api.expect(page.get_by_role("heading", name="Merci")).to_be_visible()
    world.advance_until_queued(MessageKind.CHECKIN)
    world.dispatch()
    page.goto(world.link("c"))
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_role("radiogroup", name="Symptômes pseudo-grippaux").get_by_text(
        "3", exact=True
    ).click()

    page.get_by_role("button", name="Envoyer mes réponses").click()

    sync_api.expect(page.get_by_role("alert")).to_contain_text(
        "Choisissez un chiffre de 0 à 10 pour le point d’injection."
    )
    assert _checkin(world).answered_at is None


def test_a_link_that_names_nobody_speaks_the_browsers_language(world: World) -> None:
    link = world.link("t")
    with sync_api.sync_playwright() as playwright:
        require_installed(CHROMIUM, "chromium")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            german = browser.new_context(locale="de-DE").new_page()
            german.goto(link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB"))
            sync_api.expect(german.get_by_role("heading")).to_have_text(
                "Dieser Link funktioniert nicht"
            )
        finally:
            browser.close()


def _post(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """A POST with no form, as a mail provider's one-click unsubscribe sends it."""
    request = urllib.request.Request(url, data=b"", method="POST", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _status(world: World) -> PatientStatus:
    with session_scope(world.engine) as session:
        patient = session.get(Patient, world.patient_id)
        assert patient is not None
        return patient.status


def test_every_link_page_says_load_nothing_else_send_no_referrer_and_never_frame_me(
    world: World,
) -> None:
    with urllib.request.urlopen(world.link("t"), timeout=10) as response:
        headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "form-action 'self'" in policy
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site", "Origin": "null"}],
    ids=["another-origin", "cross-site"],
)
def test_a_post_from_another_sites_page_is_refused_and_changes_nothing(
    world: World, headers: dict[str, str]
) -> None:
    status, text = _post(world.link("t"), headers)

    assert status == 403 and "refused" in text
    with session_scope(world.engine) as session:
        assert session.exec(select(InboundMessage)).first() is None
        first = session.exec(select(Dose).order_by(col(Dose.id))).first()
        assert first is not None and first.status == DoseStatus.PENDING


def test_an_unsubscribe_link_used_again_after_start_opts_out_again(world: World) -> None:
    unsubscribe = world.link("u")
    assert _post(unsubscribe)[0] == 200
    assert _status(world) == PatientStatus.OPTED_OUT
    receive(
        world.engine,
        world.settings,
        world.clock,
        sender=PATIENT_EMAIL,
        body="START",
        channel=Channel.EMAIL,
    )
    assert _status(world) == PatientStatus.ACTIVE

    status, text = _post(unsubscribe)

    assert status == 200 and "You are unsubscribed" in text
    assert _status(world) == PatientStatus.OPTED_OUT
