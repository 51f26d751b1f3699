"""The red-flag rules of PRODUCT.md as pure functions: a patient's recent history in, findings out.

Each finding carries a one-line reason in plain words, for the person who gets the alert. A finding
is raised only on evidence newer than the last alert of its kind, so running the rules again on the
same history finds nothing new; while an alert of the kind is still open, new evidence is reported
as a repeat of it (recorded, not sent).

Pure: values in, values out. No database, network or clock; ``zone`` only shapes the wording.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from reminder.regimen import SITE_LABELS
from reminder.replies import parse
from reminder.screening import describe, positive


class Kind(StrEnum):
    POSSIBLE_RELAPSE = "possible_relapse"
    PSEUDO_RELAPSE = "pseudo_relapse"
    INJECTION_SITE = "injection_site"
    TOLERABILITY = "tolerability"
    MOOD = "mood"
    ADHERENCE = "adherence"
    DOSING = "dosing"
    DEPRESSION_SCREEN = "depression_screen"
    EMERGENCY = "emergency"


class Severity(StrEnum):
    URGENT = "urgent"  # every contact at once, quiet hours ignored
    ROUTINE = "routine"  # one contact at a time, in waking hours


RELAPSE = frozenset({Kind.POSSIBLE_RELAPSE, Kind.PSEUDO_RELAPSE})
URGENT = frozenset({Kind.MOOD, Kind.EMERGENCY})
SYMPTOM_WORDS = {
    "vision": "vision problems",
    "numbness": "numbness or tingling",
    "weakness": "weakness",
    "balance": "balance or walking problems",
    "bladder": "bladder or bowel problems",
    "speech": "speech or swallowing problems",
    "face": "a change in the face",
}
_QUOTE_CHARS = 60
T = TypeVar("T")


class Thresholds(Protocol):
    """The [triage] settings the rules read (reminder.config_sections.Triage has exactly these)."""

    flu_alert_score: int
    flu_alert_checkins: int
    site_alert_score: int
    relapse_followup_hours: int
    relapse_repeat_days: int
    adherence_missed_doses: int
    adherence_unanswered_checkins: int


@dataclass(frozen=True)
class Answer:
    """What one reply said to a check-in or follow-up; None where it said nothing."""

    at: datetime
    flu: int | None = None
    site_score: int | None = None
    neuro: bool | None = None  # check-in: new or worse symptom; follow-up: still there
    fever: bool | None = None
    symptoms: frozenset[str] = frozenset()
    interest: int | None = None  # PHQ-2 item 1, 0-3
    mood: int | None = None  # PHQ-2 item 2, 0-3


@dataclass(frozen=True)
class Prompt:
    """A check-in, a relapse follow-up or a site question, with the answers it got.

    ``status`` is a reminder.models.CheckInStatus value: planned, open, answered, incomplete,
    unanswered or cancelled. ``parent_id`` links a follow-up to the check-in that reported the symptom.
    """

    id: int
    kind: str  # "checkin", "followup", "site_heal" or "phq2"
    status: str
    asked_at: datetime | None = None
    closed_at: datetime | None = None
    site: str | None = None
    parent_id: int | None = None
    answers: tuple[Answer, ...] = ()

    def score(self, name: str) -> tuple[int, datetime] | None:
        """The newest ``flu``, ``site_score``, ``interest`` or ``mood`` a reply gave, with when."""
        given = [(value, a.at) for a in self.answers if (value := getattr(a, name)) is not None]
        return max(given, key=lambda pair: pair[1]) if given else None

    def said_yes(self, name: str) -> tuple[bool, datetime] | None:
        """The newest ``neuro`` or ``fever`` answer, with when it was given."""
        given = [(value, a.at) for a in self.answers if (value := getattr(a, name)) is not None]
        return max(given, key=lambda pair: pair[1]) if given else None

    def symptoms(self) -> frozenset[str]:
        return frozenset(s for answer in self.answers for s in answer.symptoms)

    def fever(self) -> bool:
        value = self.said_yes("fever")
        return value is not None and value[0]


@dataclass(frozen=True)
class Said:
    """Something the patient wrote, whatever it was about."""

    at: datetime
    text: str


@dataclass(frozen=True)
class DoseOutcome:
    """A closed dose: "taken", "skipped", "missed" or "unconfirmed" (cancelled ones are left
    out). ``taken_at`` is when a taken dose was injected, as the patient said."""

    day: date
    status: str
    closed_at: datetime
    site: str | None = None
    taken_at: datetime | None = None


@dataclass(frozen=True)
class PastAlert:
    """An alert already raised: what it covered, and whether it still waits for an OK."""

    id: int
    kind: Kind
    created_at: datetime
    evidence_at: datetime  # the newest evidence it accounts for
    open: bool
    symptoms: frozenset[str] = frozenset()


@dataclass(frozen=True)
class History:
    prompts: Sequence[Prompt] = ()
    said: Sequence[Said] = ()
    doses: Sequence[DoseOutcome] = ()
    alerts: Sequence[PastAlert] = ()
    language: str = "en"  # the patient's, so their own words of self-harm or of a wound are read


@dataclass(frozen=True)
class Finding:
    """Something a person must hear about. ``repeat_of`` names the open alert it repeats."""

    kind: Kind
    severity: Severity
    reason: str
    evidence_at: datetime
    repeat_of: int | None = None
    site: str | None = None
    symptoms: frozenset[str] = frozenset()
    # The reason's facts as plain values (ISO times, numbers, words), so that each contact's
    # language can say it: reminder/notices.py puts them in the alert's message context.
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Evidence:
    """What a rule saw: ``times`` of the events that count, ``need`` of which must be new."""

    kind: Kind
    times: tuple[datetime, ...]
    need: int
    reason: str
    site: str | None = None
    symptoms: frozenset[str] = frozenset()
    details: Mapping[str, Any] = field(default_factory=dict)


def evaluate(
    history: History, rules: Thresholds, zone: ZoneInfo, phq2_alert_score: int = 3
) -> list[Finding]:
    """Every rule over ``history``: at most one finding per kind (one for both relapse kinds)."""
    findings: list[Finding] = []
    for evidence in (
        _mood(history, zone),
        _emergency(history, zone),
        _depression_screen(history, phq2_alert_score, zone),
        _relapse(history, rules, zone),
        _injection_site(history, rules, zone),
        _tolerability(history, rules, zone),
        _dosing(history, zone),
    ):
        if evidence is not None and (finding := _decide(evidence, history, rules)) is not None:
            findings.append(finding)
    if (adherence := _adherence(history, rules, zone)) is not None:
        findings.append(adherence)
    return findings


def group(kind: Kind) -> str:
    """Kinds that share one open alert: a possible relapse and a pseudo-relapse are one story."""
    return "relapse" if kind in RELAPSE else kind.value


def _last_alert(history: History, kind: Kind) -> PastAlert | None:
    same = [a for a in history.alerts if group(a.kind) == group(kind)]
    return max(same, key=lambda a: (a.created_at, a.id)) if same else None


def _decide(evidence: _Evidence, history: History, rules: Thresholds) -> Finding | None:
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


def _mood(history: History, zone: ZoneInfo) -> _Evidence | None:
    return _words(history, zone, Kind.MOOD, "self_harm", "words of self-harm or suicide")


def _emergency(history: History, zone: ZoneInfo) -> _Evidence | None:
    """Words of a medical emergency: trouble breathing, a swelling throat or face (a severe
    allergic reaction to the injection), chest pain, fainting. Urgent, as words of self-harm are."""
    return _words(history, zone, Kind.EMERGENCY, "emergency", "of signs of a medical emergency")


def _words(history: History, zone: ZoneInfo, kind: Kind, flag: str, what: str) -> _Evidence | None:
    """Evidence from what the patient wrote alone: each text whose reading sets ``flag``."""
    said = sorted(
        (s for s in history.said if getattr(parse(s.text, history.language), flag)),
        key=lambda s: s.at,
    )
    if not said:
        return None
    newest = said[-1]
    return _Evidence(
        kind,
        tuple(s.at for s in said),
        1,
        f"wrote {what} at {_when(newest.at, zone)}: {_quote(newest.text)}",
        details={"at": newest.at.isoformat(), "quote": _quote(newest.text)[1:-1]},
    )


def _depression_screen(history: History, alert_score: int, zone: ZoneInfo) -> _Evidence | None:
    """A PHQ-2 with both items answered and a total at or above the cut-off; each such screen is
    evidence once, at the moment its second answer came."""
    found: list[tuple[datetime, int, int]] = []
    for prompt in history.prompts:
        if prompt.kind != "phq2":
            continue
        interest, mood = prompt.score("interest"), prompt.score("mood")
        if interest is None or mood is None:
            continue
        if positive(interest[0], mood[0], alert_score):
            found.append((max(interest[1], mood[1]), interest[0], mood[0]))
    if not found:
        return None
    at, interest, mood = max(found)
    reason = f"PHQ-2 of {_day(at, zone)}: {describe(interest, mood)} (alert at {alert_score})"
    details = {"on": at.isoformat(), "interest": interest, "mood": mood, "cutoff": alert_score}
    return _Evidence(Kind.DEPRESSION_SCREEN, tuple(f[0] for f in found), 1, reason, details=details)


def _relapse(history: History, rules: Thresholds, zone: ZoneInfo) -> _Evidence | None:
    """A follow-up that says the symptom is still there, at least followup_hours after the "yes"."""
    by_id = {p.id: p for p in history.prompts}
    found: list[tuple[datetime, Prompt, Prompt, datetime]] = []
    for followup in history.prompts:
        if followup.kind != "followup" or (present := followup.said_yes("neuro")) is None:
            continue
        parent = by_id.get(followup.parent_id) if followup.parent_id is not None else None
        reported = parent.said_yes("neuro") if parent is not None else None
        if parent is None or reported is None or not reported[0] or not present[0]:
            continue
        if present[1] - reported[1] < timedelta(hours=rules.relapse_followup_hours):
            continue
        found.append((present[1], followup, parent, reported[1]))
    if not found:
        return None
    at, followup, parent, reported_at = max(found, key=lambda item: item[0])
    symptoms = parent.symptoms() | followup.symptoms()
    fever = parent.fever() or followup.fever()
    what = " and ".join(SYMPTOM_WORDS[s] for s in sorted(symptoms) if s in SYMPTOM_WORDS)
    reason = (
        f"new {what or 'or worse neurological symptom'} reported on {_day(reported_at, zone)} "
        f"and still present on {_day(at, zone)}, "
        + ("with fever (infection or heat can cause this)" if fever else "no fever")
    )
    kind = Kind.PSEUDO_RELAPSE if fever else Kind.POSSIBLE_RELAPSE
    details = {
        "symptoms": sorted(s for s in symptoms if s in SYMPTOM_WORDS),
        "reported": reported_at.isoformat(),
        "present": at.isoformat(),
        "fever": fever,
    }
    return _Evidence(kind, (at,), 1, reason, symptoms=frozenset(symptoms), details=details)


def _injection_site(history: History, rules: Thresholds, zone: ZoneInfo) -> _Evidence | None:
    """A site score at the threshold, or words of an injured site in anything the patient wrote."""
    events: list[tuple[datetime, str | None, str, dict[str, Any]]] = []
    for prompt in history.prompts:
        score = prompt.score("site_score") if prompt.kind == "checkin" else None
        if score is not None and score[0] >= rules.site_alert_score:
            reason = f"injection-site score {score[0]} at the check-in of {_day(score[1], zone)}"
            facts: dict[str, Any] = {"score": score[0], "on": score[1].isoformat()}
            events.append((score[1], prompt.site, reason, facts))
    for said in history.said:
        if words := parse(said.text, history.language).site_words:
            quoted = _list(f'"{word}"' for word in words)
            reason = f"wrote {quoted} about the skin on {_day(said.at, zone)}"
            facts = {"words": list(words), "on": said.at.isoformat()}
            events.append((said.at, _site_at(history, said.at), reason, facts))
    if not events:
        return None
    at, site, reason, facts = max(events, key=lambda event: event[0])
    where = f" ({SITE_LABELS[site]})" if site in SITE_LABELS else ""
    return _Evidence(
        Kind.INJECTION_SITE,
        tuple(e[0] for e in events),
        1,
        reason + where,
        site=site,
        details=facts | {"site": site},
    )


def _site_at(history: History, moment: datetime) -> str | None:
    """The site of the check-in answered at ``moment``, else of the last dose taken before it."""
    for prompt in history.prompts:
        if prompt.kind == "checkin" and any(a.at == moment for a in prompt.answers):
            return prompt.site
    taken = [d for d in history.doses if d.status == "taken" and d.closed_at <= moment and d.site]
    return max(taken, key=lambda d: d.closed_at).site if taken else None


def _tolerability(history: History, rules: Thresholds, zone: ZoneInfo) -> _Evidence | None:
    """High flu-like scores on the last check-ins in a row; unanswered ones neither count nor break."""
    scored = sorted(
        (value[1], value[0])
        for p in history.prompts
        if p.kind == "checkin" and (value := p.score("flu")) is not None
    )
    run = _trailing(scored, lambda item: item[1] >= rules.flu_alert_score)
    if len(run) < rules.flu_alert_checkins:
        return None
    shown = run[-rules.flu_alert_checkins :]
    reason = (
        f"flu-like score {_list(str(score) for _, score in shown)} at the check-ins of "
        f"{_days([at for at, _ in shown], zone)} ({rules.flu_alert_score} or more, "
        f"{rules.flu_alert_checkins} in a row)"
    )
    details = {
        "scores": [score for _, score in shown],
        "on": [at.isoformat() for at, _ in shown],
        "threshold": rules.flu_alert_score,
    }
    return _Evidence(
        Kind.TOLERABILITY,
        tuple(at for at, _ in run),
        rules.flu_alert_checkins,
        reason,
        details=details,
    )


def _dosing(history: History, zone: ZoneInfo) -> _Evidence | None:
    """Two doses taken on consecutive calendar days (local): each such pair is evidence once."""
    taken = sorted((d.taken_at or d.closed_at) for d in history.doses if d.status == "taken")
    pairs = [
        (first, second)
        for first, second in zip(taken, taken[1:], strict=False)
        if (second.astimezone(zone).date() - first.astimezone(zone).date()).days <= 1
    ]
    if not pairs:
        return None
    first, second = pairs[-1]
    hours = (second - first).total_seconds() / 3600
    reason = (
        f"doses on {_day(first, zone)} and {_day(second, zone)}, {hours:.0f} h apart "
        f"(every other day is about 48 h)"
    )
    details = {"first": first.isoformat(), "second": second.isoformat(), "hours": round(hours)}
    return _Evidence(Kind.DOSING, tuple(s for _, s in pairs), 1, reason, details=details)


def _adherence(history: History, rules: Thresholds, zone: ZoneInfo) -> Finding | None:
    """Missed (or skipped) doses in a row, or unanswered check-ins and follow-ups in a row.

    A dose whose reminder never went out (unconfirmed) neither counts nor breaks a run: it was
    not the patient's lapse."""
    doses = sorted(
        (d for d in history.doses if d.status != "unconfirmed"), key=lambda d: (d.day, d.closed_at)
    )
    missed = _trailing(doses, lambda d: d.status in ("missed", "skipped"))
    asked = sorted(
        (p for p in history.prompts if p.kind in ("checkin", "followup") and p.closed_at),
        key=lambda p: p.closed_at or p.asked_at,
    )
    asked = [p for p in asked if p.status in ("answered", "incomplete", "unanswered")]
    silent = _trailing(asked, lambda p: p.status == "unanswered")
    candidates = []
    if len(missed) >= rules.adherence_missed_doses:
        shown = missed[-rules.adherence_missed_doses :]
        what = _list(f"{_date(d.day)} {d.status}" for d in shown)
        reason = f"{len(shown)} doses in a row not taken: {what}"
        times = tuple(d.closed_at for d in missed)
        days = [[_noon(d.day, zone), d.status] for d in shown]
        need = rules.adherence_missed_doses
        candidates.append(_Evidence(Kind.ADHERENCE, times, need, reason, details={"doses": days}))
    if len(silent) >= rules.adherence_unanswered_checkins:
        shown_prompts = silent[-rules.adherence_unanswered_checkins :]
        asked_on = _days((p.asked_at or p.closed_at for p in shown_prompts if p.closed_at), zone)
        reason = f"no reply to {len(shown_prompts)} check-ins in a row (asked {asked_on})"
        times = tuple(p.closed_at for p in silent if p.closed_at)
        need = rules.adherence_unanswered_checkins
        on = [(p.asked_at or p.closed_at).isoformat() for p in shown_prompts if p.closed_at]
        details = {"unanswered": on}
        candidates.append(_Evidence(Kind.ADHERENCE, times, need, reason, details=details))
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


def _trailing(items: Sequence[T], matches: Callable[[T], bool]) -> list[T]:
    """The run of items at the end of ``items`` for which ``matches`` holds."""
    run: list[T] = []
    for item in reversed(items):
        if not matches(item):
            break
        run.append(item)
    return run[::-1]


def _when(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%H:%M} on {local:%a} {local.day} {local:%b}"


def _noon(day: date, zone: ZoneInfo) -> str:
    """A local date as the ISO time of its noon, which every message's date filter shows."""
    return datetime.combine(day, time(12), zone).isoformat()


def _day(moment: datetime, zone: ZoneInfo) -> str:
    return _date(moment.astimezone(zone).date())


def _date(day: date) -> str:
    return f"{day.day} {day:%b}"


def _days(moments: Iterable[datetime], zone: ZoneInfo) -> str:
    return _list(_day(m, zone) for m in moments)


def _list(items: Iterable[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    parts = [str(item) for item in items]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def _quote(text: str) -> str:
    words = " ".join(text.split())
    short = words if len(words) <= _QUOTE_CHARS else words[: _QUOTE_CHARS - 3].rstrip() + "..."
    return f'"{short}"'
