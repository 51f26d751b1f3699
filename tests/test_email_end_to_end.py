"""The email channel end to end, with real servers on loopback: reminders and check-ins go out by
SMTP (aiosmtpd), replies come back through IMAP (dovecot), and a contact acknowledges an alert by
email with OK exactly as by SMS."""

from __future__ import annotations

import random
import re
import urllib.request
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from imapclient import IMAPClient
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from reminder.app import Transports
from reminder.clock import Clock, SimulatedClock, SystemClock
from reminder.config import Settings
from reminder.db import create_db_engine, session_scope
from reminder.email_replies import poll
from reminder.enrolment import add_contact
from reminder.models import (
    Alert,
    AlertKind,
    AlertStatus,
    CheckIn,
    CheckInKind,
    CheckInStatus,
    ContactRole,
    Dose,
    DoseStatus,
    MessageKind,
    Patient,
    PatientStatus,
)
from reminder.outbox import Outbox
from reminder.render import Renderer
from tests.mail_servers import (  # noqa: F401  (fixtures)
    AUTHSERV,
    PATIENT_EMAIL,
    SECRET,
    SENDER,
    ImapServer,
    SmtpServer,
    advance_until_queued,
    email_settings,
    enrol_by_email,
    imap_server_fixture,
    parts,
    smtp_server_fixture,
    until_reminder,
    vouched,
)
from tests.test_daemon import Operator, daytime_zone_and_minute, wait_for

CAREGIVER = "bo@example.net"


def _reply(sender: str, answered: EmailMessage, text: str, clock: Clock) -> bytes:
    """What a mail client sends when one answers ``answered`` above its quoted text."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = SENDER
    mail["Subject"] = f"Re: {answered['Subject']}"
    mail["Date"] = format_datetime(clock.now())
    mail["Message-ID"] = make_msgid(domain="example.net")
    mail["In-Reply-To"] = answered["Message-ID"]
    mail["References"] = answered["Message-ID"]
    quoted = "\n".join(f"> {line}" for line in parts(answered)[0].splitlines())
    mail.set_content(f"{text}\n\nOn Wed, 4 Mar 2026, {answered['From']} wrote:\n{quoted}\n")
    return vouched(mail).as_bytes()


def test_a_patient_and_a_caregiver_use_the_bot_entirely_by_email(
    engine: Engine,
    database_url: str,
    clock: SimulatedClock,
    tmp_path: Path,
    smtp_server: SmtpServer,
    imap_server: ImapServer,
) -> None:
    extra = f"""
[imap]
host = "127.0.0.1"
port = {imap_server.port}
security = "none"
user = "{imap_server.user}"
authserv_id = "{AUTHSERV}"
"""
    settings: Settings = email_settings(
        tmp_path, database_url, smtp_server.port, extra, IMAP_PASSWORD=imap_server.password
    )
    outbox = Outbox(engine, settings, clock, Transports(settings), Renderer(), rng=random.Random(1))
    mailbox = IMAPClient("127.0.0.1", port=imap_server.port, ssl=False)
    mailbox.login(imap_server.user, imap_server.password)

    def reply(sender: str, answered: EmailMessage, text: str) -> None:
        mailbox.append("INBOX", _reply(sender, answered, text, clock))
        poll(engine, settings, clock)
        outbox.dispatch()

    patient_id = enrol_by_email(engine, settings, clock)
    with session_scope(engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        add_contact(
            session,
            settings,
            patient,
            name="Bo Lee",
            phone=None,
            email=CAREGIVER,
            role=ContactRole.CAREGIVER,
            now=clock.now(),
        )

    # The reminder by email, answered by replying DONE above the quoted reminder.
    until_reminder(engine, settings, clock, patient_id)
    outbox.dispatch()
    reminder = smtp_server.received[-1]
    reply(PATIENT_EMAIL, reminder, "DONE right arm\n\nSent from my iPhone")
    assert (
        "Thanks, recorded at 19:30 (back of right upper arm)" in parts(smtp_server.received[-1])[0]
    )

    # The check-in the next morning, answered by reply with a bad site reaction.
    advance_until_queued(engine, settings, clock, patient_id, MessageKind.CHECKIN)
    outbox.dispatch()
    checkin_mail = smtp_server.received[-1]
    assert checkin_mail["Subject"] == "How are you today?"
    reply(PATIENT_EMAIL, checkin_mail, "3 9 N")
    with session_scope(engine) as session:
        checkin = session.exec(select(CheckIn).where(CheckIn.kind == CheckInKind.CHECKIN)).one()
        alert = session.exec(select(Alert)).one()
    assert (checkin.flu_score, checkin.site_score, checkin.neuro) == (3, 9, False)
    assert checkin.status == CheckInStatus.ANSWERED
    assert alert.kind == AlertKind.INJECTION_SITE and alert.status == AlertStatus.OPEN

    # The caregiver hears of it by email and acknowledges it by replying OK.
    [alert_mail] = [m for m in smtp_server.received if m["To"] == CAREGIVER]
    assert alert_mail["Subject"] == f"Alert {alert.id} about Ann Lee"
    assert "List-Unsubscribe" in alert_mail
    reply(f"Bo Lee <{CAREGIVER}>", alert_mail, "OK")

    with session_scope(engine) as session:
        alert = session.exec(select(Alert)).one()
        contact_id = alert.acknowledged_by
    assert alert.status == AlertStatus.ACKNOWLEDGED and contact_id is not None
    to_caregiver = [m for m in smtp_server.received if m["To"] == CAREGIVER]
    assert len(to_caregiver) == 2
    answer = parts(to_caregiver[-1])[0]
    assert f"Thanks, alert {alert.id} about Ann Lee" in answer and "is acknowledged" in answer
    mailbox.logout()


@pytest.mark.slow
def test_reminder_run_sends_by_smtp_serves_the_links_and_reads_replies_by_imap(
    database_url: str,
    tmp_path: Path,
    smtp_server: SmtpServer,
    imap_server: ImapServer,
) -> None:
    """The real `reminder run` process: a reminder due this minute goes out by SMTP, its "I took
    it" link answers through the daemon's web server, and an emailed STOP is read from IMAP."""
    shell = Operator(database_url, tmp_path)
    shell.config = tmp_path / "email-run.toml"
    shell.config.write_text(
        f"""public_base_url = "http://127.0.0.1:{shell.port}"
[daemon]
tick_seconds = 1
port = {shell.port}
[schedule]
default_timezone = "America/Chicago"
[transport]
email = "smtp"
[smtp]
host = "127.0.0.1"
port = {smtp_server.port}
security = "none"
from_address = "{SENDER}"
[imap]
host = "127.0.0.1"
port = {imap_server.port}
security = "none"
user = "{imap_server.user}"
authserv_id = "{AUTHSERV}"
poll_seconds = 5
""",
        encoding="utf-8",
    )
    shell.env.update(
        REMINDER_CONFIG=str(shell.config),
        REMINDER_SECRET_KEY=SECRET,
        IMAP_PASSWORD=imap_server.password,
    )
    shell.command("init")
    now = SystemClock().now()
    zone, minute = daytime_zone_and_minute(now)
    enrolled = now.replace(second=0, microsecond=0) - timedelta(seconds=30)
    patient_id = int(
        shell.command(
            "patient", "add", "Ann Lee", "--email", PATIENT_EMAIL, "--tz", zone,
            "--time", minute, "--at", enrolled.isoformat(),
        ).strip()
    )  # fmt: skip
    engine = create_db_engine(database_url)
    daemon = shell.start("run")
    try:
        reminder = wait_for("the reminder email", lambda: list(smtp_server.received))[0]
        link = re.search(r"http://\S+/t/\S+", parts(reminder)[0])
        assert link is not None
        request = urllib.request.Request(link.group(0), data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200 and "Thank you" in response.read().decode()

        def dose_status() -> str | None:
            with session_scope(engine) as session:
                dose = session.exec(select(Dose).order_by(col(Dose.id))).first()
                return str(dose.status) if dose and dose.status == DoseStatus.TAKEN else None

        wait_for("the dose taken by link", dose_status)
        wait_for("the answer email", lambda: len(smtp_server.received) >= 2)

        with IMAPClient("127.0.0.1", port=imap_server.port, ssl=False) as mailbox:
            mailbox.login(imap_server.user, imap_server.password)
            mailbox.append("INBOX", _reply(PATIENT_EMAIL, reminder, "STOP", SystemClock()))

        def opted_out() -> bool:
            with session_scope(engine) as session:
                patient = session.get(Patient, patient_id)
                return patient is not None and patient.status == PatientStatus.OPTED_OUT

        wait_for("the emailed STOP read from IMAP", opted_out)
        assert daemon.stop() == 0
    finally:
        shell.kill_all()
        engine.dispose()
