"""Check-in answers applied to the question asked last: scores, the symptom question, fever, the
relapse follow-up, "has the site healed?", and a symptom or fever reported with no question open.

Scores go to the open check-in; a symptom or fever to the check-in or follow-up the patient was
asked last; with none open, a symptom starts the relapse screen exactly as a "yes" at a check-in
does. An ambiguous score gets one specific question back, and what was clear is still recorded.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from reminder import care_replies, checkins
from reminder.models import CheckIn, CheckInKind, CheckInStatus
from reminder.replies import Problem, Prompt, Reading
from reminder.turn import Turn, iso

_SCORE_PROBLEMS = frozenset(
    {Problem.OUT_OF_RANGE, Problem.DECIMAL, Problem.TOO_MANY, Problem.TWICE, Problem.WHICH_SCORE}
)


def newest(prompts: Any) -> CheckIn | None:
    """The question asked most recently."""
    return max(prompts, key=lambda p: (checkins.last_asked(p), p.id or 0), default=None)


def apply(turn: Turn, reading: Reading, prompt: Prompt, target: CheckIn | None) -> None:
    """Record what ``reading`` answers; ``target`` is the question ``prompt`` names, if any."""
    if reading.problem in _SCORE_PROBLEMS:
        turn.note("checkin", f"check-in scores not applied: {reading.problem}")
        turn.say("checkin_correction", {"problem": str(reading.problem), "detail": reading.detail})
        reading = replace(reading, flu=None, site_score=None)
    if reading.problem == Problem.YES_AND_NO:
        turn.note("checkin", "check-in: yes and no to the symptom question, asked again")
        turn.say("checkin_correction", {"problem": str(reading.problem), "detail": ""})
    answerable = [p for p in checkins.answerable(turn.session, turn.patient.id or 0, turn.now)]
    if reading.flu is not None or reading.site_score is not None:
        checkin = newest(p for p in answerable if p.kind == CheckInKind.CHECKIN)
        if checkin is not None:
            _record(turn, checkin, reading)
            return
        turn.note("checkin", "check-in scores, but no check-in open: stored")
        turn.say("no_checkin", {"symptom": False})
        # A symptom or fever in the same text still counts: "3 1, hands tingly".
        reading = replace(reading, flu=None, site_score=None, neuro=reading.neuro or None)
    if not (reading.neuro is not None or reading.fever is not None or reading.course):
        return
    screen = next(
        (
            p
            for p in checkins.live(turn.session, turn.patient.id or 0)
            if p.kind == CheckInKind.FOLLOWUP
        ),
        None,
    )
    if target is None and screen is not None and screen.status == CheckInStatus.PLANNED:
        if _answers_screen_early(turn, screen, reading):
            return
    elif target is None and screen is not None:
        target = screen  # "the tingling is gone" speaks of the symptom being screened
    if target is None or target.kind not in (CheckInKind.CHECKIN, CheckInKind.FOLLOWUP):
        asked = [p for p in answerable if p.kind in (CheckInKind.CHECKIN, CheckInKind.FOLLOWUP)]
        # A symptom named later the same day still goes to the day's check-in.
        target = newest(p for p in asked if "neuro" in checkins.missing(p)) or newest(asked)
    if target is not None:
        _record(turn, target, reading)
    elif reading.neuro is True or reading.fever is True:
        _report(turn, reading)
    elif "no_checkin" not in turn.answered():
        turn.note("checkin", "check-in answers, but no check-in open: stored")
        turn.say("no_checkin", {"symptom": False})


def _record(turn: Turn, prompt: CheckIn, reading: Reading) -> None:
    had_symptom = prompt.neuro is True
    known_kinds = set(prompt.symptoms)
    new_symptoms = set(reading.symptoms) - known_kinds
    checkins.apply(
        prompt,
        turn.now,
        turn.inbound.body,
        flu=reading.flu,
        site=reading.site_score,
        neuro=reading.neuro,
        fever=reading.fever,
        symptoms=reading.symptoms,
        **({"temperature": reading.temperature} if reading.temperature is not None else {}),
    )
    turn.session.add(prompt)
    turn.replan_needed = True
    turn.note("checkin", f"{prompt.kind} {prompt.id}: {_summary(prompt)}"[:200])
    if prompt.kind == CheckInKind.FOLLOWUP:
        present = reading.neuro
        if reading.problem == Problem.STILL_THERE:
            present = None
        if present is True and new_symptoms and known_kinds:
            # A kind not screened so far is a new symptom: it gets a screen of its own. When the
            # "yes" named no kind, the kind named now is the one being screened.
            _follow_up(turn, prompt)
        turn.say("followup_recorded", {"present": present, "fever": prompt.fever is True})
        return
    if reading.course == "gone" and reading.neuro is False and not had_symptom:
        # "the tingling is gone" after the check-in said no new symptom: nothing to screen.
        turn.say("followup_recorded", {"present": False, "fever": prompt.fever is True})
        return
    followup = None
    if prompt.neuro is True and (not had_symptom or new_symptoms):
        followup = _follow_up(turn, prompt)
    values = {
        "flu": prompt.flu_score,
        "site_score": prompt.site_score,
        "neuro": prompt.neuro,
        "fever": prompt.fever is True,
        "followup_at": iso(followup.due_at) if followup else None,
    }
    if missing := checkins.missing(prompt):
        turn.say("checkin_partial", values | {"missing": missing})
    else:
        turn.say("checkin_recorded", values)
    care_replies.flu_advice(turn, prompt)


def _answers_screen_early(turn: Turn, screen: CheckIn, reading: Reading) -> bool:
    """A relapse screen not yet asked: "it's gone" answers it and no one asks any more; "still
    there" is noted, and the question still comes when the screen's 24 hours are up."""
    if reading.neuro is False and not reading.symptoms:
        checkins.apply(screen, turn.now, turn.inbound.body, neuro=False, fever=reading.fever)
        checkins.close(screen, turn.now, CheckInStatus.ANSWERED)
        turn.session.add(screen)
        turn.replan_needed = True
        turn.note("checkin", f"followup {screen.id}: gone before it was asked")
        turn.say("followup_recorded", {"present": False, "fever": reading.fever is True})
        return True
    if reading.neuro is True and set(reading.symptoms) <= set(screen.symptoms):
        turn.note("checkin", f"followup {screen.id}: still there, asked at its time")
        turn.say("followup_noted", {"followup_at": iso(screen.due_at)})
        return True
    return False


def _report(turn: Turn, reading: Reading) -> None:
    """A symptom or fever written with no question open: kept on a check-in row of its own; a
    neurological symptom starts the relapse screen, and the patient is told when they will be asked."""
    row = checkins.report_for(turn.patient, f"report:{turn.inbound.id}", turn.now)
    checkins.apply(
        row,
        turn.now,
        turn.inbound.body,
        neuro=reading.neuro,
        fever=reading.fever,
        symptoms=reading.symptoms,
    )
    row = checkins.add(turn.session, row)
    turn.replan_needed = True
    followup = _follow_up(turn, row) if row.neuro is True else None
    turn.note("symptom", f"reported unasked ({_summary(row)}); check-in {row.id}")
    turn.say(
        "symptom_reported",
        {
            "symptoms": sorted(reading.symptoms),
            "neuro": row.neuro is True,
            "fever": row.fever is True,
            "followup_at": iso(followup.due_at) if followup else None,
        },
    )


def _follow_up(turn: Turn, checkin: CheckIn) -> CheckIn:
    """Start the relapse screen, or add the symptoms named now to the one already running."""
    running = next(
        (
            p
            for p in checkins.live(turn.session, checkin.patient_id)
            if p.kind == CheckInKind.FOLLOWUP
        ),
        None,
    )
    if running is not None:
        running.symptoms = sorted(set(running.symptoms) | set(checkin.symptoms))
        turn.session.add(running)
        return running
    return checkins.add(turn.session, checkins.followup_for(checkin, turn.now, turn.settings))


def site_healed(turn: Turn, prompt: CheckIn | None, healed: bool, site: str | None) -> None:
    """HEALED [site], or Y/N to "has the site healed?"."""
    if not healed:
        if prompt is None or prompt.kind != CheckInKind.SITE_HEAL:
            turn.note("healed", "not healed, but no site question open: stored")
            turn.say("not_understood", {"question": None})
            return
        checkins.apply(prompt, turn.now, turn.inbound.body, neuro=False)
        checkins.close(prompt, turn.now, CheckInStatus.ANSWERED)
        turn.session.add(prompt)
        turn.replan_needed = True  # the planner asks again in site_heal_ask_days
        turn.note("healed", f"site {prompt.site} not healed yet")
        days = turn.settings.triage.site_heal_ask_days
        turn.say("not_healed", {"site": prompt.site, "days": days})
        return
    injured = list(turn.patient.injured_sites)
    if not injured:
        turn.note("healed", "healed, but no site is marked injured")
        turn.say("not_injured", {})
        return
    if site is None and prompt is not None and prompt.kind == CheckInKind.SITE_HEAL:
        site = prompt.site
    if site is None and len(injured) == 1:
        site = injured[0]
    if site not in injured:
        turn.note("healed", "healed: which site? asked")
        turn.say("healed_which", {"sites": injured})
        return
    turn.patient.injured_sites = [s for s in injured if s != site]
    for question in checkins.live(turn.session, turn.patient.id or 0):
        if question.kind == CheckInKind.SITE_HEAL and question.site == site:
            checkins.apply(question, turn.now, turn.inbound.body)
            checkins.close(question, turn.now, CheckInStatus.ANSWERED)
            turn.session.add(question)
    turn.replan_needed = True
    turn.note("healed", f"site {site} healed: back in rotation")
    turn.say("healed", {"site": site})


def _summary(prompt: CheckIn) -> str:
    parts = [
        f"flu {prompt.flu_score}" if prompt.flu_score is not None else "",
        f"site {prompt.site_score}" if prompt.site_score is not None else "",
        {True: "symptom yes", False: "symptom no", None: ""}[prompt.neuro],
        "fever" if prompt.fever else "",
        " ".join(prompt.symptoms),
    ]
    state = "answered" if prompt.status == CheckInStatus.ANSWERED else "partly answered"
    return f"{state}: " + ", ".join(p for p in parts if p)
