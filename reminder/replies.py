"""Read an SMS or email reply into a Reading: every fact the text carries, not one command.

A dose report (taken, at a stated time, skipped, not yet), a site, scores, a neurological symptom
present or denied with its kind and course, a fever with its temperature, site-injury words,
self-harm words, a snooze or pause length, carrier words and an OK to an alert. ``parse`` reads the
text alone; reminder.interpret then places what only context can decide (a bare Y/N, bare
numbers) on the one prompt the person was asked last.

Pure: text in, value out. No database, network or clock, and no input makes it raise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache

from reminder.facts import Facts
from reminder.lexicon import Lexicon, for_language
from reminder.phq_reading import read_phq
from reminder.reading import read_clause
from reminder.reply_text import MAX_CHARS, OUT_OF_TEN, join_clauses, normalise, rewrite
from reminder.site_reading import read_site

MAX_SCORE = 10
NEURO_SYMPTOMS = ("vision", "numbness", "weakness", "balance", "bladder", "speech", "face")


class Prompt(StrEnum):
    """What the person was asked last and still owes an answer to."""

    NONE = "none"  # nothing open
    DOSE = "dose"  # a dose reminder or its nudge
    CHECKIN = "checkin"  # the morning check-in, scores not yet given
    NEURO = "neuro"  # the check-in with both scores given, the symptom question left
    FOLLOWUP = "followup"  # the relapse screen: is the symptom still there?
    SITE_HEAL = "site_heal"  # has the injured site healed?
    ALERT = "alert"  # a contact who was sent an alert
    PHQ2 = "phq2"  # the depression screen: two answers 0-3, together ("1 2") or one at a time


class Problem(StrEnum):
    """The one question to ask back when part of a reply cannot be read without guessing."""

    OUT_OF_RANGE = "out_of_range"  # a score above 10 or below 0
    DECIMAL = "decimal"  # 2.5: scores are whole numbers
    TOO_MANY = "too_many"  # more scores than were asked for
    TWICE = "twice"  # two values for one question ("flu 3 flu 5")
    YES_AND_NO = "yes_and_no"  # Y and N to the one symptom question
    WHICH_SCORE = "which_score"  # one bare number while both scores are missing
    STILL_THERE = "still_there"  # "better" to the follow-up: is it still there at all?
    WHICH_SITE = "which_site"  # two sites named for one dose
    PHQ_RANGE = "phq_range"  # a PHQ-2 answer above 3: each goes from 0 to 3


@dataclass(frozen=True)
class Reading:
    """Every fact one reply carries; None, False or empty where it said nothing of it."""

    compliance: str | None = None  # "stop", "start" or "help": the whole text is that word
    dose: str | None = None  # "taken", "skipped" or "not_yet"
    taken_at: str | None = None  # "19:00": the clock time said ("7:00" when am/pm is not said)
    taken_ago: int | None = None  # "2 hours ago": minutes
    site: str | None = None  # of regimen.SITES: the dose's site, or the site that healed
    site_text: str | None = None  # words after DONE that name no site, to quote back
    snooze: int | None = None  # minutes asked for (None: the default)
    snooze_at: str | None = None  # "remind me at 10": the clock time asked for, as taken_at is
    pause: int | None = None  # PAUSE: days asked for, 0 for the default
    pause_until: str | None = (
        None  # PAUSE until a day: "sunday", "tomorrow", "14", "3/6" (day/month)
    )
    resume: bool = False
    ok: bool = False  # a contact's acknowledgement
    unreached: bool = False  # a contact: "I can't reach her"; never an acknowledgement
    ref: int | None = None  # the alert number in "OK 12"
    flu: int | None = None
    site_score: int | None = None
    neuro: bool | None = None  # a new or worse neurological symptom: present / absent or gone
    symptoms: frozenset[str] = frozenset()  # kinds present, of NEURO_SYMPTOMS
    denied: frozenset[str] = frozenset()  # kinds said to be absent
    course: str | None = None  # "still", "better", "worse" or "gone"
    fever: bool | None = None
    temperature: float | None = None
    temp_unit: str | None = None  # "C" or "F"
    site_words: tuple[str, ...] = ()  # words of an injured injection site
    self_harm: bool = False
    emergency: bool = False  # trouble breathing, a swelling throat, chest pain, fainting
    healed: bool | None = None
    refill: int | None = None  # REFILL: vials added, 0 for a pack (supply.pack_size)
    vials: int | None = None  # VIALS N: the vials on hand, counted
    lab_done: bool = False  # LAB DONE: a lab test was done
    phq_interest: int | None = None  # PHQ-2 item 1, 0-3: little interest or pleasure
    phq_mood: int | None = None  # PHQ-2 item 2, 0-3: feeling down, depressed or hopeless
    problem: Problem | None = None
    detail: str = ""  # what the problem is about, quoted back: "12", "2.5", "3 1 5"
    question: bool = False  # the text asks the bot something; what it asks about is not recorded
    about_schedule: bool = False  # the question is about the next dose (its answer tells it)
    # Before interpret: a bare yes or no, and unlabelled numbers, in the order written.
    answer: bool | None = None
    bare: tuple[int, ...] = ()
    still: bool = False  # "still", "worse" or "the same" was said, whatever else was
    phq_words: tuple[int, ...] = ()  # PHQ-2 frequencies said in words ("several days" 1), in order
    site_well: str | None = None  # "fine now", "the right arm is fine now": that site, or ""
    site_unwell: bool = False  # "red and swollen", "hot to touch": words of a site not healed
    phq_items: tuple[tuple[int, int], ...] = ()  # PHQ-2 (item, value) said with labels: phq_reading

    @property
    def understood(self) -> bool:
        """Whether the reply carries any fact at all."""
        return self != Reading(
            question=self.question, about_schedule=self.about_schedule, site_text=self.site_text
        )

    @property
    def checkin(self) -> bool:
        """Whether it answers a check-in or follow-up question."""
        return (
            self.flu is not None
            or self.site_score is not None
            or self.neuro is not None
            or self.fever is not None
            or bool(self.bare)
            or self.course is not None
        )


def parse(text: str, language: str = "en") -> Reading:
    """Read one reply. Never raises; a text with no fact in it is an empty Reading."""
    return _parse(text[:MAX_CHARS], language)


# A Reading is immutable and depends on the text alone: the rules read a patient's recent texts
# again at each reply, and a text already read is not read twice. Bounded, as texts are.
@lru_cache(maxsize=4096)
def _parse(text: str, language: str) -> Reading:
    compiled = for_language(language)
    lexicon = compiled.lexicon
    everything, clauses = normalise(OUT_OF_TEN.sub(r"\1 outoften ", text), lexicon)
    joined = " ".join(everything)
    harm = any(pattern.search(joined) for pattern in compiled.self_harm)
    # Clause by clause: in "no fever, chest pain" the "no" is the fever's, not the chest's.
    emergency = any(
        _affirmed(pattern, " ".join(words), lexicon)
        for words, _asked in clauses
        for pattern in compiled.emergency
    )
    injured = _injury_words(everything, clauses, lexicon)
    compliance = _compliance(everything, lexicon)
    if compliance is not None:
        return Reading(
            compliance=compliance, self_harm=harm, emergency=emergency, site_words=injured
        )
    facts = Facts()
    usual: set[str] = set()  # kinds the person said they always have
    added: set[str] = set()
    for words, asked in join_clauses(clauses, lexicon):
        words = rewrite(_not_the_patients(words, joined, lexicon), compiled)
        marked = "usual" in words or "usualforme" in words
        words = [w for w in words if w not in ("usual", "usualforme")]
        before = set(facts.symptoms)
        if words:
            read_clause(words, asked, lexicon, facts)
        new = facts.symptoms - before
        if marked and not _returned(words, lexicon):
            usual |= new or added  # "numb feet, but that's normal for me": the clause before
        added = new
    if usual and (facts.symptoms - usual or "worse" not in facts.courses):
        facts.symptoms -= usual
        facts.nothing_new = facts.nothing_new or not facts.symptoms
    reading = replace(_reading(facts, harm, injured), emergency=emergency)
    if emergency or harm:
        reading = replace(reading, site_text=None)  # "done, now I feel faint": not a site's name
    unwell = any(
        w in lexicon.unhealed and not lexicon.negators.intersection(c[:i])
        for c, _asked in clauses
        for i, w in enumerate(c)
    )
    if unwell:
        reading = replace(reading, site_unwell=True)
    if compiled.phq is not None and (found := _frequencies(compiled.phq, joined)):
        reading = replace(reading, phq_words=found)
    if compiled.phq is not None and (items := read_phq(joined, compiled.phq, lexicon)):
        reading = replace(reading, phq_items=items)
    return reading


def _not_the_patients(words: list[str], joined: str, lexicon: Lexicon) -> list[str]:
    """The clause without a relative's illness, when the writer says they are well themselves:
    "mi hija tiene fiebre, yo estoy bien" has no fever of the patient's."""
    if not lexicon.others_ill or not any(re.search(p, joined) for p in lexicon.me_well):
        return words
    clause = " ".join(words)
    for pattern in lexicon.others_ill:
        clause = re.sub(pattern, " ", clause)
    return clause.split()


def _returned(words: list[str], lexicon: Lexicon) -> bool:
    """ "my usual numbness is back", "usual tingling but worse": a usual symptom come back."""
    return not lexicon.worse.isdisjoint(words) or not {"back", "again", "new", "more"}.isdisjoint(
        words
    )


def _frequencies(pattern: re.Pattern[str], joined: str) -> tuple[int, ...]:
    """The PHQ-2 scores said in words, in the order written."""
    found = []
    for match in pattern.finditer(joined):
        group = next(name for name, value in match.groupdict().items() if value is not None)
        found.append(int(group[1:]))
    return tuple(found)


def _affirmed(pattern: re.Pattern[str], clause: str, lexicon: Lexicon) -> bool:
    """Whether ``pattern`` is said in ``clause`` and not denied just before: "no chest pain" and
    "keine Atemnot" are not signs of an emergency. (Self-harm words count even denied; these name
    a body's state.)"""
    for match in pattern.finditer(clause):
        before = clause[: match.start()].split()[-2:]
        if not any(w in lexicon.negators or w in ("no", "without", "sans") for w in before):
            return True
    return False


def parse_site(text: str, language: str = "en") -> str | None:
    """The site named by text ("left thigh", "LT", "R arm", "belly left"), or None.

    A part without a side ("thigh") is None: guessing the side would corrupt the rotation.
    """
    lexicon = for_language(language).lexicon
    return read_site(normalise(text, lexicon)[0], lexicon)


def _reading(facts: Facts, harm: bool, injured: tuple[str, ...]) -> Reading:
    present = frozenset(facts.symptoms)
    denied = frozenset(facts.denied) - present
    neuro: bool | None = None
    if present or facts.relapse:
        neuro = True  # "in hospital with a relapse": new, whatever its kind
    elif facts.resolved - present or facts.nothing_new:
        neuro = False
    answers = set(facts.answers)
    problem, detail = facts.problem, facts.detail
    if problem is None and len(facts.sites) > 1:
        problem, detail = Problem.WHICH_SITE, ""
    scores = [*facts.flu, *facts.site_scores, *facts.bare]
    if problem is None:
        problem, detail = _score_problem(facts, scores)
    yes_and_no = problem is None and len(answers) > 1 and not present
    fever = facts.fever[-1] if facts.fever else None
    if facts.measured is not None:
        fever = facts.measured
    courses = facts.courses
    course = None
    for name in ("worse", "better", "still", "gone"):  # the most telling first
        if name in courses:
            course = name
            break
    if courses == {"better", "gone"}:
        course = "gone"  # "much better, all gone"
    doses = set(facts.doses)
    if doses == {"skipped", "not_yet"}:
        doses = {"skipped"}  # "skip, not done"
    dose = next(iter(doses)) if len(doses) == 1 else None
    # "yes, at 8": the time of a dose that only the prompt (a reminder) can say was taken.
    timed = dose == "taken" or (dose is None and answers == {True})
    reading = Reading(
        dose=dose,
        taken_at=facts.taken_at if timed else None,
        taken_ago=facts.taken_ago if timed else None,
        site=next(iter(facts.sites)) if len(facts.sites) == 1 else None,
        site_text=facts.site_text if dose == "taken" else None,
        snooze=facts.snooze if dose == "not_yet" else None,
        snooze_at=facts.snooze_at if dose == "not_yet" else None,
        pause=facts.pause,
        pause_until=facts.pause_until,
        resume=facts.resume,
        ok=facts.ok and not facts.unreached,
        unreached=facts.unreached,
        ref=facts.ref,
        neuro=neuro,
        symptoms=present,
        denied=denied,
        course=course,
        fever=fever,
        temperature=facts.temperature,
        temp_unit=facts.temp_unit,
        site_words=injured,
        self_harm=harm,
        healed=facts.healed,
        site_well=facts.site_well,
        refill=facts.refill,
        vials=facts.vials,
        lab_done=facts.lab_done,
        question=facts.question,
        about_schedule=facts.about_schedule,
        answer=next(iter(answers)) if len(answers) == 1 else None,
        still=bool(courses & {"still", "worse"}),
    )
    if problem is not None:
        return replace(reading, problem=problem, detail=detail[:20])
    return replace(
        reading,
        problem=Problem.YES_AND_NO if yes_and_no else None,
        flu=int(facts.flu[0]) if facts.flu else None,
        site_score=int(facts.site_scores[0]) if facts.site_scores else None,
        bare=tuple(int(n) for n in facts.bare),
    )


def _score_problem(facts: Facts, scores: list[str]) -> tuple[Problem | None, str]:
    if bad := [n for n in scores if "." in n]:
        return Problem.DECIMAL, bad[0]
    if bad := [n for n in scores if n.startswith("-") or int(n) > MAX_SCORE]:
        return Problem.OUT_OF_RANGE, bad[0]
    if len(facts.flu) > 1 or len(facts.site_scores) > 1 or len(set(facts.fever)) > 1:
        return Problem.TWICE, " ".join(scores)
    if len(scores) > 2:
        return Problem.TOO_MANY, " ".join(scores)
    return None, ""


def _compliance(words: list[str], lexicon: Lexicon) -> str | None:
    """STOP, START or HELP, when the text is nothing else (carrier rules: honoured at once)."""
    if not words:
        return None
    if words[0] in ("please", "pls"):
        words = words[1:]
    if words[:2] == ["opt", "out"]:
        words = ["optout", *words[2:]]
    if not words:
        return None
    joined = " ".join(words)
    if any(re.fullmatch(pattern, joined) for pattern in lexicon.opt_out):
        return "stop"
    first, rest = words[0], words[1:]
    if first in lexicon.stop_alone:
        return "stop" if not rest else None
    if first in lexicon.stop and all(w in lexicon.stop_filler for w in rest):
        return "stop"
    if first in lexicon.start and all(w in lexicon.polite | {"again", "me", "all"} for w in rest):
        return "start"
    if first in lexicon.help and all(w in lexicon.polite | {"me"} for w in rest):
        return "help"
    return None


def _injury_words(
    words: list[str], clauses: list[tuple[list[str], bool]], lexicon: Lexicon
) -> tuple[str, ...]:
    """Site-injury words, clause by clause: "no pus", "sin ampollas" and "nicht offen" are none,
    and "breitet sich nicht aus" or "s'étend pas" is no spreading."""
    found: list[str] = []
    reaction = bool(lexicon.reaction.intersection(words))
    for clause, _asked in clauses:
        for i, word in enumerate(clause):
            if _denied_at(clause, i, lexicon):
                continue
            if word in lexicon.injury and not (
                lexicon.injury[word] == "black" and lexicon.eyes.intersection(clause)
            ):
                found.append(lexicon.injury[word])
            elif word in lexicon.opened and lexicon.open_context.intersection(
                clause[max(i - 2, 0) : i + 3]
            ):
                found.append("open")
            elif word in ("leaking", "leaks") and lexicon.open_context.intersection(clause):
                found.append("drain")  # "my arm site has gone hard and its leaking"
            elif reaction and word in lexicon.spreading and not _denied_after(clause, i, lexicon):
                found.append("spreading")
    return tuple(dict.fromkeys(found))


def _denied_at(words: list[str], i: int, lexicon: Lexicon) -> bool:
    """ "not spreading", "no pus or blisters", "sin pus ni ampollas": a negation in the three
    words before, unless an "and" or a "still" comes between ("no fever and pus", "no, still
    oozing")."""
    for w in reversed(words[max(i - 3, 0) : i]):
        if w in lexicon.coordinators or w in lexicon.still:
            return False
        if w in lexicon.negators:
            return True
    return False


def _denied_after(words: list[str], i: int, lexicon: Lexicon) -> bool:
    """A verb negated after it, as German and spoken French do: "breitet sich nicht aus"."""
    return any(w in lexicon.negators for w in words[i + 1 : i + 3])
