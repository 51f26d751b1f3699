"""Real mail servers on loopback for the email tests: aiosmtpd for SMTP, dovecot for IMAP, and
settings that point the email channel at them."""

from __future__ import annotations

import email
import email.policy
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine
from sqlmodel import select

from reminder import planner
from reminder.clock import SimulatedClock
from reminder.config import Settings, load_settings
from reminder.db import session_scope
from reminder.enrolment import add_patient, check_patient
from reminder.models import Message, MessageKind, Patient
from tests.conftest import require_installed

SECRET = "test-secret-key-for-signed-links-0123456789"
SENDER = "care@clinic.example"
PATIENT_EMAIL = "ann@example.org"
# The receiving mail server's authserv-id, as configured in [imap] authserv_id by the tests.
AUTHSERV = "mx.clinic.example"


def vouched(mail: EmailMessage, *results: str) -> EmailMessage:
    """``mail`` as our receiving server hands it on: with its Authentication-Results header on top
    (default: DKIM and DMARC pass for the From domain)."""
    domain = parseaddr(str(mail["From"]))[1].rpartition("@")[2]
    said = "; ".join(
        results or (f"dkim=pass header.d={domain}", f"dmarc=pass header.from={domain}")
    )
    mail["Authentication-Results"] = f"{AUTHSERV}; {said}"
    return mail


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Recorder:
    """An aiosmtpd handler: keeps every mail it accepts; ``answer`` makes it refuse DATA instead."""

    received: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    answer: str | None = None
    # What QUIT is answered with, after the mail was taken ("221 Bye" when None).
    quit_answer: str | None = None
    # What MAIL FROM is answered with ("250 OK", the sender taken, when None).
    mail_answer: str | None = None

    async def handle_MAIL(  # noqa: N802
        self, _server: object, _session: object, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.mail_answer is not None:
            return self.mail_answer
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_QUIT(self, _server: object, _session: object, _envelope: object) -> str:  # noqa: N802
        return self.quit_answer or "221 Bye"

    async def handle_DATA(self, _server: object, _session: object, envelope: object) -> str:  # noqa: N802
        if self.answer is not None:
            return self.answer
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)  # type: ignore[attr-defined]
        self.received.append(parsed)  # type: ignore[arg-type]
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))  # type: ignore[attr-defined]
        return "250 OK"


@dataclass
class SmtpServer:
    port: int
    recorder: Recorder

    @property
    def received(self) -> list[EmailMessage]:
        return self.recorder.received


@pytest.fixture(name="smtp_server")
def smtp_server_fixture() -> Iterator[SmtpServer]:
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(port, recorder)
    finally:
        controller.stop()


def email_settings(
    tmp_path: Path,
    database_url: str,
    smtp_port: int,
    extra: str = "",
    base_url: str = "http://127.0.0.1:8765",
    **env: str,
) -> Settings:
    path = tmp_path / "email.toml"
    path.write_text(
        f"""
public_base_url = "{base_url}"
[schedule]
default_timezone = "America/Chicago"
[transport]
email = "smtp"
[smtp]
host = "127.0.0.1"
port = {smtp_port}
security = "none"
from_address = "{SENDER}"
timeout_seconds = 5
{extra}
""",
        encoding="utf-8",
    )
    return load_settings(
        {
            "DATABASE_URL": database_url,
            "REMINDER_CONFIG": str(path),
            "REMINDER_SECRET_KEY": SECRET,
            **env,
        }
    )


def enrol_by_email(
    engine: Engine, settings: Settings, clock: SimulatedClock, address: str = PATIENT_EMAIL
) -> int:
    spec = check_patient(
        settings,
        name="Ann Lee",
        phone=None,
        email=address,
        timezone=None,
        dose_time=None,
        start=None,
    )
    with session_scope(engine) as session:
        patient = add_patient(session, settings, spec, clock.now())
        assert patient.id is not None
        return patient.id


def until_reminder(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int
) -> None:
    """Tick until the patient's first reminder is queued (their 19:30 dose)."""
    planner.tick(engine, settings, clock)
    with session_scope(engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None and patient.next_action_at is not None
        due = patient.next_action_at
    clock.advance(max(due - clock.now(), timedelta(0)))
    planner.tick(engine, settings, clock)


def advance_until_queued(
    engine: Engine, settings: Settings, clock: SimulatedClock, patient_id: int, kind: MessageKind
) -> None:
    """Tick from one planned moment of the patient to the next until a message of ``kind`` is queued."""
    for _ in range(10):
        with session_scope(engine) as session:
            found = session.exec(select(Message.id).where(Message.kind == kind)).first()
            patient = session.get(Patient, patient_id)
            assert patient is not None
            due = patient.next_action_at
        if found is not None:
            return
        assert due is not None
        clock.advance(max(due - clock.now(), timedelta(0)))
        planner.tick(engine, settings, clock)
    raise AssertionError(f"no {kind} message was planned")


def parts(mail: EmailMessage) -> tuple[str, str]:
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


# --- dovecot --------------------------------------------------------------------------------

DOVECOT_CONF = """base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{root}/home/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""
IMAP_USER = "replies"
IMAP_PASSWORD = "imap-test-password"


@dataclass
class ImapServer:
    port: int
    user: str = IMAP_USER
    password: str = IMAP_PASSWORD


@pytest.fixture(name="imap_server")
def imap_server_fixture() -> Iterator[ImapServer]:
    """A real dovecot on a free loopback port, its mail owned by the ``dovecot`` user.

    Its directory is outside pytest's (mode 0700, owned by root), so dovecot's own users can read it.
    """
    require_installed("dovecot", "dovecot-imapd")
    root = Path(tempfile.mkdtemp(prefix="betaminder-dovecot-"))
    port = free_port()
    (root / "passwd").write_text(f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}\n", encoding="utf-8")
    for name in ("run", "state", "home"):
        (root / name).mkdir()
    shutil.chown(root / "home", "dovecot", "dovecot")
    root.chmod(0o755)
    conf = root / "dovecot.conf"
    conf.write_text(DOVECOT_CONF.format(root=root, port=port), encoding="utf-8")
    subprocess.run(["dovecot", "-c", str(conf)], check=True, timeout=20)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield ImapServer(port)
    finally:
        subprocess.run(["dovecot", "-c", str(conf), "stop"], check=False, timeout=20)
        shutil.rmtree(root, ignore_errors=True)
