"""One patient's record over a window as a FHIR R4 Bundle of type collection, every reference in
it resolved inside it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.resource import Resource
from sqlmodel import Session, col, select

from reminder import regimen, report
from reminder.config import Settings
from reminder.fhir import alerts, medication, people, questionnaires, responses, screens
from reminder.fhir.errors import ExportError
from reminder.fhir.ids import Deployment, deployment
from reminder.fhir.make import json_of, make
from reminder.models import (
    Alert,
    AlertStatus,
    CheckIn,
    CheckInKind,
    Contact,
    Dose,
    Patient,
)
from reminder.notices import notices_of


def export(
    session: Session, patient: Patient, window: report.Window, settings: Settings, now: datetime
) -> Bundle:
    """The Bundle of ``patient`` over ``window`` (local dates, both ends included) as of ``now``.

    Mapped from ``report.build``'s values, and from the rows they come from where the values lack
    what FHIR needs (ids for stable fullUrls, addresses, the replies as written): each module says
    which.
    """
    assert patient.id is not None
    where = deployment(settings)
    values = report.build(session, patient, window, settings, now)
    zone = ZoneInfo(patient.timezone)
    since = regimen.at_local(window.start, time(0), zone)
    until = min(regimen.at_local(window.end + timedelta(days=1), time(0), zone), now)

    contacts = list(
        session.exec(
            select(Contact).where(Contact.patient_id == patient.id).order_by(col(Contact.position))
        )
    )
    resources: list[Resource] = [
        people.patient(where, patient, values.header),
        *(people.contact(where, c) for c in contacts),
        medication.statement(where, values.header, now),
    ]
    doses = session.exec(
        select(Dose).where(
            Dose.patient_id == patient.id,
            Dose.day >= window.start,
            Dose.day <= window.end + timedelta(days=1),
        )
    )
    resources += medication.administrations(where, patient.id, values.adherence.days, doses)
    resources += [questionnaires.questionnaire(where, kind) for kind in questionnaires.FORMS]
    check_ins = session.exec(
        select(CheckIn)
        .where(CheckIn.patient_id == patient.id, CheckIn.due_at >= since, CheckIn.due_at < until)
        .order_by(col(CheckIn.due_at), col(CheckIn.id))
    )
    for check_in in check_ins:
        if not responses.answered(check_in):
            continue
        if check_in.kind == CheckInKind.PHQ2:
            resources += screens.response(where, check_in, zone)
        else:
            resources += responses.response(where, check_in, zone)
    resources += _alerts(session, where, patient.id, values.alerts, contacts, zone)

    bundle = make(
        Bundle,
        id=where.resource_id("Bundle", f"{patient.id}/{window.start}/{window.end}"),
        identifier={
            "system": where.canonical("sid/export"),
            "value": f"{patient.id}/{window.start}/{window.end}",
        },
        type="collection",
        timestamp=now.astimezone(zone),
        # Every resource's id is its uuid (ids.py), so its fullUrl follows from it.
        entry=[{"fullUrl": f"urn:uuid:{r.id}", "resource": r} for r in resources],
    )
    check_references(bundle)
    return bundle


def _alerts(
    session: Session,
    where: Deployment,
    patient_id: int,
    lines: Sequence[report.values.AlertLine],
    contacts: list[Contact],
    zone: ZoneInfo,
) -> list[Resource]:
    if not lines:
        return []
    rows = {
        a.id: a for a in session.exec(select(Alert).where(col(Alert.id).in_([x.id for x in lines])))
    }
    # The report's own rule for an alert's notices, without the "acknowledged" notes.
    told = notices_of(session, [line.id for line in lines])
    urls = {c.id: where.full_url("Contact", c.id) for c in contacts if c.id is not None}
    found: list[Resource] = []
    for line in lines:
        if line.status == AlertStatus.OPEN:
            found.append(alerts.flag(where, patient_id, line))
        found += alerts.communications(
            where, patient_id, line, rows[line.id], told[line.id], urls, zone
        )
    return found


def check_references(bundle: Bundle) -> None:
    """Refuse a Bundle with a reference, or a Questionnaire canonical, that is not inside it."""
    entries = bundle.entry or []
    urls = {entry.fullUrl for entry in entries}
    canonicals = {
        entry.resource.url
        for entry in entries
        if entry.resource is not None and entry.resource.get_resource_type() == "Questionnaire"
    }
    for entry in entries:
        assert entry.resource is not None
        kind = entry.resource.get_resource_type()
        document = json_of(entry.resource)
        for path, reference in _references(document, kind):
            if reference not in urls:
                raise ExportError(f"{path}: {reference} is not an entry of the Bundle")
        if kind == "QuestionnaireResponse" and document.get("questionnaire") not in canonicals:
            raise ExportError(
                f"QuestionnaireResponse.questionnaire: {document.get('questionnaire')} is not "
                "a Questionnaire of the Bundle"
            )


def _references(node: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield f"{path}.reference", value
            else:
                yield from _references(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _references(value, f"{path}[{index}]")
