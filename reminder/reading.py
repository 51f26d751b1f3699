"""Read one clause of a reply into facts: it routes the clause to the reader of what it says
(a question, a command, supply, the dose, an OK, a yes or no, a site, check-in answers).

The clause reader behind reminder.replies.parse; pure, and it never raises. A clause ends at
punctuation and at words like "but"; the readers of each kind of fact are in dose_reading,
answer_reading and site_reading.
"""

from __future__ import annotations

import re

from reminder.answer_reading import negatable, read_answers
from reminder.dose_reading import read_healed, read_not_taken, read_taken, read_time
from reminder.durations import clamp, day_said, minutes
from reminder.facts import Facts
from reminder.lexicon import Lexicon
from reminder.site_reading import is_site_word, read_site

_DOUBT = frozenset("or was it maybe perhaps think not sure".split())
_RESUME_FILLER = frozenset("reminders messages texts now again please the them".split())
_OK_FILLER = frozenset(
    "alert got it thanks thank you ty will call calling her him them now already ok on my way".split()
)
_YES_FILLER = frozenset("i did have am it ok okay sure".split())
_THIS_TIME = frozenset("this time tonight today again instead".split())  # "left tummy this time"
_SITE_CLEAR = frozenset(
    "or and nor now nomore at all left there any more red redness swelling swollen sore hot lump"
    " bruise bruising pain itching itchy".split()
)
# What may stand beside a site said to be well: "the lump on my right arm has gone now".
_WELL_SUBJECTS = frozenset("site skin lump bump bruise spot swelling it its one".split())
_WELL_FILLER = _WELL_SUBJECTS | frozenset(
    "is are looks look seems feels has have had all now completely totally fully again back to"
    " pretty much".split()
)


def read_clause(words: list[str], asked: bool, lex: Lexicon, facts: Facts) -> None:
    """Add what one clause says to ``facts``. A question records nothing of what it asks about."""
    if "imean" in words:
        # "Y sorry I mean N", "left thigh, I mean right": what follows corrects what came before.
        cut = words.index("imean")
        if cut > 1:
            read_clause(words[: cut - 1], asked, lex, facts)  # "2 1" of "2 1 Y sorry I mean N"
        facts.answers.clear()
        facts.sites.clear()
        words = words[cut + 1 :]
    while words and words[0] in lex.polite:
        words = words[1:]
    if not words:
        return
    if "stoppedtherapy" in words:
        # "I've stopped taking it": no dose to come and no snooze; the text is kept and answered
        # with where to ask, as a question is, for the nurse must hear of it
        facts.question = True
        return
    if (asked and not _request(words, lex)) or _asks(words, lex):
        facts.question = True
        facts.about_schedule |= not lex.schedule.isdisjoint(words)
        _body_in_question(words, lex, facts)
        return
    if "unreached" in words:
        # "no answer from the clinic and my leg is numb": the rest is still read
        facts.unreached = True
        words = [w for w in words if w != "unreached"]
        if not words:
            return
    if "labdone" in words:
        facts.lab_done = True
        words = [w for w in words if w != "labdone"]
        if not words:
            return
    if _supply(words, lex, facts) or read_time(words, lex, facts):
        return
    first, rest = words[0], words[1:]
    if first in lex.yes and rest and rest[0] in lex.ok:
        facts.answers.append(True)  # "yes ok", "yep seen": the yes of a dose, the OK of an alert
        words, first, rest = rest, rest[0], rest[1:]
    if first in lex.pause:
        # "until the 15th" names a date, not 15 days: the pause runs to that day, which only the
        # conversation, knowing today, can place; the answer says the day it ends.
        facts.pause_until = day_said(rest)
        days = None if facts.pause_until else minutes(rest, 1440, 1440)
        facts.pause = clamp(None if days is None else days / 1440, 365) or 0
        return
    if first in lex.resume and all(w in _RESUME_FILLER or w in lex.polite for w in rest):
        facts.resume = True
        return
    if (
        read_taken(words, lex, facts)
        or read_not_taken(words, lex, facts)
        or read_healed(words, lex, facts)
    ):
        return
    if first in lex.ok:
        refs = [w for w in rest if w not in _OK_FILLER | lex.ok and w not in lex.polite]
        if not refs or (len(refs) == 1 and re.fullmatch(r"[0-9]{1,18}", refs[0])):
            facts.ok = True
            facts.ref = int(refs[0]) if refs else facts.ref
            return
        words, first, rest = rest, rest[0], rest[1:]
    if (
        first in lex.no
        and rest
        and (rest[0] in lex.unhealed or (rest[0] == "site" and len(rest) > 1))
        and _SITE_CLEAR.issuperset(rest[1:])
    ):
        # "no redness or swelling now" ("redness" is "site" by then): the site is well, no N
        facts.site_well = ""
        return
    if first in lex.yes:
        facts.answers.append(True)
        words = [w for w in rest if w not in _YES_FILLER and w not in lex.polite]
    elif first in lex.no and (len(first) == 1 or not rest or not negatable(rest[0], lex)):
        facts.answers.append(False)
        words = [w for w in rest if w not in _YES_FILLER]
    if not words or read_time(words, lex, facts):  # "yes 2 hours ago", "Y at 8"
        return
    _site_well(words, lex, facts)
    if (site := read_site([w for w in words if w not in lex.polite | _THIS_TIME], lex)) is not None:
        facts.sites.add(site)
        return
    if _DOUBT.intersection(words) and (
        doubted := read_site([w for w in words if w not in _DOUBT], lex)
    ):
        facts.sites.add(doubted)  # "done lt, or was it rt": two sites, so ask which
        return
    read_answers(words, lex, facts)


def _site_well(words: list[str], lex: Lexicon, facts: Facts) -> None:
    """ "the right arm is fine now", "looks ok", "the lump has gone": a site (or "it") said to be
    well, which only "has the site healed?" reads, as a yes."""
    well = [w for w in words if w in lex.normal or w in lex.gone]
    if " ".join(words[-2:]) in ("all better", "all good"):
        well.append(words[-1])
    rest = [w for w in words if w not in well and w not in _WELL_FILLER and w not in lex.polite]
    if not well or any(not is_site_word(w, lex) and w not in lex.site_filler for w in rest):
        return
    facts.site_well = read_site([w for w in rest if w not in _WELL_SUBJECTS], lex) or ""


def _supply(words: list[str], lex: Lexicon, facts: Facts) -> bool:
    """REFILL, REFILL 14, "refilled 15 vials"; VIALS 9, "9 vials left". A refill only asked
    about ("need a refill", "no refill yet") records nothing."""
    refill = any(w in lex.refill for w in words)
    if not refill and not any(w in lex.vials for w in words):
        return False
    counts = [int(w) for w in words if re.fullmatch(r"[0-9]{1,3}", w)]
    counts += [lex.numbers[w] for w in words if w in lex.numbers]
    if refill:
        if any(w in lex.refill_not or w in lex.negators for w in words) or len(counts) > 1:
            return False
        facts.refill = counts[0] if counts else 0
        return True
    if len(counts) != 1:
        return False
    facts.vials = counts[0]
    return True


def _request(words: list[str], lex: Lexicon) -> bool:
    """ "remind me in an hour?", "later?", "can you pause my reminders?": a snooze, pause or
    resume asked for with a question mark, not a question to answer."""
    if words[0] in lex.pause | lex.resume:
        return True
    rest = words[1:]
    return words[0] in lex.later and (
        not rest or rest[0] in ("in", "later", "again", "after", "for") or rest[0].isdigit()
    )


def _body_in_question(words: list[str], lex: Lexicon, facts: Facts) -> None:
    """ "is it normal that my leg is numb?", "should I worry my face is drooping": the question
    is answered with where to ask, and the symptom, fever or "still there" the patient tells of
    their own is read too, as a nurse would. Never its numbers as scores, never a course that
    lowers ("will it go away?"), and nothing of a question about what may happen ("what if I get
    a fever?", "should I inject if I have a fever?") or of the drug in general ("is numbness a
    side effect?": no word of the first person)."""
    if lex.conditional.intersection(words):
        return
    said = Facts()
    read_answers([w for w in words if w not in lex.normal], lex, said)
    facts.courses |= said.courses & {"still", "worse"}  # "is it normal that it's still there?"
    if lex.first_person.isdisjoint(words):
        return
    facts.symptoms |= said.symptoms
    if said.measured:
        facts.temperature, facts.temp_unit, facts.measured = (
            said.temperature,
            said.temp_unit,
            said.measured,
        )
    elif said.measured is None and "when" not in words:
        # "a temp of 37.2?" is none, and "what do I do when I get a fever?" tells of none
        facts.fever += [fever for fever in said.fever if fever]


def _asks(words: list[str], lex: Lexicon) -> bool:
    """ "can I ...", "is it ok to ...", "wondering when ...": a question without its mark."""
    if "wonder" in words:
        return True
    if words[:2] in (["did", "it"], ["did", "mine"], ["have", "done"]):
        return False  # "did it at 7" is the dose
    if words[:3] in (
        [did, whose, w]
        for did in ("did", "done")
        for whose in ("my", "the", "her", "his")
        for w in ("shot", "injection", "jab", "dose", "needle")
    ):
        return False  # "did my shot": the dose, said as patients say it
    if (
        len(words) > 1
        and words[0] in lex.question_starts
        and (words[1] in lex.schedule or words[1:3] in (["my", w] for w in lex.schedule))
    ):
        return True  # "which site do i use", "how much tonight", "whats my dose"
    return len(words) > 2 and words[0] in lex.question_starts and words[1] in lex.question_subjects
