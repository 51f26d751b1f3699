"""The red-flag rules of PRODUCT.md as pure functions: a patient's recent history in, findings out.

Each finding carries a one-line reason in plain words, for the person who gets the alert. A finding
is raised only on evidence newer than the last alert of its kind, so running the rules again on the
same history finds nothing new; while an alert of the kind is still open, new evidence is reported
as a repeat of it (recorded, not sent).

Pure: values in, values out. No database, network or clock; ``zone`` only shapes the wording.
Here each rule's evidence becomes a finding or not; the rules are in triage.rules (symptoms, scores,
doses) and triage.words (what the patient wrote alone), the values they share in triage.values.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

from reminder.triage.rules import (
    adherence_runs,
    depression_screen,
    dosing,
    injection_site,
    relapse,
    tolerability,
)
from reminder.triage.values import (
    RELAPSE,
    URGENT,
    Answer,
    DoseOutcome,
    Evidence,
    Finding,
    History,
    Kind,
    PastAlert,
    Prompt,
    Said,
    Severity,
    Thresholds,
)
from reminder.triage.words import emergency, mood

__all__ = [
    "Answer",
    "DoseOutcome",
    "Finding",
    "History",
    "Kind",
    "PastAlert",
    "Prompt",
    "Said",
    "Severity",
    "Thresholds",
    "evaluate",
    "group",
]


def evaluate(
    history: History, rules: Thresholds, zone: ZoneInfo, phq2_alert_score: int = 3
) -> list[Finding]:
    """Every rule over ``history``: at most one finding per kind (one for both relapse kinds)."""
    findings: list[Finding] = []
    for evidence in (
        mood(history, zone),
        emergency(history, zone),
        depression_screen(history, phq2_alert_score, zone),
        relapse(history, rules, zone),
        injection_site(history, rules, zone),
        tolerability(history, rules, zone),
        dosing(history, zone),
    ):
        if evidence is not None and (finding := _decide(evidence, history, rules)) is not None:
            findings.append(finding)
    if (adherence := _adherence(history, rules, adherence_runs(history, rules, zone))) is not None:
        findings.append(adherence)
    return findings


def group(kind: Kind) -> str:
    """Kinds that share one open alert: a possible relapse and a pseudo-relapse are one story."""
    return "relapse" if kind in RELAPSE else kind.value


def _last_alert(history: History, kind: Kind) -> PastAlert | None:
    same = [a for a in history.alerts if group(a.kind) == group(kind)]
    return max(same, key=lambda a: (a.created_at, a.id)) if same else None


def _decide(evidence: Evidence, history: History, rules: Thresholds) -> Finding | None:
    """Only evidence newer than the last alert of its kind counts: while that alert is open, as a
    repeat of it; once acknowledged, as a new finding when there is enough of it (``need``)."""
    if not evidence.times:
        return None
    newest = max(evidence.times)
    severity = Severity.URGENT if evidence.kind in URGENT else Severity.ROUTINE
    finding = Finding(
        evidence.kind,
        severity,
        evidence.reason,
        newest,
        site=evidence.site,
        symptoms=evidence.symptoms,
        details=evidence.details,
    )
    last = _last_alert(history, evidence.kind)
    if last is not None and last.open:
        if newest <= last.evidence_at:
            return None
        return replace(finding, repeat_of=last.id)
    fresh = [t for t in evidence.times if last is None or t > last.evidence_at]
    if len(fresh) < evidence.need:
        return None
    if (
        last is not None
        and evidence.kind in RELAPSE
        and newest - last.created_at < timedelta(days=rules.relapse_repeat_days)
        and not evidence.symptoms - last.symptoms
    ):
        return None  # the same relapse story within the window: no second alert
    return finding


def _adherence(history: History, rules: Thresholds, candidates: list[Evidence]) -> Finding | None:
    """Missed doses and unanswered check-ins in a row raise one adherence finding between them."""
    decided = [f for e in candidates if (f := _decide(e, history, rules)) is not None]
    if not decided:
        return None
    # One alert covers both runs: it accounts for the newest evidence of either, even of a run too
    # short to raise it, so a later pass does not count that evidence as a repeat.
    newest = max(max(e.times) for e in candidates if e.times)
    new = [f for f in decided if f.repeat_of is None]
    chosen = new or decided
    return Finding(
        Kind.ADHERENCE,
        Severity.ROUTINE,
        "; ".join(f.reason for f in chosen),
        newest,
        repeat_of=chosen[0].repeat_of,
        details={k: v for f in chosen for k, v in f.details.items()},
    )
