"""The ASGI app: health check now; channel webhooks plug in beside it."""

from __future__ import annotations

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from reminder.app import App
from reminder.models import Heartbeat, Message, MessageStatus

# A tick older than this many intervals means no worker is running (or all are stuck).
STALE_TICKS = 4


def create_app(app: App) -> Starlette:
    # A plain function, so Starlette runs it in its thread pool: the queries block, and a slow
    # database must not stall the event loop that also serves the webhooks.
    def healthz(_request: Request) -> JSONResponse:
        """200 when the database answers and a tick ran recently; 503 otherwise."""
        now = app.clock.now()
        try:
            with app.engine.connect() as connection:
                beat = connection.execute(
                    sa.select(Heartbeat.at).where(Heartbeat.name == "planner")
                ).scalar_one_or_none()
                queued = connection.execute(
                    sa.select(sa.func.count())
                    .select_from(Message)
                    .where(Message.status == MessageStatus.QUEUED, Message.next_attempt_at <= now)
                ).scalar_one()
        except sa.exc.SQLAlchemyError as exc:
            return JSONResponse(
                {"status": "error", "database": f"unreachable: {type(exc).__name__}"}, 503
            )
        age = (now - beat).total_seconds() if beat else None
        limit = STALE_TICKS * app.settings.daemon.tick_seconds
        healthy = age is not None and age <= limit
        body = {
            "status": "ok" if healthy else "stale",
            "database": "ok",
            "last_tick_age_seconds": round(age, 1) if age is not None else None,
            "queue_due": queued,
        }
        return JSONResponse(body, 200 if healthy else 503)

    return Starlette(routes=[Route("/healthz", healthz)])
