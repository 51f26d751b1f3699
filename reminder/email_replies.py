"""Replies by email: poll an IMAP mailbox, store each email raw, then apply it like an SMS reply.

The pure parts (``reply_text``, ``strip_quoted``, ``message_key``, ``referenced_ids``) only read an
email; ``poll`` does the I/O. For each unseen email in ``imap.folder``:

1. it is fetched with ``BODY.PEEK[]``, which leaves it unseen;
2. its reply text (the plain part, or the HTML part as text) loses quoted text and signatures;
3. ``conversation.receive`` stores the raw source and that text in one transaction, then applies
   the text exactly as it would an SMS (``provider_id`` is derived from the Message-ID, so an
   email fetched twice is stored and applied once);
4. only then is it flagged ``\\Seen``. A crash between 3 and 4 fetches it again next time, and the
   unique ``provider_id`` makes that harmless.

**A From header proves nothing**, so an email acts only when both hold:

- it answers a message we sent *to its From address*: its In-Reply-To or References names the
  Message-ID of one of our emails to that address (the Message-IDs stored on sending);
- the receiving mail server vouches for the From domain: an ``Authentication-Results`` header
  whose authserv-id is ``imap.authserv_id`` shows ``dmarc=pass`` with ``header.from`` that domain,
  or ``dkim=pass`` with ``header.d`` that domain. (RFC 8601: the receiving server removes any such
  header a sender wrote with its authserv-id, so only its own remain.)

Otherwise the email is stored raw (``parsed_as = "unauthenticated"``, ``outcome`` says why), acts
on nothing (no dose, no acknowledgement, no pause, no answer) and the operator log says why.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import html
import logging
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

import sqlalchemy as sa
from imapclient import IMAPClient
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from reminder import conversation
from reminder.clock import Clock
from reminder.config import ConfigError, Settings
from reminder.db import session_scope, upsert_insert
from reminder.models import Channel, InboundMessage, Message

log = logging.getLogger("reminder.imap")

SEEN = b"\\Seen"
UNAUTHENTICATED = "unauthenticated"
_COMMENT = re.compile(r"\([^()]*\)")
# "On Tue, 3 Mar 2026 ... wrote:", and the same line of the mail apps in the shipped languages:
# "Le mar. 3 mars 2026 à 19:30, ... a écrit :", "El mar, 3 mar 2026 ..., ... escribió:",
# "Am Di., 3. März 2026 um 19:30 Uhr schrieb ... <...>:". Its dates and times must not be read as
# scores or as the time a dose was taken.
_QUOTE_HEADER = re.compile(
    r"^\s*(on|le|am|el|il|op|em)\s.+(\bwrote|\ba\s+[ée]crit|\bescribi[óo]|\bschrieb\b.*"
    r"|\bha\s+scritto|\bescreveu|\bschreef\b.*)\s*:\s*$",
    re.IGNORECASE,
)
_QUOTE_HEADER_START = re.compile(r"^\s*(on|le|am|el|il|op|em)\s.+", re.IGNORECASE)
_SIGNATURE = re.compile(
    r"^\s*(sent from my \S.*|sent from (outlook|mail|yahoo mail).*|get outlook for \S.*"
    r"|sent from my .*|envoy[ée] de mon \S.*|enviado desde mi \S.*|von meinem \S.*gesendet.*"
    r"|gesendet von meinem \S.*)$",
    re.IGNORECASE,
)
_FORWARD = re.compile(
    r"^\s*(-{2,}\s*original message\s*-{2,}|_{10,}|-{2,}\s*forwarded message\s*-{2,})\s*$",
    re.IGNORECASE,
)
_OUTLOOK_HEADER = re.compile(r"^\s*(from|von|de|da|van)\s*:\s.+", re.IGNORECASE)
# The line after Outlook's "From:" (sent, date, to, in the shipped languages and their kin).
_OUTLOOK_NEXT = re.compile(
    r"^\s*(sent|date|to|gesendet|datum|an|envoy[ée]|[àa]|enviado|fecha|para|inviato|data"
    r"|verzonden|aan)\s*:\s.+",
    re.IGNORECASE,
)
_TAGS = re.compile(r"<[^>]+>")
_BLOCKS = re.compile(r"<\s*(br|hr|/p|/div|/li|/tr|/h\d)\b[^>]*>", re.IGNORECASE)
_QUOTED_HTML = re.compile(r"<blockquote\b.*?</blockquote>", re.IGNORECASE | re.DOTALL)
# Outlook (web and new desktop) quotes in no blockquote: its "From: ... Sent: ..." block, then
# the whole original, follow the reply in a div of this id.
_OUTLOOK_QUOTED_HTML = re.compile(r"<div\b[^>]*\bid=[\"']?divRplyFwdMsg\b.*", re.I | re.DOTALL)
_HIDDEN_HTML = re.compile(r"<(style|script|head)\b.*?</\1>", re.IGNORECASE | re.DOTALL)


def strip_quoted(text: str) -> str:
    """The new text of a reply: everything before the quote header ("On ... wrote:"), the
    signature delimiter ("-- "), a "Sent from my iPhone" line or a forwarded block, without
    lines quoted with ">"."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if line.rstrip() in ("--", "-- ") or line == "-- ":
            break
        if _SIGNATURE.match(line) or _FORWARD.match(line) or _QUOTE_HEADER.match(line):
            break
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _QUOTE_HEADER_START.match(line) and _QUOTE_HEADER.match(f"{line} {following}"):
            break  # "On Tue, 3 Mar 2026 at 19:30, Care team <care@...>" / "wrote:"
        if _OUTLOOK_HEADER.match(line) and kept and not kept[-1].strip():
            break  # Outlook's "From: ..." block under a blank line
        if _OUTLOOK_HEADER.match(line) and _OUTLOOK_NEXT.match(following):
            break  # the same block right under the reply: "From: ..." then "Sent: ..."
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


def html_to_text(markup: str) -> str:
    markup = _HIDDEN_HTML.sub("", _QUOTED_HTML.sub("", _OUTLOOK_QUOTED_HTML.sub("", markup)))
    return html.unescape(_TAGS.sub("", _BLOCKS.sub("\n", markup)))


def reply_text(mail: EmailMessage) -> str:
    """What the person wrote: the plain part (or the HTML part as text), quotes and signature gone."""
    part = mail.get_body(("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown charset: read what can be read
        content = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    if part.get_content_type() == "text/html":
        content = html_to_text(str(content))
    return strip_quoted(str(content))


def header_values(mail: EmailMessage, name: str) -> list[str]:
    """Every value of a header as text; as written when the standard library fails to parse it.

    Its parser raises (IndexError, AttributeError) on some malformed values, such as
    ``Message-ID: <>`` or ``From: "``; one such email must not stop the mailbox's later ones.
    """
    try:
        return [str(value) for value in mail.get_all(name, [])]
    except Exception:
        return [str(value) for key, value in mail.raw_items() if key.lower() == name.lower()]


def header_text(mail: EmailMessage, name: str) -> str:
    return next(iter(header_values(mail, name)), "")


def referenced_ids(mail: EmailMessage) -> list[str]:
    """The Message-IDs an email answers, nearest first: In-Reply-To, then References newest first."""
    ids = re.findall(r"<[^<>\s]+>", header_text(mail, "In-Reply-To"))
    ids += reversed(re.findall(r"<[^<>\s]+>", header_text(mail, "References")))
    return list(dict.fromkeys(ids))


def message_key(mail: EmailMessage, raw: bytes) -> str:
    """InboundMessage.provider_id of an email (64 characters at most, whatever the Message-ID)."""
    identity = header_text(mail, "Message-ID").strip().encode("utf-8", "replace") or raw
    return "email:" + hashlib.sha256(identity).hexdigest()[:40]


def sender_of(mail: EmailMessage) -> str:
    return (
        parseaddr(header_text(mail, "From"))[1]
        or (getaddresses([header_text(mail, "Sender")]) or [("", "")])[0][1]
    )


def authentication_results(
    mail: EmailMessage, authserv_id: str
) -> list[tuple[str, dict[str, str]]]:
    """The ``(method=result, properties)`` of every Authentication-Results header from
    ``authserv_id`` (RFC 8601), comments removed: ``("dkim=pass", {"header.d": "example.org"})``."""
    results = []
    for text in header_values(mail, "Authentication-Results"):
        while _COMMENT.search(text):
            text = _COMMENT.sub(" ", text)
        server, *resinfos = [part.strip() for part in text.split(";")]
        if not server or server.split()[0].lower() != authserv_id.lower():
            continue
        for resinfo in resinfos:
            method, *properties = resinfo.split()
            if "=" not in method:
                continue
            values = {}
            for prop in properties:
                name, _, value = prop.partition("=")
                values[name.lower()] = value.strip('"').lower()
            results.append((method.lower(), values))
    return results


def domain_vouched(mail: EmailMessage, authserv_id: str, domain: str) -> bool:
    """Whether our receiving server saw DMARC or DKIM pass for exactly ``domain``."""
    domain = domain.lower()
    for method, values in authentication_results(mail, authserv_id):
        if method == "dmarc=pass" and values.get("header.from") == domain:
            return True
        if method == "dkim=pass" and (
            values.get("header.d") == domain or values.get("header.i", "").endswith(f"@{domain}")
        ):
            return True
    return False


def why_not_trusted(
    engine: Engine, settings: Settings, mail: EmailMessage, sender: str
) -> str | None:
    """Why this email must not act (None: it may): see the module doc."""
    authserv_id = settings.file.imap.authserv_id
    if not sender:
        return "no From address"
    references = referenced_ids(mail)
    answered: list[str] = []
    if references:
        with session_scope(engine) as session:
            answered = list(
                session.exec(
                    select(Message.to_address).where(
                        col(Message.provider_id).in_(references), Message.channel == Channel.EMAIL
                    )
                )
            )
    if not answered:
        return "it answers no email we sent (In-Reply-To/References name none of ours)"
    if sender.lower() not in {address.lower() for address in answered}:
        return "it answers an email we sent to another address than its From"
    if not authserv_id:
        return "imap.authserv_id is not set, so no From can be authenticated"
    domain = sender.rpartition("@")[2]
    if not domain_vouched(mail, authserv_id, domain):
        return (
            f"no Authentication-Results from {authserv_id} shows dmarc=pass or dkim=pass"
            f" for {domain}"
        )
    return None


@dataclass
class PollStats:
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    unknown: int = 0
    refused: int = 0  # stored but not acted on: not authenticated
    answers: list[int] | None = None


def receive_email(
    engine: Engine, settings: Settings, clock: Clock, raw: bytes
) -> conversation.Outcome:
    """Store one email raw and, if it is authenticated, apply its reply text as the conversation
    does an SMS; if not, store it and act on nothing."""
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(mail, EmailMessage)
    sender = sender_of(mail)
    body, key, source = reply_text(mail), message_key(mail, raw), raw.decode("utf-8", "replace")
    refused = why_not_trusted(engine, settings, mail, sender)
    if refused is not None:
        return store_refused(engine, clock, sender, body, key, source, refused)
    return conversation.receive(
        engine,
        settings,
        clock,
        sender=sender,
        body=body,
        channel=Channel.EMAIL,
        provider_id=key,
        raw=source,
    )


def store_refused(
    engine: Engine, clock: Clock, sender: str, body: str, key: str, raw: str, why: str
) -> conversation.Outcome:
    """Keep an email that may not act: raw, linked to no one (so no rule reads it as a patient's
    words), with why in ``outcome``; stored once however often it is fetched."""
    outcome = f"not acted on: {why}"[:200]
    statement = (
        upsert_insert(engine, InboundMessage)
        .values(
            channel=Channel.EMAIL,
            sender=(sender or "(no sender)")[:254],
            body=body.replace("\x00", "\ufffd"),
            received_at=clock.now(),
            provider_id=key,
            raw=raw.replace("\x00", "\ufffd"),
            parsed_as=UNAUTHENTICATED,
            outcome=outcome,
        )
        .on_conflict_do_nothing(index_elements=["provider_id"])
        .returning(InboundMessage.id)
    )
    with session_scope(engine) as session:
        inbound_id = session.execute(statement).scalar_one_or_none()
        duplicate = inbound_id is None
        if duplicate:
            inbound_id = session.execute(
                sa.select(InboundMessage.id).where(InboundMessage.provider_id == key)
            ).scalar_one()
    if not duplicate:
        log.warning("email reply %s stored, not acted on: %s", inbound_id, why)
    return conversation.Outcome(inbound_id or 0, duplicate, UNAUTHENTICATED, outcome, None)


def connect(settings: Settings) -> IMAPClient:
    config = settings.file.imap
    password = settings.secrets.imap_password
    if not config.host or not config.user:
        raise ConfigError("imap.host and imap.user: both are needed to poll for email replies")
    if password is None:
        raise ConfigError("IMAP_PASSWORD: not set; imap.host is given, so it is needed")
    context = ssl.create_default_context()
    client = IMAPClient(
        config.host,
        port=config.port,
        ssl=config.security == "tls",
        ssl_context=context if config.security == "tls" else None,
        timeout=config.timeout_seconds,
    )
    try:
        if config.security == "starttls":
            client.starttls(context)
        client.login(config.user, password.get_secret_value())
        client.select_folder(config.folder)
    except BaseException:
        client.shutdown()
        raise
    return client


def poll(
    engine: Engine,
    settings: Settings,
    clock: Clock,
    connector: Callable[[Settings], IMAPClient] = connect,
) -> PollStats:
    """Fetch every unseen email, store and apply each, then flag it seen; see the module doc."""
    stats = PollStats(answers=[])
    client = connector(settings)
    try:
        uids = client.search(["UNSEEN"])
        for uid in uids:
            fetched = client.fetch([uid], [b"BODY.PEEK[]"]).get(uid, {})
            raw = fetched.get(b"BODY[]")
            if raw is None:
                continue
            stats.fetched += 1
            outcome = receive_email(engine, settings, clock, bytes(raw))
            # Stored (or stored before): only now is it marked seen.
            client.add_flags([uid], [SEEN])
            if outcome.duplicate:
                stats.duplicates += 1
                continue
            stats.stored += 1
            if outcome.parsed_as == conversation.UNKNOWN_SENDER:
                stats.unknown += 1
            if outcome.parsed_as == UNAUTHENTICATED:
                stats.refused += 1
            stats.answers.extend(outcome.send_at_once())  # type: ignore[union-attr]
    finally:
        try:
            client.logout()
        except Exception:  # the connection may already be gone; nothing is lost by that
            log.debug("IMAP logout failed", exc_info=True)
    return stats
