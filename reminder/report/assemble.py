"""Read one patient's window of history from the database and assemble the report's values."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from reminder import care, regimen
from reminder.config import Settings
from reminder.models import (
    Alert,
    AlertKind,
    CheckIn,
    CheckInKind,
    CheckInStatus,
    Contact,
    Dose,
    Message,
    MessageKind,
    MessageStatus,
    Patient,
)
from reminder.regimen import SITE_LABELS, SITES
from reminder.report import care_events, events
from reminder.report import days as rules
from reminder.report import values as v
from reminder.views import upcoming_dose

_OUT = (MessageStatus.SENT, MessageStatus.DELIVERED)
# A reply of only numbers, separators and yes/no words holds no words of the patient's own.


def build(
    session: Session, patient: Patient, window: v.Window, settings: Settings, now: datetime
) -> v.Report:
    """The report of ``patient`` over ``window`` (local dates, both ends included) as of ``now``."""
    assert patient.id is not None
    zone = ZoneInfo(patient.timezone)
    since = regimen.at_local(window.start, time(0), zone)
    until = min(regimen.at_local(window.end + timedelta(days=1), time(0), zone), now)
    today = now.astimezone(zone).date()

    doses = list(
        session.exec(
            select(Dose)
            .where(
                Dose.patient_id == patient.id,
                # A day early: an early dose planned for the day after the window may sit in it.
                Dose.day >= window.start,
                Dose.day <= window.end + timedelta(days=1),
            )
            .order_by(col(Dose.day), col(Dose.id))
        )
    )
    reminded = _reminded(session, [d.id for d in doses if d.id is not None])
    facts = [
        rules.DoseFact(
            day=d.day,
            status=d.status,
            scheduled_at=d.scheduled_at,
            taken_at=d.taken_at,
            early=d.early,
            dose_mcg=d.dose_mcg,
            site=d.site,
            reminded=d.id in reminded,
        )
        for d in doses
    ]
    prompts = list(
        session.exec(
            select(CheckIn)
            .where(
                CheckIn.patient_id == patient.id,
                CheckIn.due_at >= since,
                CheckIn.due_at < until,
                CheckIn.status != CheckInStatus.PLANNED,
            )
            .order_by(col(CheckIn.due_at), col(CheckIn.id))
        )
    )
    alerts = list(
        session.exec(
            select(Alert)
            .where(
                Alert.patient_id == patient.id, Alert.created_at >= since, Alert.created_at < until
            )
            .order_by(col(Alert.created_at), col(Alert.id))
        )
    )
    contacts = list(
        session.exec(
            select(Contact).where(Contact.patient_id == patient.id).order_by(col(Contact.position))
        )
    )

    screens = [p for p in prompts if p.kind == CheckInKind.PHQ2]
    prompts = [p for p in prompts if p.kind != CheckInKind.PHQ2]
    lab_section = care_events.lab_section(session, patient, settings, window, since, until, zone)
    alert_days: dict[date, list[str]] = defaultdict(list)
    for alert in alerts:
        alert_days[alert.created_at.astimezone(zone).date()].append(str(alert.kind))
    days = rules.calendar(
        window,
        [f for f in facts if rules.cell_day(f, zone) in window],
        _answers_by_day(prompts, zone),
        alert_days,
        _screens_by_day(screens, zone),
        _tests_by_day(lab_section.done),
        start_date=patient.start_date,
        today=today,
        zone=zone,
    )
    adherence = rules.adherence(days)
    header = _header(session, patient, settings, contacts, today)
    return v.Report(
        generated_at=now.astimezone(zone),
        window=window,
        header=header,
        adherence=adherence,
        symptoms=events.symptoms(prompts, alerts, settings, zone, now),
        sites=_sites(patient, adherence.days, alerts, zone, header.next_dose),
        alerts=tuple(events.alert_lines(session, alerts, contacts, zone)),
        check_ins=tuple(events.check_in_line(p, zone) for p in prompts),
        screens=care_events.screens(session, patient, screens, settings, zone),
        labs=lab_section,
    )


def _reminded(session: Session, dose_ids: list[int]) -> set[int]:
    """The doses whose reminder the transport accepted."""
    if not dose_ids:
        return set()
    sent = select(Message.dose_id).where(
        col(Message.dose_id).in_(dose_ids),
        Message.kind == MessageKind.REMINDER,
        col(Message.status).in_(_OUT),
    )
    return {dose_id for dose_id in session.exec(sent) if dose_id is not None}


def _local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return moment.astimezone(zone) if moment else None


def _answers_by_day(prompts: list[CheckIn], zone: ZoneInfo) -> dict[date, rules.Answers]:
    """Each day's morning check-in scores, with every symptom and fever reported that day."""
    found: dict[date, rules.Answers] = {}
    for prompt in prompts:
        if prompt.answered_at is None or prompt.kind == CheckInKind.SITE_HEAL:
            continue
        on = prompt.answered_at.astimezone(zone).date()
        known = found.get(on, rules.Answers())
        scored = prompt.kind == CheckInKind.CHECKIN
        found[on] = rules.Answers(
            flu=prompt.flu_score if scored and prompt.flu_score is not None else known.flu,
            site_score=prompt.site_score
            if scored and prompt.site_score is not None
            else known.site_score,
            neuro=True
            if prompt.neuro or known.neuro
            else (prompt.neuro if scored else known.neuro),
            fever=True if prompt.fever or known.fever else (prompt.fever or known.fever),
            symptoms=tuple(sorted(set(known.symptoms) | set(prompt.symptoms))),
        )
    return found


def _screens_by_day(screens: list[CheckIn], zone: ZoneInfo) -> dict[date, tuple[int, int]]:
    """Each day's PHQ-2 answers (interest, mood), on the day the second one came."""
    found = {}
    for screen in screens:
        done = care_events.completed_at(screen)
        if done is not None and screen.phq_interest is not None and screen.phq_mood is not None:
            found[done.astimezone(zone).date()] = (screen.phq_interest, screen.phq_mood)
    return found


def _tests_by_day(done: tuple[v.LabDone, ...]) -> dict[date, list[str]]:
    found: dict[date, list[str]] = defaultdict(list)
    for test in done:
        found[test.done_on].append(test.kind)
    return found


def _header(
    session: Session,
    patient: Patient,
    settings: Settings,
    contacts: list[Contact],
    today: date,
) -> v.Header:
    titration = regimen.titration_dose(patient.start_date, today, full_dose=patient.full_dose)
    return v.Header(
        patient_id=patient.id or 0,
        name=patient.name,
        status=str(patient.status),
        timezone=patient.timezone,
        start_date=patient.start_date,
        titration_step=titration.step,
        dose_mcg=titration.dose_mcg,
        volume_ml=titration.volume_ml,
        next_dose=_next_dose(session, patient, settings),
        next_lab=care.next_labs(session, patient, settings).routine,
        contacts=tuple(
            v.Contact(
                position=c.position,
                name=c.name,
                role=str(c.role) + (", opted out" if c.opted_out_at else ""),
                address=c.address,
            )
            for c in contacts
        ),
    )


def _next_dose(session: Session, patient: Patient, settings: Settings) -> v.NextDose | None:
    """The pending dose, or where the rules would place the next one; none while not active."""
    upcoming = upcoming_dose(session, patient, settings)
    if upcoming is None:
        return None
    return v.NextDose(
        at=upcoming.at.astimezone(ZoneInfo(patient.timezone)),
        dose_mcg=upcoming.dose_mcg,
        volume_ml=upcoming.volume_ml,
        site=upcoming.site,
        site_label=_site_label(patient, upcoming.site),
        why=upcoming.why,
    )


def _site_label(patient: Patient, site: str | None) -> str:
    """The site suggested for the next dose; with none, why (the rotation finds none only when
    every other site is injured)."""
    if site is not None and site in SITE_LABELS:
        return SITE_LABELS[site]
    if patient.injured_sites:
        return "none: every other site is injured"
    return "any site not used recently"


def _sites(
    patient: Patient,
    days: tuple[v.Day, ...],
    alerts: list[Alert],
    zone: ZoneInfo,
    upcoming: v.NextDose | None,
) -> v.Sites:
    next_site = upcoming.site if upcoming else None
    # No next dose while paused or opted out, so no next site either.
    status = str(patient.status).replace("_", " ")
    next_label = upcoming.site_label if upcoming else f"{status}: no dose planned"
    counts: dict[str, int] = defaultdict(int)
    last: dict[str, date] = {}
    unreported = 0
    for day in days:
        if not day.state.taken:
            continue
        if day.site in SITES:
            counts[day.site] += 1
            last[day.site] = day.day
        else:
            unreported += 1
    injured: dict[str, list[date]] = defaultdict(list)
    for alert in alerts:
        if alert.kind == AlertKind.INJECTION_SITE and alert.site:
            injured[alert.site].append(alert.created_at.astimezone(zone).date())
    return v.Sites(
        counts=tuple(
            v.SiteCount(
                site=site,
                label=SITE_LABELS[site],
                count=counts[site],
                last_used=last.get(site),
                injured_on=tuple(injured[site]),
                injured_now=site in patient.injured_sites,
            )
            for site in SITES
        ),
        unreported=unreported,
        next_site=next_site,
        next_label=next_label,
    )


def default_window(patient: Patient, now: datetime, days: int = v.DEFAULT_DAYS) -> v.Window:
    """The last ``days`` local dates of the patient, today included."""
    return v.Window.last_days(now.astimezone(ZoneInfo(patient.timezone)).date(), days)
