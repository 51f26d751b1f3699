"""The rules on symptoms, scores and doses: a positive depression screen, a relapse still there
at its follow-up, an injured injection site, poor tolerability, doses too close together, and
runs of missed doses or unanswered check-ins. Each gathers the Evidence it saw; whether that
raises a finding is decided in reminder.triage. Pure."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from reminder.regimen import SITE_LABELS
from reminder.replies import parse
from reminder.screening import describe, positive
from reminder.triage.values import SYMPTOM_WORDS, Evidence, History, Kind, Prompt, Thresholds
from reminder.triage.wording import date_words, day_of, days_of, listed, noon_of

T = TypeVar("T")
# A fever this long before a neurological symptom still counts with it: an infection in the days
# before can bring an old symptom back (a pseudo-relapse), as one on the day can.
FEVER_BEFORE = timedelta(days=3)


def depression_screen(history: History, alert_score: int, zone: ZoneInfo) -> Evidence | None:
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
    reason = f"PHQ-2 of {day_of(at, zone)}: {describe(interest, mood)} (alert at {alert_score})"
    details = {"on": at.isoformat(), "interest": interest, "mood": mood, "cutoff": alert_score}
    return Evidence(Kind.DEPRESSION_SCREEN, tuple(f[0] for f in found), 1, reason, details=details)


def relapse(history: History, rules: Thresholds, zone: ZoneInfo) -> Evidence | None:
    """A follow-up that says the symptom is still there, at least followup_hours after the "yes";
    or one that went unanswered to its end, asked twice: whether the symptom is still there is
    then not known, and a nurse should ask, not the silence decide."""
    by_id = {p.id: p for p in history.prompts}
    found: list[tuple[datetime, Prompt, Prompt, datetime, bool]] = []
    for followup in history.prompts:
        if followup.kind != "followup" or followup.parent_id is None:
            continue
        parent = by_id.get(followup.parent_id)
        reported = parent.said_yes("neuro") if parent is not None else None
        if parent is None or reported is None or not reported[0]:
            continue
        present = followup.said_yes("neuro")
        if present is None:
            if followup.status == "unanswered" and followup.closed_at is not None:
                found.append((followup.closed_at, followup, parent, reported[1], False))
            continue
        if not present[0] or present[1] - reported[1] < timedelta(
            hours=rules.relapse_followup_hours
        ):
            continue
        found.append((present[1], followup, parent, reported[1], True))
    if not found:
        return None
    at, followup, parent, reported_at, answered = max(found, key=lambda item: item[0])
    symptoms = parent.symptoms() | followup.symptoms()
    fever = parent.fever() or followup.fever() or _fever_between(history, reported_at, at)
    what = " and ".join(SYMPTOM_WORDS[s] for s in sorted(symptoms) if s in SYMPTOM_WORDS)
    reported_words = f"new {what or 'or worse neurological symptom'} reported on"
    if answered:
        reason = (
            f"{reported_words} {day_of(reported_at, zone)} and still present on {day_of(at, zone)}, "
            + ("with fever (infection or heat can cause this)" if fever else "no fever")
        )
    else:
        reason = (
            f"{reported_words} {day_of(reported_at, zone)}; asked twice whether it is still"
            f" there, no answer by {day_of(at, zone)}"
            + (", with fever (infection or heat can cause this)" if fever else "")
        )
    kind = Kind.PSEUDO_RELAPSE if fever else Kind.POSSIBLE_RELAPSE
    details = {
        "symptoms": sorted(s for s in symptoms if s in SYMPTOM_WORDS),
        "reported": reported_at.isoformat(),
        ("present" if answered else "unanswered"): at.isoformat(),
        "fever": fever,
    }
    return Evidence(kind, (at,), 1, reason, symptoms=frozenset(symptoms), details=details)


def _fever_between(history: History, reported_at: datetime, present_at: datetime) -> bool:
    """A fever answered to any question from FEVER_BEFORE before the symptom was reported to when
    it was still there: an infection in those days may be behind it (a pseudo-relapse)."""
    since = reported_at - FEVER_BEFORE
    return any(
        answer.fever and since <= answer.at <= present_at
        for prompt in history.prompts
        for answer in prompt.answers
    )


def injection_site(history: History, rules: Thresholds, zone: ZoneInfo) -> Evidence | None:
    """A site score at the threshold, or words of an injured site in anything the patient wrote."""
    events: list[tuple[datetime, str | None, str, dict[str, Any]]] = []
    for prompt in history.prompts:
        score = prompt.score("site_score") if prompt.kind == "checkin" else None
        if score is not None and score[0] >= rules.site_alert_score:
            reason = f"injection-site score {score[0]} at the check-in of {day_of(score[1], zone)}"
            facts: dict[str, Any] = {"score": score[0], "on": score[1].isoformat()}
            events.append((score[1], prompt.site, reason, facts))
    for said in history.said:
        if words := parse(said.text, history.language).site_words:
            quoted = listed(f'"{word}"' for word in words)
            reason = f"wrote {quoted} about the skin on {day_of(said.at, zone)}"
            facts = {"words": list(words), "on": said.at.isoformat()}
            events.append((said.at, _site_at(history, said.at), reason, facts))
    if not events:
        return None
    at, site, reason, facts = max(events, key=lambda event: event[0])
    where = f" ({SITE_LABELS[site]})" if site in SITE_LABELS else ""
    return Evidence(
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


def tolerability(history: History, rules: Thresholds, zone: ZoneInfo) -> Evidence | None:
    """High flu-like scores on the last check-ins in a row; unanswered ones neither count nor break."""
    scored = sorted(
        (value[1], value[0])
        for p in history.prompts
        if p.kind == "checkin" and (value := p.score("flu")) is not None
    )
    run = trailing(scored, lambda item: item[1] >= rules.flu_alert_score)
    if len(run) < rules.flu_alert_checkins:
        return None
    shown = run[-rules.flu_alert_checkins :]
    reason = (
        f"flu-like score {listed(str(score) for _, score in shown)} at the check-ins of "
        f"{days_of([at for at, _ in shown], zone)} ({rules.flu_alert_score} or more, "
        f"{rules.flu_alert_checkins} in a row)"
    )
    details = {
        "scores": [score for _, score in shown],
        "on": [at.isoformat() for at, _ in shown],
        "threshold": rules.flu_alert_score,
    }
    return Evidence(
        Kind.TOLERABILITY,
        tuple(at for at, _ in run),
        rules.flu_alert_checkins,
        reason,
        details=details,
    )


def dosing(history: History, zone: ZoneInfo) -> Evidence | None:
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
        f"doses on {day_of(first, zone)} and {day_of(second, zone)}, {hours:.0f} h apart "
        f"(every other day is about 48 h)"
    )
    details = {"first": first.isoformat(), "second": second.isoformat(), "hours": round(hours)}
    return Evidence(Kind.DOSING, tuple(s for _, s in pairs), 1, reason, details=details)


def adherence_runs(history: History, rules: Thresholds, zone: ZoneInfo) -> list[Evidence]:
    """Missed (or skipped) doses in a row, or unanswered check-ins and follow-ups in a row.

    A dose whose reminder never went out (unconfirmed) neither counts nor breaks a run: it was
    not the patient's lapse."""
    doses = sorted(
        (d for d in history.doses if d.status != "unconfirmed"), key=lambda d: (d.day, d.closed_at)
    )
    missed = trailing(doses, lambda d: d.status in ("missed", "skipped"))
    asked = sorted(
        (p for p in history.prompts if p.kind in ("checkin", "followup") and p.closed_at),
        key=lambda p: p.closed_at or p.asked_at,
    )
    asked = [p for p in asked if p.status in ("answered", "incomplete", "unanswered")]
    silent = trailing(asked, lambda p: p.status == "unanswered")
    candidates = []
    if len(missed) >= rules.adherence_missed_doses:
        shown = missed[-rules.adherence_missed_doses :]
        what = listed(f"{date_words(d.day)} {d.status}" for d in shown)
        reason = f"{len(shown)} doses in a row not taken: {what}"
        times = tuple(d.closed_at for d in missed)
        days = [[noon_of(d.day, zone), d.status] for d in shown]
        need = rules.adherence_missed_doses
        candidates.append(Evidence(Kind.ADHERENCE, times, need, reason, details={"doses": days}))
    if len(silent) >= rules.adherence_unanswered_checkins:
        shown_prompts = silent[-rules.adherence_unanswered_checkins :]
        asked_on = days_of((p.asked_at or p.closed_at for p in shown_prompts if p.closed_at), zone)
        reason = f"no reply to {len(shown_prompts)} check-ins in a row (asked {asked_on})"
        times = tuple(p.closed_at for p in silent if p.closed_at)
        need = rules.adherence_unanswered_checkins
        on = [(p.asked_at or p.closed_at).isoformat() for p in shown_prompts if p.closed_at]
        details = {"unanswered": on}
        candidates.append(Evidence(Kind.ADHERENCE, times, need, reason, details=details))
    return candidates


def trailing(items: Sequence[T], matches: Callable[[T], bool]) -> list[T]:
    """The run of items at the end of ``items`` for which ``matches`` holds."""
    run: list[T] = []
    for item in reversed(items):
        if not matches(item):
            break
        run.append(item)
    return run[::-1]
