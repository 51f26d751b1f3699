"""Replies about the care beyond the injection: PHQ-2 answers, REFILL and VIALS, LAB DONE, and the
flu-like advice a high check-in score adds to its answer."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from reminder import care, checkins, regimen, screening, supply
from reminder.doses import open_dose
from reminder.models import CheckIn, CheckInKind
from reminder.replies import Problem, Reading
from reminder.turn import Turn

# The flu-like advice is added at most this often: a patient with a hard week hears it once.
FLU_ADVICE_EVERY = timedelta(days=7)
PHQ_PROBLEMS = frozenset({Problem.PHQ_RANGE, Problem.TOO_MANY, Problem.DECIMAL})


def screen(turn: Turn, reading: Reading, prompt: CheckIn | None) -> None:
    """PHQ-2 answers, both ("1 2") or one at a time; a number above 3 is asked again."""
    if prompt is None or prompt.kind != CheckInKind.PHQ2:
        return
    if reading.problem in PHQ_PROBLEMS:
        turn.note("phq2", f"PHQ-2 answers not applied: {reading.problem}")
        turn.say("phq2_correction", {"problem": str(reading.problem), "detail": reading.detail})
        return
    checkins.apply(
        prompt,
        turn.now,
        turn.inbound.body,
        interest=reading.phq_interest,
        mood=reading.phq_mood,
    )
    turn.session.add(prompt)
    turn.replan_needed = True
    interest, mood = prompt.phq_interest, prompt.phq_mood
    if interest is None or mood is None:
        turn.note("phq2", f"PHQ-2 {prompt.id}: one answer of two")
        turn.say("phq2_partial", {"missing": checkins.missing(prompt)})
        return
    turn.note(
        "phq2", f"PHQ-2 {prompt.id}: {interest} {mood}, total {screening.total(interest, mood)}"
    )
    # "alerted" is filled in once the rules have run over this reply.
    turn.say("phq2_recorded", {"alerted": False})


def supply_reply(turn: Turn, reading: Reading) -> None:
    """REFILL [N] adds vials (a pack without a number); VIALS N counts them."""
    patient = turn.patient
    refill = reading.refill is not None
    if refill:
        vials = care.set_vials(patient, turn.settings, turn.now, add=reading.refill)
        turn.note("supply", f"refill recorded: {vials} vials")
    else:
        vials = care.set_vials(patient, turn.settings, turn.now, count=reading.vials)
        turn.note("supply", f"vials counted: {vials}")
    turn.session.add(patient)
    turn.replan_needed = True
    dose = open_dose(turn.session, patient.id or 0)
    run_out = _noon(turn, supply.run_out_date(dose.day if dose else None, vials))
    if refill:
        turn.say("refill_recorded", {"vials": vials, "run_out_on": run_out})
    else:
        turn.say("vials_recorded", {"vials": vials, "run_out_on": run_out})


def lab_done(turn: Turn) -> None:
    """LAB DONE: the tests of the last lab reminder, done today."""
    patient = turn.patient
    kinds = care.kinds_reminded(turn.session, patient, turn.now)
    today = regimen.local_date(turn.now, ZoneInfo(patient.timezone))
    care.record_lab(turn.session, patient, turn.settings, kinds, today, turn.now, "patient")
    turn.replan_needed = True
    turn.note("lab", f"lab test done: {', '.join(kinds)} on {today.isoformat()}")
    next_on = patient.next_thyroid_on if "thyroid" in kinds else patient.next_lab_on
    turn.say("lab_recorded", {"kinds": [str(k) for k in kinds], "next_on": _noon(turn, next_on)})


def _noon(turn: Turn, day: date | None) -> str | None:
    """A date as the moment templates show as a day ("Sat 7 Mar") in the patient's zone."""
    if day is None:
        return None
    return regimen.at_local(day, time(12, 0), ZoneInfo(turn.patient.timezone)).isoformat()


def flu_advice(turn: Turn, prompt: CheckIn) -> None:
    """A check-in flu-like score at the threshold adds the operator's advice, once a week."""
    patient = turn.patient
    score = prompt.flu_score
    if prompt.kind != CheckInKind.CHECKIN or score is None:
        return
    if score < turn.settings.triage.flu_advice_score:
        return
    if patient.flu_advised_at is not None and turn.now - patient.flu_advised_at < FLU_ADVICE_EVERY:
        return
    patient.flu_advised_at = turn.now
    turn.session.add(patient)
    turn.note("advice", f"flu-like advice added (score {score})")
    turn.say("flu_advice", {"advice": turn.settings.messages.flu_advice})
