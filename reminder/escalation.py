"""Findings become alerts, and alerts reach a person: contacts in escalation order (urgent ones all
at once, whatever the hour), then the operator's fallback address, until someone says OK.

One open alert per patient and kind: the same finding seen again meanwhile is counted on the open
alert, not sent again. Every notice is an outbox row written by ``notices``, whose key makes a
repeated tick or a second worker harmless.

The operator's fallback is an escalation step of its own: a notice with ``recipient = operator``,
which no patient's or contact's status can cancel; ``notices`` says what follows when it fails.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from reminder import checkins, notices, regimen, triage
from reminder.config import Settings
from reminder.models import (
    Alert,
    AlertKind,
    AlertSeverity,
    AlertStatus,
    CheckIn,
    CheckInKind,
    Contact,
    Dose,
    DoseStatus,
    InboundMessage,
    Patient,
)

log = logging.getLogger("reminder.escalation")

# How far back the rules look: enough for every streak and relapse window the thresholds allow.
_PROMPTS_READ = 60
_DOSES_READ = 30
_SAID_DAYS = 14
_ALERTS_READ = 50
_ANY_ZONE = ZoneInfo("UTC")  # is_evidence asks whether a rule fires, not for its wording


@dataclass(frozen=True)
class Raised:
    """What review did with one finding: a new alert (sent), or a repeat counted on an open one.
    ``notices``: the ids of the notice rows a new alert wrote."""

    alert: Alert
    new: bool
    notices: tuple[int, ...] = ()


def history(session: Session, patient: Patient) -> triage.History:
    """The patient's recent check-ins, replies, doses and alerts, as values for the pure rules."""
    assert patient.id is not None
    prompts = session.exec(
        select(CheckIn)
        .where(CheckIn.patient_id == patient.id, CheckIn.kind != CheckInKind.SITE_HEAL)
        .order_by(col(CheckIn.due_at).desc(), col(CheckIn.id).desc())
        .limit(_PROMPTS_READ)
    )
    doses = session.exec(
        select(Dose)
        .where(
            Dose.patient_id == patient.id,
            col(Dose.status).in_(
                [DoseStatus.TAKEN, DoseStatus.MISSED, DoseStatus.SKIPPED, DoseStatus.UNCONFIRMED]
            ),
        )
        .order_by(col(Dose.day).desc())
        .limit(_DOSES_READ)
    )
    newest_said = session.exec(
        select(sa.func.max(InboundMessage.received_at)).where(
            InboundMessage.patient_id == patient.id
        )
    ).one()
    said = []
    if newest_said is not None:
        said = list(
            session.exec(
                select(InboundMessage).where(
                    InboundMessage.patient_id == patient.id,
                    InboundMessage.received_at > newest_said - timedelta(days=_SAID_DAYS),
                )
            )
        )
    alerts = session.exec(
        select(Alert)
        .where(Alert.patient_id == patient.id)
        .order_by(col(Alert.created_at).desc(), col(Alert.id).desc())
        .limit(_ALERTS_READ)
    )
    return triage.History(
        prompts=tuple(_prompt(p) for p in prompts),
        said=tuple(triage.Said(m.received_at, m.body) for m in said),
        doses=tuple(
            triage.DoseOutcome(
                d.day, str(d.status), d.closed_at or d.scheduled_at, d.site, d.taken_at
            )
            for d in doses
        ),
        alerts=tuple(
            triage.PastAlert(
                a.id or 0,
                triage.Kind(a.kind),
                a.created_at,
                a.evidence_at,
                a.status == AlertStatus.OPEN,
                frozenset(a.symptoms),
            )
            for a in alerts
        ),
        language=patient.language,
    )


def _prompt(row: CheckIn) -> triage.Prompt:
    answers = []
    for given in row.answers:
        answers.append(
            triage.Answer(
                at=datetime.fromisoformat(given["at"]),
                flu=given.get("flu"),
                site_score=given.get("site"),
                neuro=given.get("neuro"),
                fever=given.get("fever"),
                symptoms=frozenset(given.get("symptoms", ())),
                interest=given.get("interest"),
                mood=given.get("mood"),
            )
        )
    return triage.Prompt(
        id=row.id or 0,
        kind=str(row.kind),
        status=str(row.status),
        asked_at=row.asked_at,
        closed_at=row.closed_at,
        site=row.site,
        parent_id=row.parent_id,
        answers=tuple(answers),
    )


def is_evidence(settings: Settings, text: str, at: datetime, language: str = "en") -> bool:
    """Whether ``text`` alone completes a rule (words of self-harm, words of an injured site).

    The rules themselves answer, on a history holding only this text, so a rule added on what
    patients write is covered here too. Every such rule needs a single text to fire.
    """
    alone = triage.History(said=(triage.Said(at, text),), language=language)
    return bool(triage.evaluate(alone, settings.triage, _ANY_ZONE))


def review(session: Session, settings: Settings, patient: Patient, now: datetime) -> list[Raised]:
    """Run the rules over the patient's history and act on what they find."""
    findings = triage.evaluate(
        history(session, patient),
        settings.triage,
        ZoneInfo(patient.timezone),
        settings.screening.phq2_alert_score,
    )
    raised = [raise_alert(session, settings, patient, finding, now) for finding in findings]
    for finding in findings:
        if finding.kind == triage.Kind.INJECTION_SITE and finding.site:
            flag_site(session, settings, patient, finding.site, now)
    return raised


def flag_site(
    session: Session, settings: Settings, patient: Patient, site: str, now: datetime
) -> None:
    """Skip ``site`` in rotation until the patient says it healed; ask them after some days."""
    if site not in regimen.SITES or site in patient.injured_sites:
        return
    patient.injured_sites = [*patient.injured_sites, site]
    session.add(patient)
    checkins.add(session, checkins.heal_question_for(patient, site, now, settings))


def raise_alert(
    session: Session, settings: Settings, patient: Patient, finding: triage.Finding, now: datetime
) -> Raised:
    """A new alert, notified at once; or, while one of its kind is open, a repeat counted on it."""
    if finding.repeat_of is not None:
        alert = session.get(Alert, finding.repeat_of)
        if alert is not None and alert.status == AlertStatus.OPEN:
            alert.repeats += 1
            alert.last_repeat_at = now
            alert.evidence_at = max(alert.evidence_at, finding.evidence_at)
            session.add(alert)
            log.info(
                "patient %s: %s seen again, alert %s still open", patient.id, finding.kind, alert.id
            )
            return Raised(alert, new=False)
    alert = Alert(
        patient_id=patient.id,
        kind=AlertKind(finding.kind.value),
        severity=AlertSeverity(finding.severity.value),
        reason=finding.reason[:300],
        site=finding.site,
        symptoms=sorted(finding.symptoms),
        details=dict(finding.details),
        created_at=now,
        evidence_at=finding.evidence_at,
    )
    session.add(alert)
    session.flush()
    # Not the reason: it may quote the patient's words, and the log never holds message text.
    log.warning(
        "patient %s: %s %s alert %s raised", patient.id, alert.severity, alert.kind, alert.id
    )
    written = notify(session, settings, patient, alert, now)
    return Raised(alert, new=True, notices=tuple(written))


def contacts_of(session: Session, patient_id: int) -> list[Contact]:
    """The patient's contacts who can be reached, in escalation order."""
    statement = select(Contact).where(
        Contact.patient_id == patient_id, col(Contact.opted_out_at).is_(None)
    )
    return list(session.exec(statement.order_by(col(Contact.position))))


def notify(
    session: Session, settings: Settings, patient: Patient, alert: Alert, now: datetime
) -> list[int]:
    """Send the alert one step further: urgent to every contact not yet told, routine to the next
    one in order; when no contact is left, to the fallback address. Sets when to look again;
    returns the ids of the notices written."""
    waiting = [
        c for c in contacts_of(session, patient.id or 0) if c.position > alert.notified_position
    ]
    urgent = alert.severity == AlertSeverity.URGENT
    escalation = settings.escalation
    wait = (
        timedelta(minutes=escalation.urgent_ack_minutes)
        if urgent
        else timedelta(hours=escalation.routine_ack_hours)
    )
    chosen = waiting if urgent else waiting[:1]
    queued: list[notices.Queued] = []
    if chosen:
        queued = [notices.send_notice(session, settings, patient, alert, c, now) for c in chosen]
        alert.notified_position = chosen[-1].position
        alert.escalate_at = max(q.send_at for q in queued) + wait
    elif escalation.fallback_address and alert.fallback_at is None:
        queued = [notices.send_notice(session, settings, patient, alert, None, now)]
        alert.fallback_at = queued[0].send_at
        alert.escalate_at = None
    else:
        if alert.notified_position == 0:
            log.error(
                "alert %s for patient %s reaches no one: no contact, no fallback",
                alert.id,
                patient.id,
            )
        elif alert.fallback_at is None:
            log.error(
                "alert %s for patient %s: no contact acknowledged it and no"
                " escalation.fallback_address is set; nobody else will be told",
                alert.id,
                patient.id,
            )
        alert.escalate_at = None
    session.add(alert)
    return [q.message_id for q in queued if q.message_id]


def pass_on(session: Session, settings: Settings, alert: Alert, now: datetime) -> bool:
    """A contact could not reach the patient: the open alert goes to its next person now, not
    when its wait is up. Whether anyone new was told."""
    if alert.status != AlertStatus.OPEN:
        return False
    patient = session.get(Patient, alert.patient_id)
    assert patient is not None
    before = (alert.notified_position, alert.fallback_at)
    log.warning("alert %s: a contact could not reach the patient; passing it on", alert.id)
    notify(session, settings, patient, alert, now)
    return (alert.notified_position, alert.fallback_at) != before


def escalate_due(session: Session, settings: Settings, now: datetime, limit: int) -> int:
    """Move every open alert whose acknowledgement time is up to its next person; return how many."""
    due = session.exec(
        select(Alert)
        .where(
            Alert.status == AlertStatus.OPEN,
            col(Alert.escalate_at).is_not(None),
            Alert.escalate_at <= now,
        )
        .order_by(col(Alert.escalate_at), col(Alert.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    alerts = list(due)
    for alert in alerts:
        patient = session.get(Patient, alert.patient_id)
        assert patient is not None
        log.warning("alert %s not acknowledged in time: escalating", alert.id)
        notify(session, settings, patient, alert, now)
    return len(alerts)


def next_escalation(session: Session) -> datetime | None:
    return session.exec(
        select(sa.func.min(Alert.escalate_at)).where(Alert.status == AlertStatus.OPEN)
    ).one()


def open_alerts_for(session: Session, contacts: list[Contact]) -> list[Alert]:
    """Open alerts about any patient these contact rows look after, newest first."""
    patient_ids = {c.patient_id for c in contacts}
    if not patient_ids:
        return []
    statement = select(Alert).where(
        col(Alert.patient_id).in_(patient_ids), Alert.status == AlertStatus.OPEN
    )
    return list(
        session.exec(statement.order_by(col(Alert.created_at).desc(), col(Alert.id).desc()))
    )


def acknowledge(
    session: Session,
    settings: Settings,
    alert: Alert,
    now: datetime,
    by: Contact | None = None,
) -> bool:
    """Close the alert; everyone else who was told hears that it is taken care of. Returns False
    if someone else acknowledged it first (two OKs at once: the first one counts)."""
    session.refresh(alert, with_for_update=True)
    if alert.status != AlertStatus.OPEN:
        return False
    alert.status, alert.acknowledged_at, alert.escalate_at = AlertStatus.ACKNOWLEDGED, now, None
    alert.acknowledged_by = by.id if by else None
    alert.acknowledged_note = f"{by.name} ({by.role})" if by else "the operator"
    session.add(alert)
    patient = session.get(Patient, alert.patient_id)
    assert patient is not None
    told = [
        c
        for c in contacts_of(session, alert.patient_id)
        if c.position <= alert.notified_position and (by is None or c.id != by.id)
    ]
    for contact in told:
        notices.send_acknowledged(session, settings, patient, alert, contact, now)
    log.info("alert %s acknowledged by %s", alert.id, alert.acknowledged_note)
    return True
