"""Getting in and out of the dashboard: the guard in front of every page, the login page, logout and
the set-password link.

Each guarded request is one transaction: the session is checked (and ended there if it timed out or
its account was disabled), the action and its audit row are written, the page is rendered. A request
without a live session is sent to the login page (303), or refused with 403 when it asks for JSON.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from reminder.app import App
from reminder.db import session_scope
from reminder.models import StaffAccount, StaffRole
from reminder.render import default_templates_dir
from reminder.staff import accounts, actions, audit, board, login, sessions

log = logging.getLogger("reminder.staff")

PREFIX = "/staff"
LOGIN_COOKIE = "staff_login"  # the login form's CSRF value, before there is a session
MAX_FORM_BYTES = 16 * 1024
# What a redirect after a POST may say on the next page: fixed texts, never reflected input.
NOTICES = {
    "acknowledged": "The alert is acknowledged; the contacts already told are being notified.",
    "paused": "The patient's reminders are paused.",
    "resumed": "The patient's reminders are resumed.",
}


@dataclass
class Visit:
    """One authenticated request: its database session, who is logged in, and the form sent."""

    request: Request
    session: Session
    login: sessions.Login
    form: dict[str, str]
    app: App

    @property
    def account(self) -> StaffAccount:
        return self.login.account

    @property
    def address(self) -> str | None:
        return client_address(self.request)

    @property
    def now(self) -> datetime:
        return self.app.clock.now()

    def audit(
        self, action: audit.Action, patient_id: int | None, detail: str | None = None
    ) -> None:
        """Write what this visitor did about a patient to the audit trail."""
        audit.record(
            self.session,
            action,
            self.now,
            account=self.account,
            address=self.address,
            patient_id=patient_id,
            detail=detail,
        )


Handler = Callable[[Visit], Response]


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def safe_next(target: str) -> str:
    """Where to go after logging in: a dashboard path only, never another site."""
    if target.startswith(PREFIX + "/") and not target.startswith("//") and "\\" not in target:
        return target
    return PREFIX + "/"


async def read_form(request: Request) -> dict[str, str]:
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_FORM_BYTES:
            break
    return dict(parse_qsl(raw[:MAX_FORM_BYTES].decode("utf-8", "replace"), keep_blank_values=True))


class Gate:
    """Sessions in and out: the guard around every page, the login page, logout, password links."""

    def __init__(self, app: App) -> None:
        self.app = app
        directory = app.settings.file.templates_dir
        base = Path(directory) if directory else default_templates_dir()
        # The dashboard is for staff and written in English; its pages sit beside the languages'
        # folders (templates/staff/), the operator's copy first.
        folders = [str(base), str(default_templates_dir())] if directory else [str(base)]
        self.templates = Environment(
            loader=FileSystemLoader(folders),
            autoescape=select_autoescape(enabled_extensions=("html.j2",)),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.stylesheet = (base / "staff" / "staff.css").read_text(encoding="utf-8")
        self.secure_cookies = app.settings.file.public_base_url.startswith("https://")

    # --- rendering -------------------------------------------------------------------------------

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = self.templates.get_template(f"staff/{template}.html.j2").render(
            prefix=PREFIX, **context
        )
        return HTMLResponse(html, status)

    def page(self, visit: Visit, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        notice = NOTICES.get(visit.request.query_params.get("done", ""), "")
        return self.render(
            template,
            status,
            account=visit.account,
            is_admin=visit.account.role == StaffRole.ADMIN,
            csrf=visit.login.row.csrf_token,
            notice=notice,
            **context,
        )

    def refuse(self, request: Request, status: int, title: str, text: str) -> Response:
        if wants_json(request):
            return JSONResponse({"error": text}, status)
        return self.render("problem", status, title=title, text=text)

    def css(self, _request: Request) -> Response:
        return Response(self.stylesheet, media_type="text/css")

    # --- the guard ---------------------------------------------------------------------------------

    def guarded(
        self, handler: Handler, *, admin: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            form = await read_form(request) if request.method == "POST" else {}
            return await run_in_threadpool(self._guard, request, form, handler, admin)

        return endpoint

    def _guard(
        self, request: Request, form: dict[str, str], handler: Handler, admin: bool
    ) -> Response:
        settings, now = self.app.settings, self.app.clock.now()
        with session_scope(self.app.engine) as session:
            token = request.cookies.get(sessions.COOKIE, "")
            found = sessions.current(session, settings, token, now)
            if found is None:
                if wants_json(request):
                    return JSONResponse({"error": "login required"}, 403)
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"{PREFIX}/login?next={quote(target)}", 303)
            if request.method == "POST" and not hmac.compare_digest(
                form.get("csrf", "").encode(), found.row.csrf_token.encode()
            ):
                log.warning(
                    "staff %s: %s refused: no valid CSRF token", found.account.id, request.url.path
                )
                return self.refuse(
                    request,
                    403,
                    "This form has expired",
                    "Nothing was changed. Reload the page and try again.",
                )
            if admin and found.account.role != StaffRole.ADMIN:
                return self.refuse(request, 403, "Not allowed", "Only an admin may see this page.")
            try:
                return handler(Visit(request, session, found, form, self.app))
            except actions.Refused as exc:
                session.rollback()
                return self.refuse(request, 409, "Not done", str(exc))

    # --- login, logout, password link -----------------------------------------------------------

    async def login_page(self, request: Request) -> Response:
        if request.method == "GET":
            return self._login_form(request.query_params.get("next", ""), 200, "")
        form = await read_form(request)
        if not hmac.compare_digest(
            form.get("csrf", "").encode(), request.cookies.get(LOGIN_COOKIE, "-").encode()
        ):
            return self._login_form(
                form.get("next", ""), 403, "The form expired. Please log in again."
            )
        return await run_in_threadpool(self._log_in, request, form)

    def _login_form(self, target: str, status: int, error: str) -> Response:
        value = secrets.token_urlsafe(24)
        response = self.render("login", status, csrf=value, next=safe_next(target), error=error)
        self._cookie(response, LOGIN_COOKIE, value, max_age=3600)
        return response

    def _log_in(self, request: Request, form: dict[str, str]) -> Response:
        settings, now = self.app.settings, self.app.clock.now()
        with session_scope(self.app.engine) as session:
            # A session id from before the login is never kept (session fixation): end it.
            old = sessions.current(session, settings, request.cookies.get(sessions.COOKIE, ""), now)
            if old is not None:
                sessions.end(session, old.row, "replaced by a new login", now)
            result = login.attempt(
                session,
                settings,
                form.get("name", ""),
                form.get("password", ""),
                client_address(request),
                now,
            )
        if result.locked_until is not None:
            until = board.shown(result.locked_until, settings.default_zone)
            return self._login_form(
                form.get("next", ""), 429, f"Too many failed logins. Try again after {until}."
            )
        if result.token is None:
            return self._login_form(form.get("next", ""), 401, "Wrong name or password.")
        response = RedirectResponse(safe_next(form.get("next", "")), 303)
        self._cookie(response, sessions.COOKIE, result.token)
        response.delete_cookie(LOGIN_COOKIE, path=PREFIX)
        return response

    def _cookie(
        self, response: Response, name: str, value: str, max_age: int | None = None
    ) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path=PREFIX,
            httponly=True,
            samesite="lax",
            secure=self.secure_cookies,
        )

    def logout(self, visit: Visit) -> Response:
        sessions.end(visit.session, visit.login.row, "logout", visit.now)
        audit.record(
            visit.session,
            audit.Action.LOGOUT,
            visit.now,
            account=visit.account,
            address=visit.address,
        )
        response = RedirectResponse(f"{PREFIX}/login", 303)
        response.delete_cookie(sessions.COOKIE, path=PREFIX)
        return response

    async def password_page(self, request: Request) -> Response:
        form = await read_form(request) if request.method == "POST" else {}
        if request.method == "POST" and not hmac.compare_digest(
            form.get("csrf", "").encode(), request.cookies.get(LOGIN_COOKIE, "-").encode()
        ):
            return self.refuse(
                request, 403, "This form has expired", "Nothing was changed. Open the link again."
            )
        return await run_in_threadpool(self._password, request, form)

    def _password(self, request: Request, form: dict[str, str]) -> Response:
        settings, now = self.app.settings, self.app.clock.now()
        with session_scope(self.app.engine) as session:
            try:
                account = accounts.read_password_link(
                    session, settings, request.path_params["token"], now
                )
            except accounts.LinkProblem as exc:
                texts = {
                    "tampered": "This link is not complete or has been changed.",
                    "expired": "This link has expired. Ask an admin for a new one.",
                    "used": "This link was already used. Ask an admin for a new one.",
                }
                return self.refuse(
                    request,
                    410 if exc.reason != "tampered" else 400,
                    "Link not valid",
                    texts[exc.reason],
                )
            error = ""
            if request.method == "POST":
                password = form.get("password", "")
                try:
                    if password != form.get("again", ""):
                        raise accounts.AccountError("the two passwords differ")
                    accounts.set_password(session, account, password, now)
                except accounts.AccountError as exc:
                    error = f"Not changed: {exc}."
                else:
                    audit.record(
                        session,
                        audit.Action.PASSWORD_SET,
                        now,
                        account=account,
                        address=client_address(request),
                    )
                    return RedirectResponse(f"{PREFIX}/login", 303)
            value = secrets.token_urlsafe(24)
            response = self.render(
                "password",
                422 if error else 200,
                name=account.name,
                csrf=value,
                error=error,
                minimum=accounts.MIN_PASSWORD_CHARS,
            )
            self._cookie(response, LOGIN_COOKIE, value, max_age=3600)
            return response
