"""The ASGI app: the health check, Twilio's inbound-SMS and delivery-status webhooks, the signed
email links and the staff dashboard under /staff.

Every database call runs in the thread pool (sync endpoints, or ``run_in_threadpool``): the queries
block, and a slow database must not stall the event loop that serves the other requests. The
webhooks take at most one thread per pooled connection: under a burst the other requests wait on
the event loop, holding no thread, instead of as threads queued for a connection or a lock, each
slowing the one that holds it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from urllib.parse import parse_qsl

import anyio
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import ImmutableMultiDict
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from reminder.answer_sender import AnswerSender
from reminder.app import App
from reminder.checkin_form import LinkPages
from reminder.config import require_twilio
from reminder.db import describe_failure
from reminder.delivery import DeliveryOutcome, record_delivery
from reminder.inbound_spool import Spool, inbound_fields, receive_spooled
from reminder.models import Heartbeat, Message, MessageStatus
from reminder.outbox import Outbox
from reminder.staff.pages import StaffPages
from reminder.transports.twilio_sms import INBOUND_PATH, STATUS_CALLBACK_PATH, delivery_report

log = logging.getLogger("reminder.web")

# A tick older than this many intervals means no worker is running (or all are stuck).
STALE_TICKS = 4
# Twilio's webhook forms are a few hundred bytes; anything far larger is not from Twilio.
MAX_FORM_BYTES = 64 * 1024
FORM_TYPE = "application/x-www-form-urlencoded"
# Twilio's MessageSids are 34 characters; InboundMessage.provider_id holds 64.
MAX_SID_CHARS = 64
# The answer to every inbound text (the real answer goes through the outbox), built once.
EMPTY_TWIML = str(MessagingResponse())
# Requests in the database at once when the pool does not say (SQLAlchemy's default pool size).
DEFAULT_SLOTS = 5


def create_app(app: App, outbox: Outbox | None = None) -> Starlette:
    """The web app; with ``transport.sms = "twilio"`` also the Twilio webhooks.

    ``outbox`` sends the answers to inbound texts; `reminder run` passes the worker's own, so both
    share one pacer. The answers go from one thread of their own (``app.state.answers``), never
    from a request's. Raises ConfigError when Twilio is chosen but not configured.
    """
    answers = AnswerSender(outbox or app.outbox())
    twilio = app.settings.file.transport.sms == "twilio"
    spool = Spool.of(app.settings)

    def healthz(request: Request) -> JSONResponse:
        """200 when the database answers and a tick ran recently; 503 otherwise. With Twilio it
        also says whether inbound texts wait in the spool for the database."""
        response = database_health(request)
        if twilio:
            body = json.loads(response.body)
            body["inbound_spool"] = "waiting" if spool.pending() else "empty"
            return JSONResponse(body, response.status_code)
        return response

    def database_health(_request: Request) -> JSONResponse:
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

    routes: list[BaseRoute] = [Route("/healthz", healthz)]
    if app.settings.secrets.secret_key is not None:
        # The pages behind the signed links in emails (check-in form, "I took it", unsubscribe).
        routes += LinkPages(app, answers).routes()
        # The staff dashboard, whose set-password links are signed with the same key.
        routes.append(StaffPages(app).mount())
    if twilio:
        webhooks = TwilioWebhooks(app, answers)
        routes += [
            Route(INBOUND_PATH, webhooks.inbound_sms, methods=["POST"]),
            Route(STATUS_CALLBACK_PATH, webhooks.status, methods=["POST"]),
        ]

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(answers.close)

    web = Starlette(routes=routes, lifespan=lifespan)
    web.state.answers = answers
    return web


def database_slots(engine: sa.Engine) -> int:
    """How many requests may use the database at once: the connections the pool keeps open."""
    pool = engine.pool
    return pool.size() if isinstance(pool, sa.pool.QueuePool) else DEFAULT_SLOTS


class TwilioWebhooks:
    """``POST /twilio/sms`` and ``POST /twilio/status``, each refused with 403 unless Twilio signed it.

    The signature is checked against ``public_base_url`` + the path: the address Twilio was given,
    never what the Host header says (a proxy or an attacker sets that). A request that fails the
    check changes nothing.

    **Answers go through the outbox, never in the TwiML.** The inbound text is stored raw first
    (``conversation.receive``, deduplicated by MessageSid), its answer is queued as an outbox row,
    and the webhook returns an empty ``<Response/>`` at once; the answer is then sent from that row
    by the answer sender's own thread, which waits out the pacing holding no request thread and no
    database connection (a worker sends it if this process dies first). So a burst of texts is
    stored and answered 200 at once, and each answer passes the block list and pacing like any
    message, gets a provider id, a segment count and delivery reports, and is retried if Twilio is
    briefly down. Answering in the TwiML instead would mark a row sent that Twilio never got
    whenever the webhook's response was lost. A Twilio retry of the same MessageSid is stored
    once and answered once.

    **A text the database cannot take is kept, not refused.** Twilio never retries an inbound
    webhook, so a 500 would lose the text. It is appended to the inbound spool instead
    (``reminder.inbound_spool``, fsync'd) and Twilio gets its 200; the spool is replayed into the
    database, in order, before the next text and at every tick. Only when the spool cannot be
    written either is the answer 503. A delivery report the database cannot take is kept there
    too (Twilio does not retry those either).
    """

    def __init__(self, app: App, answers: AnswerSender) -> None:
        require_twilio(app.settings)
        token = app.settings.secrets.twilio_auth_token
        assert token is not None  # require_twilio refused the settings otherwise
        self.app = app
        self.answers = answers
        self.validator = RequestValidator(token.get_secret_value())
        self.public_base_url = app.settings.file.public_base_url.rstrip("/")
        self.slots = anyio.CapacityLimiter(database_slots(app.engine))
        self.spool = Spool.of(app.settings)

    async def inbound_sms(self, request: Request) -> Response:
        form = await self._signed_form(request)
        if isinstance(form, Response):
            return form
        sender, _, sid = inbound_fields(form)
        if not sender or not sid:
            return PlainTextResponse("From and MessageSid are required", 400)
        if len(sid) > MAX_SID_CHARS:
            return PlainTextResponse("MessageSid is not a Twilio message SID", 400)
        try:
            answers = await anyio.to_thread.run_sync(self._receive, form, limiter=self.slots)
        except OSError as exc:
            log.critical(
                "inbound text %s is lost: the database refused it and the spool %s could not "
                "keep it (%s)",
                sid,
                self.spool.path,
                type(exc).__name__,
            )
            return PlainTextResponse("the text could not be stored", 503)
        self.answers.submit(answers)
        return Response(EMPTY_TWIML, media_type="application/xml")

    def _receive(self, form: ImmutableMultiDict[str, str]) -> list[int]:
        """Store and apply an inbound text (after any the spool kept, so they stay in order); the
        answers to send at once. When the database fails, the text goes to the spool instead
        (OSError if that fails too), to be stored when the database answers again."""
        store = receive_spooled(self.app.engine, self.app.settings, self.app.clock)
        answers: list[int] = []
        behind = False
        if self.spool.pending():
            try:
                answers = self.spool.replay(store)
                behind = self.spool.pending()  # the database is still away
            except OSError:  # the spool cannot be read: this text must still get in
                log.exception("the inbound spool %s could not be replayed", self.spool.path)
        now = self.app.clock.now()
        if behind:  # this text waits behind the rest, to keep their order
            self.spool.append(now, form)
            log.error(
                "inbound text %s kept in the spool behind earlier ones", inbound_fields(form)[2]
            )
            return answers
        try:
            return answers + store(now, INBOUND_PATH, form)
        except sa.exc.SQLAlchemyError as exc:
            self.spool.append(now, form)
            log.error(
                "inbound text %s kept in the spool %s until the database answers: %s",
                inbound_fields(form)[2],
                self.spool.path,
                describe_failure(exc),
            )
            return answers

    async def status(self, request: Request) -> Response:
        form = await self._signed_form(request)
        if isinstance(form, Response):
            return form
        report = delivery_report(form)
        if report is None:
            return PlainTextResponse("MessageSid and MessageStatus are required", 400)
        now = self.app.clock.now()
        record = partial(record_delivery, self.app.engine, self.app.settings, report, now)
        try:
            outcome = await anyio.to_thread.run_sync(record, limiter=self.slots)
        except sa.exc.SQLAlchemyError as exc:
            # Twilio does not retry a status callback either: an "undelivered" lost here would
            # leave an alert that reached no one looking sent.
            keep = partial(self.spool.append, now, form, STATUS_CALLBACK_PATH)
            try:
                await anyio.to_thread.run_sync(keep)
            except OSError as spool_error:
                log.critical(
                    "status %s for %s is lost: the database refused it and the spool %s could "
                    "not keep it (%s)",
                    report.status,
                    report.provider_id,
                    self.spool.path,
                    type(spool_error).__name__,
                )
                return PlainTextResponse("the report could not be stored", 503)
            log.error(
                "status %s for %s kept in the spool until the database answers: %s",
                report.status,
                report.provider_id,
                describe_failure(exc),
            )
            return Response(status_code=204)
        if outcome is DeliveryOutcome.KEPT:
            log.info(
                "status %s for %s, which names no message yet: kept until its SID is recorded",
                report.status,
                report.provider_id,
            )
        return Response(status_code=204)

    async def _signed_form(self, request: Request) -> ImmutableMultiDict[str, str] | Response:
        """The request's form if Twilio signed it, else the response that refuses it."""
        if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM_TYPE:
            return PlainTextResponse(f"expected {FORM_TYPE}", 415)
        raw = b""
        async for chunk in request.stream():  # read with a cap: the sender is not trusted yet
            raw += chunk
            if len(raw) > MAX_FORM_BYTES:
                return PlainTextResponse("too large", 413)
        form = ImmutableMultiDict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        url = self.public_base_url + request.url.path
        if request.url.query:
            url += "?" + request.url.query
        signature = request.headers.get("x-twilio-signature", "")
        if not signature or not self.validator.validate(url, form, signature):
            log.warning("refused %s: the Twilio signature does not match", request.url.path)
            return PlainTextResponse("invalid signature", 403)
        return form
