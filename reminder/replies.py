"""Read an SMS or email reply into a Reading: every fact the text carries, not one command.

A dose report (taken, at a stated time, skipped, not yet), a site, scores, a neurological symptom
present or denied with its kind and course, a fever with its temperature, site-injury words,
self-harm words, a snooze or pause length, carrier words and an OK to an alert. ``parse`` reads the
text alone; ``interpret`` then places what only context can decide (a bare Y/N, bare numbers) on
the one prompt the person was asked last.

Pure: text in, value out. No database, network or clock, and no input makes it raise.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from enum import StrEnum

from reminder.facts import Facts
from reminder.lexicon import Compiled, Lexicon, for_language
from reminder.reading import read_clause
from reminder.site_reading import read_site

_MAX_CHARS = 500  # a reply is one SMS or the top of an email; bounds the work on any input
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
    pause: int | None = None  # PAUSE: days asked for, 0 for the default
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
    # Before interpret: a bare yes or no, and unlabelled numbers, in the order written.
    answer: bool | None = None
    bare: tuple[int, ...] = ()
    still: bool = False  # "still", "worse" or "the same" was said, whatever else was
    phq_words: tuple[int, ...] = ()  # PHQ-2 frequencies said in words ("several days" 1), in order

    @property
    def understood(self) -> bool:
        """Whether the reply carries any fact at all."""
        return self != Reading(question=self.question, site_text=self.site_text)

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
    compiled = for_language(language)
    lexicon = compiled.lexicon
    everything, clauses = _normalise(_OUT_OF_TEN.sub(r"\1 outoften ", text[:_MAX_CHARS]), lexicon)
    joined = " ".join(everything)
    harm = any(pattern.search(joined) for pattern in compiled.self_harm)
    # Clause by clause: in "no fever, chest pain" the "no" is the fever's, not the chest's.
    emergency = any(
        _affirmed(pattern, " ".join(words), lexicon)
        for words, _asked in clauses
        for pattern in compiled.emergency
    )
    injured = _injury_words(everything, lexicon)
    compliance = _compliance(everything, lexicon)
    if compliance is not None:
        return Reading(
            compliance=compliance, self_harm=harm, emergency=emergency, site_words=injured
        )
    facts = Facts()
    for words, asked in _joined(clauses, lexicon):
        words = _rewrite(words, compiled)
        if words:
            read_clause(words, asked, lexicon, facts)
    reading = replace(_reading(facts, harm, injured), emergency=emergency)
    if compiled.phq is not None and (found := _frequencies(compiled.phq, joined)):
        reading = replace(reading, phq_words=found)
    return reading


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
    return read_site(_normalise(text, lexicon)[0], lexicon)


def interpret(
    reading: Reading,
    prompt: Prompt,
    *,
    flu_known: bool = False,
    site_known: bool = False,
    interest_known: bool = False,
) -> Reading:
    """Place a bare yes/no and bare numbers on ``prompt``; what cannot be placed is dropped."""
    if prompt == Prompt.NEURO:
        flu_known = site_known = True
    answer, bare, still, said = reading.answer, reading.bare, reading.still, reading.phq_words
    reading = replace(reading, answer=None, bare=(), still=False, phq_words=())
    if prompt == Prompt.PHQ2:
        return _phq2(
            replace(reading, ok=False, ref=None, unreached=False), bare, said, interest_known
        )
    if prompt == Prompt.ALERT:
        if (reading.ok or reading.unreached) and reading.ref is None and len(bare) == 1:
            reading = replace(reading, ref=bare[0])  # "ok, 7"
        # A contact has no dose: "will call him" is no snooze.
        return _no_yes_and_no(replace(reading, dose=None, snooze=None, taken_at=None))
    reading = replace(reading, ok=False, ref=None, unreached=False)
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
        return _no_yes_and_no(replace(reading, healed=healed, course=None))
    return _no_yes_and_no(reading)


def _phq2(
    reading: Reading, bare: tuple[int, ...], said: tuple[int, ...], interest_known: bool
) -> Reading:
    """Numbers or frequency words answer the screen's two items in order; one alone answers the
    item still open. "nearly every day" says how often, not that a symptom is getting better, and
    "not at all" how often, not that nothing new is felt."""
    if said:
        # "nada" / "not at all" here answers how often, not "no new symptom".
        neuro = None if reading.neuro is False else reading.neuro
        reading = replace(reading, course=None, neuro=neuro)
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
        neuro = answer
        course = course or ("still" if answer else "gone")
    elif neuro is None and course in ("still", "worse"):
        neuro = True
    elif neuro is None and course == "gone":
        neuro = False
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


def _reading(facts: Facts, harm: bool, injured: tuple[str, ...]) -> Reading:
    present = frozenset(facts.symptoms)
    denied = frozenset(facts.denied) - present
    neuro: bool | None = None
    if present:
        neuro = True
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
    doses = set(facts.doses)
    if doses == {"skipped", "not_yet"}:
        doses = {"skipped"}  # "skip, not done"
    dose = next(iter(doses)) if len(doses) == 1 else None
    reading = Reading(
        dose=dose,
        taken_at=facts.taken_at if dose == "taken" else None,
        taken_ago=facts.taken_ago if dose == "taken" else None,
        site=next(iter(facts.sites)) if len(facts.sites) == 1 else None,
        site_text=facts.site_text if dose == "taken" else None,
        snooze=facts.snooze if dose == "not_yet" else None,
        pause=facts.pause,
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
        refill=facts.refill,
        vials=facts.vials,
        lab_done=facts.lab_done,
        question=facts.question,
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


# Normalising: NFKD, casefolded, accents dropped (as lexicon.fold does to the words), digits as
# ASCII, punctuation as clause breaks, emoji as spaces.

_BREAK, _QUESTION = "\x01", "\x02"
_SPACES = frozenset((" ", _BREAK, _QUESTION))
_BREAKS = frozenset('.!;\n\r\u2026()[]{}<>|~"*')
_QUESTION_MARKS = frozenset("?\u00bf\u061f")
_APOSTROPHES = frozenset("'`\u00b4\u2018\u2019\u02bc")
_OUT_OF_TEN = re.compile(r"([0-9])\s*/\s*10(?![0-9])")
_TOKEN = re.compile(r"-?[0-9]+(?:[.:][0-9]+)?|[^\s0-9]+")


def _normalise(text: str, lexicon: Lexicon) -> tuple[list[str], list[tuple[list[str], bool]]]:
    """All the reply's words, and its clauses as (words, whether the clause asks a question)."""
    # Decomposed, so the loop drops accents as combining marks: "fièvre" reads as "fievre".
    text = unicodedata.normalize("NFKD", text[:_MAX_CHARS].casefold())
    chars: list[str] = []
    for i, ch in enumerate(text):
        before, after = text[i - 1 : i], text[i + 1 : i + 2]
        digit = unicodedata.decimal(ch, None)
        category = unicodedata.category(ch)
        if digit is not None:
            chars.append(str(digit))
        elif ch in ".:" and _is_digit(before) and _is_digit(after):
            chars.append(ch)  # "38.5", "1.5h", "7:30"
        elif ch == "," and _is_digit(before) and _is_digit(after):
            chars.append("." if _decimal_comma(text, i) else " ")  # "38,5" but "3,1"
        elif ch in "-\u2212" and _is_digit(after) and (not chars or chars[-1] in _SPACES):
            chars.append("-")  # -2 is refused as a score, not read as 2
        elif ch == "@" and _is_digit(text[i + 1 : i + 3].lstrip()[:1]):
            chars.append(" at ")  # "injected L thigh @ 8"
        elif ch == "\u00b0" or ch == "\u2103" or ch == "\u2109":
            chars.append({"\u2103": " deg c ", "\u2109": " deg f "}.get(ch, " deg "))
        elif category[0] in "LN":
            chars.append(ch)
        elif ch in _APOSTROPHES and (elided := _elided(chars, lexicon)) is not None:
            chars[len(chars) - len(elided[0]) :] = f"{elided[1]} "  # "d'engourdissement"
        elif ch in _APOSTROPHES or category[0] == "M" or category == "Cf":
            continue  # "didn't" stays one word; emoji variation selectors and joiners vanish
        elif ch in _QUESTION_MARKS:
            chars.append(_QUESTION)
        elif ch in _BREAKS or ch == "," or (ch in ":-\u2013\u2014" and before == " "):
            chars.append(_BREAK)
        else:
            chars.append(" ")
    clauses: list[tuple[list[str], bool]] = []
    everything: list[str] = []
    for piece in re.split(f"([{_BREAK}{_QUESTION}])", "".join(chars)):
        if piece == _QUESTION and clauses:
            clauses[-1] = (clauses[-1][0], True)
        if piece in (_QUESTION, _BREAK):
            continue
        words = _TOKEN.findall(piece)
        everything.extend(words)
        current: list[str] = []
        for word in words:
            if word in lexicon.conjunctions:
                if current:
                    clauses.append((current, False))
                current = []
            else:
                current.append(word)
        if current:
            clauses.append((current, False))
    return everything, clauses


def _elided(chars: list[str], lexicon: Lexicon) -> tuple[str, str] | None:
    """The elided word before an apostrophe, and its full form: French "d'" is "de", "n'" "ne"."""
    start = len(chars)
    while start and chars[start - 1] not in _SPACES and chars[start - 1].isalpha():
        start -= 1
    if start and chars[start - 1] not in _SPACES:
        return None
    word = "".join(chars[start:])
    return (word, lexicon.elisions[word]) if word in lexicon.elisions else None


def _joined(
    clauses: list[tuple[list[str], bool]], lexicon: Lexicon
) -> list[tuple[list[str], bool]]:
    """ "pause; 7", "snooze - 2h": a command word and the number after it, split by punctuation,
    are one clause again."""
    commands = lexicon.pause | lexicon.later | lexicon.ok
    joined: list[tuple[list[str], bool]] = []
    for words, asked in clauses:
        previous = joined[-1][0] if joined else []
        command = len(previous) == 1 and previous[0] in commands
        if (
            command
            and re.fullmatch(r"-?[0-9.]+", words[0])
            or _site_split(previous, words, lexicon)
        ):
            joined[-1] = (previous + words, asked)
        else:
            joined.append((words, asked))
    return joined


def _site_split(previous: list[str], words: list[str], lexicon: Lexicon) -> bool:
    """ "taken right, arm": a side and a part split by punctuation still name one site."""
    sides = lexicon.left | lexicon.right
    parts = frozenset(lexicon.parts)
    if not previous or len(words) > 2:
        return False
    last, first = previous[-1], words[0]
    return (last in sides and first in parts) or (last in parts and first in sides)


def _is_digit(ch: str) -> bool:
    return len(ch) == 1 and unicodedata.decimal(ch, None) is not None


def _decimal_comma(text: str, i: int) -> bool:
    """ "38,5" and "101,3" are temperatures written the European way; "3,1" is two scores."""
    left = re.search(r"[0-9]+$", text[:i])
    right = re.match(r"[0-9]+", text[i + 1 :])
    if left is None or right is None:
        return False
    if re.match(r"\s?(?:h|hr|hrs|hour|hours|m|min|mins|d|days)\b", text[i + 1 + right.end() :]):
        return True  # "1,5h"
    if len(right.group()) != 1:
        return False
    whole = int(left.group())
    return 35 <= whole <= 42 or 95 <= whole <= 108


def _rewrite(words: list[str], compiled: Compiled) -> list[str]:
    """The clause with its phrases rewritten to one word each."""
    joined = " ".join(words)
    for pattern, replacement in compiled.phrases:
        joined = pattern.sub(replacement, joined)
    return joined.split()


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


def _injury_words(words: list[str], lexicon: Lexicon) -> tuple[str, ...]:
    found: list[str] = []
    for i, word in enumerate(words):
        if word in lexicon.injury:
            found.append(lexicon.injury[word])
        elif word == "open" and lexicon.open_context.intersection(words[max(i - 2, 0) : i + 3]):
            found.append("open")
    return tuple(dict.fromkeys(found))
