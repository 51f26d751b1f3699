"""Twilio's webhooks: signed inbound texts and delivery reports, against the real web app, database
and twilio RequestValidator, with answers sent through the outbox to the local fake of Twilio."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from reminder.app import App
from reminder.clock import SimulatedClock
from reminder.config import ConfigError, Settings, load_settings
from reminder.db import session_scope
from reminder.enrolment import add_contact
from reminder.models import (
    Alert,
    AlertKind,
    ContactRole,
    DoseStatus,
    EarlyDeliveryReport,
    FailureCode,
    InboundMessage,
    Message,
    MessageKind,
    MessageStatus,
    Patient,
    PatientStatus,
)
from reminder.web import create_app
from tests.fake_twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    PUBLIC_URL,
    FakeTwilio,
    inbound_form,
    twilio_settings,
)
from tests.scenario import PHONE, Bot, local

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio().running() as running:
        yield running


@pytest.fixture
def settings(database_url: str, tmp_path: Path, fake: FakeTwilio) -> Settings:
    return twilio_settings(database_url, tmp_path, fake.base_url)


@pytest.fixture
def bot(engine: Engine, settings: Settings, clock: SimulatedClock) -> Bot:
    return Bot(engine, settings, clock)


@pytest.fixture
def client(settings: Settings, engine: Engine, clock: SimulatedClock) -> Iterator[TestClient]:
    # The test client calls itself http://testserver: only PUBLIC_URL is what Twilio signs.
    with TestClient(create_app(App(settings, engine, clock))) as test_client:
        yield test_client


def signed_post(
    client: TestClient,
    path: str,
    params: dict[str, str],
    *,
    signed_url: str | None = None,
    token: str = AUTH_TOKEN,
    signature: str | None = None,
    sent_params: dict[str, str] | None = None,
) -> tuple[int, str, str]:
    """POST a form as Twilio does: signed over the public URL and the parameters."""
    url = signed_url or PUBLIC_URL + path
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature is None:
        signature = RequestValidator(token).compute_signature(url, params)
    if signature:
        headers["X-Twilio-Signature"] = signature
    response = client.post(path, content=urlencode(sent_params or params), headers=headers)
    client.app.state.answers.join()  # type: ignore[attr-defined]  # the answers sent meanwhile
    return response.status_code, response.headers.get("content-type", ""), response.text


def text_us(client: TestClient, body: str, form: dict[str, str] | None = None) -> tuple[int, str]:
    status, content_type, text = signed_post(
        client, "/twilio/sms", form or inbound_form(ACCOUNT_SID, PHONE, body)
    )
    assert content_type.startswith("application/xml")
    return status, text


def report(client: TestClient, sid: str, status: str, error_code: str | None = None) -> int:
    params = {"AccountSid": ACCOUNT_SID, "MessageSid": sid, "MessageStatus": status, "To": PHONE}
    if error_code:
        params["ErrorCode"] = error_code
    return signed_post(client, "/twilio/status", params)[0]


def inbox(engine: Engine) -> list[InboundMessage]:
    with session_scope(engine) as session:
        return list(session.exec(select(InboundMessage).order_by(InboundMessage.id)))


def message(engine: Engine, message_id: int) -> Message:
    with session_scope(engine) as session:
        found = session.get(Message, message_id)
        assert found is not None
        return found


def sent_reminder(bot: Bot) -> Message:
    bot.enrol()
    bot.at(local(3, 3, 19, 30))
    [reminder] = bot.messages(MessageKind.REMINDER)
    assert reminder.status == MessageStatus.SENT and reminder.provider_id
    return reminder


# --- inbound texts ----------------------------------------------------------------------------


def test_a_signed_done_records_the_dose_and_site_and_is_answered_once_through_the_outbox(
    client: TestClient, bot: Bot, fake: FakeTwilio, engine: Engine
) -> None:
    sent_reminder(bot)
    bot.clock.set(local(3, 3, 19, 40))
    form = inbound_form(ACCOUNT_SID, PHONE, "DONE LT")

    status, twiml = text_us(client, "DONE LT", form)

    # The answer is not in the TwiML: it went through the outbox, to Twilio's API.
    assert (status, twiml) == (200, EMPTY_TWIML)
    [dose] = bot.doses()[:1]
    assert (dose.status, dose.site, dose.taken_at) == (
        DoseStatus.TAKEN,
        "left_thigh",
        local(3, 3, 19, 40),
    )
    [inbound] = inbox(engine)
    assert (inbound.provider_id, inbound.body, inbound.dose_id) == (
        form["MessageSid"],
        "DONE LT",
        dose.id,
    )
    answer = bot.last_reply()
    assert answer.status == MessageStatus.SENT
    assert (
        answer.body == "Thanks, recorded at 19:40 (left thigh). Next injection: Thu 5 Mar at 19:30."
    )
    [(sid, request)] = fake.messages[1:]
    assert answer.provider_id == sid
    assert request.form["Body"] == answer.body
    assert request.form["StatusCallback"] == f"{PUBLIC_URL}/twilio/status"


def test_a_twilio_retry_of_the_same_message_is_stored_and_answered_once(
    client: TestClient, bot: Bot, fake: FakeTwilio, engine: Engine
) -> None:
    sent_reminder(bot)
    form = inbound_form(ACCOUNT_SID, PHONE, "DONE")

    first = text_us(client, "DONE", form)
    replayed = text_us(client, "DONE", form)

    assert first == replayed == (200, EMPTY_TWIML)
    assert len(inbox(engine)) == 1
    assert len(bot.replies()) == 1
    assert len(fake.messages) == 2  # the reminder and one answer


def test_an_mms_photo_without_words_is_stored_with_its_media(
    client: TestClient, bot: Bot, engine: Engine
) -> None:
    sent_reminder(bot)
    form = inbound_form(ACCOUNT_SID, PHONE, "")
    photo = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/MM1/Media/ME1"
    form |= {"NumMedia": "2", "MediaUrl0": photo, "MediaContentType0": "image/jpeg"}
    form |= {"MediaUrl1": photo + "b", "MediaContentType1": "image/png"}

    assert text_us(client, "", form) == (200, EMPTY_TWIML)

    [inbound] = inbox(engine)
    assert (inbound.body, inbound.raw) == ("", f"image/jpeg {photo}\nimage/png {photo}b")


def mms(body: str, sid: str) -> dict[str, str]:
    form = inbound_form(ACCOUNT_SID, PHONE, body)
    photo = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}/Media/ME1"
    form |= {"MessageSid": sid, "NumMedia": "1", "MediaUrl0": photo}
    return form | {"MediaContentType0": "image/jpeg"}


def test_a_photo_the_bot_cannot_read_is_answered_that_pictures_go_unread_not_with_help(
    client: TestClient, bot: Bot, engine: Engine
) -> None:
    sent_reminder(bot)
    bot.clock.set(local(3, 3, 19, 40))

    assert text_us(client, "", mms("", "MM" + "1" * 32)) == (200, EMPTY_TWIML)
    assert text_us(client, "look at this", mms("look at this", "MM" + "2" * 32))[0] == 200
    assert text_us(client, "DONE LT", mms("DONE LT", "MM" + "3" * 32))[0] == 200

    photo, words, done = inbox(engine)
    assert (photo.parsed_as, words.parsed_as) == ("unknown", "unknown")
    answers = [(m.context["answer"], m.body) for m in bot.replies()]
    assert answers[:2] == 2 * [
        (
            "picture",
            "Sorry, I can't see pictures, I can only read text. Please tell me in words: reply "
            "DONE when taken, LATER or SKIP. If your injection site is very red, swollen or "
            "painful, call your doctor.",
        )
    ]
    assert answers[2][0] == "taken"  # words that say something still act, photo or not
    assert bot.doses()[0].status == DoseStatus.TAKEN


def test_a_text_stored_but_never_applied_is_applied_when_it_comes_again(
    client: TestClient, bot: Bot, fake: FakeTwilio, engine: Engine
) -> None:
    sent_reminder(bot)
    form = inbound_form(ACCOUNT_SID, PHONE, "DONE LT")
    # As a process killed (or a database lost) between storing the text and applying it leaves it.
    with session_scope(engine) as session:
        session.add(
            InboundMessage(
                sender=PHONE,
                body="DONE LT",
                received_at=local(3, 3, 19, 40),
                provider_id=form["MessageSid"],
            )
        )
    bot.clock.set(local(3, 3, 19, 50))

    assert text_us(client, "DONE LT", form) == (200, EMPTY_TWIML)
    assert text_us(client, "DONE LT", form) == (200, EMPTY_TWIML)

    [inbound] = inbox(engine)
    assert inbound.parsed_as is not None
    [dose] = bot.doses()[:1]
    assert (dose.status, dose.taken_at) == (DoseStatus.TAKEN, local(3, 3, 19, 40))
    assert len(bot.replies()) == 1 and len(fake.messages) == 2


def test_an_unknown_sender_is_stored_and_gets_an_empty_answer(
    client: TestClient, bot: Bot, fake: FakeTwilio, engine: Engine
) -> None:
    bot.enrol()
    status, twiml = text_us(client, "", inbound_form(ACCOUNT_SID, "+13125550177", "who is this"))

    assert (status, twiml) == (200, EMPTY_TWIML)
    [inbound] = inbox(engine)
    assert (inbound.sender, inbound.parsed_as) == ("+13125550177", "unknown_sender")
    assert fake.messages == []


def unsigned(path: str, other_path: str, change: str, params: dict[str, str]) -> dict[str, object]:
    """The ways a request can fail the signature check, as keyword arguments of signed_post."""
    return {
        "forged": {"signature": "bm90IGEgc2lnbmF0dXJl"},
        "missing": {"signature": ""},
        # Signed for the address the Host header names, not the one Twilio was given.
        "host-header-url": {"signed_url": f"http://testserver{path}"},
        "other-path": {"signed_url": PUBLIC_URL + other_path},
        "stale-token": {"token": "the-token-before-rotation"},
        "tampered": {"sent_params": params | change_of(change, params)},
    }[change]  # type: ignore[return-value]


def change_of(change: str, params: dict[str, str]) -> dict[str, str]:
    return {"Body": "STOP"} if "Body" in params else {"MessageStatus": "delivered"}


REFUSALS = ["forged", "missing", "host-header-url", "other-path", "stale-token", "tampered"]


@pytest.mark.parametrize("change", REFUSALS)
def test_an_inbound_text_twilio_did_not_sign_is_refused_and_changes_nothing(
    client: TestClient, bot: Bot, fake: FakeTwilio, engine: Engine, change: str
) -> None:
    patient_id = bot.enrol()
    form = inbound_form(ACCOUNT_SID, PHONE, "DONE")
    how = unsigned("/twilio/sms", "/twilio/status", change, form)

    status, _, text = signed_post(client, "/twilio/sms", form, **how)  # type: ignore[arg-type]

    assert (status, text) == (403, "invalid signature")
    assert inbox(engine) == []
    assert bot.messages() == []
    assert bot.patient(patient_id).status == PatientStatus.ACTIVE
    assert fake.requests == []


def test_a_form_that_is_not_a_twilio_form_is_refused(client: TestClient, engine: Engine) -> None:
    response = client.post("/twilio/sms", json={"From": PHONE, "Body": "STOP"})
    assert response.status_code == 415
    too_big = client.post(
        "/twilio/sms",
        content="Body=" + "x" * 70_000,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert too_big.status_code == 413
    assert inbox(engine) == []


def test_a_signed_text_whose_sid_is_no_twilio_sid_is_refused_with_400_not_a_server_error(
    client: TestClient, engine: Engine
) -> None:
    form = inbound_form(ACCOUNT_SID, PHONE, "DONE") | {"MessageSid": "SM" + "a" * 200}

    status, _, text = signed_post(client, "/twilio/sms", form)

    assert (status, text) == (400, "MessageSid is not a Twilio message SID")
    assert inbox(engine) == []


# --- delivery reports ---------------------------------------------------------------------------


def test_delivered_marks_the_message_delivered_and_a_late_sent_never_undoes_it(
    client: TestClient, bot: Bot, engine: Engine
) -> None:
    reminder = sent_reminder(bot)
    sid = reminder.provider_id or ""
    assert report(client, sid, "sent") == 204
    assert message(engine, reminder.id or 0).provider_status == "sent"

    bot.clock.advance(timedelta(seconds=4))
    assert report(client, sid, "delivered") == 204
    delivered_at = bot.clock.now()
    bot.clock.advance(timedelta(minutes=1))
    assert report(client, sid, "sent") == 204  # Twilio's callbacks may arrive out of order
    assert report(client, sid, "delivered") == 204  # and more than once

    stored = message(engine, reminder.id or 0)
    assert (stored.status, stored.provider_status, stored.delivered_at) == (
        MessageStatus.DELIVERED,
        "delivered",
        delivered_at,
    )
    assert stored.sent_at == local(3, 3, 19, 30)


def test_reports_in_any_order_end_at_the_furthest_state(
    client: TestClient, bot: Bot, engine: Engine
) -> None:
    reminder = sent_reminder(bot)
    for status in ("delivered", "queued", "sending", "sent", "undelivered"):
        assert report(client, reminder.provider_id or "", status) == 204

    stored = message(engine, reminder.id or 0)
    assert (stored.status, stored.provider_status) == (MessageStatus.DELIVERED, "delivered")


def test_an_undelivered_report_gives_the_message_the_not_delivered_code(
    client: TestClient, bot: Bot, engine: Engine
) -> None:
    reminder = sent_reminder(bot)

    assert report(client, reminder.provider_id or "", "undelivered", "30003") == 204

    stored = message(engine, reminder.id or 0)
    assert stored.failure == FailureCode.NOT_DELIVERED
    assert (stored.failed_reason or "").startswith("not delivered: undelivered 30003")


@pytest.mark.parametrize(
    ("code", "meaning"),
    [
        ("30003", "unreachable destination handset (off or out of coverage)"),
        ("30004", "message blocked by the recipient or their carrier"),
        ("30005", "unknown destination handset (number not in service)"),
        ("30006", "landline or unreachable carrier"),
        ("30007", "filtered by the carrier as spam or unregistered traffic"),
        ("30008", "unknown error from the carrier"),
    ],
)
def test_an_undelivered_report_fails_the_message_with_the_meaning_of_its_code(
    client: TestClient, bot: Bot, engine: Engine, code: str, meaning: str
) -> None:
    reminder = sent_reminder(bot)
    assert report(client, reminder.provider_id or "", "sent") == 204

    assert report(client, reminder.provider_id or "", "undelivered", code) == 204

    stored = message(engine, reminder.id or 0)
    assert stored.status == MessageStatus.FAILED
    assert stored.provider_status == f"undelivered {code}: {meaning}"
    assert stored.failed_reason == f"not delivered: undelivered {code}: {meaning}"
    assert stored.delivered_at is None


def test_a_report_that_the_recipient_opted_out_opts_the_patient_out(
    client: TestClient, bot: Bot, engine: Engine
) -> None:
    # Sent through a Messaging Service, Twilio accepts first and reports 21610 afterwards.
    reminder = sent_reminder(bot)

    assert report(client, reminder.provider_id or "", "failed", "21610") == 204

    patient = bot.patient(reminder.patient_id or 0)
    assert patient.status == PatientStatus.OPTED_OUT
    assert message(engine, reminder.id or 0).status == MessageStatus.FAILED


def test_a_report_about_a_message_not_sent_from_here_changes_nothing(
    client: TestClient, bot: Bot, engine: Engine
) -> None:
    reminder = sent_reminder(bot)

    assert report(client, "SM" + "0" * 32, "delivered") == 204
    params = {"AccountSid": ACCOUNT_SID, "MessageStatus": "delivered"}
    assert signed_post(client, "/twilio/status", params)[0] == 400

    assert message(engine, reminder.id or 0).status == MessageStatus.SENT


def early_reports(engine: Engine) -> list[EarlyDeliveryReport]:
    with session_scope(engine) as session:
        return list(session.exec(select(EarlyDeliveryReport)))


def report_before_the_sid_is_stored(
    fake: FakeTwilio, client: TestClient, engine: Engine, *statuses: tuple[str, str | None]
) -> list[tuple[int, list[Message]]]:
    """Have the fake call back with ``statuses`` for each message it accepts before it answers the
    create call, as Twilio can; each (HTTP status, the rows that had the SID when it came)."""
    seen: list[tuple[int, list[Message]]] = []

    def call_back(sid: str) -> None:
        for status, code in statuses:
            with session_scope(engine) as session:
                holding = list(session.exec(select(Message).where(Message.provider_id == sid)))
            seen.append((report(client, sid, status, code), holding))

    fake.on_accept = call_back
    return seen


def test_an_undelivered_report_that_comes_before_the_sid_is_stored_still_fails_the_reminder(
    client: TestClient, bot: Bot, fake: FakeTwilio, engine: Engine
) -> None:
    seen = report_before_the_sid_is_stored(fake, client, engine, ("undelivered", "30003"))
    bot.enrol()
    bot.at(local(3, 3, 19, 30))

    [reminder] = bot.messages(MessageKind.REMINDER)
    assert seen == [(204, [])]  # the report came while no row had the SID
    stored = message(engine, reminder.id or 0)
    assert (stored.status, stored.failure, stored.provider_id) == (
        MessageStatus.FAILED,
        FailureCode.NOT_DELIVERED,
        fake.messages[0][0],
    )
    assert stored.provider_status == (
        "undelivered 30003: unreachable destination handset (off or out of coverage)"
    )
    assert early_reports(engine) == []


def test_early_reports_in_any_order_end_at_the_furthest_state_once_the_sid_is_stored(
    client: TestClient, bot: Bot, fake: FakeTwilio, engine: Engine
) -> None:
    seen = report_before_the_sid_is_stored(
        fake, client, engine, ("delivered", None), ("queued", None), ("sent", None), ("sent", None)
    )
    bot.enrol()
    bot.at(local(3, 3, 19, 30))

    [reminder] = bot.messages(MessageKind.REMINDER)
    assert [status for status, _ in seen] == [204] * 4
    stored = message(engine, reminder.id or 0)
    assert (stored.status, stored.provider_status, stored.delivered_at) == (
        MessageStatus.DELIVERED,
        "delivered",
        local(3, 3, 19, 30),
    )
    assert early_reports(engine) == []


def test_a_report_that_never_names_a_message_here_is_dropped_after_three_days(
    client: TestClient, bot: Bot, fake: FakeTwilio, engine: Engine
) -> None:
    bot.enrol()
    assert report(client, "SM" + "0" * 32, "delivered") == 204
    assert [row.provider_id for row in early_reports(engine)] == ["SM" + "0" * 32]

    bot.at(local(3, 3, 19, 30))  # a send records its SID: the stranger's report is young yet
    assert len(early_reports(engine)) == 1
    bot.at(local(3, 5, 19, 30))
    sent = len(fake.messages)
    bot.at(local(3, 7, 19, 30))  # more than three days after the report, another send
    assert len(fake.messages) > sent

    assert early_reports(engine) == []


@pytest.mark.parametrize("change", REFUSALS)
def test_a_report_twilio_did_not_sign_is_refused_and_changes_nothing(
    client: TestClient, bot: Bot, engine: Engine, change: str
) -> None:
    reminder = sent_reminder(bot)
    params = {"MessageSid": reminder.provider_id or "", "MessageStatus": "undelivered"}
    how = unsigned("/twilio/status", "/twilio/sms", change, params)

    status, _, _ = signed_post(client, "/twilio/status", params, **how)  # type: ignore[arg-type]

    assert status == 403
    stored = message(engine, reminder.id or 0)
    assert (stored.status, stored.provider_status) == (MessageStatus.SENT, None)


# --- STOP, from the phone to every process -------------------------------------------------------


def test_a_patient_who_texts_stop_receives_nothing_more_until_start(
    client: TestClient, bot: Bot, fake: FakeTwilio, engine: Engine
) -> None:
    patient_id = sent_reminder(bot).patient_id or 0
    bot.clock.set(local(3, 3, 19, 35))

    assert text_us(client, "Stop.") == (200, EMPTY_TWIML)

    assert bot.patient(patient_id).status == PatientStatus.OPTED_OUT
    assert "You will get no more messages" in fake.bodies()[-1]
    requests_at_stop = len(fake.requests)
    # A week of ticks by the worker (nudges, reminders, lab reminders would all be due) ...
    bot.run_until(local(3, 10, 20, 0))
    # ... and the patient writing in meanwhile: stored, not answered.
    assert text_us(client, "DONE") == (200, EMPTY_TWIML)
    bot.tick()
    assert len(fake.requests) == requests_at_stop
    held = [m for m in bot.messages() if m.status == MessageStatus.CANCELLED]
    assert all(m.failed_reason and "opted out" in m.failed_reason for m in held)

    bot.clock.set(local(3, 10, 20, 5))
    assert text_us(client, "START") == (200, EMPTY_TWIML)
    assert "Welcome back" in fake.bodies()[-1]
    bot.run_until(local(3, 12, 19, 31))
    assert "it's time for your injection" in fake.bodies()[-1]


def test_with_advanced_opt_out_twilio_answers_stop_and_we_send_nothing(
    database_url: str, tmp_path: Path, fake: FakeTwilio, engine: Engine, clock: SimulatedClock
) -> None:
    settings = twilio_settings(database_url, tmp_path, fake.base_url, advanced_opt_out=True)
    bot = Bot(engine, settings, clock)
    patient_id = bot.enrol()

    with TestClient(create_app(App(settings, engine, clock))) as aoo_client:
        assert text_us(aoo_client, "STOP") == (200, EMPTY_TWIML)

    assert bot.patient(patient_id).status == PatientStatus.OPTED_OUT
    assert bot.replies() == []
    assert fake.requests == []


def test_with_advanced_opt_out_an_opt_out_in_other_words_is_answered_by_us(
    database_url: str, tmp_path: Path, fake: FakeTwilio, engine: Engine, clock: SimulatedClock
) -> None:
    # Twilio answers only its keywords as the whole text; "please stop texting me" passes through
    # to the webhook unanswered, so the confirmation is ours to send, or the patient hears nothing.
    settings = twilio_settings(database_url, tmp_path, fake.base_url, advanced_opt_out=True)
    bot = Bot(engine, settings, clock)
    patient_id = bot.enrol()

    with TestClient(create_app(App(settings, engine, clock))) as aoo_client:
        assert text_us(aoo_client, "please stop texting me") == (200, EMPTY_TWIML)
    bot.tick()

    assert bot.patient(patient_id).status == PatientStatus.OPTED_OUT
    (reply,) = bot.replies()
    assert reply.status == MessageStatus.SENT
    assert reply.body == (
        "You will get no more messages from Your care team. Reply START to opt back in."
    )
    assert len(fake.requests) == 1


# --- the app around them ---------------------------------------------------------------------


def test_the_webhooks_query_the_database_off_the_event_loop(
    client: TestClient, bot: Bot, engine: Engine
) -> None:
    reminder = sent_reminder(bot)
    loops_seen: list[bool] = []

    def record_loop(*_args: object) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            loops_seen.append(False)
        else:
            loops_seen.append(True)

    sa.event.listen(engine, "before_cursor_execute", record_loop)
    try:
        assert text_us(client, "DONE")[0] == 200
        assert report(client, reminder.provider_id or "", "delivered") == 204
    finally:
        sa.event.remove(engine, "before_cursor_execute", record_loop)

    assert len(loops_seen) > 3
    assert not any(loops_seen)


def test_without_twilio_the_webhooks_do_not_exist(
    database_url: str, tmp_path: Path, engine: Engine, clock: SimulatedClock
) -> None:
    config = tmp_path / "console.toml"
    config.write_text("", encoding="utf-8")
    settings = load_settings({"DATABASE_URL": database_url, "REMINDER_CONFIG": str(config)})
    with TestClient(create_app(App(settings, engine, clock))) as console_client:
        assert console_client.post("/twilio/sms", data={"Body": "STOP"}).status_code == 404


def test_the_web_app_refuses_twilio_without_the_token(
    database_url: str, tmp_path: Path, engine: Engine, clock: SimulatedClock, fake: FakeTwilio
) -> None:
    settings = twilio_settings(database_url, tmp_path, fake.base_url)
    without_token = settings.model_copy(
        update={"secrets": settings.secrets.model_copy(update={"twilio_auth_token": None})}
    )

    with pytest.raises(ConfigError, match="TWILIO_AUTH_TOKEN: not set"):
        create_app(App(without_token, engine, clock))


def test_words_of_self_harm_reach_the_caregiver_within_the_request_and_a_stop_cannot_undo_it(
    client: TestClient, bot: Bot, engine: Engine, settings: Settings, fake: FakeTwilio
) -> None:
    patient_id = bot.enrol()
    with session_scope(engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        add_contact(
            session,
            settings,
            patient,
            name="Grace",
            phone="+13125550142",
            email=None,
            role=ContactRole.CAREGIVER,
            now=bot.clock.now(),
        )
    assert text_us(client, "I want to kill myself")[0] == 200
    # Sent with the crisis answer, not at the worker's next tick.
    [alert] = bot.messages(MessageKind.ALERT)
    assert alert.status == MessageStatus.SENT
    assert [r.form["To"] for _, r in fake.messages].count("+13125550142") == 1
    assert any("988" in r.form["Body"] for _, r in fake.messages)

    assert text_us(client, "STOP")[0] == 200

    assert message(engine, alert.id or 0).status == MessageStatus.SENT
    bot.tick()
    assert [r.form["To"] for _, r in fake.messages].count("+13125550142") == 1


# --- red flags through the webhook -------------------------------------------------------------

BOB = "+13125550102"
ADA_CAREGIVER = "+13125550150"
BOB_CAREGIVER = "+13125550160"


def with_caregiver(bot: Bot, engine: Engine, settings: Settings, phone: str, caregiver: str) -> int:
    patient_id = bot.enrol(phone=phone)
    with session_scope(engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        add_contact(
            session,
            settings,
            patient,
            name="Grace",
            phone=caregiver,
            email=None,
            role=ContactRole.CAREGIVER,
            now=bot.clock.now(),
        )
    return patient_id


def raised_by(client: TestClient, engine: Engine, sender: str, body: str) -> list[Alert]:
    """Text us as ``sender`` through the signed webhook; return the alerts that request raised."""
    with session_scope(engine) as session:
        before = set(session.exec(select(Alert.id)))
    assert text_us(client, body, inbound_form(ACCOUNT_SID, sender, body))[0] == 200
    with session_scope(engine) as session:
        return [a for a in session.exec(select(Alert).order_by(Alert.id)) if a.id not in before]


def test_every_alert_kind_is_raised_by_the_inbound_text_that_completes_it(
    client: TestClient, bot: Bot, engine: Engine, settings: Settings, fake: FakeTwilio
) -> None:
    ada = with_caregiver(bot, engine, settings, PHONE, ADA_CAREGIVER)
    bob = with_caregiver(bot, engine, settings, BOB, BOB_CAREGIVER)
    conversation = [
        (PHONE, "DONE", local(3, 3, 19, 40), []),
        (BOB, "DONE", local(3, 3, 19, 45), []),
        (PHONE, "8 8 Y numbness", local(3, 4, 9, 30), [(ada, AlertKind.INJECTION_SITE)]),
        (BOB, "2 1 Y", local(3, 4, 9, 35), []),
        (PHONE, "Y", local(3, 5, 9, 40), [(ada, AlertKind.POSSIBLE_RELAPSE)]),
        (BOB, "Y FEVER", local(3, 5, 9, 45), [(bob, AlertKind.PSEUDO_RELAPSE)]),
        (PHONE, "DONE", local(3, 5, 19, 40), []),
        (PHONE, "9 2 N", local(3, 6, 9, 30), []),
        (PHONE, "DONE", local(3, 7, 19, 40), []),
        # The third flu-like score of 7 or more in a row.
        (PHONE, "7 1 N", local(3, 8, 9, 30), [(ada, AlertKind.TOLERABILITY)]),
        (PHONE, "SKIP", local(3, 9, 19, 40), []),
        (PHONE, "SKIP", local(3, 10, 19, 40), [(ada, AlertKind.ADHERENCE)]),
        # Not understood (an intent that writes nothing), yet the words count.
        (
            BOB,
            "ok my injection site has pus",
            local(3, 10, 20, 0),
            [(bob, AlertKind.INJECTION_SITE)],
        ),
        (BOB, "help I want to die", local(3, 10, 20, 5), [(bob, AlertKind.MOOD)]),
        (BOB, "HELP", local(3, 10, 20, 10), []),
    ]

    raised = []
    for sender, body, at, _ in conversation:
        bot.run_until(at)
        raised.append([(a.patient_id, a.kind) for a in raised_by(client, engine, sender, body)])

    assert raised == [expected for *_, expected in conversation]
    # The urgent notice left right after the crisis answer, not at a worker's next tick.
    [mood_notice] = [
        m
        for m in bot.messages(MessageKind.ALERT)
        if m.to_address == BOB_CAREGIVER and m.created_at == local(3, 10, 20, 5)
    ]
    assert (mood_notice.status, mood_notice.sent_at) == (MessageStatus.SENT, local(3, 10, 20, 5))
    assert mood_notice.provider_id in [sid for sid, _ in fake.messages]
