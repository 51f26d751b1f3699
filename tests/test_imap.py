"""Replies by email: quote stripping (pure), and polling a real IMAP server (dovecot) on loopback."""

from __future__ import annotations

import logging
import random
import re
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from imapclient import IMAPClient
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from reminder.app import Transports
from reminder.clock import SimulatedClock
from reminder.config import Settings
from reminder.conversation import receive
from reminder.db import session_scope
from reminder.email_replies import html_to_text, poll, reply_text, strip_quoted
from reminder.enrolment import add_contact
from reminder.models import (
    Alert,
    AlertStatus,
    Channel,
    ContactRole,
    Dose,
    DoseStatus,
    InboundMessage,
    Message,
    MessageKind,
    Patient,
    PatientStatus,
)
from reminder.outbox import Outbox
from reminder.render import Renderer
from tests.mail_servers import (  # noqa: F401  (fixtures)
    AUTHSERV,
    PATIENT_EMAIL,
    SENDER,
    ImapServer,
    SmtpServer,
    email_settings,
    enrol_by_email,
    imap_server_fixture,
    smtp_server_fixture,
    until_reminder,
    vouched,
)

# --- quote stripping ------------------------------------------------------------------------


def test_a_gmail_reply_keeps_only_the_new_text() -> None:
    text = (
        "DONE left thigh\n\nOn Tue, Mar 3, 2026 at 7:30 PM Care team <care@clinic.example>"
        " wrote:\n> It's time for your injection\n> Reply DONE\n"
    )
    assert strip_quoted(text) == "DONE left thigh"


def test_a_quote_header_wrapped_over_two_lines_is_cut_too() -> None:
    text = (
        "3 1 N\n\nOn Wed, 4 Mar 2026 at 09:00, Your care team <care@clinic.example>\n"
        "wrote:\n> How are you?"
    )
    assert strip_quoted(text) == "3 1 N"


def test_sent_from_my_iphone_and_a_signature_are_dropped() -> None:
    assert strip_quoted("Skip\n\nSent from my iPhone") == "Skip"
    assert strip_quoted("later\n-- \nAnn Lee\nTeacher, Springfield") == "later"


def test_lines_quoted_with_a_chevron_are_dropped_wherever_they_are() -> None:
    assert strip_quoted("> Reply DONE when taken\nDONE\n>> older") == "DONE"


def test_an_outlook_reply_stops_at_its_original_message_block() -> None:
    text = "ok 12\n\n-----Original Message-----\nFrom: Care team\nSubject: Alert 12"
    assert strip_quoted(text) == "ok 12"
    assert strip_quoted("ok\n\nFrom: Care team <care@clinic.example>\nSent: Tuesday") == "ok"


def test_an_html_only_outlook_reply_stops_where_its_quoted_original_begins() -> None:
    mail = EmailMessage()
    mail["From"], mail["Subject"] = "ada@example.org", "RE: Injection reminder"
    mail.set_content(
        '<html><body><div dir="ltr">Done, left thigh</div>'
        '<hr style="display:inline-block;width:98%" tabindex="-1">'
        '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri"><b>From:</b> Your care team'
        " &lt;care@clinic.example&gt;<br><b>Sent:</b> Tuesday, March 3, 2026 7:30 PM<br>"
        "<b>Subject:</b> Injection reminder</font><div>&nbsp;</div></div>"
        "<div>Time for your injection at 19:30. Reply DONE when taken, or SKIP.</div>"
        "</body></html>",
        subtype="html",
    )

    assert reply_text(mail) == "Done, left thigh"


def test_an_outlook_header_block_right_under_the_reply_is_cut_when_sent_follows_from() -> None:
    text = (
        "Done\nFrom: Your care team <care@clinic.example>\nSent: Tuesday, March 3, 2026 7:30 PM"
        "\nTo: Ada\n\nTime for your injection at 19:30. Reply SKIP"
    )
    assert strip_quoted(text) == "Done"
    assert strip_quoted("Erledigt\nVon: Team <care@clinic.example>\nGesendet: Dienstag") == (
        "Erledigt"
    )
    # A line that only starts like the header is the patient's own.
    assert strip_quoted("From: my neurologist: keep going\nDone") == (
        "From: my neurologist: keep going\nDone"
    )


def test_an_hr_before_an_outlook_header_block_counts_as_the_blank_line_before_it() -> None:
    assert html_to_text("<div>ok 12</div><hr><b>From:</b> Care team<br>Sent: Tuesday") == (
        "ok 12\n\nFrom: Care team\nSent: Tuesday"
    )
    assert strip_quoted(html_to_text("<div>ok 12</div><hr><b>From:</b> Care team")) == "ok 12"


@pytest.mark.parametrize(
    ("text", "new"),
    [
        (
            "2 2 no\r\n\r\nLe mar. 3 mars 2026 à 19:30, Équipe <care@clinic.example> a écrit :\r\n> Bonjour",
            "2 2 no",
        ),
        (
            "Hecho\n\nEl mar, 3 mar 2026 a las 19:30, Equipo (<care@clinic.example>) escribió:\n> Hola",
            "Hecho",
        ),
        (
            "3 1 N\n\nAm Mi., 4. März 2026 um 09:00 Uhr schrieb Team <care@clinic.example>:\n> Hallo",
            "3 1 N",
        ),
        ("Erledigt\n\nVon meinem iPhone gesendet", "Erledigt"),
        ("Listo\n\nEnviado desde mi iPhone", "Listo"),
        ("Fait\n\nEnvoyé de mon iPhone", "Fait"),
        ("1 1 n\n\nDe : Équipe <care@clinic.example>\nEnvoyé : mardi 3 mars 2026 19:30", "1 1 n"),
        ("Le matin ça va, 1 1 n", "Le matin ça va, 1 1 n"),
        ("On my way home I did it, left thigh", "On my way home I did it, left thigh"),
    ],
)
def test_the_quote_headers_of_the_shipped_languages_are_cut_so_their_dates_are_not_read(
    text: str, new: str
) -> None:
    # Left in, "3 mars 2026 à 19:30" would be two more numbers beside the scores, and a time.
    assert strip_quoted(text) == new


# --- against dovecot ------------------------------------------------------------------------


def _settings(
    tmp_path: Path,
    database_url: str,
    smtp: SmtpServer,
    imap: ImapServer,
    authserv_id: str = AUTHSERV,
) -> Settings:
    extra = f"""
[imap]
host = "127.0.0.1"
port = {imap.port}
security = "none"
user = "{imap.user}"
authserv_id = "{authserv_id}"
"""
    return email_settings(tmp_path, database_url, smtp.port, extra, IMAP_PASSWORD=imap.password)


def _deliver(imap: ImapServer, mail: EmailMessage) -> None:
    with IMAPClient("127.0.0.1", port=imap.port, ssl=False) as client:
        client.login(imap.user, imap.password)
        client.append("INBOX", mail.as_bytes())


def _unseen(imap: ImapServer) -> list[int]:
    with IMAPClient("127.0.0.1", port=imap.port, ssl=False) as client:
        client.login(imap.user, imap.password)
        client.select_folder("INBOX")
        return list(client.search(["UNSEEN"]))


def _reply(sender: str, body: str, in_reply_to: str | None, clock: SimulatedClock) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = f"Ann Lee <{sender}>"
    mail["To"] = SENDER
    mail["Subject"] = "Re: Reminder: your injection today"
    mail["Date"] = format_datetime(clock.now())
    mail["Message-ID"] = make_msgid(domain="mail.example.org")
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
        mail["References"] = in_reply_to
    mail.set_content(body)
    return vouched(mail)


@pytest.fixture
def reminded(
    engine: Engine,
    database_url: str,
    clock: SimulatedClock,
    tmp_path: Path,
    smtp_server: SmtpServer,
    imap_server: ImapServer,
) -> tuple[Settings, str]:
    """A patient reminded by email; returns the settings and the reminder's Message-ID."""
    settings = _settings(tmp_path, database_url, smtp_server, imap_server)
    until_reminder(engine, settings, clock, enrol_by_email(engine, settings, clock))
    Outbox(
        engine, settings, clock, Transports(settings), Renderer(), rng=random.Random(1)
    ).dispatch()
    [mail] = smtp_server.received
    return settings, str(mail["Message-ID"])


def test_a_reply_with_quoted_text_is_stored_raw_applied_and_then_marked_seen(
    engine: Engine,
    clock: SimulatedClock,
    imap_server: ImapServer,
    reminded: tuple[Settings, str],
) -> None:
    settings, message_id = reminded
    body = (
        "DONE left thigh\n\nSent from my iPhone\n\nOn Tue, Mar 3, 2026 at 7:30 PM Your care team"
        f" <{SENDER}> wrote:\n> It's time for your injection: 0.25 mL today\n"
    )
    reply = _reply(PATIENT_EMAIL, body, message_id, clock)
    _deliver(imap_server, reply)
    assert len(_unseen(imap_server)) == 1

    stats = poll(engine, settings, clock)

    assert (stats.fetched, stats.stored, stats.unknown) == (1, 1, 0)
    assert _unseen(imap_server) == []
    with session_scope(engine) as session:
        inbound = session.exec(select(InboundMessage)).one()
        dose = session.exec(select(Dose).order_by(col(Dose.id))).first()
        answer = session.exec(select(Message).where(Message.kind == MessageKind.REPLY)).one()
    assert inbound.channel == Channel.EMAIL and inbound.sender == PATIENT_EMAIL
    assert inbound.body == "DONE left thigh"
    assert inbound.raw is not None and str(reply["Message-ID"]) in inbound.raw
    assert "wrote:" in inbound.raw
    assert dose is not None and dose.status == DoseStatus.TAKEN and dose.site == "left_thigh"
    assert answer.to_address == PATIENT_EMAIL and answer.channel == Channel.EMAIL
    assert stats.answers == [answer.id]


def refused(engine: Engine) -> InboundMessage:
    """The one stored email, which must have acted on nothing."""
    with session_scope(engine) as session:
        inbound = session.exec(select(InboundMessage)).one()
        replies = session.exec(select(Message).where(Message.kind == MessageKind.REPLY)).all()
        dose = session.exec(select(Dose).order_by(col(Dose.id))).first()
        patient = session.exec(select(Patient)).one()
    assert inbound.parsed_as == "unauthenticated" and inbound.patient_id is None
    assert inbound.raw is not None
    assert replies == []
    assert dose is not None and dose.status == DoseStatus.PENDING
    assert patient.status == PatientStatus.ACTIVE
    return inbound


def test_a_reply_from_another_address_than_the_one_we_wrote_to_acts_on_nothing(
    engine: Engine,
    clock: SimulatedClock,
    imap_server: ImapServer,
    reminded: tuple[Settings, str],
) -> None:
    settings, message_id = reminded
    _deliver(imap_server, _reply("ann.lee@work.example", "done", message_id, clock))

    stats = poll(engine, settings, clock)

    assert (stats.stored, stats.refused, stats.answers) == (1, 1, [])
    inbound = refused(engine)
    assert inbound.outcome == (
        "not acted on: it answers an email we sent to another address than its From"
    )


def test_an_unknown_sender_is_stored_and_not_answered(
    engine: Engine,
    clock: SimulatedClock,
    imap_server: ImapServer,
    reminded: tuple[Settings, str],
) -> None:
    settings, _ = reminded
    _deliver(imap_server, _reply("stranger@elsewhere.example", "DONE\n> quoted", None, clock))

    stats = poll(engine, settings, clock)

    assert (stats.stored, stats.refused, stats.answers) == (1, 1, [])
    assert _unseen(imap_server) == []
    inbound = refused(engine)
    assert inbound.sender == "stranger@elsewhere.example" and inbound.body == "DONE"
    assert "answers no email we sent" in (inbound.outcome or "")


def test_emails_whose_headers_the_library_cannot_parse_are_stored_and_block_no_later_reply(
    engine: Engine,
    clock: SimulatedClock,
    imap_server: ImapServer,
    reminded: tuple[Settings, str],
) -> None:
    settings, message_id = reminded
    # The standard library's header parser raises on these values (a quote alone, an empty id).
    with IMAPClient("127.0.0.1", port=imap_server.port, ssl=False) as client:
        client.login(imap_server.user, imap_server.password)
        client.append("INBOX", b'From: "\r\nSubject: hi\r\n\r\nDONE\r\n')
        reply = _reply(PATIENT_EMAIL, "DONE left thigh", message_id, clock).as_bytes()
        client.append("INBOX", re.sub(rb"Message-ID: <[^>]*>", b"Message-ID: <>", reply))

    stats = poll(engine, settings, clock)

    assert (stats.fetched, stats.stored, stats.refused) == (2, 2, 1)
    assert _unseen(imap_server) == []
    with session_scope(engine) as session:
        stored = list(session.exec(select(InboundMessage).order_by(col(InboundMessage.id))))
        dose = session.exec(select(Dose).order_by(col(Dose.id))).first()
    assert [inbound.body for inbound in stored] == ["DONE", "DONE left thigh"]
    assert stored[0].outcome == "not acted on: no From address"
    assert stored[1].sender == PATIENT_EMAIL and stored[1].patient_id is not None
    assert dose is not None and dose.status == DoseStatus.TAKEN and dose.site == "left_thigh"


def _forged(
    sender: str, body: str, in_reply_to: str, clock: SimulatedClock, *headers: str
) -> EmailMessage:
    """An email with a From it has no right to: ``headers`` are the Authentication-Results it
    carries (a forger may write their own; our server's say fail)."""
    mail = _reply(sender, body, in_reply_to, clock)
    del mail["Authentication-Results"]
    for header in headers:
        mail["Authentication-Results"] = header
    return mail


@pytest.mark.parametrize(
    "headers",
    [
        (),  # our server added nothing (no DKIM, no DMARC record)
        (f"{AUTHSERV}; dkim=fail header.d=example.org; dmarc=fail header.from=example.org",),
        (
            "mx.attacker.example; dkim=pass header.d=example.org; dmarc=pass header.from=example.org",
        ),
        (f"{AUTHSERV}; dkim=pass header.d=attacker.example; dmarc=none",),
        (f"{AUTHSERV} (dkim=pass header.d=example.org); dkim=neutral",),  # a pass only in a comment
    ],
    ids=["no-results", "fail", "another-server", "another-domain", "comment"],
)
def test_a_forged_pause_from_the_patients_address_pauses_nothing(
    engine: Engine,
    clock: SimulatedClock,
    imap_server: ImapServer,
    reminded: tuple[Settings, str],
    headers: tuple[str, ...],
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings, message_id = reminded
    _deliver(imap_server, _forged(PATIENT_EMAIL, "PAUSE 365", message_id, clock, *headers))

    with caplog.at_level(logging.WARNING, logger="reminder.imap"):
        stats = poll(engine, settings, clock)

    assert stats.refused == 1
    inbound = refused(engine)
    assert "dmarc=pass or dkim=pass for example.org" in (inbound.outcome or "")
    assert any("not acted on" in r.getMessage() for r in caplog.records)


def test_without_an_authserv_id_no_email_reply_acts(
    engine: Engine,
    database_url: str,
    clock: SimulatedClock,
    tmp_path: Path,
    smtp_server: SmtpServer,
    imap_server: ImapServer,
    reminded: tuple[Settings, str],
) -> None:
    _, message_id = reminded
    settings = _settings(tmp_path, database_url, smtp_server, imap_server, authserv_id="")
    _deliver(imap_server, _reply(PATIENT_EMAIL, "DONE", message_id, clock))

    poll(engine, settings, clock)

    assert "imap.authserv_id is not set" in (refused(engine).outcome or "")


def test_an_authenticated_reply_with_dmarc_pass_alone_acts(
    engine: Engine,
    clock: SimulatedClock,
    imap_server: ImapServer,
    reminded: tuple[Settings, str],
) -> None:
    settings, message_id = reminded
    mail = _forged(
        PATIENT_EMAIL,
        "DONE",
        message_id,
        clock,
        f"{AUTHSERV}; spf=pass smtp.mailfrom=example.org; dmarc=pass (p=reject) header.from=example.org",
    )
    _deliver(imap_server, mail)

    poll(engine, settings, clock)

    with session_scope(engine) as session:
        dose = session.exec(select(Dose).order_by(col(Dose.id))).first()
    assert dose is not None and dose.status == DoseStatus.TAKEN


def test_an_email_fetched_again_before_it_was_marked_seen_is_applied_once(
    engine: Engine,
    clock: SimulatedClock,
    imap_server: ImapServer,
    reminded: tuple[Settings, str],
) -> None:
    settings, message_id = reminded
    _deliver(imap_server, _reply(PATIENT_EMAIL, "DONE", message_id, clock))

    class CrashesBeforeSeen(IMAPClient):
        def add_flags(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise ConnectionResetError("the connection dropped")

    def crashing(settings: Settings) -> IMAPClient:
        client = CrashesBeforeSeen("127.0.0.1", port=settings.file.imap.port, ssl=False)
        client.login(settings.file.imap.user, "imap-test-password")
        client.select_folder("INBOX")
        return client

    with pytest.raises(ConnectionResetError):
        poll(engine, settings, clock, connector=crashing)
    assert len(_unseen(imap_server)) == 1

    stats = poll(engine, settings, clock)

    assert (stats.fetched, stats.duplicates, stats.stored) == (1, 1, 0)
    assert _unseen(imap_server) == []
    with session_scope(engine) as session:
        assert len(session.exec(select(InboundMessage)).all()) == 1
        assert (
            len(session.exec(select(Message).where(Message.kind == MessageKind.REPLY)).all()) == 1
        )


def test_the_workers_mailbox_job_stores_a_reply_and_sends_its_answer_at_once(
    engine: Engine,
    clock: SimulatedClock,
    imap_server: ImapServer,
    smtp_server: SmtpServer,
    reminded: tuple[Settings, str],
) -> None:
    import threading

    from reminder.app import App
    from reminder.daemon import MailboxLoop

    settings, message_id = reminded
    _deliver(imap_server, _reply(PATIENT_EMAIL, "LATER", message_id, clock))
    outbox = Outbox(engine, settings, clock, Transports(settings), Renderer())

    MailboxLoop(App(settings, engine, clock), threading.Event(), outbox)()

    assert _unseen(imap_server) == []
    answer = smtp_server.received[-1]
    assert answer["To"] == PATIENT_EMAIL and len(smtp_server.received) == 2
    with session_scope(engine) as session:
        reply = session.exec(select(Message).where(Message.kind == MessageKind.REPLY)).one()
    assert reply.provider_id == answer["Message-ID"]


def test_a_forged_ok_from_a_contact_acknowledges_nothing_and_a_vouched_one_does(
    engine: Engine,
    clock: SimulatedClock,
    imap_server: ImapServer,
    smtp_server: SmtpServer,
    reminded: tuple[Settings, str],
) -> None:
    settings, _ = reminded
    nurse = "joy@nurses.example"
    with session_scope(engine) as session:
        patient = session.exec(select(Patient)).one()
        add_contact(
            session,
            settings,
            patient,
            name="Joy",
            phone=None,
            email=nurse,
            role=ContactRole.NURSE,
            now=clock.now(),
        )
    receive(
        engine, settings, clock, sender=PATIENT_EMAIL, body="I want to die", channel=Channel.EMAIL
    )
    Outbox(engine, settings, clock, Transports(settings), Renderer()).dispatch()
    [notice] = [m for m in smtp_server.received if m["To"] == nurse]
    mail = _forged(nurse, "OK", str(notice["Message-ID"]), clock)
    _deliver(imap_server, mail)

    assert poll(engine, settings, clock).refused == 1

    with session_scope(engine) as session:
        alert = session.exec(select(Alert)).one()
        assert alert.status == AlertStatus.OPEN
    _deliver(imap_server, _reply(nurse, "OK", str(notice["Message-ID"]), clock))

    assert poll(engine, settings, clock).refused == 0

    with session_scope(engine) as session:
        alert = session.exec(select(Alert)).one()
        assert alert.status == AlertStatus.ACKNOWLEDGED
