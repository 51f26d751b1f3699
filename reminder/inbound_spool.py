"""The inbound spool: texts from Twilio's inbound webhook (and its delivery reports) that the
database could not take, kept in a local file until it can, because Twilio retries neither.

One JSON line per request, ``{"received_at": ISO time, "path": the webhook's path, "form": the
signed request's fields}``, appended and fsync'd before Twilio is answered. ``replay`` stores
them through the usual paths (``conversation.receive``, ``delivery.record_delivery``), in the
order they came, as soon as the database answers
again: the web process does so before the next text it takes, and ``reminder run`` / ``serve`` /
``worker`` at every tick. That path skips a MessageSid already stored, so a replay cut short
(the process killed after storing a text but before the file was rewritten) stores nothing
twice. A ``flock`` on ``<spool>.lock`` keeps processes sharing the file out of each other's way.

The file holds what patients wrote, as the database does: it is created readable by its owner
only, and no log line quotes it.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from reminder import conversation
from reminder.clock import Clock
from reminder.config import Settings
from reminder.db import describe_failure
from reminder.delivery import record_delivery
from reminder.transports.twilio_sms import INBOUND_PATH, STATUS_CALLBACK_PATH, delivery_report

log = logging.getLogger("reminder.inbound")

# Stores one spooled request: (when it came, the webhook's path, its form) -> the answers to send.
Store = Callable[[datetime, str, Mapping[str, str]], list[int]]

# The failures that mean the database is away (unreachable, restarting, locked, no connection
# free): the texts wait for it. Any other is about the one text.
AWAY = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)


class Spool:
    """The spool file at ``path`` (relative: to the folder the process starts in)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self.unreadable_path = path.with_name(path.name + ".unreadable")

    @classmethod
    def of(cls, settings: Settings) -> Spool:
        return cls(Path(settings.file.inbound_spool))

    def pending(self) -> bool:
        """Whether texts wait in the spool (a stat, no lock: cheap enough for every request)."""
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False

    def append(
        self, received_at: datetime, form: Mapping[str, str], path: str = INBOUND_PATH
    ) -> None:
        """Keep one request to the webhook at ``path``, on disk before this returns; raises
        OSError when it cannot."""
        entry = {"received_at": received_at.isoformat(), "path": path, "form": dict(form)}
        line = json.dumps(entry) + "\n"
        with self._locked():
            created = not self.path.exists()
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
            if created:
                self._sync_folder()

    def replay(self, store: Store) -> list[int]:
        """Hand each spooled text to ``store`` in order, until the database fails again; keep the
        texts not yet stored. Returns what ``store`` returned, joined (the answers to send)."""
        answers: list[int] = []
        with self._locked():
            try:
                lines = self.path.read_bytes().splitlines()
            except FileNotFoundError:
                return answers
            done = 0
            for line in lines:
                text = _parse(line)
                if isinstance(text, str):
                    self._set_aside(line, text)
                else:
                    try:
                        answers += store(*text)
                    except AWAY as exc:
                        log.warning(
                            "inbound spool: %d text(s) still wait for the database: %s",
                            len(lines) - done,
                            describe_failure(exc),
                        )
                        break
                    except sa.exc.SQLAlchemyError as exc:
                        # Refused for what it is, not because the database is away: it would
                        # block every text behind it for ever.
                        self._set_aside(line, describe_failure(exc))
                    except Exception as exc:
                        # A fault in applying it (the text itself was stored first): the texts
                        # behind it, and the next one to come, must still get in.
                        log.exception("inbound spool: a spooled request could not be applied")
                        self._set_aside(line, f"{type(exc).__name__} while applying it")
                done += 1
            self._keep(lines[done:])
            if done:
                log.warning(
                    "inbound spool: stored %d text(s) kept while the database was away", done
                )
        return answers

    def _keep(self, lines: list[bytes]) -> None:
        """Leave only ``lines`` in the spool, atomically: the old file or the new, never half."""
        if not lines:
            self.path.unlink(missing_ok=True)
            self._sync_folder()
            return
        partial = self.path.with_name(self.path.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, b"".join(line + b"\n" for line in lines))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(partial, self.path)
        self._sync_folder()

    def _set_aside(self, line: bytes, why: str) -> None:
        """A line that is not a spooled text (cut short by a crash mid-write, or edited), or one
        the database refuses whenever it is offered: kept in ``<spool>.unreadable`` for the
        operator, never dropped."""
        fd = os.open(self.unreadable_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        log.error("inbound spool: a line was moved to %s (%s)", self.unreadable_path, why)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        fd = os.open(self.lock_path, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _sync_folder(self) -> None:
        """Make a file's creation, renaming or removal itself durable."""
        fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _parse(line: bytes) -> tuple[datetime, str, dict[str, str]] | str:
    """A spooled request, or why the line is none: an inbound text must name its sender and
    MessageSid, as the webhook requires (a line edited by hand may not; stored, it would be a
    text from "" that no one can be answered at)."""
    try:
        entry = json.loads(line)
        received_at = datetime.fromisoformat(entry["received_at"])
        path = str(entry.get("path", INBOUND_PATH))
        form = {str(key): str(value) for key, value in entry["form"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return "not a spooled text"
    if received_at.tzinfo is None or path not in (INBOUND_PATH, STATUS_CALLBACK_PATH):
        return "not a spooled text"
    if path == INBOUND_PATH:
        sender, _, sid = inbound_fields(form)
        if not sender.strip() or not sid.strip():
            return "an inbound text without From or MessageSid"
    return received_at, path, form


def inbound_fields(form: Mapping[str, str]) -> tuple[str, str, str]:
    """(sender, body, MessageSid) of an inbound-SMS webhook's form."""
    return (
        form.get("From", ""),
        form.get("Body", ""),
        form.get("MessageSid") or form.get("SmsSid", ""),
    )


# Twilio sends at most 10 media items with one MMS.
MAX_MEDIA = 10


def inbound_media(form: Mapping[str, str]) -> str | None:
    """An MMS's pictures (or other media), one ``MediaContentType MediaUrl`` line each, to be
    stored with the text (``InboundMessage.raw``): the body of a photo of a swollen injection
    site is often empty, and the photo is then all the patient said. None for a plain text."""
    try:
        count = min(int(form.get("NumMedia") or 0), MAX_MEDIA)
    except ValueError:
        count = MAX_MEDIA
    media = [
        f"{form.get(f'MediaContentType{index}', '')} {form[f'MediaUrl{index}']}".strip()
        for index in range(count)
        if form.get(f"MediaUrl{index}")
    ]
    return "\n".join(media) or None


def receive_spooled(engine: Engine, settings: Settings, clock: Clock) -> Store:
    """How a webhook's request is stored, by the webhook and by ``Spool.replay``: an inbound text
    through the usual inbound path, with any MMS media and the text's own arrival time (returns
    the answers to send); a delivery report as if it had just come, dated when it came."""

    def store(received_at: datetime, path: str, form: Mapping[str, str]) -> list[int]:
        if path == STATUS_CALLBACK_PATH:
            report = delivery_report(form)
            if report is not None:
                record_delivery(engine, settings, report, received_at)
            return []
        sender, body, sid = inbound_fields(form)
        outcome = conversation.receive(
            engine,
            settings,
            clock,
            sender=sender,
            body=body,
            provider_id=sid,
            raw=inbound_media(form),
            received_at=received_at,
        )
        return outcome.send_at_once()

    return store


def replay(engine: Engine, settings: Settings, clock: Clock) -> list[int]:
    """Store what waits in the configured spool (nothing when it is empty); the answers to send."""
    spool = Spool.of(settings)
    if not spool.pending():
        return []
    return spool.replay(receive_spooled(engine, settings, clock))
