"""What the label asks beyond the injection, as stored state: vials on hand, lab tests done, and
the views of them (supply, labs, PHQ-2 answers) that `patient show` and the report read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from reminder import labs, regimen, supply
from reminder.config import Settings
from reminder.models import CheckIn, CheckInKind, LabKind, LabTest, Message, MessageKind, Patient

# LAB DONE names the tests of the lab reminder sent last, if one went out this recently.
_LAB_REMINDER_DAYS = 90


class SupplyError(ValueError):
    """A vial count that cannot be right: negative, or an addition to no count at all."""


def set_vials(
    patient: Patient,
    settings: Settings,
    now: datetime,
    *,
    add: int | None = None,
    count: int | None = None,
) -> int:
    """Record a refill (``add`` vials, 0 for a pack) or a count; return the vials on hand.

    A refill ends the refill reminders; a count does once it covers the lead days again. A refill
    to a patient with no count yet starts the count at what was added."""
    if count is not None:
        if count < 0:
            raise SupplyError(f"a count of vials is 0 or more, not {count}")
        vials = count
    else:
        added = add or settings.supply.pack_size
        if added < 0:
            raise SupplyError(f"a refill adds 1 vial or more, not {added}")
        vials = (patient.vials or 0) + added
    patient.vials, patient.vials_changed_at = vials, now
    lead = settings.supply.refill_lead_days
    if add is not None or not supply.runs_low(vials, lead):
        patient.refill_reminded_at = None
    return vials


def use_vial(patient: Patient, now: datetime) -> None:
    """A taken dose uses one vial, whatever its titration step."""
    if patient.vials is not None:
        patient.vials, patient.vials_changed_at = supply.after_dose(patient.vials), now


def record_lab(
    session: Session,
    patient: Patient,
    settings: Settings,
    kinds: list[LabKind],
    done_on: date,
    now: datetime,
    source: str,
) -> list[LabTest]:
    """Record tests done on ``done_on``; the next reminder of each kind then counts from them."""
    rows = [
        LabTest(patient_id=patient.id, kind=k, done_on=done_on, recorded_at=now, source=source)
        for k in kinds
    ]
    session.add_all(rows)
    session.flush()
    plan_labs(session, patient, settings, now)
    return rows


def last_tests(session: Session, patient_id: int) -> dict[str, date]:
    """The last day each kind of test was done."""
    statement = (
        select(LabTest.kind, sa.func.max(LabTest.done_on))
        .where(LabTest.patient_id == patient_id)
        .group_by(col(LabTest.kind))
    )
    return {str(kind): day for kind, day in session.exec(statement)}


def plan_labs(session: Session, patient: Patient, settings: Settings, now: datetime) -> None:
    """Set the next routine and thyroid lab dates from the tests done so far."""
    zone = ZoneInfo(patient.timezone)
    today = regimen.local_date(now, zone)
    done = last_tests(session, patient.id or 0)
    last = _routine_last(done)
    after = max(today, last + timedelta(days=1)) if last else today
    patient.next_lab_on = labs.routine_due(patient.start_date, last, after)
    patient.next_thyroid_on = thyroid_due(patient, settings, done.get(LabKind.THYROID), today)
    session.add(patient)


def next_lab_after(
    session: Session, patient: Patient, settings: Settings, kinds: list[str], on: date
) -> date | None:
    """The date after a reminder on ``on`` for tests ``kinds``, counted from the last test."""
    done = last_tests(session, patient.id or 0)
    after = on + timedelta(days=1)
    if LabKind.THYROID in kinds:
        return thyroid_due(patient, settings, done.get(LabKind.THYROID), after)
    return labs.routine_due(patient.start_date, _routine_last(done), after)


def _routine_last(done: dict[str, date]) -> date | None:
    """The day the routine tests were last all done (the older of the two)."""
    routine = [done[k] for k in labs.ROUTINE if k in done]
    return min(routine) if len(routine) == len(labs.ROUTINE) else None


def thyroid_due(
    patient: Patient, settings: Settings, last: date | None, on_or_after: date
) -> date | None:
    if not patient.thyroid:
        return None
    if last is not None:
        on_or_after = max(on_or_after, last + timedelta(days=1))
    every = settings.triage.thyroid_every_months
    return labs.thyroid_due(patient.start_date, last, every, on_or_after)


def kinds_reminded(session: Session, patient: Patient, now: datetime) -> list[LabKind]:
    """The tests LAB DONE stands for: those of the last lab reminder sent, else the routine."""
    reminder = session.exec(
        select(Message.context)
        .where(
            Message.patient_id == patient.id,
            Message.kind == MessageKind.LAB,
            col(Message.sent_at).is_not(None),
            Message.sent_at > now - timedelta(days=_LAB_REMINDER_DAYS),
        )
        .order_by(col(Message.sent_at).desc())
        .limit(1)
    ).first()
    kinds = (reminder or {}).get("kinds") or list(labs.ROUTINE)
    return [LabKind(k) for k in kinds]


def supply_view(patient: Patient, next_dose_day: date | None) -> dict[str, Any]:
    run_out = supply.run_out_date(next_dose_day, patient.vials)
    return {"vials": patient.vials, "run_out_on": run_out.isoformat() if run_out else None}


@dataclass(frozen=True)
class NextLabs:
    """The next lab dates as the planner reminds them, and the last day each kind was done."""

    routine: date  # blood count and liver tests, reminded together
    thyroid: date | None  # None: not followed (no thyroid history, or thyroid_every_months 0)
    last: dict[str, date]


def next_labs(session: Session, patient: Patient, settings: Settings) -> NextLabs:
    """The stored dates the planner set; before its first pass, the ones it will set."""
    enrolled = regimen.local_date(patient.created_at, ZoneInfo(patient.timezone))
    done = last_tests(session, patient.id or 0)
    routine = patient.next_lab_on or labs.routine_due(
        patient.start_date, _routine_last(done), enrolled
    )
    thyroid = patient.next_thyroid_on
    if thyroid is None:
        thyroid = thyroid_due(patient, settings, done.get(LabKind.THYROID), enrolled)
    return NextLabs(routine=routine, thyroid=thyroid, last=done)


def labs_view(session: Session, patient: Patient, settings: Settings) -> dict[str, Any]:
    tests = session.exec(
        select(LabTest)
        .where(LabTest.patient_id == patient.id)
        .order_by(col(LabTest.done_on).desc(), col(LabTest.id).desc())
        .limit(20)
    )
    due = next_labs(session, patient, settings)
    return {
        "next_on": due.routine.isoformat(),
        "next_thyroid_on": due.thyroid.isoformat() if due.thyroid else None,
        "done": [{"kind": t.kind, "on": t.done_on.isoformat(), "source": t.source} for t in tests],
    }


def screens_view(session: Session, patient: Patient, zone: ZoneInfo) -> list[dict[str, Any]]:
    """The last PHQ-2 screens, newest first, with both answers."""
    rows = session.exec(
        select(CheckIn)
        .where(CheckIn.patient_id == patient.id, CheckIn.kind == CheckInKind.PHQ2)
        .order_by(col(CheckIn.due_at).desc())
        .limit(12)
    )
    return [
        {
            "asked_at": r.asked_at.astimezone(zone).isoformat() if r.asked_at else None,
            "status": r.status,
            "interest": r.phq_interest,
            "mood": r.phq_mood,
            "total": None
            if r.phq_interest is None or r.phq_mood is None
            else r.phq_interest + r.phq_mood,
        }
        for r in rows
    ]
