"""The SMTP transport against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import random
import shutil
import smtplib
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from reminder.app import App, Transports
from reminder.clock import SimulatedClock
from reminder.config import Settings
from reminder.db import session_scope
from reminder.models import Message, MessageKind, MessageStatus, Patient
from reminder.outbox import Outbox
from reminder.render import Renderer
from tests.mail_servers import (  # noqa: F401  (fixtures)
    PATIENT_EMAIL,
    SENDER,
    SmtpServer,
    email_settings,
    enrol_by_email,
    free_port,
    parts,
    smtp_server_fixture,
    until_reminder,
)


def _outbox(engine: Engine, settings, clock: SimulatedClock) -> Outbox:  # type: ignore[no-untyped-def]
    return Outbox(engine, settings, clock, Transports(settings), Renderer(), rng=random.Random(1))


def _reminder(engine: Engine) -> Message:
    with session_scope(engine) as session:
        message = session.exec(select(Message).where(Message.kind == MessageKind.REMINDER)).one()
        session.expunge(message)
        return message


def test_a_reminder_email_is_multipart_with_its_message_id_stored_and_unsubscribe_headers(
    engine: Engine,
    database_url: str,
    clock: SimulatedClock,
    tmp_path: Path,
    smtp_server: SmtpServer,
) -> None:
    settings = email_settings(tmp_path, database_url, smtp_server.port)
    patient_id = enrol_by_email(engine, settings, clock)
    until_reminder(engine, settings, clock, patient_id)

    stats = _outbox(engine, settings, clock).dispatch()

    assert stats.sent == 1
    [mail] = smtp_server.received
    assert smtp_server.recorder.envelopes == [(SENDER, [PATIENT_EMAIL])]
    assert mail["To"] == PATIENT_EMAIL
    assert SENDER in mail["From"]
    assert mail["Subject"] == "Reminder: your injection today"
    stored = _reminder(engine)
    assert stored.status == MessageStatus.SENT
    assert stored.provider_id == mail["Message-ID"]
    assert mail["Message-ID"].startswith("<") and mail["Message-ID"].endswith("@clinic.example>")
    text, html = parts(mail)
    assert "It's time for your injection: 0.25 mL" in text
    assert "Taken it? Tap to tell us: http://127.0.0.1:8765/t/" in text
    assert 'href="http://127.0.0.1:8765/t/' in html and "I took it" in html
    unsubscribe = mail["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://127.0.0.1:8765/u/") and unsubscribe.endswith(">")
    assert unsubscribe[1:-1] in text and unsubscribe[1:-1] in html
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_html_part_escapes_what_a_patient_name_could_inject(
    engine: Engine,
    database_url: str,
    clock: SimulatedClock,
    tmp_path: Path,
    smtp_server: SmtpServer,
) -> None:
    settings = email_settings(tmp_path, database_url, smtp_server.port)
    patient_id = enrol_by_email(engine, settings, clock)
    until_reminder(engine, settings, clock, patient_id)
    with session_scope(engine) as session:
        message = session.exec(select(Message)).one()
        message.context = {**message.context, "name": "<script>x()</script>"}
        session.add(message)

    _outbox(engine, settings, clock).dispatch()

    text, html = parts(smtp_server.received[0])
    assert "<script>x()</script>" in text
    assert "<script>" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html


def test_a_4xx_answer_is_retried_with_backoff_then_sent(
    engine: Engine,
    database_url: str,
    clock: SimulatedClock,
    tmp_path: Path,
    smtp_server: SmtpServer,
) -> None:
    settings = email_settings(tmp_path, database_url, smtp_server.port)
    until_reminder(engine, settings, clock, enrol_by_email(engine, settings, clock))
    outbox = _outbox(engine, settings, clock)
    smtp_server.recorder.answer = "451 4.3.0 greylisted, try again later"

    first = outbox.dispatch()

    message = _reminder(engine)
    assert first.retried == 1 and message.status == MessageStatus.QUEUED
    assert message.last_error is not None and message.last_error.startswith("SMTP 451")
    assert message.next_attempt_at > clock.now()
    smtp_server.recorder.answer = None
    clock.advance(message.next_attempt_at - clock.now())
    assert outbox.dispatch().sent == 1
    message = _reminder(engine)
    assert message.status == MessageStatus.SENT and message.attempts == 2
    assert message.provider_id == smtp_server.received[0]["Message-ID"]


def test_a_5xx_answer_fails_the_message_permanently_and_visibly(
    engine: Engine,
    database_url: str,
    clock: SimulatedClock,
    tmp_path: Path,
    smtp_server: SmtpServer,
) -> None:
    settings = email_settings(tmp_path, database_url, smtp_server.port)
    until_reminder(engine, settings, clock, enrol_by_email(engine, settings, clock))
    smtp_server.recorder.answer = "550 5.1.1 mailbox unavailable"

    stats = _outbox(engine, settings, clock).dispatch()

    message = _reminder(engine)
    assert stats.failed == 1 and message.status == MessageStatus.FAILED
    assert message.failed_reason == "SMTP 550: 5.1.1 mailbox unavailable"
    assert message.attempts == 1 and smtp_server.received == []


def test_a_mail_the_server_took_stays_sent_whatever_it_answers_to_quit(
    engine: Engine,
    database_url: str,
    clock: SimulatedClock,
    tmp_path: Path,
    smtp_server: SmtpServer,
) -> None:
    settings = email_settings(tmp_path, database_url, smtp_server.port)
    until_reminder(engine, settings, clock, enrol_by_email(engine, settings, clock))
    smtp_server.recorder.quit_answer = "500 5.0.0 internal error after the mail was queued"

    stats = _outbox(engine, settings, clock).dispatch()

    message = _reminder(engine)
    assert stats.sent == 1 and message.status == MessageStatus.SENT
    [mail] = smtp_server.received
    assert message.provider_id == mail["Message-ID"]


def test_a_refused_sender_is_a_configuration_fault_retried_not_a_failed_email(
    engine: Engine,
    database_url: str,
    clock: SimulatedClock,
    tmp_path: Path,
    smtp_server: SmtpServer,
) -> None:
    settings = email_settings(tmp_path, database_url, smtp_server.port)
    until_reminder(engine, settings, clock, enrol_by_email(engine, settings, clock))
    outbox = _outbox(engine, settings, clock)
    smtp_server.recorder.mail_answer = "553 5.7.1 Sender address rejected: not owned by user"

    first = outbox.dispatch()

    message = _reminder(engine)
    assert first.retried == 1 and message.status == MessageStatus.QUEUED
    assert message.last_error == (
        "SMTP 553: the server refused the sender: 5.7.1 Sender address rejected: not owned by user"
    )
    smtp_server.recorder.mail_answer = None  # the operator fixed smtp.from_address
    clock.advance(message.next_attempt_at - clock.now())
    assert outbox.dispatch().sent == 1
    assert len(smtp_server.received) == 1


def test_a_refused_connection_is_transient(
    engine: Engine, database_url: str, clock: SimulatedClock, tmp_path: Path
) -> None:
    settings = email_settings(tmp_path, database_url, free_port())  # nothing listens there
    until_reminder(engine, settings, clock, enrol_by_email(engine, settings, clock))

    stats = _outbox(engine, settings, clock).dispatch()

    message = _reminder(engine)
    assert stats.retried == 1 and message.status == MessageStatus.QUEUED
    assert message.last_error is not None and "SMTP connection failed" in message.last_error


@contextmanager
def slow_smtp_server(delay: float) -> Iterator[int]:
    """A real SMTP server on loopback that answers every command right, but each only after
    ``delay`` seconds: well within a per-step timeout, many times it for the whole send.
    Yields its port."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)

    def serve() -> None:
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        with connection, connection.makefile("rb") as lines:

            def answer(reply: str) -> None:
                time.sleep(delay)  # the server being slow, not the test waiting
                connection.sendall(reply.encode() + b"\r\n")

            try:
                answer("220 slow.example ESMTP")
                for line in lines:
                    command = line[:4].upper()
                    if command == b"DATA":
                        answer("354 go on")
                        for body_line in lines:
                            if body_line == b".\r\n":
                                break
                        answer("250 queued")
                    elif command == b"QUIT":
                        answer("221 bye")
                        return
                    else:
                        answer("250 ok")
            except OSError:  # the client cut the connection
                return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        thread.join(10)


def test_a_server_slow_at_every_step_is_cut_off_at_the_timeout_for_the_whole_send(
    engine: Engine, database_url: str, clock: SimulatedClock, tmp_path: Path
) -> None:
    # Seven answers (greeting, EHLO, MAIL, RCPT, DATA, end of data, QUIT) 0.4 s apart: 2.8 s in
    # all, each step well within the 1 s timeout. A send that long could outlast its lease.
    with slow_smtp_server(delay=0.4) as port:
        settings = with_smtp(email_settings(tmp_path, database_url, port), timeout_seconds=1.0)
        until_reminder(engine, settings, clock, enrol_by_email(engine, settings, clock))
        started = time.monotonic()

        stats = _outbox(engine, settings, clock).dispatch()

        took = time.monotonic() - started
    message = _reminder(engine)
    assert (stats.sent, stats.retried, message.status) == (0, 1, MessageStatus.QUEUED)
    assert message.last_error is not None
    assert "longer than smtp.timeout_seconds = 1" in message.last_error
    assert took < 2.5


def with_smtp(settings: Settings, **changes: object) -> Settings:
    smtp = settings.file.smtp.model_copy(update=changes)
    return settings.model_copy(update={"file": settings.file.model_copy(update={"smtp": smtp})})


class Received:
    """An aiosmtpd handler that keeps the recipients of each mail it takes."""

    def __init__(self) -> None:
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_tls_and_starttls_send_to_a_server_whose_certificate_names_the_host(
    engine: Engine,
    database_url: str,
    clock: SimulatedClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    security: str,
) -> None:
    from aiosmtpd.controller import Controller

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost"]
        + ["-addext", "subjectAltName=DNS:localhost"],
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts this certificate alone
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler, port = Received(), free_port()
    tls = {"ssl_context": context} if security == "tls" else {"tls_context": context}
    server = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        server_hostname="localhost",
        require_starttls=security == "starttls",
        **tls,
    )
    server.start()
    try:
        settings = email_settings(tmp_path, database_url, port)
        until_reminder(engine, settings, clock, enrol_by_email(engine, settings, clock))
        # By its address, the server's certificate (for "localhost") does not match: refused.
        by_address = with_smtp(settings, host="127.0.0.1", security=security)
        refused = _outbox(engine, by_address, clock).dispatch()
        clock.advance(timedelta(hours=1))
        sent = _outbox(engine, with_smtp(settings, host="localhost", security=security), clock)
        stats = sent.dispatch()
    finally:
        server.stop()
    assert refused.retried == 1 and stats.sent == 1
    assert handler.recipients == [[PATIENT_EMAIL]]
    assert _reminder(engine).status == MessageStatus.SENT


def test_a_refused_recipient_is_classified_by_its_code() -> None:
    from reminder.transports.smtp_email import _classified

    assert _classified(452, b"4.2.2 mailbox full").permanent is False
    assert _classified(554, b"5.7.1 rejected").permanent is True
    assert isinstance(smtplib.SMTPResponseException(550, b"x"), smtplib.SMTPException)


def test_the_smtp_transport_is_built_from_the_configuration_and_refused_without_its_needs(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    from reminder.app import build_transport
    from reminder.config import ConfigError
    from reminder.models import Channel
    from reminder.transports.smtp_email import SmtpTransport

    settings = email_settings(tmp_path, database_url, 2525)
    assert isinstance(build_transport(settings, Channel.EMAIL), SmtpTransport)

    without_key = email_settings(tmp_path, database_url, 2525, REMINDER_SECRET_KEY="")
    with pytest.raises(ConfigError, match="REMINDER_SECRET_KEY"):
        build_transport(without_key, Channel.EMAIL)
    with_user = email_settings(tmp_path, database_url, 2525, extra='user = "me"')
    with pytest.raises(ConfigError, match="SMTP_PASSWORD"):
        build_transport(with_user, Channel.EMAIL)


def test_an_email_to_a_german_patient_is_german_in_every_part(
    engine: Engine,
    database_url: str,
    clock: SimulatedClock,
    tmp_path: Path,
    smtp_server: SmtpServer,
) -> None:
    settings = email_settings(
        tmp_path,
        database_url,
        smtp_server.port,
        extra='[messages.de]\nsender_name = "Ihr Praxisteam"\n'
        'crisis_text = "TelefonSeelsorge 0800 111 0 111, rund um die Uhr."',
    )
    patient_id = enrol_by_email(engine, settings, clock)
    with session_scope(engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        patient.language = "de"
        session.add(patient)
    until_reminder(engine, settings, clock, patient_id)

    App(settings, engine, clock).outbox().dispatch()

    [mail] = smtp_server.received
    text, html = parts(mail)
    assert mail["Subject"] == "Erinnerung: Ihre Injektion heute"
    assert mail["From"].startswith("Ihr Praxisteam <")
    assert text.replace("\r\n", "\n").startswith(
        "Hallo Ann,\n\nes ist Zeit für Ihre Injektion: heute 0,25 ml, um 19:30 Uhr."
    )
    assert "Schon gespritzt? Tippen Sie hier, um es uns mitzuteilen: http" in text
    assert "Diese E-Mails abbestellen: http" in text
    assert '<html lang="de">' in html
    assert ">Erledigt</a>" in html and ">Diese E-Mails abbestellen</a>" in html


def test_the_transport_composes_an_email_from_what_it_is_given_alone(tmp_path: Path) -> None:
    from reminder.models import Channel
    from reminder.transports import Outgoing
    from reminder.transports.smtp_email import SmtpTransport

    nowhere = tmp_path / "never-opened.db"
    transport = SmtpTransport(email_settings(tmp_path, f"sqlite:///{nowhere}", 2525))
    unsubscribe = "https://rem.example.org/u/abc"

    signed = transport.compose(
        Outgoing(5, Channel.EMAIL, PATIENT_EMAIL, "Hi", "Hello", links={"unsubscribe": unsubscribe})
    )
    unsigned = transport.compose(Outgoing(6, Channel.EMAIL, PATIENT_EMAIL, "Hi", "Hello"))

    assert signed["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert unsubscribe in parts(signed)[0] and unsubscribe in parts(signed)[1]
    assert unsigned["List-Unsubscribe"] is None and "https://" not in parts(unsigned)[0]
    assert not nowhere.exists()
