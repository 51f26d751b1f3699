"""The dashboard's pages under /staff: alerts, patients, a patient, messages and the audit trail.

Pages are rendered on the server (Jinja2, autoescaped) and work without JavaScript; every one is
behind the guard of reminder/staff/gate.py, every POST behind its CSRF token.
"""

from __future__ import annotations

from typing import TypeVar

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, Router
from starlette.types import Receive, Scope, Send

from reminder.models import Alert, Patient, PatientStatus
from reminder.staff import actions, audit, board, patients, report_view, scope
from reminder.staff.gate import PREFIX, Gate, Visit, safe_next
from reminder.staff.headers import SecurityHeaders

AUDIT_ROWS = 500
_Row = TypeVar("_Row", Alert, Patient)
# Row ids are 32-bit integers on PostgreSQL, which refuses a query with a larger one (a 500).
MAX_ROW_ID = 2**31 - 1


class StaffPages(Gate):
    """The dashboard's pages, each behind the guard."""

    def mount(self) -> Mount:
        return Mount(PREFIX, app=SecurityHeaders(Router(self.routes(), default=_not_found)))

    def routes(self) -> list[Route]:
        guarded = self.guarded
        return [
            Route("/login", self.login_page, methods=["GET", "POST"]),
            Route("/password/{token}", self.password_page, methods=["GET", "POST"]),
            Route("/static/staff.css", self.css),
            Route("/static/report.css", self.report_css),
            Route("/", guarded(self.alerts)),
            Route("/logout", guarded(self.logout), methods=["POST"]),
            Route(
                "/alerts/{alert_id:int}/acknowledge", guarded(self.acknowledge), methods=["POST"]
            ),
            Route("/patients", guarded(self.patient_list)),
            Route("/patients/{patient_id:int}", guarded(self.patient_page)),
            Route("/patients/{patient_id:int}/report.pdf", guarded(self.report_file)),
            Route("/patients/{patient_id:int}/report.csv", guarded(self.report_file)),
            Route("/patients/{patient_id:int}/record.fhir.json", guarded(self.fhir_file)),
            Route("/patients/{patient_id:int}/pause", guarded(self.pause), methods=["POST"]),
            Route("/patients/{patient_id:int}/resume", guarded(self.resume), methods=["POST"]),
            Route("/messages", guarded(self.messages)),
            Route("/audit", guarded(self.audit_page, admin=True)),
            Route("/audit.csv", guarded(self.audit_csv, admin=True)),
        ]

    # --- pages -------------------------------------------------------------------------------------

    def _visible(self, visit: Visit) -> set[int] | None:
        return scope.visible_patients(visit.session, visit.account)

    def alerts(self, visit: Visit) -> Response:
        rows = board.alerts(
            visit.session, self._visible(visit), visit.now, self.app.settings.default_zone
        )
        return self.page(visit, "alerts", alerts=rows, open_count=sum(1 for a in rows if a.open))

    def acknowledge(self, visit: Visit) -> Response:
        alert = _row(visit, Alert, "alert_id")
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
        patient = _row(visit, Patient, "patient_id")
        if patient is None or patient.id is None:
            return self.refuse(visit.request, 404, "Not found", "No such patient.")
        if not scope.may_see(visit.session, visit.account, patient.id):
            visit.audit(audit.Action.PATIENT_REFUSED, patient.id)
            return self.refuse(
                visit.request, 403, "Not allowed", "This patient is not one of yours."
            )
        return patient

    def patient_page(self, visit: Visit) -> Response:
        patient = self._patient(visit)
        if isinstance(patient, Response):
            return patient
        zone = self.app.settings.default_zone
        visit.audit(audit.Action.PATIENT_VIEWED, patient.id)
        return self.page(
            visit,
            "patient",
            patient=patients.header(visit.session, patient, self.app.settings, zone),
            paused=patient.status == PatientStatus.PAUSED,
            opted_out=patient.status == PatientStatus.OPTED_OUT,
            alerts=board.alerts_of(visit.session, patient.id or 0, visit.now, zone),
            thread=patients.thread(visit.session, patient, zone),
            pause_days=self.app.settings.schedule.default_pause_days,
            report=report_view.fragment(
                report_view.build(visit.session, patient, self.app.settings, visit.now)
            ),
        )

    def report_file(self, visit: Visit) -> Response:
        """The patient page's report as PDF or CSV, by the path's suffix; audited as a view."""
        patient = self._patient(visit)
        if isinstance(patient, Response):
            return patient
        suffix = visit.request.url.path.rsplit(".", 1)[1]
        values = report_view.build(visit.session, patient, self.app.settings, visit.now)
        visit.audit(
            audit.Action.REPORT_DOWNLOADED,
            patient.id,
            f"{suffix}, {values.window.start} to {values.window.end}",
        )
        name = report_view.file_name(patient, values, suffix)
        disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
        if suffix == "pdf":
            return Response(
                report_view.pdf(values), media_type="application/pdf", headers=disposition
            )
        return Response(
            report_view.csv(values), media_type="text/csv; charset=utf-8", headers=disposition
        )

    def fhir_file(self, visit: Visit) -> Response:
        """The patient's record of the report's window as a FHIR R4 Bundle; audited as a download."""
        patient = self._patient(visit)
        if isinstance(patient, Response):
            return patient
        # Imported here: fhir.resources loads hundreds of models, which only this download needs.
        from reminder import fhir

        window = report_view.window(patient, visit.now)
        try:
            bundle = fhir.export(visit.session, patient, window, self.app.settings, visit.now)
        except fhir.ExportError as exc:
            return self.refuse(visit.request, 503, "FHIR export not configured", str(exc))
        visit.audit(
            audit.Action.REPORT_DOWNLOADED, patient.id, f"fhir, {window.start} to {window.end}"
        )
        name = f"record-{patient.id}-{window.start}-{window.end}.fhir.json"
        return Response(
            fhir.to_json(bundle),
            media_type=fhir.MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    def report_css(self, _request: Request) -> Response:
        return Response(report_view.stylesheet(), media_type="text/css")

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


async def _not_found(scope: Scope, receive: Receive, send: Send) -> None:
    """A path under /staff that names no page: answered here, so it carries the headers too."""
    await PlainTextResponse("Not Found", 404)(scope, receive, send)


def _row(visit: Visit, model: type[_Row], name: str) -> _Row | None:
    """The row the path's id ``name`` names, or None: an id too large for the column names none."""
    row_id = visit.request.path_params[name]
    return visit.session.get(model, row_id) if row_id <= MAX_ROW_ID else None
