"""The long-running process: APScheduler drives the tick, uvicorn serves the web app, signals stop both.

The database is the source of truth: the scheduler holds one interval job, not a job per patient, so
a restart or a second process needs no job bookkeeping.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, datetime
from types import FrameType

import uvicorn
from apscheduler.schedulers.background import BackgroundScheduler

from reminder import inbound_spool, planner
from reminder.app import App, Transports
from reminder.outbox import Outbox

log = logging.getLogger("reminder.daemon")


class Loop:
    """One pass of the daemon: plan what is due, then send what is queued."""

    def __init__(self, app: App, stop: threading.Event, outbox: Outbox | None = None) -> None:
        self.app = app
        self.stop = stop
        self.outbox = outbox or app.outbox()

    def __call__(self) -> None:
        try:
            # Texts the web process kept while the database was away come first, in order.
            replay_spool(self.app, self.outbox, self.stop)
            planned = planner.tick(self.app.engine, self.app.settings, self.app.clock, self.stop)
            sent = self.outbox.dispatch(self.stop)
        except Exception:
            # The database may be restarting; the next tick tries again, nothing is lost meanwhile.
            log.exception("tick failed; retrying at the next interval")
            return
        if planned.messages or sent.sent or sent.failed or sent.retried:
            log.info(
                "tick: planned %d, sent %d, retrying %d, failed %d, cancelled %d",
                planned.messages,
                sent.sent,
                sent.retried,
                sent.failed,
                sent.cancelled + planned.cancelled,
            )


class MailboxLoop:
    """One poll of the IMAP mailbox for email replies; their answers are sent at once."""

    def __init__(self, app: App, stop: threading.Event, outbox: Outbox) -> None:
        self.app = app
        self.stop = stop
        self.outbox = outbox

    def __call__(self) -> None:
        from reminder.email_replies import poll

        try:
            stats = poll(self.app.engine, self.app.settings, self.app.clock)
            self.outbox.send_each_now(stats.answers or [], self.stop)
        except Exception:
            # The mail server may be down; an email not yet stored stays unseen and comes next time.
            log.exception("mailbox poll failed; retrying at the next interval")
            return
        if stats.fetched:
            log.info(
                "mailbox: %d email(s), %d stored, %d from unknown senders",
                stats.fetched,
                stats.stored,
                stats.unknown,
            )


def replay_spool(app: App, outbox: Outbox, stop: threading.Event) -> None:
    """Store the inbound texts the spool kept while the database was away; send their answers."""
    if app.settings.file.transport.sms != "twilio":
        return
    answers = inbound_spool.replay(app.engine, app.settings, app.clock)
    outbox.send_each_now(answers, stop)


def stop_on_signals() -> threading.Event:
    """An event that SIGTERM and SIGINT set. Installed first thing, so a stop asked for while the
    process still starts (compiling templates, connecting) ends it cleanly, not killed mid-way."""
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s, stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    return stop


def run_daemon(
    app: App,
    *,
    scheduler: bool,
    web: bool,
    host: str | None = None,
    port: int | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Run until SIGTERM or SIGINT; a claimed message is either finished or handed back, never lost.

    If the web server stops on its own (it could not bind its port, say), everything stops and the
    process exits with status 1. A configuration fault (Twilio chosen without its token, say) is
    raised as ConfigError before anything starts. ``stop``: from ``stop_on_signals``, when the
    caller installed it before its own start-up work.
    """
    stop = stop if stop is not None else stop_on_signals()
    # One outbox for the tick and the web server's answers, so both share one pacer per sender.
    transports = Transports(app.settings)
    transports.build_all()
    outbox = app.outbox(transports)
    loop = Loop(app, stop, outbox) if scheduler else None
    web_app = None
    if web:
        from reminder.web import create_app

        web_app = create_app(app, outbox)
    jobs: BackgroundScheduler | None = None
    server: uvicorn.Server | None = None
    server_thread: threading.Thread | None = None
    if stop.is_set():
        log.info("stopped before starting")
        return

    if web_app is not None:
        daemon = app.settings.daemon
        config = uvicorn.Config(
            web_app,
            host=host or daemon.host,
            port=port or daemon.port,
            log_level=app.settings.file.log_level.lower(),
            # uvicorn's own logging setup would print its lines in its format, past ours: with
            # none, they reach the one handler configure_logging set up (a JSON line each).
            log_config=None,
            timeout_graceful_shutdown=3,
        )
        server = uvicorn.Server(config)
        # Off the main thread uvicorn installs no signal handlers; ours above stop everything together.
        server_thread = threading.Thread(target=server.run, name="web", daemon=True)
        server_thread.start()
    if loop is not None:
        jobs = BackgroundScheduler(timezone=UTC)
        jobs.add_job(
            loop,
            "interval",
            seconds=app.settings.daemon.tick_seconds,
            id="tick",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
            next_run_time=app.clock.now(),
        )
        imap = app.settings.file.imap
        if imap.host:
            jobs.add_job(
                MailboxLoop(app, stop, outbox),
                "interval",
                seconds=imap.poll_seconds,
                id="mailbox",
                coalesce=True,
                max_instances=1,
                misfire_grace_time=None,
                next_run_time=app.clock.now(),
            )
        jobs.start()
        log.info("worker started: a tick every %g s", app.settings.daemon.tick_seconds)

    web_failed = False
    replayed_at = app.clock.now()
    while not stop.wait(0.5):
        if server_thread is not None and not server_thread.is_alive():
            log.error("the web server stopped; shutting down")
            web_failed = True
            stop.set()
        elif loop is None and web_app is not None:
            # `serve` alone has no tick: it replays its own spool as often as a worker ticks.
            replayed_at = _replay_when_due(app, outbox, stop, replayed_at)
    if jobs is not None:
        jobs.shutdown(wait=True)  # the running tick sees `stop` and hands back unsent messages
    if server is not None and server_thread is not None:
        server.should_exit = True
        server_thread.join(timeout=4)
    log.info("stopped")
    if web_failed:
        # A supervisor must see a failure (the port was taken, say), not a clean stop to leave be.
        raise SystemExit(1)


def _replay_when_due(
    app: App, outbox: Outbox, stop: threading.Event, replayed_at: datetime
) -> datetime:
    """Replay the spool once a tick interval has passed since ``replayed_at``; the last replay."""
    now = app.clock.now()
    if (now - replayed_at).total_seconds() < app.settings.daemon.tick_seconds:
        return replayed_at
    try:
        replay_spool(app, outbox, stop)
    except Exception:
        log.exception("replaying the inbound spool failed; retrying at the next interval")
    return now
