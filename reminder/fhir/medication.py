"""The regimen as a MedicationStatement, and each dose of the window as a MedicationAdministration."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from fhir.resources.R4B.medicationadministration import MedicationAdministration
from fhir.resources.R4B.medicationstatement import MedicationStatement

from reminder.fhir import codes
from reminder.fhir.ids import Deployment
from reminder.fhir.make import make
from reminder.models import Dose, DoseStatus, PatientStatus
from reminder.regimen import SITE_LABELS
from reminder.report.values import Day, DayState, Header

# Text only: a wrong drug code in a clinic's record is worse than none, and we ship no terminology.
MEDICATION = {"text": "interferon beta-1b"}
SUBCUTANEOUS = {"coding": [codes.coding(codes.SNOMED, "34206005")], "text": "subcutaneous"}
TITRATION_STEPS = 4

# The patient's status here is about reminders, not therapy: a pause is on-hold, and after STOP
# we no longer know whether they inject.
STATEMENT_STATUS = {
    PatientStatus.ACTIVE: "active",
    PatientStatus.PAUSED: "on-hold",
    PatientStatus.OPTED_OUT: "unknown",
}

# The report's day states that are a dose given or not given; due, paused and empty days are
# no administration (nothing was given, nor is it known yet that nothing will be).
TAKEN = (DayState.ON_TIME, DayState.LATE, DayState.EARLY)
NOT_DONE: Mapping[DayState, str] = {
    DayState.SKIPPED: "skipped: the patient said SKIP",
    DayState.MISSED: "missed: reminded, no answer before the window closed",
    DayState.UNCONFIRMED: "unconfirmed: no reminder went out (the service was down or too late)",
}


def statement(deployment: Deployment, header: Header, now: datetime) -> MedicationStatement:
    full = header.titration_step >= TITRATION_STEPS
    step = (
        f"titration step {header.titration_step} of {TITRATION_STEPS}"
        f"{' (full dose)' if full else ''}"
    )
    return make(
        MedicationStatement,
        id=deployment.resource_id("MedicationStatement", header.patient_id),
        status=STATEMENT_STATUS[PatientStatus(header.status)],
        medicationCodeableConcept=MEDICATION,
        subject=deployment.reference("Patient", header.patient_id),
        effectivePeriod={"start": header.start_date.isoformat()},
        dateAsserted=now,
        note=[{"text": step}],
        dosage=[
            {
                "text": f"{header.dose_mcg:g} mcg ({header.volume_ml:g} mL) subcutaneously "
                f"every other day; {step}",
                "timing": {"repeat": {"frequency": 1, "period": 2, "periodUnit": "d"}},
                "route": SUBCUTANEOUS,
                "doseAndRate": [{"doseQuantity": codes.quantity(header.dose_mcg, "ug")}],
            }
        ],
    )


def administrations(
    deployment: Deployment, patient_id: int, days: Iterable[Day], doses: Iterable[Dose]
) -> list[MedicationAdministration]:
    """One per day the report shows a dose given or not given.

    The state is the report's (a missed dose whose reminder never went out is unconfirmed); the
    dose row is read for its id, which the report's Day lacks and the stable fullUrl needs.
    """
    # A dose withdrawn by a pause may share its time with the one planned again on resume.
    rows = {d.scheduled_at: d for d in doses if d.status != DoseStatus.CANCELLED}
    found = []
    for day in days:
        if day.state not in TAKEN and day.state not in NOT_DONE:
            continue
        assert day.scheduled_at is not None and day.dose_mcg is not None
        row = rows[day.scheduled_at]
        found.append(_administration(deployment, patient_id, day, row))
    return found


def _administration(
    deployment: Deployment, patient_id: int, day: Day, row: Dose
) -> MedicationAdministration:
    assert day.scheduled_at is not None and day.dose_mcg is not None
    given = day.state in TAKEN
    dosage: dict[str, object] = {
        "route": SUBCUTANEOUS,
        "dose": codes.quantity(day.dose_mcg, "ug"),
    }
    if given and day.site:
        # Whether the patient named the site is on the row only: a DONE without one takes the
        # site the reminder suggested, and the record should say it was not confirmed.
        label = SITE_LABELS.get(day.site, day.site)
        dosage["site"] = {"text": label if row.site_reported else f"{label} (suggested)"}
    reason = NOT_DONE.get(day.state)
    notes = []
    if day.state == DayState.LATE and day.hours_late is not None:
        notes.append({"text": f"taken {day.hours_late:.1f} h after the time set"})
    elif day.state == DayState.EARLY:
        notes.append({"text": "taken early: under the minimum gap after the dose before"})
    return make(
        MedicationAdministration,
        id=deployment.resource_id("MedicationAdministration", row.id),
        identifier=[{"system": deployment.canonical("sid/dose"), "value": str(row.id)}],
        status="completed" if given else "not-done",
        statusReason=[
            {
                "coding": [
                    {
                        "system": deployment.canonical("CodeSystem/dose-not-done"),
                        "code": day.state.value,
                        "display": reason.split(":")[0],
                    }
                ],
                "text": reason,
            }
        ]
        if reason
        else None,
        medicationCodeableConcept=MEDICATION,
        subject=deployment.reference("Patient", patient_id),
        effectiveDateTime=day.taken_at if given else day.scheduled_at,
        dosage=dosage,
        note=notes or None,
    )
