"""Wiring: settings, engine, clock, transports and outbox built once from the configuration."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from reminder.clock import Clock, SystemClock
from reminder.config import Settings, load_settings
from reminder.db import create_db_engine, current_revision, head_revision
from reminder.models import Channel
from reminder.outbox import Outbox
from reminder.render import Renderer
from reminder.transports import Transport
from reminder.transports.console import ConsoleTransport


class NotInitialised(Exception):
    """The database has no schema, or an older one: `reminder init` creates or upgrades it."""


def build_transports(settings: Settings) -> dict[Channel, Transport]:
    """One transport per channel, as configured; "console" writes to the log."""
    console = ConsoleTransport()
    chosen = {
        Channel.SMS: settings.file.transport.sms,
        Channel.EMAIL: settings.file.transport.email,
    }
    return {channel: console for channel, name in chosen.items() if name == "console"}


@dataclass
class App:
    settings: Settings
    engine: Engine
    clock: Clock

    @classmethod
    def from_environment(cls, clock: Clock | None = None) -> App:
        settings = load_settings()
        return cls(settings, create_db_engine(settings.database_url), clock or SystemClock())

    def require_schema(self) -> None:
        current, head = current_revision(self.engine), head_revision(self.engine)
        if current != head:
            state = "has no schema" if current is None else f"is at revision {current}, not {head}"
            raise NotInitialised(f"the database {state}: run `reminder init`")

    def renderer(self) -> Renderer:
        directory = self.settings.file.templates_dir
        return Renderer(Path(directory) if directory else None)

    def outbox(self) -> Outbox:
        return Outbox(
            self.engine, self.settings, self.clock, build_transports(self.settings), self.renderer()
        )


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Alembic narrates every revision check at INFO; only its warnings matter to an operator.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # APScheduler logs two INFO lines per tick ("Running job", "executed successfully"), which would
    # bury the daemon's own lines; its warnings (a tick skipped because one still runs) are kept.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
