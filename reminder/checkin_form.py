"""The pages behind the signed links in emails: the check-in form, "I took it" and unsubscribe.

A GET only shows a page (mail scanners open links on their own); only a POST changes anything. A
POST turns the answer into the words a patient would text ("flu 3 site 1 N no fever", "DONE",
"STOP") and hands them to ``conversation.receive`` with the message's address as the sender, so a
link answer is stored raw and applied exactly like an SMS or email reply. The link's use key is the
stored row's ``provider_id``, so a second use of the same link is refused and changes nothing
(but an unsubscribe link: it opts out again each time it is used, after a START too).

Every page is sent with a Content-Security-Policy that loads nothing from elsewhere and cannot be
framed, ``Referrer-Policy: no-referrer`` (the token in the address never leaves in a Referer) and
``X-Content-Type-Options: nosniff``. A POST a browser made from another site (``Sec-Fetch-Site``
cross-site or same-site, or an ``Origin`` that is not ``public_base_url``'s) is refused with 403
and changes nothing; a mail provider's one-click unsubscribe (RFC 8058) sends neither and passes.
Every page works without JavaScript; answers are radio buttons with labels and large targets.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from reminder import conversation
from reminder.answer_sender import AnswerSender
from reminder.app import App
from reminder.db import session_scope
from reminder.links import (
    Action,
    Link,
    LinkError,
    base_url,
    html_templates,
    read_token,
    use_key,
)
from reminder.models import Channel, Dose, DoseStatus, InboundMessage, Message, Patient
from reminder.render import REFERENCE_LANGUAGE, template_languages, template_roots

log = logging.getLogger("reminder.links")

MAX_FORM_BYTES = 16 * 1024
# Sent with every page. The pages use one inline <style> and no script; forms post to themselves.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self';"
        " frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
# What Sec-Fetch-Site says of a form on our own page ("none": typed or opened from a mail client).
SAME_SITE_FETCHES = frozenset({"same-origin", "none"})
SCORES = list(range(11))
# The reasons a link page can give; each language's web/problem.html.j2 words them.
PROBLEMS = ("tampered", "expired", "used", "cross_site")


@dataclass(frozen=True)
class Target:
    link: Link
    address: str
    name: str
    language: str  # the patient's: every page of their link speaks it


class LinkPages:
    def __init__(self, app: App, answers: AnswerSender) -> None:
        self.app = app
        self.answers = answers
        self.languages = template_languages(template_roots(app.settings.file.templates_dir))
        scheme, _, rest = base_url(app.settings).partition("://")
        self.origin = f"{scheme}://{rest.split('/', 1)[0]}".lower()

    def routes(self) -> list[Route]:
        return [
            Route("/c/{token}", self.checkin, methods=["GET", "POST"]),
            Route("/t/{token}", self.taken, methods=["GET", "POST"]),
            Route("/u/{token}", self.unsubscribe, methods=["GET", "POST"]),
        ]

    def page(self, template: str, language: str, status: int = 200, **context: Any) -> HTMLResponse:
        templates = html_templates(self.app.settings, language)
        html = templates.get_template(f"web/{template}.html.j2").render(context, language=language)
        return HTMLResponse(html, status, headers=SECURITY_HEADERS)

    def problem(self, reason: str, language: str) -> HTMLResponse:
        status = {"expired": 410, "used": 410, "cross_site": 403}.get(reason, 400)
        return self.page("problem", language, status, reason=reason)

    def find(self, token: str, action: Action) -> Target:
        """The link's message and person, or LinkError; runs in the thread pool."""
        link = read_token(self.app.settings, token, self.app.clock.now())
        if link.action != action:
            raise LinkError("tampered")
        with session_scope(self.app.engine) as session:
            message = session.get(Message, link.message_id)
            if message is None or (message.patient_id or 0) != link.patient_id:
                raise LinkError("tampered")
            used = session.exec(
                select(InboundMessage.id).where(InboundMessage.provider_id == use_key(link))
            ).first()
            patient = session.get(Patient, link.patient_id)
            name = patient.name.split()[0] if patient and patient.name else ""
            language = patient.language if patient else REFERENCE_LANGUAGE
            if used is not None and action != Action.UNSUBSCRIBE:
                raise LinkError("used", language)
            if action == Action.TAKEN and _dose_taken(session, message):
                # Its dose is recorded (by a reply, or the reminder's own link): a DONE now would
                # be read as the next dose, taken early.
                raise LinkError("used", language)
            return Target(link, message.to_address, name, language)

    def cross_site(self, request: Request) -> bool:
        """Whether a browser made this POST from another site's page (a forged form)."""
        fetch_site = request.headers.get("sec-fetch-site")
        if fetch_site is not None and fetch_site.lower() not in SAME_SITE_FETCHES:
            return True
        # "null": our own pages post with no-referrer, which makes the browser hide the origin.
        origin = request.headers.get("origin")
        return origin is not None and origin.lower() not in (self.origin, "null")

    async def _target(self, request: Request, action: Action) -> Target | Response:
        if request.method == "POST" and self.cross_site(request):
            log.warning("refused a cross-site POST to a %s link", action.value)
            header = request.headers.get("accept-language", "")
            return self.problem("cross_site", browser_language(header, self.languages))
        try:
            return await run_in_threadpool(self.find, request.path_params["token"], action)
        except LinkError as exc:
            # A link that cannot be read names no patient: the browser's language, then English.
            header = request.headers.get("accept-language", "")
            return self.problem(
                exc.reason, exc.language or browser_language(header, self.languages)
            )

    async def _answer(self, target: Target, text: str, once: bool = True) -> conversation.Outcome:
        settings, engine, clock = self.app.settings, self.app.engine, self.app.clock
        return await run_in_threadpool(
            conversation.receive,
            engine,
            settings,
            clock,
            sender=target.address,
            body=text,
            channel=Channel.EMAIL,
            provider_id=use_key(target.link) if once else None,
        )

    def _send_answer(self, outcome: conversation.Outcome) -> None:
        """Hand the answer to the sender thread; the request never waits for it."""
        self.answers.submit(outcome.send_at_once())

    async def checkin(self, request: Request) -> Response:
        target = await self._target(request, Action.CHECKIN)
        if isinstance(target, Response):
            return target
        token = request.path_params["token"]
        if request.method == "GET":
            return self.page(
                "checkin", target.language, name=target.name, scores=SCORES, values={}, errors=[]
            )
        form = await _form(request)
        values, errors, text = read_checkin(form)
        if errors:
            return self.page(
                "checkin",
                target.language,
                422,
                name=target.name,
                scores=SCORES,
                values=values,
                errors=errors,
            )
        outcome = await self._answer(target, text)
        if outcome.duplicate:
            return self.problem("used", target.language)
        log.info("check-in form answered for message %s", target.link.message_id)
        response = self.page("done", target.language, outcome=_thanks(outcome), token=token)
        self._send_answer(outcome)
        return response

    async def taken(self, request: Request) -> Response:
        target = await self._target(request, Action.TAKEN)
        if isinstance(target, Response):
            return target
        if request.method == "GET":
            return self.page("taken", target.language, name=target.name)
        outcome = await self._answer(target, "DONE")
        if outcome.duplicate:
            return self.problem("used", target.language)
        response = self.page("done", target.language, outcome=_thanks(outcome))
        self._send_answer(outcome)
        return response

    async def unsubscribe(self, request: Request) -> Response:
        """GET asks; POST (the button, or a mail client's one-click RFC 8058 POST) opts out."""
        target = await self._target(request, Action.UNSUBSCRIBE)
        if isinstance(target, Response):
            return target
        if request.method == "GET":
            return self.page("unsubscribe", target.language, name=target.name)
        # Not once: used again after a START, it must opt out again, not only say so.
        outcome = await self._answer(target, "STOP", once=False)
        response = self.page("done", target.language, outcome="unsubscribed")
        self._send_answer(outcome)
        return response


async def _form(request: Request) -> dict[str, str]:
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_FORM_BYTES:
            break
    return dict(parse_qsl(raw[:MAX_FORM_BYTES].decode("utf-8", "replace")))


def read_checkin(form: dict[str, str]) -> tuple[dict[str, str], list[str], str]:
    """The form's answers as the words of an SMS check-in reply, or the errors to show.

    "flu 3 site 1 N no fever" is exactly what a patient could text; the same parser reads it.
    """
    values = {key: form.get(key, "") for key in ("flu", "site", "neuro", "fever")}
    # The questions left unanswered, by key: the page words each in the patient's language.
    errors = [key for key in ("flu", "site") if values[key] not in {str(n) for n in SCORES}]
    errors += [key for key in ("neuro", "fever") if values[key] not in ("yes", "no")]
    if errors:
        return values, errors, ""
    neuro = "Y" if values["neuro"] == "yes" else "N"
    fever = "FEVER" if values["fever"] == "yes" else "no fever"
    return values, [], f"flu {values['flu']} site {values['site']} {neuro} {fever}"


def _thanks(outcome: conversation.Outcome) -> str:
    """What the done page says, by key: "unknown", "closed" or "recorded"."""
    if outcome.parsed_as == conversation.UNKNOWN_SENDER:
        return "unknown"
    if outcome.outcome and "no check-in open" in outcome.outcome:
        return "closed"
    return "recorded"


def browser_language(accept_language: str, offered: list[str]) -> str:
    """The offered language an Accept-Language header names first, else English. Weights are
    left aside: browsers list languages in the order of preference anyway."""
    wanted = [
        part.split(";")[0].strip().split("-")[0].lower() for part in accept_language.split(",")
    ]
    return next((code for code in wanted if code in offered), REFERENCE_LANGUAGE)


def _dose_taken(session: Session, message: Message) -> bool:
    """Whether the dose a reminder or nudge was about has been recorded as taken."""
    dose = session.get(Dose, message.dose_id) if message.dose_id is not None else None
    return dose is not None and dose.status == DoseStatus.TAKEN
