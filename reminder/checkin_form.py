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

from sqlmodel import select
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
from reminder.models import Channel, InboundMessage, Message, Patient

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
PROBLEMS = {
    "tampered": (
        "This link does not work",
        "The link is not complete or has been changed. Please open it again from the email,"
        " or simply reply to the email.",
    ),
    "expired": (
        "This link has expired",
        "Links in our emails work for a limited time. Nothing was changed. You can still reply"
        " to the email, or wait for the next one.",
    ),
    "cross_site": (
        "This request was refused",
        "The answer did not come from this page, so nothing was changed. Please open the link"
        " from the email again.",
    ),
    "used": (
        "This link was already used",
        "We already have your answer from this link, so nothing was changed. To correct it,"
        " reply to the email.",
    ),
}


@dataclass(frozen=True)
class Target:
    link: Link
    address: str
    name: str


class LinkPages:
    def __init__(self, app: App, answers: AnswerSender) -> None:
        self.app = app
        self.answers = answers
        self.templates = html_templates(app.settings)
        scheme, _, rest = base_url(app.settings).partition("://")
        self.origin = f"{scheme}://{rest.split('/', 1)[0]}".lower()

    def routes(self) -> list[Route]:
        return [
            Route("/c/{token}", self.checkin, methods=["GET", "POST"]),
            Route("/t/{token}", self.taken, methods=["GET", "POST"]),
            Route("/u/{token}", self.unsubscribe, methods=["GET", "POST"]),
        ]

    def page(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = self.templates.get_template(f"web/{template}.html.j2").render(context)
        return HTMLResponse(html, status, headers=SECURITY_HEADERS)

    def problem(self, reason: str) -> HTMLResponse:
        title, text = PROBLEMS[reason]
        status = {"expired": 410, "used": 410, "cross_site": 403}.get(reason, 400)
        return self.page("problem", status, title=title, text=text, reason=reason)

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
            if used is not None and action != Action.UNSUBSCRIBE:
                raise LinkError("used")
            patient = session.get(Patient, link.patient_id)
            name = patient.name.split()[0] if patient and patient.name else ""
            return Target(link, message.to_address, name)

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
            return self.problem("cross_site")
        try:
            return await run_in_threadpool(self.find, request.path_params["token"], action)
        except LinkError as exc:
            return self.problem(exc.reason)

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
            return self.page("checkin", name=target.name, scores=SCORES, values={}, errors=[])
        form = await _form(request)
        values, errors, text = read_checkin(form)
        if errors:
            return self.page(
                "checkin", 422, name=target.name, scores=SCORES, values=values, errors=errors
            )
        outcome = await self._answer(target, text)
        if outcome.duplicate:
            return self.problem("used")
        log.info("check-in form answered for message %s", target.link.message_id)
        response = self.page("done", title="Thank you", text=_thanks(outcome), token=token)
        self._send_answer(outcome)
        return response

    async def taken(self, request: Request) -> Response:
        target = await self._target(request, Action.TAKEN)
        if isinstance(target, Response):
            return target
        if request.method == "GET":
            return self.page("taken", name=target.name)
        outcome = await self._answer(target, "DONE")
        if outcome.duplicate:
            return self.problem("used")
        response = self.page("done", title="Thank you", text=_thanks(outcome))
        self._send_answer(outcome)
        return response

    async def unsubscribe(self, request: Request) -> Response:
        """GET asks; POST (the button, or a mail client's one-click RFC 8058 POST) opts out."""
        target = await self._target(request, Action.UNSUBSCRIBE)
        if isinstance(target, Response):
            return target
        if request.method == "GET":
            return self.page("unsubscribe", name=target.name)
        # Not once: used again after a START, it must opt out again, not only say so.
        outcome = await self._answer(target, "STOP", once=False)
        response = self.page(
            "done",
            title="You are unsubscribed",
            text="We will not send you any more emails. Reply START to an earlier email to"
            " receive them again.",
        )
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
    errors = []
    for key, label in (("flu", "flu-like symptoms"), ("site", "the injection site")):
        if values[key] not in {str(n) for n in SCORES}:
            errors.append(f"Please choose a number from 0 to 10 for {label}.")
    if values["neuro"] not in ("yes", "no"):
        errors.append("Please answer yes or no about a new or worse symptom.")
    if values["fever"] not in ("yes", "no"):
        errors.append("Please answer yes or no about a fever.")
    if errors:
        return values, errors, ""
    neuro = "Y" if values["neuro"] == "yes" else "N"
    fever = "FEVER" if values["fever"] == "yes" else "no fever"
    return values, [], f"flu {values['flu']} site {values['site']} {neuro} {fever}"


def _thanks(outcome: conversation.Outcome) -> str:
    if outcome.parsed_as == conversation.UNKNOWN_SENDER:
        return "We could not match this link to anyone. Nothing was changed."
    if outcome.outcome and "no check-in open" in outcome.outcome:
        return "This check-in has closed, so your answers were kept but not recorded on it."
    return "We have your answer. You will also get a short confirmation by email."
