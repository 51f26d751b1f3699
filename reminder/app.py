"""Wiring: settings, engine, clock, transports and outbox built once from the configuration."""

from __future__ import annotations

import gc
import json
import logging
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from reminder.clock import Clock, SimulatedClock, SystemClock
from reminder.config import Settings, load_settings
from reminder.db import create_db_engine, current_revision, head_revision
from reminder.models import Channel
from reminder.outbox import Outbox
from reminder.pacing import Pause, wait_on_stop
from reminder.render import Renderer
from reminder.transports import Transport
from reminder.transports.console import ConsoleTransport


class NotInitialised(Exception):
    """The database has no schema, or an older one: `reminder init` creates or upgrades it."""


def build_transport(settings: Settings, channel: Channel) -> Transport:
    """The channel's transport, as configured; "console" writes to the log.

    Raises ConfigError when the chosen provider lacks what it needs (an account, a token).
    """
    if channel == Channel.SMS and settings.file.transport.sms == "twilio":
        from reminder.transports.twilio_sms import TwilioTransport

        return TwilioTransport(settings)
    if channel == Channel.EMAIL and settings.file.transport.email == "smtp":
        from reminder.transports.smtp_email import SmtpTransport

        return SmtpTransport(settings)
    return ConsoleTransport()


class Transports(Mapping[Channel, Transport]):
    """Each channel's transport, built when first used: a command that sends no SMS (an email
    patient's answer, a STOP that the provider answers) needs no Twilio token. The daemon calls
    ``build_all`` at start, so a bad configuration stops it at once, not at the first send."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._built: dict[Channel, Transport] = {}
        self._lock = threading.Lock()  # the worker and the web server's answers share one

    def __getitem__(self, channel: Channel) -> Transport:
        with self._lock:
            if channel not in self._built:
                self._built[channel] = build_transport(self.settings, channel)
            return self._built[channel]

    def __iter__(self) -> Iterator[Channel]:
        return iter(Channel)

    def __len__(self) -> int:
        return len(Channel)

    def build_all(self) -> None:
        for channel in self:
            self[channel]


@dataclass
class App:
    settings: Settings
    engine: Engine
    clock: Clock
    # One renderer a process: the start-up check compiles every template, and the sends use them.
    _renderer: Renderer | None = field(default=None, init=False, repr=False)

    @classmethod
    def from_environment(cls, clock: Clock | None = None) -> App:
        settings = load_settings()
        configure_logging(settings.file.log_level, settings.file.log_format)
        # hide_parameters: a database error's text would otherwise quote the statement's values,
        # a message body or a patient's name among them, into the log.
        engine = create_db_engine(settings.database_url, hide_parameters=True)
        return cls(settings, engine, clock or SystemClock())

    def require_schema(self) -> None:
        current, head = current_revision(self.engine), head_revision(self.engine)
        if current != head:
            state = "has no schema" if current is None else f"is at revision {current}, not {head}"
            raise NotInitialised(f"the database {state}: run `reminder init`")

    def renderer(self) -> Renderer:
        if self._renderer is None:
            directory = self.settings.file.templates_dir
            self._renderer = Renderer(
                Path(directory) if directory else None, self.settings.messages
            )
        return self._renderer

    def check_languages(self) -> None:
        """Refuse to start on a broken or missing template or crisis text (LanguageError)."""
        from reminder.languages import check_languages

        check_languages(self.settings, self.engine, self.renderer())

    def outbox(self, transports: Mapping[Channel, Transport] | None = None) -> Outbox:
        return Outbox(
            self.engine,
            self.settings,
            self.clock,
            transports if transports is not None else Transports(self.settings),
            self.renderer(),
            pause=self._pause(),
        )

    def _pause(self) -> Pause:
        """How the outbox waits out pacing: on a simulated clock (``--at``, the demo) simulated
        time passes instead, so a replayed scenario never sleeps; otherwise a real, stoppable wait."""
        clock = self.clock
        if isinstance(clock, SimulatedClock):

            def advance(delay: timedelta, _stop: threading.Event | None) -> bool:
                clock.advance(delay)
                return False

            return advance
        return wait_on_stop


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# What every LogRecord carries; any other attribute came from a call's ``extra=`` and is a field.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",  # uvicorn's copy of the message with terminal colour codes
}


class JsonFormatter(logging.Formatter):
    """One JSON object a line, for a log collector: ``time`` (UTC, ISO 8601), ``level``, ``logger``,
    ``message``, ``pid`` and ``thread``; ``exception`` holds a traceback, and a call's ``extra=``
    values are fields of their own. Newlines inside a value are escaped, so a line is a record."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
            "thread": record.threadName,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES:
                entry.setdefault(key, value)
        return json.dumps(entry, ensure_ascii=False, default=str)


class HideLinkTokens(logging.Filter):
    """uvicorn's access log names the path of each request, and the signed links in emails carry
    their token in it (``/t/eyJwIjo...``): whoever reads the log could act as the patient. Such a
    token, a run of 24 or more URL-safe characters, is logged as ``[token]``."""

    TOKEN = re.compile(r"[A-Za-z0-9_.~-]{24,}")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.access" and isinstance(record.args, tuple):
            record.args = tuple(
                self.TOKEN.sub("[token]", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True


def tune_garbage_collector() -> None:
    """Run CPython's cycle collector less often than its default of every 700 new objects.

    A tick or a batch of sends makes and drops thousands of ORM objects and rows; at the default
    thresholds the collector was about a fifth of a busy tick's CPU. What is alive once the
    process has started (modules, settings, compiled templates) is frozen out of collections.
    Memory stays bounded: a young collection still runs every 100,000 new objects.
    """
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


def configure_logging(level: str, log_format: str = "text") -> None:
    """Log to stderr at ``level``, as readable lines ("text") or one JSON object a line ("json").

    At INFO no line holds a secret or the text of a message, with one exception by design: the
    ``console`` transport's whole job is to write each outgoing message to the log.
    A process configures its logging once; a second call changes nothing.
    """
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    handler.addFilter(HideLinkTokens())
    logging.basicConfig(level=getattr(logging, level), handlers=[handler])
    if log_format == "json":
        # A library's warning printed bare would be the one line a log collector cannot parse.
        logging.captureWarnings(True)
    # Alembic narrates every revision check at INFO; only its warnings matter to an operator.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # APScheduler logs two INFO lines per tick ("Running job", "executed successfully"), which would
    # bury the daemon's own lines; its warnings (a tick skipped because one still runs) are kept.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # twilio-python narrates every request and its response headers at INFO.
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
    # The report's PDF: WeasyPrint logs each step of its rendering and fontTools each font it
    # subsets at INFO, and matplotlib that it built its font cache; none of it is the operator's.
    for library in ("weasyprint", "fontTools", "matplotlib"):
        logging.getLogger(library).setLevel(logging.WARNING)
