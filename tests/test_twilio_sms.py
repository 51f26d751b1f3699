"""The Twilio transport: the real twilio client against a local fake of Twilio's Messages API, then
the outbox acting on what Twilio answered (opt-outs, invalid numbers, retries, ambiguous sends, pacing).
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from reminder.app import App
from reminder.clock import SimulatedClock
from reminder.config import ConfigError, Settings, load_settings, require_twilio
from reminder.db import session_scope
from reminder.enrolment import add_contact
from reminder.models import (
    Channel,
    Contact,
    ContactRole,
    DoseStatus,
    Message,
    MessageKind,
    MessageStatus,
    Patient,
    PatientStatus,
)
from reminder.queue import enqueue, message_values
from reminder.transports import Outgoing, TransportError
from reminder.transports.twilio_sms import TwilioTransport, delivery_report
from reminder.views import message_row, patient_detail
from tests.fake_twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    FROM_NUMBER,
    PUBLIC_URL,
    SERVICE_SID,
    FakeTwilio,
    twilio_settings,
    twilio_toml,
)
from tests.scenario import PHONE, Bot, local

CONTACT_PHONE = "+13125550142"


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio().running() as running:
        yield running


def outgoing(body: str = "Hi Ada, it's time for your injection") -> Outgoing:
    return Outgoing(message_id=1, channel=Channel.SMS, to=PHONE, subject=None, body=body)


@pytest.fixture
def transport(fake: FakeTwilio, tmp_path: Path) -> TwilioTransport:
    return TwilioTransport(
        twilio_settings("sqlite://", tmp_path, fake.base_url, timeout_seconds=0.5)
    )


def send_error(transport: TwilioTransport) -> TransportError:
    with pytest.raises(TransportError) as caught:
        transport.send(outgoing())
    return caught.value


# --- the transport ----------------------------------------------------------------------------


def test_a_message_goes_to_twilio_from_the_number_with_the_status_callback(
    fake: FakeTwilio, transport: TwilioTransport
) -> None:
    sid = transport.send(outgoing("Hi Ada"))

    [request] = fake.requests
    assert request.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request.auth == (ACCOUNT_SID, AUTH_TOKEN)
    assert request.form == {
        "To": PHONE,
        "From": FROM_NUMBER,
        "Body": "Hi Ada",
        "StatusCallback": f"{PUBLIC_URL}/twilio/status",
    }
    assert [known for known, _ in fake.messages] == [sid]


def test_a_messaging_service_sends_without_a_from_number(fake: FakeTwilio, tmp_path: Path) -> None:
    settings = twilio_settings(
        "sqlite://", tmp_path, fake.base_url, from_number="", messaging_service_sid=SERVICE_SID
    )
    transport = TwilioTransport(settings)

    transport.send(outgoing())

    [request] = fake.requests
    assert request.form["MessagingServiceSid"] == SERVICE_SID
    assert "From" not in request.form
    assert transport.sender == SERVICE_SID


@pytest.mark.parametrize(
    ("code", "permanent", "opted_out", "says"),
    [
        (21610, True, True, "Twilio 21610: recipient opted out (replied STOP)"),
        (21211, True, False, "Twilio 21211: invalid 'To' phone number"),
        (21614, True, False, "Twilio 21614: 'To' number is not a mobile number"),
        (20429, False, False, "Twilio 20429: too many requests"),
        (20500, False, False, "Twilio 20500: Unable to create record: Internal Server Error"),
        (20003, False, False, "check twilio.account_sid and TWILIO_AUTH_TOKEN"),
    ],
)
def test_twilios_errors_are_classified_for_the_outbox(
    fake: FakeTwilio,
    transport: TwilioTransport,
    code: int,
    permanent: bool,
    opted_out: bool,
    says: str,
) -> None:
    fake.fail_next(code)

    error = send_error(transport)

    assert (error.permanent, error.opted_out, error.ambiguous) == (permanent, opted_out, False)
    assert error.code == str(code)
    assert says in str(error)
    assert fake.messages == []


def test_a_refused_connection_is_retried_safely(tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    transport = TwilioTransport(twilio_settings("sqlite://", tmp_path, f"http://127.0.0.1:{port}"))

    error = send_error(transport)

    assert (error.permanent, error.ambiguous) == (False, False)
    assert "not sent" in str(error)


def test_no_answer_after_the_request_was_sent_is_ambiguous(
    fake: FakeTwilio, transport: TwilioTransport
) -> None:
    fake.delay_next(5)

    error = send_error(transport)

    assert (error.permanent, error.ambiguous) == (False, True)
    assert "within 0.5 s" in str(error) and "may have been accepted" in str(error)
    # Which is why: Twilio did take the message, only its answer was late.
    assert len(fake.messages) == 1


def test_a_connection_dropped_after_the_request_was_sent_is_ambiguous(
    fake: FakeTwilio, transport: TwilioTransport
) -> None:
    fake.drop_next()

    error = send_error(transport)

    assert (error.permanent, error.ambiguous) == (False, True)
    assert len(fake.messages) == 1


def test_sends_from_several_threads_each_go_through_a_client_of_their_own(
    fake: FakeTwilio, transport: TwilioTransport
) -> None:
    # twilio's HTTP client keeps the last response on itself: shared, one thread could read
    # another's answer and record the wrong SID.
    numbers = [f"+1312555{n:04d}" for n in range(20)]
    sids: dict[str, str] = {}
    clients: set[int] = set()
    lock = threading.Lock()

    def send_some(mine: list[str]) -> None:
        for number in mine:
            sid = transport.send(Outgoing(1, Channel.SMS, number, None, "Hi"))
            with lock:
                sids[number] = sid
                clients.add(id(transport.client))

    threads = [threading.Thread(target=send_some, args=(numbers[n::4],)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(clients) == 4
    assert sids == {request.form["To"]: sid for sid, request in fake.messages}
    assert len(set(sids.values())) == len(numbers)


def test_a_proxy_in_the_environment_is_read_once_when_the_transport_is_built(
    fake: FakeTwilio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("NO_PROXY", "no_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings = twilio_settings("sqlite://", tmp_path, fake.base_url)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    through_proxy = TwilioTransport(settings)
    monkeypatch.delenv("HTTP_PROXY")
    direct = TwilioTransport(settings)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")

    error = send_error(through_proxy)  # the proxy it was built with is down
    direct.send(outgoing())  # built without one, it goes straight to Twilio

    assert (error.permanent, error.ambiguous) == (False, False)
    assert "not sent" in str(error)
    assert len(fake.messages) == 1


def test_twilio_region_and_edge_in_the_environment_do_not_redirect_sends(
    fake: FakeTwilio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_REGION", "ie1")
    monkeypatch.setenv("TWILIO_EDGE", "dublin")
    transport = TwilioTransport(twilio_settings("sqlite://", tmp_path, fake.base_url))

    transport.send(outgoing())

    assert len(fake.messages) == 1


def test_the_auth_token_appears_in_no_log_line_and_no_error(
    fake: FakeTwilio, transport: TwilioTransport, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[str] = []
    transport.send(outgoing())
    for code in (21610, 21211, 20003, 20500):
        fake.fail_next(code)
        errors.append(str(send_error(transport)))
    fake.delay_next(5)
    errors.append(str(send_error(transport)))

    assert caplog.text  # twilio and urllib3 did log the requests
    for text in (caplog.text, *errors, repr(transport.client)):
        assert AUTH_TOKEN not in text


# --- configuration ----------------------------------------------------------------------------


def complete(**changes: str) -> dict[str, str]:
    keys = {
        "public_base_url": PUBLIC_URL,
        "account_sid": ACCOUNT_SID,
        "from_number": FROM_NUMBER,
        "messaging_service_sid": "",
    }
    return keys | changes


def settings_with(tmp_path: Path, keys: dict[str, str], token: str | None) -> Settings:
    config = tmp_path / "reminder.toml"
    config.write_text(
        f'public_base_url = "{keys["public_base_url"]}"\n[transport]\nsms = "twilio"\n'
        f'[twilio]\naccount_sid = "{keys["account_sid"]}"\nfrom_number = "{keys["from_number"]}"\n'
        f'messaging_service_sid = "{keys["messaging_service_sid"]}"\n',
        encoding="utf-8",
    )
    environ = {"REMINDER_CONFIG": str(config)}
    if token:
        environ["TWILIO_AUTH_TOKEN"] = token
    return load_settings(environ)


@pytest.mark.parametrize(
    ("keys", "token", "names"),
    [
        (complete(account_sid=""), AUTH_TOKEN, "twilio.account_sid: required"),
        (complete(from_number=""), AUTH_TOKEN, "twilio.from_number: give the number"),
        (complete(public_base_url=""), AUTH_TOKEN, "public_base_url: required"),
        (complete(), None, "TWILIO_AUTH_TOKEN: not set"),
    ],
)
def test_twilio_without_what_it_needs_is_refused_in_one_line_naming_it(
    tmp_path: Path, keys: dict[str, str], token: str | None, names: str
) -> None:
    settings = settings_with(tmp_path, keys, token)

    with pytest.raises(ConfigError) as refused:
        require_twilio(settings)

    assert names in str(refused.value)
    assert "\n" not in str(refused.value)
    with pytest.raises(ConfigError):
        TwilioTransport(settings)


def test_a_messaging_service_alone_is_a_sender(tmp_path: Path) -> None:
    keys = complete(from_number="", messaging_service_sid=SERVICE_SID)
    require_twilio(settings_with(tmp_path, keys, AUTH_TOKEN))


@pytest.mark.parametrize(
    ("line", "key", "says"),
    [
        ('from_number = "3125550199"', "twilio.from_number", "is not an E.164 number"),
        ('api_base_url = "https://api.twilio.com/2010-04-01"', "twilio.api_base_url", "has a path"),
        (
            'api_base_url = "https://AC1:secret@api.twilio.com"',
            "twilio.api_base_url",
            "credentials",
        ),
    ],
)
def test_a_twilio_address_that_cannot_work_is_refused_naming_the_key(
    tmp_path: Path, line: str, key: str, says: str
) -> None:
    config = tmp_path / "reminder.toml"
    config.write_text(f"[twilio]\n{line}\n", encoding="utf-8")

    with pytest.raises(ConfigError) as refused:
        load_settings({"REMINDER_CONFIG": str(config)})

    assert f"{config}: {key}: " in str(refused.value)
    assert says in str(refused.value)


def test_the_twilio_section_of_a_fake_setup_loads(tmp_path: Path) -> None:
    config = tmp_path / "reminder.toml"
    config.write_text(twilio_toml("http://127.0.0.1:9"), encoding="utf-8")
    settings = load_settings({"REMINDER_CONFIG": str(config), "TWILIO_AUTH_TOKEN": AUTH_TOKEN})
    require_twilio(settings)
    assert settings.twilio.api_base_url == "http://127.0.0.1:9"


# --- status callbacks, read ---------------------------------------------------------------------


def test_a_status_callback_is_read_with_the_meaning_of_its_error() -> None:
    report = delivery_report(
        {"MessageSid": "SM1", "MessageStatus": "undelivered", "ErrorCode": "30003"}
    )
    assert report is not None
    assert report.describe() == (
        "undelivered 30003: unreachable destination handset (off or out of coverage)"
    )
    assert not report.opted_out
    opted = delivery_report({"SmsSid": "SM2", "SmsStatus": "failed", "ErrorCode": "21610"})
    assert opted is not None and opted.opted_out
    assert delivery_report({"MessageStatus": "sent"}) is None
    clean = delivery_report({"MessageSid": "SM3", "MessageStatus": "Delivered", "ErrorCode": "0"})
    assert clean is not None and clean.describe() == "delivered"


# --- the outbox acting on Twilio's answers -------------------------------------------------------


@pytest.fixture
def settings(database_url: str, tmp_path: Path, fake: FakeTwilio) -> Settings:
    return twilio_settings(database_url, tmp_path, fake.base_url, timeout_seconds=0.5)


@pytest.fixture
def bot(engine: Engine, settings: Settings, clock: SimulatedClock) -> Bot:
    return Bot(engine, settings, clock)


def messages(engine: Engine, kind: MessageKind | None = None) -> list[Message]:
    with session_scope(engine) as session:
        query = select(Message).order_by(Message.id)
        if kind is not None:
            query = query.where(Message.kind == kind)
        return list(session.exec(query))


def queue_replies(engine: Engine, clock: SimulatedClock, patient_id: int, count: int) -> None:
    with session_scope(engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        for n in range(count):
            enqueue(
                session,
                message_values(
                    key=f"reply:test:{n}",
                    patient=patient,
                    kind=MessageKind.REPLY,
                    template="reply",
                    context={
                        "answer": "help",
                        "question": None,
                        "help_contact": "",
                        "sender_name": "Us",
                    },
                    send_at=clock.now(),
                    now=clock.now(),
                ),
            )


def test_a_reminder_reaches_twilio_and_its_row_records_the_sid_and_segments(
    bot: Bot, fake: FakeTwilio, engine: Engine
) -> None:
    bot.enrol()
    bot.at(local(3, 3, 19, 30))

    [reminder] = messages(engine, MessageKind.REMINDER)
    [(sid, request)] = fake.messages
    assert request.form["Body"] == reminder.body
    assert request.form["To"] == PHONE
    assert (reminder.status, reminder.provider_id, reminder.segments) == (
        MessageStatus.SENT,
        sid,
        1,
    )


def test_twilio_21610_opts_the_patient_out_and_nothing_more_is_sent(
    bot: Bot, fake: FakeTwilio, engine: Engine
) -> None:
    patient_id = bot.enrol()
    fake.fail_next(21610)
    bot.at(local(3, 3, 19, 30))

    [reminder] = messages(engine, MessageKind.REMINDER)
    assert reminder.status == MessageStatus.FAILED
    assert reminder.failed_reason == "Twilio 21610: recipient opted out (replied STOP)"
    patient = bot.patient(patient_id)
    assert patient.status == PatientStatus.OPTED_OUT
    assert patient.opted_out_at == local(3, 3, 19, 30)
    assert [d.status for d in bot.doses()] == [DoseStatus.CANCELLED]

    bot.run_until(local(3, 12, 20, 0))  # nine days of ticks: no reminder, nudge or lab reminder

    assert len(fake.requests) == 1
    assert [m.id for m in messages(engine)] == [reminder.id]

    bot.say("START")
    assert bot.patient(patient_id).status == PatientStatus.ACTIVE
    bot.run_until(local(3, 13, 19, 31))
    assert any("time for your injection" in body for body in fake.bodies())


def test_twilio_21610_for_a_contact_opts_out_only_the_contact(
    bot: Bot, fake: FakeTwilio, engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    patient_id = bot.enrol()
    with session_scope(engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        contact = add_contact(
            session,
            settings,
            patient,
            name="Grace",
            phone=CONTACT_PHONE,
            email=None,
            role=ContactRole.NURSE,
            now=clock.now(),
        )
        enqueue(
            session,
            message_values(
                key="alert:test",
                patient=patient,
                kind=MessageKind.REPLY,
                template="reply",
                context={
                    "answer": "help",
                    "question": None,
                    "help_contact": "",
                    "sender_name": "Us",
                },
                send_at=clock.now(),
                now=clock.now(),
                contact=contact,
            ),
        )
        contact_id = contact.id
    fake.fail_next(21610)

    bot.tick()

    with session_scope(engine) as session:
        stored = session.get(Contact, contact_id)
        assert stored is not None and stored.opted_out_at == clock.now()
    assert bot.patient(patient_id).status == PatientStatus.ACTIVE


@pytest.mark.parametrize("code", [21211, 21614])
def test_an_unusable_number_fails_at_once_and_shows_on_patient_show_and_messages_list(
    bot: Bot, fake: FakeTwilio, engine: Engine, settings: Settings, code: int
) -> None:
    patient_id = bot.enrol()
    fake.fail_next(code)
    bot.at(local(3, 3, 19, 30))
    bot.at(local(3, 3, 19, 45))

    [reminder] = messages(engine, MessageKind.REMINDER)
    assert (reminder.status, reminder.attempts) == (MessageStatus.FAILED, 1)
    assert reminder.failed_reason is not None
    assert reminder.failed_reason.startswith(f"Twilio {code}: ")
    assert len(fake.requests) == 1
    with session_scope(engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        shown = patient_detail(session, patient, settings)
    assert shown["failed_messages"] == [
        {"id": reminder.id, "kind": "reminder", "reason": reminder.failed_reason}
    ]
    listed = message_row(reminder)
    assert (listed["status"], listed["failed_reason"]) == ("failed", reminder.failed_reason)
    # No email on record: the failed SMS stays visible; nothing else is tried.
    assert bot.patient(patient_id).status == PatientStatus.ACTIVE


def test_rate_limiting_and_server_errors_retry_with_backoff_until_twilio_accepts(
    bot: Bot, fake: FakeTwilio, engine: Engine, clock: SimulatedClock
) -> None:
    bot.enrol()
    fake.fail_next(20429)
    fake.fail_next(20500)
    bot.at(local(3, 3, 19, 30))

    for expected_error in ("Twilio 20429: too many requests", "Twilio 20500"):
        [reminder] = messages(engine, MessageKind.REMINDER)
        assert reminder.status == MessageStatus.QUEUED
        assert reminder.last_error is not None and reminder.last_error.startswith(expected_error)
        assert reminder.next_attempt_at > clock.now()
        bot.at(reminder.next_attempt_at)

    [reminder] = messages(engine, MessageKind.REMINDER)
    assert (reminder.status, reminder.attempts) == (MessageStatus.SENT, 3)
    assert len(fake.requests) == 3 and len(fake.messages) == 1


def test_an_ambiguous_send_is_retried_once_and_then_never_again(
    bot: Bot, fake: FakeTwilio, engine: Engine
) -> None:
    bot.enrol()
    fake.delay_next(5, times=2)
    bot.at(local(3, 3, 19, 30))

    [reminder] = messages(engine, MessageKind.REMINDER)
    assert reminder.status == MessageStatus.QUEUED
    assert reminder.last_error is not None and reminder.last_error.startswith("[ambiguous] ")
    bot.at(reminder.next_attempt_at)

    [reminder] = messages(engine, MessageKind.REMINDER)
    assert reminder.status == MessageStatus.FAILED
    assert reminder.failed_reason is not None
    assert reminder.failed_reason.startswith("not retried: two sends may have reached")
    bot.at(local(3, 3, 21, 0))
    assert len(fake.requests) == 2  # both were accepted by Twilio: at most two copies, never more


def test_an_ambiguous_send_that_then_goes_through_stays_marked_as_possibly_twice(
    bot: Bot, fake: FakeTwilio, engine: Engine
) -> None:
    bot.enrol()
    fake.delay_next(5)
    bot.at(local(3, 3, 19, 30))
    [reminder] = messages(engine, MessageKind.REMINDER)
    bot.at(reminder.next_attempt_at)

    [reminder] = messages(engine, MessageKind.REMINDER)
    assert reminder.status == MessageStatus.SENT
    assert reminder.provider_id == fake.messages[-1][0]
    assert reminder.last_error is not None and reminder.last_error.startswith("[ambiguous] ")


def test_a_transient_error_after_an_ambiguous_one_keeps_the_single_retry_budget(
    bot: Bot, fake: FakeTwilio, engine: Engine
) -> None:
    bot.enrol()
    fake.delay_next(5)
    bot.at(local(3, 3, 19, 30))
    fake.fail_next(20500)
    bot.at(messages(engine, MessageKind.REMINDER)[0].next_attempt_at)
    [reminder] = messages(engine, MessageKind.REMINDER)
    assert reminder.status == MessageStatus.QUEUED
    assert reminder.last_error is not None and reminder.last_error.startswith("[ambiguous] Twilio")
    fake.delay_next(5)

    bot.at(reminder.next_attempt_at)

    [reminder] = messages(engine, MessageKind.REMINDER)
    assert reminder.status == MessageStatus.FAILED


def test_the_auth_token_is_stored_nowhere_in_the_database(
    bot: Bot, fake: FakeTwilio, engine: Engine, clock: SimulatedClock
) -> None:
    patient_id = bot.enrol()
    queue_replies(engine, clock, patient_id, 3)
    fake.fail_next(20003)
    fake.fail_next(21211)
    fake.delay_next(5)
    bot.tick()
    bot.say("DONE")

    with engine.connect() as connection:
        dump = [
            str(row)
            for name in sa.inspect(connection).get_table_names()
            for row in connection.execute(sa.text(f'SELECT * FROM "{name}"'))
        ]
    assert any("Twilio 20003" in row for row in dump)  # the errors are recorded ...
    assert not any(AUTH_TOKEN in row for row in dump)  # ... without the token


def test_sends_from_one_number_are_paced_to_its_rate(
    database_url: str, tmp_path: Path, fake: FakeTwilio, engine: Engine, clock: SimulatedClock
) -> None:
    # One send at a time: the simulated pause moves one shared clock, so sends in flight together
    # would each see the others' waits (test_outbox covers pacing with several in flight).
    paced = twilio_settings(
        database_url,
        tmp_path,
        fake.base_url,
        messages_per_second=2,
        extra="[outbox]\nconcurrency = 1\n",
    )
    bot = Bot(engine, paced, clock)
    patient_id = bot.enrol()
    queue_replies(engine, clock, patient_id, 3)
    start = clock.now()

    App(paced, engine, clock).outbox().dispatch()

    sent = messages(engine, MessageKind.REPLY)
    assert [m.sent_at for m in sent] == [
        start,
        start + timedelta(seconds=0.5),
        start + timedelta(seconds=1),
    ]
    assert len(fake.messages) == 3


def test_without_pacing_sends_go_back_to_back(
    bot: Bot, fake: FakeTwilio, engine: Engine, clock: SimulatedClock
) -> None:
    patient_id = bot.enrol()
    queue_replies(engine, clock, patient_id, 3)

    bot.tick()

    assert {m.sent_at for m in messages(engine, MessageKind.REPLY)} == {clock.now()}


def test_a_paced_send_that_would_outlast_its_claim_goes_back_to_the_queue(
    database_url: str, tmp_path: Path, fake: FakeTwilio, engine: Engine, clock: SimulatedClock
) -> None:
    slow = twilio_settings(
        database_url,
        tmp_path,
        fake.base_url,
        messages_per_second=0.1,
        extra="[outbox]\nlease_seconds = 10\n",
    )
    bot = Bot(engine, slow, clock)
    patient_id = bot.enrol()
    queue_replies(engine, clock, patient_id, 2)
    outbox = App(slow, engine, clock).outbox()
    start = clock.now()

    stats = outbox.dispatch()

    # One every 10 s, but a claim lasts 10 s: the second would go out too late in its lease.
    assert (stats.sent, stats.released) == (1, 1)
    first, second = messages(engine, MessageKind.REPLY)
    assert (first.status, first.sent_at) == (MessageStatus.SENT, start)
    assert (second.status, second.attempts, second.claimed_until) == (MessageStatus.QUEUED, 0, None)

    clock.advance(timedelta(seconds=6))
    assert outbox.dispatch().sent == 1

    second = messages(engine, MessageKind.REPLY)[1]
    assert (second.status, second.sent_at) == (MessageStatus.SENT, start + timedelta(seconds=10))
    assert len(fake.messages) == 2


def test_the_answer_to_an_email_patient_needs_no_twilio_token(
    engine: Engine, clock: SimulatedClock, tmp_path: Path, database_url: str
) -> None:
    config = tmp_path / "no-token.toml"
    config.write_text(twilio_toml("http://127.0.0.1:9"), encoding="utf-8")
    settings = load_settings({"DATABASE_URL": database_url, "REMINDER_CONFIG": str(config)})
    bot = Bot(engine, settings, clock)
    bot.enrol(phone="+13125550100")
    with session_scope(engine) as session:
        session.execute(sa.update(Patient).values(phone=None, email="ada@example.org"))

    bot.say("HELP", sender="ada@example.org")

    assert bot.last_reply().status == MessageStatus.SENT
    with pytest.raises(ConfigError, match="TWILIO_AUTH_TOKEN"):
        App(settings, engine, clock).outbox().transports[Channel.SMS]


def test_a_missing_token_hands_the_claimed_message_back(
    engine: Engine, clock: SimulatedClock, tmp_path: Path, database_url: str
) -> None:
    config = tmp_path / "no-token.toml"
    config.write_text(twilio_toml("http://127.0.0.1:9"), encoding="utf-8")
    settings = load_settings({"DATABASE_URL": database_url, "REMINDER_CONFIG": str(config)})
    patient_id = Bot(engine, settings, clock).enrol()
    queue_replies(engine, clock, patient_id, 1)

    with pytest.raises(ConfigError, match="TWILIO_AUTH_TOKEN"):
        App(settings, engine, clock).outbox().dispatch()

    [reply] = messages(engine)
    assert (reply.status, reply.attempts, reply.claimed_until) == (MessageStatus.QUEUED, 0, None)
