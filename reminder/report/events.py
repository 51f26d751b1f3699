"""The window's symptoms, relapse screens, alerts and check-ins as report values."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from reminder.config import Settings
from reminder.models import (
    Alert,
    AlertKind,
    CheckIn,
    CheckInKind,
    CheckInStatus,
    Contact,
)
from reminder.notices import notices_of
from reminder.report import values as v

# A reply of only numbers, separators and yes/no words holds no words of the patient's own.
_PLAIN = re.compile(r"^(?:[\s\d.,;:/+-]|\b(?:y|n|yes|no|flu|site|fever|done|ok)\b)*$", re.I)
_RELAPSE = (AlertKind.POSSIBLE_RELAPSE, AlertKind.PSEUDO_RELAPSE)


def _local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return moment.astimezone(zone) if moment else None


def symptoms(
    prompts: list[CheckIn],
    alerts: list[Alert],
    settings: Settings,
    zone: ZoneInfo,
    now: datetime,
) -> v.Symptoms:
    points = []
    fever_days: set[date] = set()
    neuro_days: set[date] = set()
    for prompt in prompts:
        if prompt.answered_at is None or prompt.kind == CheckInKind.SITE_HEAL:
            continue
        at = prompt.answered_at.astimezone(zone)
        if prompt.fever:
            fever_days.add(at.date())
        if prompt.neuro:
            neuro_days.add(at.date())
        if prompt.kind == CheckInKind.CHECKIN:
            points.append(
                v.ScorePoint(
                    at=at,
                    flu=prompt.flu_score,
                    site_score=prompt.site_score,
                    fever=bool(prompt.fever),
                    neuro=bool(prompt.neuro),
                )
            )
    parents = {p.id: p for p in prompts}
    episodes = [
        _episode(p, parents.get(p.parent_id), alerts, zone, now)
        for p in prompts
        if p.kind == CheckInKind.FOLLOWUP
    ]
    return v.Symptoms(
        points=tuple(points),
        episodes=tuple(episodes),
        fever_days=tuple(sorted(fever_days)),
        neuro_days=tuple(sorted(neuro_days)),
        flu_threshold=settings.triage.flu_alert_score,
        site_threshold=settings.triage.site_alert_score,
    )


def _episode(
    followup: CheckIn, parent: CheckIn | None, alerts: list[Alert], zone: ZoneInfo, now: datetime
) -> v.Episode:
    """From the "yes" (the follow-up is written at that moment) to what the follow-up found."""
    started = followup.created_at
    ended = followup.answered_at or followup.closed_at or now
    raised = next(
        (a for a in alerts if a.kind in _RELAPSE and started <= a.created_at <= ended + _SLACK),
        None,
    )
    alert_words = (
        None
        if raised is None
        else "pseudo-relapse alert (with fever)"
        if raised.kind == AlertKind.PSEUDO_RELAPSE
        else "possible relapse alert"
    )
    if followup.status in (CheckInStatus.PLANNED, CheckInStatus.OPEN):
        outcome, ended = "follow-up still open", now
    elif followup.neuro:
        outcome = alert_words or "still there at the follow-up"
    elif followup.neuro is False:
        outcome = "gone at the follow-up"
    elif followup.status == CheckInStatus.CANCELLED:
        outcome = "follow-up withdrawn"
    else:
        # Unanswered to its end: the alert asks a nurse whether the symptom is still there.
        outcome = "no answer to the follow-up" + (f": {alert_words}" if alert_words else "")
    symptoms = followup.symptoms or (parent.symptoms if parent else [])
    return v.Episode(
        started_at=started.astimezone(zone),
        ended_at=ended.astimezone(zone),
        symptoms=tuple(symptoms),
        outcome=outcome,
    )


_SLACK = timedelta(minutes=5)  # the alert is raised in the same pass that reads the answer


def alert_lines(
    session: Session, alerts: list[Alert], contacts: list[Contact], zone: ZoneInfo
) -> list[v.AlertLine]:
    if not alerts:
        return []
    names = {c.id: f"{c.name} ({c.role})" for c in contacts}
    told = notices_of(session, [a.id for a in alerts if a.id is not None])
    lines = []
    for alert in alerts:
        first_round = alert.created_at + timedelta(seconds=1)
        lines.append(
            v.AlertLine(
                id=alert.id or 0,
                kind=str(alert.kind),
                severity=str(alert.severity),
                status=str(alert.status),
                reason=alert.reason,
                created_at=alert.created_at.astimezone(zone),
                notices=tuple(
                    v.Notice(
                        to=names.get(m.contact_id, "operator (fallback address)"),
                        at=(m.sent_at or m.send_at).astimezone(zone),
                        status=str(m.status),
                        escalated=m.created_at > first_round,
                    )
                    for m in told[alert.id or 0]
                ),
                acknowledged_by=alert.acknowledged_note,
                acknowledged_at=_local(alert.acknowledged_at, zone),
                repeats=alert.repeats,
            )
        )
    return lines


def words(prompt: CheckIn) -> tuple[str, ...]:
    """What the patient wrote in answer, where it was more than numbers and Y/N."""
    return tuple(
        str(answer["text"]).strip()
        for answer in prompt.answers
        if str(answer.get("text", "")).strip() and not _PLAIN.match(str(answer["text"]))
    )


def check_in_line(prompt: CheckIn, zone: ZoneInfo) -> v.CheckInLine:
    return v.CheckInLine(
        kind=str(prompt.kind),
        status=str(prompt.status),
        asked_at=_local(prompt.asked_at, zone),
        answered_at=_local(prompt.answered_at, zone),
        flu=prompt.flu_score,
        site_score=prompt.site_score,
        neuro=prompt.neuro,
        symptoms=tuple(prompt.symptoms),
        fever=prompt.fever,
        words=words(prompt),
    )
