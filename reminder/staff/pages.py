"""The dashboard's routes under /staff: every page behind a session, every POST behind its CSRF token.

Pages are rendered on the server (Jinja2, autoescaped) and work without JavaScript. Each request is
one transaction: the session is checked (and ended there if it timed out or its account was
disabled), the action and its audit row are written, the page is rendered. A request without a live
session is sent to the login page (303), or refused with 403 when it asks for JSON.
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

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, Router

from reminder.app import App
from reminder.db import session_scope
from reminder.links import html_templates
from reminder.models import Alert, Patient, PatientStatus, StaffAccount, StaffRole
from reminder.render import default_templates_dir
from reminder.staff import accounts, actions, audit, board, login, patients, scope, sessions
from reminder.staff.headers import SecurityHeaders

log = logging.getLogger("reminder.staff")

PREFIX = "/staff"
LOGIN_COOKIE = "staff_login"  # the login form's CSRF value, before there is a session
MAX_FORM_BYTES = 16 * 1024
AUDIT_ROWS = 500
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


class StaffPages:
    def __init__(self, app: App) -> None:
        self.app = app
        self.templates = html_templates(app.settings)
        directory = app.settings.file.templates_dir
        base = Path(directory) if directory else default_templates_dir()
        self.stylesheet = (base / "staff" / "staff.css").read_text(encoding="utf-8")
        self.secure_cookies = app.settings.file.public_base_url.startswith("https://")

    def mount(self) -> Mount:
        return Mount(PREFIX, app=SecurityHeaders(Router(self.routes())))

    def routes(self) -> list[Route]:
        guarded = self.guarded
        return [
            Route("/login", self.login_page, methods=["GET", "POST"]),
            Route("/password/{token}", self.password_page, methods=["GET", "POST"]),
            Route("/static/staff.css", self.css),
            Route("/", guarded(self.alerts)),
            Route("/logout", guarded(self.logout), methods=["POST"]),
            Route(
                "/alerts/{alert_id:int}/acknowledge", guarded(self.acknowledge), methods=["POST"]
            ),
            Route("/patients", guarded(self.patient_list)),
            Route("/patients/{patient_id:int}", guarded(self.patient_page)),
            Route("/patients/{patient_id:int}/pause", guarded(self.pause), methods=["POST"]),
            Route("/patients/{patient_id:int}/resume", guarded(self.resume), methods=["POST"]),
            Route("/messages", guarded(self.messages)),
            Route("/audit", guarded(self.audit_page, admin=True)),
            Route("/audit.csv", guarded(self.audit_csv, admin=True)),
        ]

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

    # --- pages -------------------------------------------------------------------------------------

    def _visible(self, visit: Visit) -> set[int] | None:
        return scope.visible_patients(visit.session, visit.account)

    def alerts(self, visit: Visit) -> Response:
        rows = board.alerts(
            visit.session, self._visible(visit), visit.now, self.app.settings.default_zone
        )
        return self.page(visit, "alerts", alerts=rows, open_count=sum(1 for a in rows if a.open))

    def acknowledge(self, visit: Visit) -> Response:
        alert = visit.session.get(Alert, visit.request.path_params["alert_id"])
        if alert is None or not scope.may_see(visit.session, visit.account, alert.patient_id):
            return self.refuse(
                visit.request,
                403 if alert else 404,
                "Not allowed",
                "No such alert among your patients.",
            )
        actions.acknowledge(
            visit.session,
            self.app.settings,
            visit.account,
            alert,
            visit.form.get("note", ""),
            visit.address,
            visit.now,
        )
        back = visit.form.get("back", "")
        return RedirectResponse(
            f"{safe_next(back) if back else PREFIX + '/'}?done=acknowledged", 303
        )

    def patient_list(self, visit: Visit) -> Response:
        query = visit.request.query_params.get("q", "")[:100]
        rows = patients.patient_lines(
            visit.session,
            self.app.settings,
            self._visible(visit),
            query,
            visit.now,
            self.app.settings.default_zone,
        )
        return self.page(visit, "patients", patients=rows, query=query)

    def _patient(self, visit: Visit) -> Patient | Response:
        patient_id = visit.request.path_params["patient_id"]
        patient = visit.session.get(Patient, patient_id)
        if patient is None:
            return self.refuse(visit.request, 404, "Not found", "No such patient.")
        if not scope.may_see(visit.session, visit.account, patient_id):
            audit.record(
                visit.session,
                audit.Action.PATIENT_REFUSED,
                visit.now,
                account=visit.account,
                address=visit.address,
                patient_id=patient_id,
            )
            return self.refuse(
                visit.request, 403, "Not allowed", "This patient is not one of yours."
            )
        return patient

    def patient_page(self, visit: Visit) -> Response:
        patient = self._patient(visit)
        if isinstance(patient, Response):
            return patient
        zone = self.app.settings.default_zone
        audit.record(
            visit.session,
            audit.Action.PATIENT_VIEWED,
            visit.now,
            account=visit.account,
            address=visit.address,
            patient_id=patient.id,
        )
        return self.page(
            visit,
            "patient",
            patient=patients.header(visit.session, patient, self.app.settings, zone),
            paused=patient.status == PatientStatus.PAUSED,
            opted_out=patient.status == PatientStatus.OPTED_OUT,
            alerts=board.alerts_of(visit.session, patient.id or 0, visit.now, zone),
            thread=patients.thread(visit.session, patient, zone),
            pause_days=self.app.settings.schedule.default_pause_days,
        )

    def pause(self, visit: Visit) -> Response:
        patient = self._patient(visit)
        if isinstance(patient, Response):
            return patient
        text = visit.form.get("days", "")
        if not text.isdigit():
            raise actions.Refused("give the number of days to pause, 1 to 365")
        actions.pause_patient(
            visit.session,
            self.app.settings,
            visit.account,
            patient,
            int(text),
            visit.address,
            visit.now,
        )
        return RedirectResponse(f"{PREFIX}/patients/{patient.id}?done=paused", 303)

    def resume(self, visit: Visit) -> Response:
        patient = self._patient(visit)
        if isinstance(patient, Response):
            return patient
        actions.resume_patient(
            visit.session, self.app.settings, visit.account, patient, visit.address, visit.now
        )
        return RedirectResponse(f"{PREFIX}/patients/{patient.id}?done=resumed", 303)

    def messages(self, visit: Visit) -> Response:
        rows = board.problem_messages(
            visit.session, self._visible(visit), self.app.settings.default_zone
        )
        return self.page(visit, "messages", messages=rows)

    def audit_page(self, visit: Visit) -> Response:
        zone = self.app.settings.default_zone
        events = audit.newest(visit.session, AUDIT_ROWS)
        return self.page(
            visit, "audit", events=events, shown=lambda at: board.shown(at, zone), limit=AUDIT_ROWS
        )

    def audit_csv(self, visit: Visit) -> Response:
        text = audit.write_csv(audit.all_events(visit.session))
        audit.record(
            visit.session,
            audit.Action.AUDIT_EXPORTED,
            visit.now,
            account=visit.account,
            address=visit.address,
        )
        day = visit.now.date().isoformat()
        return Response(
            text,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="audit-{day}.csv"'},
        )
