"""Dose queries, each written once for a batch of patients (one patient is a batch of one), and the
next dose as the rules propose it from that history."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from reminder import regimen
from reminder.config import Settings
from reminder.db import in_chunks
from reminder.models import Dose, DoseStatus, Patient

CLOSED = (DoseStatus.MISSED, DoseStatus.SKIPPED, DoseStatus.TAKEN, DoseStatus.UNCONFIRMED)


def preferences(patient: Patient, settings: Settings) -> regimen.Preferences:
    return regimen.Preferences(
        zone=ZoneInfo(patient.timezone),
        dose_time=patient.dose_time,
        quiet_start=patient.quiet_start,
        quiet_end=patient.quiet_end,
        min_hours_between_doses=settings.schedule.min_hours_between_doses,
    )


def _newest(statement: Select, order: sa.ColumnElement) -> Select:
    """The newest row per patient among ``statement``'s doses, in one query for many patients."""
    rank = sa.func.row_number().over(partition_by=Dose.patient_id, order_by=order).label("rank")
    ranked = statement.add_columns(rank).subquery()
    return select(ranked).where(ranked.c.rank == 1)


# Built once, each for any list of patients (``ids``): every inbound text asks for the open dose,
# and building a statement costs more than running it.
_IDS = sa.bindparam("ids", expanding=True)
_PENDING = (
    select(Dose)
    .where(col(Dose.patient_id).in_(_IDS), Dose.status == DoseStatus.PENDING)
    .order_by(col(Dose.day))
)
_TAKEN = _newest(
    select(Dose.id).where(col(Dose.patient_id).in_(_IDS), Dose.status == DoseStatus.TAKEN),
    col(Dose.taken_at).desc(),
).subquery()
_LAST_TAKEN = select(Dose).join(_TAKEN, col(Dose.id) == _TAKEN.c.id)
_LAST_CLOSED_DAY = (
    select(Dose.patient_id, sa.func.max(Dose.day))
    .where(col(Dose.patient_id).in_(_IDS), col(Dose.status).in_(CLOSED))
    .group_by(col(Dose.patient_id))
)
_LAST_SITE = _newest(
    select(Dose.patient_id, Dose.site).where(
        col(Dose.patient_id).in_(_IDS),
        Dose.status == DoseStatus.TAKEN,
        col(Dose.site).is_not(None),
    ),
    col(Dose.taken_at).desc(),
)


def _each(session: Session, statement: Any, patient_ids: Sequence[int]) -> Iterator[Any]:
    """The rows of a statement above, for any number of patients, an IN list at a time."""
    for chunk in in_chunks(patient_ids):
        yield from session.exec(statement, params={"ids": list(chunk)})


def pending_doses(session: Session, patient_ids: Sequence[int]) -> dict[int, Dose]:
    """Each patient's pending dose (the latest, should there be two): the only one a reply can
    apply to."""
    return {dose.patient_id: dose for dose in _each(session, _PENDING, patient_ids)}


def last_taken_doses(session: Session, patient_ids: Sequence[int]) -> dict[int, Dose]:
    """Each patient's dose taken last."""
    return {dose.patient_id: dose for dose in _each(session, _LAST_TAKEN, patient_ids)}


def last_closed_days(session: Session, patient_ids: Sequence[int]) -> dict[int, date]:
    """Each patient's last dose day closed (taken, skipped, missed or unconfirmed)."""
    return dict(_each(session, _LAST_CLOSED_DAY, patient_ids))


def last_sites(session: Session, patient_ids: Sequence[int]) -> dict[int, str]:
    """The site each patient injected last."""
    found: dict[int, str] = {}
    for chunk in in_chunks(patient_ids):
        # execute, not exec: a sqlmodel select of one subquery is scalar, exec would read one column.
        for patient_id, site, _rank in session.execute(_LAST_SITE, {"ids": list(chunk)}):
            found[patient_id] = site
    return found


def open_dose(session: Session, patient_id: int) -> Dose | None:
    """The one pending dose of a patient, if any: the only dose a reply can apply to."""
    return pending_doses(session, [patient_id]).get(patient_id)


def last_taken_dose(session: Session, patient_id: int) -> Dose | None:
    return last_taken_doses(session, [patient_id]).get(patient_id)


@dataclass(frozen=True)
class Proposal:
    """The next dose as the rules place it, before it is written."""

    next: regimen.NextDose
    titration: regimen.Titration
    site: str | None
    last_taken: Dose | None


def propose_next_dose(session: Session, patient: Patient, settings: Settings) -> Proposal:
    """Apply the missed-dose rule to the patient's history: the next dose follows the last one taken."""
    assert patient.id is not None
    return propose(
        patient,
        settings,
        last_taken_dose(session, patient.id),
        last_closed_days(session, [patient.id]).get(patient.id),
        last_sites(session, [patient.id]).get(patient.id),
    )


def propose(
    patient: Patient,
    settings: Settings,
    taken: Dose | None,
    closed_day: date | None,
    site: str | None,
) -> Proposal:
    """The next dose placed on this history: the last dose taken, day closed and site used."""
    upcoming = regimen.next_dose(
        preferences(patient, settings),
        start=patient.start_date,
        last_taken=taken.taken_at if taken else None,
        last_closed_day=closed_day,
        not_before=patient.active_since,
    )
    return Proposal(
        next=upcoming,
        titration=regimen.titration_dose(
            patient.start_date, upcoming.day, full_dose=patient.full_dose
        ),
        site=regimen.next_site(site, frozenset(patient.injured_sites)),
        last_taken=taken,
    )
