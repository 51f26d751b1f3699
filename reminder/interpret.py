"""Place what only context can decide (a bare Y/N, bare numbers) on the one prompt the person
was asked last: a dose, a check-in's scores, the relapse follow-up, a healed site, the PHQ-2, an
alert. Pure: a Reading and a Prompt in, a Reading out."""

from __future__ import annotations

from dataclasses import replace

from reminder.phq_reading import BOTH, CLASH
from reminder.replies import Problem, Prompt, Reading


def interpret(
    reading: Reading,
    prompt: Prompt,
    *,
    flu_known: bool = False,
    site_known: bool = False,
    interest_known: bool = False,
    reminded: bool = True,
) -> Reading:
    """Place a bare yes/no and bare numbers on ``prompt``; what cannot be placed is dropped.

    ``reminded``: whether the open dose's reminder has gone out. Before it, "all done now" or
    "c'est fini" to "is it still there?" speaks of the symptom, not of a dose taken."""
    if prompt == Prompt.NEURO:
        flu_known = site_known = True
    answer, bare, still, said = reading.answer, reading.bare, reading.still, reading.phq_words
    well, items, unwell = reading.site_well, reading.phq_items, reading.site_unwell
    reading = replace(
        reading,
        answer=None,
        bare=(),
        still=False,
        phq_words=(),
        site_well=None,
        phq_items=(),
        site_unwell=False,
    )
    if prompt == Prompt.PHQ2:
        reading = replace(reading, ok=False, ref=None, unreached=False)
        if items:
            if reading.problem == Problem.TOO_MANY:
                # "1) 2 2) 1": four numbers, each answer after its item's; the items count them
                reading = replace(reading, problem=None, detail="")
            reading = _phq2(replace(reading, course=None), (), (), interest_known)
            return _phq2_labelled(reading, items, interest_known)
        return _phq2(reading, bare, said, interest_known)
    if prompt == Prompt.ALERT:
        if (reading.ok or reading.unreached) and reading.ref is None and len(bare) == 1:
            reading = replace(reading, ref=bare[0])  # "ok, 7"
        # A contact has no dose: "will call him" is no snooze, "I'm away until friday" no pause.
        return _no_yes_and_no(
            replace(
                reading,
                dose=None,
                snooze=None,
                snooze_at=None,
                taken_at=None,
                pause=None,
                pause_until=None,
            )
        )
    reading = replace(reading, ok=False, ref=None, unreached=False)
    if reading.dose is None and prompt != Prompt.DOSE:
        reading = replace(reading, taken_at=None, taken_ago=None)  # a time, and no dose to time
    if reading.problem is not None and reading.problem != Problem.YES_AND_NO:
        if prompt in (Prompt.CHECKIN, Prompt.NEURO) and reading.neuro is None:
            reading = replace(reading, neuro=answer)  # "3 11 N": the N is clear all the same
        return reading
    if prompt == Prompt.DOSE:
        if bare or reading.flu is not None or reading.site_score is not None:
            # "3 1 N" after a reminder answers a check-in, not the dose.
            return interpret(replace(reading, answer=answer, bare=bare), Prompt.CHECKIN)
        if reading.dose is None and answer is not None:
            reading = replace(reading, dose="taken" if answer else "not_yet")
        return _no_yes_and_no(reading)
    if prompt in (Prompt.CHECKIN, Prompt.NEURO):
        reading = _place_scores(reading, bare, flu_known=flu_known, site_known=site_known)
        if reading.neuro is None and answer is not None:
            reading = replace(reading, neuro=answer)
        return reading
    if (
        prompt in (Prompt.FOLLOWUP, Prompt.SITE_HEAL)
        and not reminded
        and reading.dose == "taken"
        and reading.site is None
        and reading.taken_at is None
        and reading.taken_ago is None
    ):
        reading = replace(reading, dose=None)
    if prompt == Prompt.FOLLOWUP:
        return _followup(reading, answer, still)
    if prompt == Prompt.SITE_HEAL:
        healed = reading.healed
        if healed is None and reading.dose == "not_yet":
            healed = False  # "not yet"
            reading = replace(reading, dose=None)
        if healed is None and answer is not None:
            healed = answer
        if healed is None and reading.course in ("still", "better", "worse"):
            healed = False
        if healed is None and reading.course == "gone":
            healed = True
        if healed is None and well is not None:
            healed = True  # "the right arm is fine now"
        if healed is None and unwell:
            healed = False  # "its red and swollen", "hot to touch"
        if healed and well:
            reading = replace(reading, site=reading.site or well)
        if healed is None and reading.neuro is False and not reading.denied:
            healed = True  # "all good now": of the site asked about, not of a symptom
        if healed is not None and reading.neuro is False and not reading.denied:
            reading = replace(reading, neuro=None)
        return _no_yes_and_no(replace(reading, healed=healed, course=None))
    return _no_yes_and_no(reading)


def _phq2(
    reading: Reading, bare: tuple[int, ...], said: tuple[int, ...], interest_known: bool
) -> Reading:
    """Numbers or frequency words answer the screen's two items in order; one alone answers the
    item still open. "nearly every day" says how often, not that a symptom is getting better, and
    "not at all" how often, not that nothing new is felt."""
    # "0 0 im fine", "nada": how often, and how they feel; no answer to the symptom question.
    if reading.neuro is False:
        reading = replace(reading, neuro=None)
    if said:
        reading = replace(reading, course=None)
    if reading.problem in (Problem.OUT_OF_RANGE, Problem.DECIMAL, Problem.TOO_MANY):
        problem = Problem.PHQ_RANGE if reading.problem == Problem.OUT_OF_RANGE else reading.problem
        return replace(reading, problem=problem, flu=None, site_score=None)
    values = (*bare, *said)
    if bad := [v for v in values if v > 3]:
        return replace(reading, problem=Problem.PHQ_RANGE, detail=str(bad[0]))
    if len(values) > 2:
        return replace(reading, problem=Problem.TOO_MANY, detail=" ".join(map(str, values)))
    if len(values) == 2:
        reading = replace(reading, phq_interest=values[0], phq_mood=values[1])
    elif len(values) == 1 and interest_known:
        reading = replace(reading, phq_mood=values[0])
    elif len(values) == 1:
        reading = replace(reading, phq_interest=values[0])
    return _no_yes_and_no(reading)


def _phq2_labelled(
    reading: Reading, items: tuple[tuple[int, int], ...], interest_known: bool
) -> Reading:
    """ "first one 1, second one 2", "nearly every day for both", "1 - several days": each value
    on the item it names, the unnamed ones on the items still open, in order."""
    if bad := [v for _, v in items if v > 3]:
        return replace(reading, problem=Problem.PHQ_RANGE, detail=str(bad[0]))
    if any(item == CLASH for item, _ in items):
        return replace(reading, problem=Problem.TOO_MANY, detail=str(items[0][1]))
    answers: dict[int, int] = {}
    for item, value in items:
        for named in (1, 2) if item == BOTH else (item,) if item else ():
            if answers.get(named, value) != value:
                detail = " ".join(str(v) for _, v in items)  # "first 1 ... first 2"
                return replace(reading, problem=Problem.TOO_MANY, detail=detail)
            answers[named] = value
    unnamed = [value for item, value in items if not item]
    open_items = [n for n in (1, 2) if n not in answers]
    if interest_known and not answers and len(unnamed) == 1:
        open_items = [2]  # "1 - several days" to the second question
    if len(unnamed) > len(open_items):
        return replace(reading, problem=Problem.TOO_MANY, detail=" ".join(str(v) for _, v in items))
    answers.update(zip(open_items, unnamed, strict=False))
    return replace(reading, phq_interest=answers.get(1), phq_mood=answers.get(2))


def _no_yes_and_no(reading: Reading) -> Reading:
    """Outside a symptom question, a Y and an N together are nothing to ask about."""
    return replace(reading, problem=None) if reading.problem == Problem.YES_AND_NO else reading


def _followup(reading: Reading, answer: bool | None, still: bool) -> Reading:
    neuro, course = reading.neuro, reading.course
    if reading.symptoms:
        neuro = True
        if answer is False and course is None:
            course = "gone"  # "no, but now my bladder ...": the first has gone, a new one came
        course = course or "still"
    elif neuro is None and course == "better" and still:
        neuro = True  # "better but still there"
    elif neuro is None and answer is not None:
        neuro = answer or still  # "no it's still there": the no denies it has gone
        course = course or ("still" if answer else "gone")
    elif neuro is None and course in ("still", "worse"):
        neuro = True
    elif neuro is None and course == "gone":
        neuro = False
    elif neuro is False and still and not reading.denied:
        neuro = True  # "still there, nothing new": the still answers; nothing new is of others
    elif neuro is False and answer is False:
        course = course or "gone"  # "No. All good"
    elif neuro is False and course is None and not reading.denied:
        # "I'm fine" to "is it still there?" says how they feel, not that the symptom has gone.
        return replace(reading, neuro=None, problem=Problem.STILL_THERE)
    if neuro is None and course == "better":
        return replace(reading, problem=Problem.STILL_THERE)
    if neuro is False and reading.denied and course is None:
        course = "gone"
    return replace(reading, neuro=neuro, course=course)


def _place_scores(
    reading: Reading, bare: tuple[int, ...], *, flu_known: bool, site_known: bool
) -> Reading:
    """Labelled scores go where they say; bare ones fill the scores still open, flu first. One bare
    number is placed only when exactly one score is still unknown: never a guess."""
    open_fields = [n for n, v in (("flu", reading.flu), ("site", reading.site_score)) if v is None]
    if not bare:
        return reading
    detail = " ".join(map(str, bare))
    if len(bare) > len(open_fields):
        return replace(reading, problem=Problem.TOO_MANY, detail=detail)
    if len(bare) == 1 and len(open_fields) == 2:
        missing = [n for n, known in (("flu", flu_known), ("site", site_known)) if not known]
        if len(missing) != 1:
            return replace(reading, problem=Problem.WHICH_SCORE, detail=detail)
        open_fields = missing
    placed = dict(zip(open_fields, bare, strict=False))
    return replace(
        reading,
        flu=placed.get("flu", reading.flu),
        site_score=placed.get("site", reading.site_score),
    )
