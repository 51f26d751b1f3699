"""The window's PHQ-2 depression screens and lab tests (done, reminded, next due) as report values."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from reminder import care, labs, screening
from reminder.config import Settings
from reminder.models import (
    Alert,
    AlertKind,
    CheckIn,
    CheckInStatus,
    LabKind,
    LabTest,
    Message,
    MessageKind,
    Patient,
)
from reminder.report import events
from reminder.report import values as v

LAB_LABELS = {
    LabKind.BLOOD_COUNT: "full blood count",
    LabKind.LIVER: "liver enzymes",
    LabKind.THYROID: "thyroid function",
}
_STATUS = {
    CheckInStatus.PLANNED: "not asked yet",
    CheckInStatus.OPEN: "asked, not answered yet",
    CheckInStatus.ANSWERED: "answered",
    CheckInStatus.INCOMPLETE: "one answer of two",
    CheckInStatus.UNANSWERED: "no answer",
    CheckInStatus.CANCELLED: "withdrawn",
}
_SLACK = timedelta(minutes=5)  # the alert is raised in the same pass that reads the answer


def completed_at(screen: CheckIn) -> datetime | None:
    """When the screen's second item was answered (the moment the rules weigh it); None until
    both are."""
    times: dict[str, datetime] = {}
    for given in screen.answers:
        for item in screening.ITEMS:
            if given.get(item) is not None:
                times[item] = datetime.fromisoformat(str(given["at"]))
    return max(times.values()) if len(times) == len(screening.ITEMS) else None


def screens(
    session: Session,
    patient: Patient,
    prompts: list[CheckIn],
    settings: Settings,
    zone: ZoneInfo,
) -> v.Screens:
    """Each screen of the window, and whether it raised the depression_screen alert: a total at
    or above the cut-off raises one, or counts again in the one still open."""
    cutoff = settings.screening.phq2_alert_score
    alerts = list(
        session.exec(
            select(Alert).where(
                Alert.patient_id == patient.id, Alert.kind == AlertKind.DEPRESSION_SCREEN
            )
        )
    )
    lines = []
    for prompt in prompts:
        interest, mood = prompt.phq_interest, prompt.phq_mood
        total = None if interest is None or mood is None else screening.total(interest, mood)
        done = completed_at(prompt) if total is not None else None
        positive = total is not None and total >= cutoff
        alert = ""
        if positive and done is not None:
            raised = any(done <= a.created_at <= done + _SLACK for a in alerts)
            alert = "raised" if raised else "already open"
        lines.append(
            v.Screen(
                asked_at=prompt.asked_at.astimezone(zone) if prompt.asked_at else None,
                status=_STATUS.get(prompt.status, str(prompt.status)),
                answered_at=done.astimezone(zone) if done else None,
                interest=interest,
                mood=mood,
                total=total,
                positive=positive,
                alert=alert,
                words=events.words(prompt),
            )
        )
    return v.Screens(
        lines=tuple(lines), alert_score=cutoff, every_days=settings.screening.phq2_every_days
    )


def lab_section(
    session: Session,
    patient: Patient,
    settings: Settings,
    window: v.Window,
    since: datetime,
    until: datetime,
    zone: ZoneInfo,
) -> v.Labs:
    """The lab reminders sent in the window, the tests done in it, and the next due per kind,
    by the same rules the planner reminds them with (reminder.care.next_labs)."""
    tests = session.exec(
        select(LabTest)
        .where(
            LabTest.patient_id == patient.id,
            LabTest.done_on >= window.start,
            LabTest.done_on <= window.end,
        )
        .order_by(col(LabTest.done_on), col(LabTest.id))
    )
    done = tuple(
        v.LabDone(done_on=t.done_on, kind=str(t.kind), label=_label(t.kind), source=t.source)
        for t in tests
    )
    upcoming = care.next_labs(session, patient, settings)
    due = [
        v.LabDue(
            kind=str(kind),
            label=_label(kind),
            last_done=upcoming.last.get(kind),
            due_on=upcoming.routine,
        )
        for kind in labs.ROUTINE
    ]
    due.append(
        v.LabDue(
            kind=LabKind.THYROID.value,
            label=_label(LabKind.THYROID),
            last_done=upcoming.last.get(LabKind.THYROID),
            due_on=upcoming.thyroid,
        )
    )
    return v.Labs(
        reminders=tuple(_reminders(session, patient, since, until, zone)), done=done, due=tuple(due)
    )


def _label(kind: str) -> str:
    return LAB_LABELS.get(LabKind(kind), str(kind).replace("_", " "))


def _reminders(
    session: Session, patient: Patient, since: datetime, until: datetime, zone: ZoneInfo
) -> list[v.LabLine]:
    rows = session.exec(
        select(Message)
        .where(
            Message.patient_id == patient.id,
            Message.kind == MessageKind.LAB,
            Message.send_at >= since,
            Message.send_at < until,
        )
        .order_by(col(Message.send_at))
    )
    return [
        v.LabLine(
            due_on=_lab_day(m.context, m.send_at.astimezone(zone).date()),
            sent_at=m.sent_at.astimezone(zone) if m.sent_at else None,
            status=str(m.status),
        )
        for m in rows
    ]


def _lab_day(context: dict[str, Any], fallback: date) -> date:
    try:
        return date.fromisoformat(str(context["on"]))
    except (KeyError, ValueError):
        return fallback
