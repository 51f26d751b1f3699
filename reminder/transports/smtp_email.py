"""Email through an SMTP server: multipart (plain text + HTML), a Message-ID we store, one-tap links.

Each email carries the rendered text body, an autoescaped HTML part (``email/layout.html.j2``), a
``List-Unsubscribe`` header with its one-click ``List-Unsubscribe-Post`` (RFC 8058), and signed links
(reminder.links): "I took it" in reminders and nudges, the check-in form in check-ins, unsubscribe in
all. The send pipeline signs them from the message row and hands them over on ``Outgoing.links``;
they expire ``links.expiry_hours`` after the message was due.

Failures and what follows (the outbox acts on the TransportError raised here):

==========================================  ====================================================
4xx reply (greylisting, mailbox busy, 421)  transient: retried with backoff
5xx reply (no such user, rejected)          permanent: the row ends ``failed`` with the reply
authentication failed (535)                 transient, so fixing SMTP_PASSWORD drains the queue
sender refused at MAIL FROM (530, 550, 553)  transient, as that: it is about smtp.from_address or
                                            smtp.user, not this email, and fixing them drains the
                                            queue
connection refused, timeout, disconnected   transient
the whole send past smtp.timeout_seconds    transient (the connection is cut)
==========================================  ====================================================

**One deadline for the whole send.** ``smtp.timeout_seconds`` bounds the send from connect to QUIT,
not each step: a server that answers every command just in time (greeting, EHLO, STARTTLS, AUTH,
MAIL, RCPT, DATA, each up to the timeout) would otherwise hold a send for many times it, past the
outbox lease (``outbox.lease_seconds``, which must be at least twice the timeout), and a sweep
would hand the email to another worker while this one still sends it: a second copy.

The Message-ID returned is what replies name in In-Reply-To, so the IMAP poller can match them.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import socket
import ssl
import threading
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any

from jinja2 import Environment, TemplateError

from reminder.config import ConfigError, Settings
from reminder.links import html_templates
from reminder.transports import Outgoing, TransportError

log = logging.getLogger("reminder.smtp")


def require_smtp(settings: Settings) -> None:
    where = settings.path or "reminder.toml"
    if not settings.file.smtp.from_address:
        raise ConfigError(f'{where}: smtp.from_address: required when transport.email = "smtp"')
    if settings.file.smtp.user and settings.secrets.smtp_password is None:
        raise ConfigError("SMTP_PASSWORD: not set; smtp.user is given, so it is needed")
    if settings.secrets.secret_key is None:
        raise ConfigError(
            'REMINDER_SECRET_KEY: not set; transport.email = "smtp" signs the links in emails with it'
        )


class SmtpTransport:
    def __init__(self, settings: Settings) -> None:
        require_smtp(settings)
        self.settings = settings
        self.config = settings.file.smtp
        self.sender = self.config.from_address
        self.messages_per_second = 0.0

    def compose(self, outgoing: Outgoing) -> EmailMessage:
        links = outgoing.links
        domain = self.sender.rpartition("@")[2] or None
        email = EmailMessage()
        html = html_templates(self.settings, outgoing.language)
        sender_name = self.settings.messages.texts(outgoing.language).sender_name or str(
            html.get_template("words.j2").module.sender_name  # type: ignore[attr-defined]
        )
        email["From"] = formataddr((sender_name, self.sender))
        email["To"] = outgoing.to
        email["Subject"] = outgoing.subject or sender_name
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = make_msgid(idstring=f"m{outgoing.message_id}", domain=domain)
        if "unsubscribe" in links:
            email["List-Unsubscribe"] = f"<{links['unsubscribe']}>"
            email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        email.set_content(text_part(outgoing.body, links, html))
        context: dict[str, Any] = {
            "subject": email["Subject"],
            "paragraphs": [p for p in outgoing.body.split("\n\n") if p.strip()],
            "links": links,
            "sender_name": sender_name,
            "language": outgoing.language,
        }
        email.add_alternative(html.get_template("email/layout.html.j2").render(context), "html")
        return email

    def send(self, outgoing: Outgoing) -> str:
        try:
            email = self.compose(outgoing)
        except TemplateError as exc:  # the operator's to fix; retrying cannot help
            raise TransportError(f"email template error: {exc}"[:300], permanent=True) from None
        try:
            client = self._connect()
            try:
                client.send_message(email)
            finally:
                _say_goodbye(client)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise _classified(code, reply) from None
        except smtplib.SMTPAuthenticationError as exc:
            raise TransportError(
                f"SMTP authentication failed ({exc.smtp_code}): check smtp.user and SMTP_PASSWORD",
                code=str(exc.smtp_code),
            ) from None
        except smtplib.SMTPSenderRefused as exc:
            log.error(
                "the mail server refused the sender (%s): check smtp.from_address and smtp.user",
                exc.smtp_code,
            )
            raise TransportError(
                f"SMTP {exc.smtp_code}: the server refused the sender: {_text(exc.smtp_error)}"[
                    :300
                ],
                code=str(exc.smtp_code),
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise _classified(exc.smtp_code, exc.smtp_error) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise TransportError(f"SMTP connection failed: {exc!r}"[:300]) from None
        return str(email["Message-ID"])

    def _connect(self) -> _Client:
        config = self.config
        if config.security == "tls":
            client: _Client = _TlsClient(
                timeout=config.timeout_seconds, context=ssl.create_default_context()
            )
        else:
            client = _PlainClient(timeout=config.timeout_seconds)
        client._host = config.host  # what TLS checks the certificate against (as SMTP(host) sets)
        client.deadline.start()
        try:
            client.connect(config.host, config.port)
            if config.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if config.user:
                password = self.settings.secrets.smtp_password
                assert password is not None  # require_smtp refused the settings otherwise
                client.login(config.user, password.get_secret_value())
        except BaseException:
            client.close()
            raise
        return client


class _Deadline:
    """Cuts a client's connection once ``seconds`` have passed since ``start``: a blocked read or
    write then fails at once, and every later command is refused before it is sent."""

    def __init__(self, client: smtplib.SMTP, seconds: float) -> None:
        self.client = client
        self.seconds = seconds
        self.expired = threading.Event()
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True

    def start(self) -> None:
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()

    def check(self) -> None:
        if self.expired.is_set():
            raise smtplib.SMTPServerDisconnected(
                f"the send took longer than smtp.timeout_seconds = {self.seconds:g}; cut off"
            )

    def _cut(self) -> None:
        self.expired.set()
        sock = self.client.sock
        if sock is not None:
            with contextlib.suppress(OSError):  # closed meanwhile
                sock.shutdown(socket.SHUT_RDWR)


class _Client(smtplib.SMTP):
    """An SMTP client whose whole conversation is held to one deadline (``_Deadline``)."""

    deadline: _Deadline

    def send(self, s: bytes | str) -> None:
        self.deadline.check()
        super().send(s)

    def getreply(self) -> tuple[int, bytes]:
        self.deadline.check()
        try:
            return super().getreply()
        except (OSError, smtplib.SMTPServerDisconnected):
            self.deadline.check()  # a read the deadline cut short says so, not "connection closed"
            raise

    def close(self) -> None:
        self.deadline.cancel()
        super().close()


class _PlainClient(_Client):
    def __init__(self, *, timeout: float) -> None:
        self.deadline = _Deadline(self, timeout)
        super().__init__(timeout=timeout)


class _TlsClient(_Client, smtplib.SMTP_SSL):
    def __init__(self, *, timeout: float, context: ssl.SSLContext) -> None:
        self.deadline = _Deadline(self, timeout)
        smtplib.SMTP_SSL.__init__(self, timeout=timeout, context=context)


def text_part(body: str, links: Mapping[str, str], words: Environment) -> str:
    """The plain text part: the body, then each link under its words in the reader's language
    (``email/links.txt.j2``)."""
    tail = words.get_template("email/links.txt.j2").render(links=links).strip()
    return f"{body.rstrip()}\n\n{tail}\n" if tail else f"{body.rstrip()}\n"


def _say_goodbye(client: smtplib.SMTP) -> None:
    """QUIT and close. Once the server has taken the mail, what it answers to QUIT (a 5xx, a
    timeout, a dropped connection) changes nothing: the mail was sent, and failing or retrying
    it would lose the Message-ID or send the patient a second copy."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _classified(code: int, reply: bytes | str) -> TransportError:
    message = f"SMTP {code}: {_text(reply)}"[:300]
    return TransportError(message, permanent=500 <= code < 600, code=str(code))
