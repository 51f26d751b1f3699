"""Questions put to a patient: the morning check-in, the relapse follow-up, "has the site healed?"
and the PHQ-2 depression screen.

When each is asked, re-asked and closed, and how an answer fills it in. The planner asks and closes
them; the conversation applies answers; triage reads them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from reminder import regimen
from reminder.config import Settings
from reminder.models import CheckIn, CheckInKind, CheckInStatus, Dose, Patient

# A 09:00 check-in left unanswered is asked once more at 18:00, before the evening's quiet hours.
REASK_AFTER = timedelta(hours=9)
# The relapse re-check, and the "has it healed?" question, stay answerable this long.
ANSWER_WINDOW = timedelta(hours=24)
LIVE = (CheckInStatus.PLANNED, CheckInStatus.OPEN)
QUESTIONS: dict[CheckInKind, tuple[str, ...]] = {
    CheckInKind.CHECKIN: ("flu", "site", "neuro"),
    CheckInKind.FOLLOWUP: ("neuro",),
    CheckInKind.SITE_HEAL: ("healed",),
    CheckInKind.REPORT: (),
    CheckInKind.PHQ2: ("interest", "mood"),
}


def checkin_for(dose: Dose, patient: Patient, now: datetime) -> CheckIn:
    """The check-in the morning after ``dose`` was taken, at the patient's check-in time.

    It stays answerable until the preferred dose time of the following day, the earliest moment the
    next reminder can go out, so an answer and a reminder never compete for the same "Y".
    """
    assert dose.taken_at is not None
    zone = ZoneInfo(patient.timezone)
    day = regimen.local_date(dose.taken_at, zone) + timedelta(days=1)
    due = regimen.at_local(day, patient.checkin_time, zone)
    expires = regimen.at_local(day + timedelta(days=1), patient.dose_time, zone)
    reask = due + REASK_AFTER
    return CheckIn(
        key=f"checkin:{dose.id}",
        patient_id=patient.id,
        kind=CheckInKind.CHECKIN,
        dose_id=dose.id,
        site=dose.site,
        due_at=due,
        reask_at=reask if reask < expires else None,
        expires_at=expires,
        created_at=now,
    )


def followup_for(parent: CheckIn, reported_at: datetime, settings: Settings) -> CheckIn:
    """The relapse screen: asked ``relapse_followup_hours`` after the "yes", once more at
    ``relapse_recheck_hours`` if the first goes unanswered, answerable for a day after that."""
    triage = settings.triage
    recheck = reported_at + timedelta(hours=triage.relapse_recheck_hours)
    return CheckIn(
        key=f"followup:{parent.id}",
        patient_id=parent.patient_id,
        kind=CheckInKind.FOLLOWUP,
        parent_id=parent.id,
        due_at=reported_at + timedelta(hours=triage.relapse_followup_hours),
        reask_at=recheck,
        expires_at=recheck + ANSWER_WINDOW,
        symptoms=list(parent.symptoms),
        created_at=reported_at,
    )


def report_for(patient: Patient, key: str, now: datetime) -> CheckIn:
    """A row for what the patient reported unasked; it is answered as it is written."""
    return CheckIn(
        key=key,
        patient_id=patient.id,
        kind=CheckInKind.REPORT,
        status=CheckInStatus.ANSWERED,
        due_at=now,
        asked_at=now,
        expires_at=now,
        closed_at=now,
        created_at=now,
    )


def heal_question_for(patient: Patient, site: str, since: datetime, settings: Settings) -> CheckIn:
    """ "Has the site healed?", ``site_heal_ask_days`` after ``since``, at the check-in time."""
    zone = ZoneInfo(patient.timezone)
    day = regimen.local_date(since, zone) + timedelta(days=settings.triage.site_heal_ask_days)
    due = regimen.at_local(day, patient.checkin_time, zone)
    return CheckIn(
        key=f"heal:{patient.id}:{site}:{since.astimezone(UTC):%Y%m%dT%H%M%S}",
        patient_id=patient.id,
        kind=CheckInKind.SITE_HEAL,
        site=site,
        due_at=due,
        expires_at=due + ANSWER_WINDOW,
        created_at=since,
    )


def screen_due_at(patient: Patient, day: date) -> datetime:
    """When the PHQ-2 of ``day`` is asked: the patient's check-in time that day."""
    return regimen.at_local(day, patient.checkin_time, ZoneInfo(patient.timezone))


def screen_for(patient: Patient, day: date, now: datetime) -> CheckIn:
    """The PHQ-2 on ``day`` at the check-in time: re-asked once, answerable for a day."""
    due = screen_due_at(patient, day)
    expires = due + ANSWER_WINDOW
    return CheckIn(
        key=f"phq2:{patient.id}:{day.isoformat()}",
        patient_id=patient.id,
        kind=CheckInKind.PHQ2,
        due_at=due,
        reask_at=due + REASK_AFTER,
        expires_at=expires,
        created_at=now,
    )


def add(session: Session, prompt: CheckIn) -> CheckIn:
    """Write ``prompt`` unless one with its key exists; return the stored one."""
    stored = session.exec(select(CheckIn).where(CheckIn.key == prompt.key)).first()
    if stored is not None:
        return stored
    session.add(prompt)
    session.flush()
    return prompt


def live(session: Session, patient_id: int) -> list[CheckIn]:
    """The patient's planned and open questions, oldest first."""
    statement = select(CheckIn).where(
        CheckIn.patient_id == patient_id, col(CheckIn.status).in_(LIVE)
    )
    return list(session.exec(statement.order_by(col(CheckIn.due_at), col(CheckIn.id))))


# Built once: every inbound text asks it, and building a statement costs more than running it.
_ANSWERABLE = (
    select(CheckIn)
    .where(
        CheckIn.patient_id == sa.bindparam("patient_id"),
        col(CheckIn.status).in_([CheckInStatus.OPEN, CheckInStatus.ANSWERED]),
        col(CheckIn.asked_at).is_not(None),
        CheckIn.expires_at > sa.bindparam("now", type_=CheckIn.__table__.c.expires_at.type),
    )
    .order_by(col(CheckIn.due_at), col(CheckIn.id))
)


def answerable(session: Session, patient_id: int, now: datetime) -> list[CheckIn]:
    """Questions a reply can still go to: asked and not closed by time. A complete check-in still
    takes corrections and a symptom that starts later that day, until it expires."""
    found = session.exec(_ANSWERABLE, params={"patient_id": patient_id, "now": now})
    return [p for p in found if p.kind != CheckInKind.SITE_HEAL or p.status == CheckInStatus.OPEN]


def missing(prompt: CheckIn) -> list[str]:
    """The questions of ``prompt`` still unanswered: of "flu", "site", "neuro", "healed"."""
    known = {
        "flu": prompt.flu_score is not None,
        "site": prompt.site_score is not None,
        "neuro": prompt.neuro is not None,
        "healed": prompt.closed_at is not None,
        "interest": prompt.phq_interest is not None,
        "mood": prompt.phq_mood is not None,
    }
    return [question for question in QUESTIONS[prompt.kind] if not known[question]]


def last_asked(prompt: CheckIn) -> datetime | None:
    return max((t for t in (prompt.asked_at, prompt.reasked_at) if t), default=None)


def apply(prompt: CheckIn, now: datetime, text: str, **answer: Any) -> None:
    """Record one reply's answers (flu, site, neuro, fever, symptoms); close it once complete."""
    given = {name: value for name, value in answer.items() if value not in (None, [], ())}
    if "flu" in given:
        prompt.flu_score = given["flu"]
    if "site" in given:
        prompt.site_score = given["site"]
    if "neuro" in given:
        prompt.neuro = given["neuro"]
    if "fever" in given:
        prompt.fever = given["fever"]
    if "interest" in given:
        prompt.phq_interest = given["interest"]
    if "mood" in given:
        prompt.phq_mood = given["mood"]
    if "symptoms" in given:
        given["symptoms"] = sorted(given["symptoms"])
        prompt.symptoms = sorted(set(prompt.symptoms) | set(given["symptoms"]))
    # A new list, so the JSON column is seen as changed.
    prompt.answers = [*prompt.answers, {"at": now.isoformat(), "text": text[:500], **given}]
    prompt.answered_at = prompt.answered_at or now
    complete = prompt.kind != CheckInKind.SITE_HEAL and not missing(prompt)
    if complete and prompt.status == CheckInStatus.OPEN:
        prompt.status, prompt.closed_at = CheckInStatus.ANSWERED, now


def close(prompt: CheckIn, now: datetime, status: CheckInStatus, reason: str | None = None) -> None:
    prompt.status, prompt.closed_at = status, now
    if reason:
        prompt.reason = reason[:200]


def expire(prompt: CheckIn) -> None:
    """Its time is up: incomplete if anything was answered, else unanswered."""
    status = CheckInStatus.INCOMPLETE if prompt.answered_at else CheckInStatus.UNANSWERED
    close(prompt, prompt.expires_at, status)


def withdraw(session: Session, patient_id: int, reason: str, now: datetime) -> int:
    """Cancel every planned or open question (a pause or STOP): an unasked question is not unanswered."""
    statement = (
        sa.update(CheckIn)
        .where(CheckIn.patient_id == patient_id, col(CheckIn.status).in_(LIVE))
        .values(status=CheckInStatus.CANCELLED, closed_at=now, reason=reason)
    )
    return session.execute(statement).rowcount
