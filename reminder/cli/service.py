"""The service's commands: `init` the database, one `tick` by hand, and the `run`, `worker` and
`serve` processes."""

from __future__ import annotations

from typing import Annotated

import typer

from reminder import planner
from reminder.cli.shell import AtOption, application
from reminder.db import upgrade

HostOption = Annotated[str | None, typer.Option(help="Address to listen on (default from config).")]
PortOption = Annotated[int | None, typer.Option(help="Port to listen on (default from config).")]


def init() -> None:
    """Create the database or upgrade it to the newest schema (safe to run again)."""
    with application(schema=False) as ctx:
        upgrade(ctx.engine)
        url = ctx.engine.url.render_as_string(hide_password=True)
        typer.echo(f"database ready: {url}")


def tick(at: AtOption = None) -> None:
    """One planner and sender pass: write what is due, then send it."""
    with application(at) as ctx:
        ctx.check_languages()
        planned = planner.tick(ctx.engine, ctx.settings, ctx.clock)
        sent = ctx.outbox().dispatch()
    typer.echo(
        f"planned {planned.messages} message(s) for {planned.patients} patient(s)"
        f" ({planned.cancelled} too late, {planned.doses_missed} dose(s) missed);"
        f" {planned.alerts} new alert(s), {planned.escalated} escalated;"
        f" sent {sent.sent}, retrying {sent.retried}, failed {sent.failed}, cancelled {sent.cancelled}"
    )


def run(host: HostOption = None, port: PortOption = None) -> None:
    """The daemon: the scheduler tick and the web server in one process."""
    _daemon(scheduler=True, web=True, host=host, port=port)


def worker() -> None:
    """The scheduler tick only (run as many as you like against one PostgreSQL)."""
    _daemon(scheduler=True, web=False)


def serve(host: HostOption = None, port: PortOption = None) -> None:
    """The web server only (health check; webhooks as channels are configured)."""
    _daemon(scheduler=False, web=True, host=host, port=port)


def _daemon(
    *, scheduler: bool, web: bool, host: str | None = None, port: int | None = None
) -> None:
    """Run the chosen parts until SIGTERM or SIGINT, once the configured languages are checked."""
    # Imported here: APScheduler and the web server load only for the commands that run them.
    from reminder.daemon import run_daemon, stop_on_signals

    stop = stop_on_signals()
    with application() as ctx:
        ctx.check_languages()
        run_daemon(ctx, scheduler=scheduler, web=web, host=host, port=port, stop=stop)
