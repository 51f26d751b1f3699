"""Read one clause of a reply into facts: dose words, commands, scores, symptoms, fever.

The clause reader behind reminder.replies.parse; pure, and it never raises. Negation follows NegEx:
a negation word negates the symptom words after it in its clause ("no numbness or tingling"), a
word like "gone" or "fine" the ones before it ("the tingling is gone"), and a clause ends at
punctuation and at words like "but".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reminder.durations import (
    AM,
    AT,
    CLOCK,
    PM,
    UNITS,
    clamp,
    is_duration_word,
    minutes,
    without_clock_times,
)
from reminder.lexicon import Lexicon

_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_SITES = ("left_arm", "right_arm", "left_abdomen", "right_abdomen")
_SITES += ("left_buttock", "right_buttock", "left_thigh", "right_thigh")
_SOON = frozenset("after soon shortly tonight tomorrow tmrw".split())  # "after dinner"
_NEGATION_REACH = 5  # words after a negation word that it still negates
_AFTER_REACH = 6  # words before "gone" / "fine" that it negates
_DOUBT = frozenset("or was it maybe perhaps think not sure".split())
_OBJECTS = frozenset("it mine my the injection shot jab dose today tonight now at".split())
_RESUME_FILLER = frozenset("reminders messages texts now again please the them".split())
_OK_FILLER = frozenset(
    "alert got it thanks thank you ty will call calling her him them now ok on my way".split()
)
_YES_FILLER = frozenset("i did have am it ok okay sure".split())
_MAX_SITE_WORDS = 3  # "done left elbow" quotes a site; "done with work for today" is a sentence


@dataclass
class Facts:
    """What the clauses of one reply said, gathered before it becomes a Reading."""

    doses: list[str] = field(default_factory=list)
    taken_at: str | None = None
    taken_ago: int | None = None
    site_text: str | None = None
    sites: set[str] = field(default_factory=set)
    snooze: int | None = None
    pause: int | None = None
    resume: bool = False
    ok: bool = False
    unreached: bool = False  # "I can't reach her": whatever OK was said, nobody has been reached
    ref: int | None = None
    flu: list[str] = field(default_factory=list)
    site_scores: list[str] = field(default_factory=list)
    bare: list[str] = field(default_factory=list)
    answers: list[bool] = field(default_factory=list)
    symptoms: set[str] = field(default_factory=set)
    denied: set[str] = field(default_factory=set)
    resolved: set[str] = field(default_factory=set)  # denied by "gone" or "fine", not by "no"
    courses: set[str] = field(default_factory=set)
    nothing_new: bool = False
    fever: list[bool] = field(default_factory=list)
    temperature: float | None = None
    temp_unit: str | None = None
    measured: bool | None = None  # the temperature's verdict, which outweighs any fever word
    healed: bool | None = None
    refill: int | None = None  # REFILL: vials added, 0 for a pack
    vials: int | None = None  # VIALS N: vials on hand, counted
    lab_done: bool = False
    problem: None = None  # problems are found when the facts are put together
    detail: str = ""
    question: bool = False

    @property
    def dose(self) -> str | None:
        return self.doses[0] if self.doses else None


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
    if asked or _asks(words, lex):
        facts.question = True
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
    if _supply(words, lex, facts):
        return
    first, rest = words[0], words[1:]
    if first in lex.pause:
        # "until the 15th" names a date, not 15 days: the default length, and the answer says
        # the day it ends, for the patient to correct.
        dated = any(
            w in ("st", "nd", "rd", "th") and rest[k - 1].isdigit() for k, w in enumerate(rest) if k
        )
        days = None if dated else minutes(rest, 1440, 1440)
        facts.pause = clamp(None if days is None else days / 1440, 365) or 0
        return
    if first in lex.resume and all(w in _RESUME_FILLER or w in lex.polite for w in rest):
        facts.resume = True
        return
    if _taken(words, lex, facts) or _not_taken(words, lex, facts) or _healed(words, lex, facts):
        return
    if first in lex.ok:
        refs = [w for w in rest if w not in _OK_FILLER and w not in lex.polite]
        if not refs or (len(refs) == 1 and re.fullmatch(r"[0-9]{1,18}", refs[0])):
            facts.ok = True
            facts.ref = int(refs[0]) if refs else None
            return
        words, first, rest = rest, rest[0], rest[1:]
    if first in lex.yes:
        facts.answers.append(True)
        words = [w for w in rest if w not in _YES_FILLER and w not in lex.polite]
    elif first in lex.no and (len(first) == 1 or not rest or not _negatable(rest[0], lex)):
        facts.answers.append(False)
        words = [w for w in rest if w not in _YES_FILLER]
    if not words:
        return
    if (site := read_site([w for w in words if w not in lex.polite], lex)) is not None:
        facts.sites.add(site)
        return
    if _DOUBT.intersection(words) and (
        doubted := read_site([w for w in words if w not in _DOUBT], lex)
    ):
        facts.sites.add(doubted)  # "done lt, or was it rt": two sites, so ask which
        return
    _answers(words, lex, facts)


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


def read_site(words: list[str], lex: Lexicon) -> str | None:
    """The one site the words name (a side and a part, or a code), or None."""
    sides: set[str] = set()
    parts: set[str] = set()
    for k, word in enumerate(words):
        if word in lex.site_codes and not _article(words, k, lex):
            side, part = lex.site_codes[word].split("_")
            sides.add(side)
            parts.add(part)
        elif word in lex.left or word in lex.right:
            sides.add("left" if word in lex.left else "right")
        elif word in lex.parts:
            parts.add(lex.parts[word])
        elif word not in lex.site_filler and word not in lex.site_codes:
            return None
    if len(sides) != 1 or len(parts) != 1:
        return None  # no side, no part, or two of either: ambiguous
    return f"{sides.pop()}_{parts.pop()}"


def _article(words: list[str], k: int, lex: Lexicon) -> bool:
    """Whether a code word is an article here: Spanish and French "la" before any word ("la
    pierna", "la inyección"); "done LA" alone still names the left arm."""
    followed = k + 1 < len(words)
    return followed and (words[k + 1] in lex.parts or words[k] in lex.site_filler)


def _asks(words: list[str], lex: Lexicon) -> bool:
    """ "can I ...", "is it ok to ...", "wondering when ...": a question without its mark."""
    if "wonder" in words:
        return True
    if words[:2] in (["did", "it"], ["did", "mine"], ["have", "done"]):
        return False  # "did it at 7" is the dose
    if words[:3] in (["did", "my", w] for w in ("shot", "injection", "jab", "dose")):
        return False  # "did my shot": the dose, said as patients say it
    return len(words) > 2 and words[0] in lex.question_starts and words[1] in lex.question_subjects


def _site_word(word: str, lex: Lexicon) -> bool:
    return word in lex.site_codes or word in lex.left or word in lex.right or word in lex.parts


def _taken(words: list[str], lex: Lexicon, facts: Facts) -> bool:
    """ "done", "I've taken it", "ok did mine LT at 7pm": a plain statement that it happened."""
    i = 0
    while i < len(words) and (words[i] in lex.ok or words[i] in lex.yes):
        i += 1
    while i < len(words) and words[i] in lex.taken_subject:
        i += 1
    if i >= len(words) or words[i] not in lex.taken:
        return False
    rest = words[i + 1 :]
    if rest and rest[0] in ("with", "for", "by"):
        return False  # "done with work", "done for the day"
    if (
        words[i] in ("took", "did")
        and rest
        and rest[0] not in _OBJECTS
        and not (_site_word(rest[0], lex) or _NUMBER.fullmatch(rest[0]) or CLOCK.fullmatch(rest[0]))
    ):
        return False  # "I took 2 paracetamol" is not the injection
    counted = len(rest) > 1 and rest[1] not in AM | PM and rest[1] not in UNITS
    if words[i] in ("took", "did") and _NUMBER.fullmatch(rest[0] if rest else "") and counted:
        return False  # "took 2 tablets"
    if any(
        w in lex.negators and (j + 1 >= len(rest) or not _negatable(rest[j + 1], lex))
        for j, w in enumerate(rest)
    ):
        return False  # "done not", "done? not really": never a dose on a doubt
    in_duration = "in" in rest and minutes(rest[rest.index("in") + 1 :], 60, 1) is not None
    if in_duration or any(w in lex.future or w in lex.later or w in lex.not_yet for w in rest):
        facts.doses.append("not_yet")
        facts.snooze = clamp(minutes(without_clock_times(rest), 60, 1), 1440)
        return True
    facts.doses.append("taken")
    rest = _stated_time(rest, lex, facts)
    # An article that looks like a code ("lista la inyección") is gone before prefixes are tried.
    rest = [w for k, w in enumerate(rest) if not (w in lex.site_codes and _article(rest, k, lex))]
    remark = [w for w in rest if w not in lex.filler and w not in lex.polite]
    remark = [w for w in remark if w not in ("it", "mine", "my", "now", "in", "on", "into")]
    if remark[:1] and remark[0] in lex.taken_subject and not _site_word(remark[0], lex):
        remark = remark[1:]  # "did my shot": the shot is what was done, not a site
    for end in range(len(remark), 0, -1):
        site = read_site(remark[:end], lex)
        if site and not any(_site_word(w, lex) for w in remark[end:]):
            facts.sites.add(site)
            remark = remark[end:]
            break
    else:
        if len([w for w in remark if _site_word(w, lex)]) > 1 and read_site(remark, lex) is None:
            sides = [w for w in remark if w in lex.left or w in lex.right or w in lex.site_codes]
            if len(sides) > 1:
                facts.sites.update({"?1", "?2"})  # two sites for one dose: ask which
                return True
    quotable = remark and not any(_kind(w, lex) or w in lex.injury for w in remark)
    if quotable and len(remark) <= _MAX_SITE_WORDS and not facts.sites:
        facts.site_text = " ".join(remark)
        return True
    if remark:
        _answers(remark, lex, facts)
    return True


def _stated_time(rest: list[str], lex: Lexicon, facts: Facts) -> list[str]:
    """Take "at 7pm", "19:30" or "2 hours ago" out of the words after DONE."""
    if any(w in lex.ago for w in rest):
        facts.taken_ago = clamp(minutes(rest, 60, 1), 1440)
        return [w for w in rest if w not in lex.ago and not is_duration_word(w)]
    for i, word in enumerate(rest):
        clock = CLOCK.fullmatch(word)
        after = rest[i + 1] if i + 1 < len(rest) else ""
        before = rest[i - 1] if i > 0 else ""
        if clock is None and (before in AT or after in PM | AM):
            clock = re.fullmatch(r"([0-9]{1,2})\.([0-9]{2})", word)  # "9.30pm"
        hour_only = re.fullmatch(r"[0-9]{1,2}", word)
        if not clock and not hour_only:
            continue
        if not clock and before not in AT and after not in PM | AM and i > 0:
            continue
        hour = int(clock.group(1) if clock else word)
        minute = int(clock.group(2)) if clock else 0
        if hour > 23 or minute > 59:
            continue
        if after in PM and hour < 12:
            hour += 12
        elif after in AM and hour == 12:
            hour = 0
        facts.taken_at = f"{hour}:{minute:02d}"
        used = {i, i - 1 if before in AT else i, i + 1 if after in PM | AM else i}
        return [w for j, w in enumerate(rest) if j not in used]
    return rest


def _not_taken(words: list[str], lex: Lexicon, facts: Facts) -> bool:
    """SKIP; LATER, SNOOZE 2h, "not yet", "in an hour", "remind me in 30 min"."""
    if any(w in lex.skip for w in words):
        facts.doses.append("skipped")
        return True
    later = any(w in lex.later or w in lex.not_yet for w in words)
    in_duration = words[0] == "in" and minutes(words[1:], 60, 1) is not None
    soon = words[0] in _SOON and len(words) <= 3
    if not later and not in_duration and not soon:
        return False
    facts.doses.append("not_yet")
    facts.snooze = clamp(minutes(without_clock_times(words), 60, 1), 1440) or facts.snooze
    return True


def _healed(words: list[str], lex: Lexicon, facts: Facts) -> bool:
    if not any(w in lex.healed for w in words):
        return False
    negated = any(w in lex.negators or w in lex.not_yet for w in words)
    facts.healed = not negated
    others = [w for w in words if _site_word(w, lex)]
    if others and (site := read_site(others, lex)) is not None:
        facts.sites.add(site)
    return True


def _negatable(word: str, lex: Lexicon) -> bool:
    """Whether "no" before ``word`` negates it ("no fever") rather than answering ("no, 3 1")."""
    return (
        word in lex.symptoms
        or word in lex.fever
        or word in lex.temperature
        or word in lex.nothing_new
        or word in ("new", "more", "other", "sign", "signs", "change", "changes")
    )


def _score_like(words: list[str], lex: Lexicon) -> bool:
    """Whether every word may sit among check-in answers: then bare numbers are scores."""
    known = (
        lex.filler
        | lex.flu_labels
        | lex.site_labels
        | lex.yes
        | lex.no
        | lex.fever
        | lex.temperature
        | lex.celsius
        | lex.fahrenheit
        | lex.negators
        | lex.nothing_new
        | lex.still
        | lex.better
        | lex.worse
        | lex.gone
        | lex.normal
        | frozenset(lex.symptoms)
        | frozenset(lex.numbers)
        | {"outoften", "deg"}
    )
    return all(_NUMBER.fullmatch(w) or w in known or _site_word(w, lex) for w in words)


def _answers(words: list[str], lex: Lexicon, facts: Facts) -> None:
    """Scores, Y/N, symptoms with their negation and course, fever and temperatures."""
    # "2 0 Y my hand is clumsy": the answers that open a sentence are answers all the same.
    prefix = next((i for i, w in enumerate(words) if not _score_like([w], lex)), len(words))
    labels = lex.flu_labels | lex.site_labels
    content = [w for w in words if w not in lex.filler]
    # A course word alone ("still there", "gone now") speaks of the symptom asked about; inside a
    # longer sentence it may be about anything ("I don't want to be here anymore").
    short = len(content) <= 3
    used = [False] * len(words)
    for i, word in enumerate(words):
        if used[i]:
            continue
        score_like = i < prefix
        number = _number(word, lex, score_like or _beside_label(words, i, labels))
        if number is not None:
            used[i] = True
            _number_fact(words, i, number, lex, facts, score_like, used)
        elif _kind(word, lex) is not None:
            _symptom(words, i, lex, facts)
        elif word in lex.fever:
            after = words[i + 1] if i + 1 < len(words) else ""
            negates_next = i + 2 < len(words) and _negatable(words[i + 2], lex)  # "fever no fever"
            denied = _negated(words, i, lex)  # "no fever N": the N is the symptom's
            if not denied and (after in lex.yes or (after in lex.no and not negates_next)):
                # "Fever N", "fever: yes 38.2": the Y or N answers the fever, not the symptom
                used[i + 1] = True
                facts.fever.append(after in lex.yes)
            else:
                facts.fever.append(not _negated(words, i, lex))
        elif word in lex.temperature:
            if _negated(words, i, lex) or _followed_by(words, i, lex.normal, lex):
                facts.fever.append(False)
        elif word in lex.nothing_new:
            facts.nothing_new = True
        elif word in lex.yes and score_like and not _joins(words, i, lex):
            facts.answers.append(True)
        elif (
            word in lex.no
            and score_like
            and (len(word) == 1 or not (i + 1 < len(words) and _negatable(words[i + 1], lex)))
        ):
            facts.answers.append(False)
        elif word in lex.still:
            facts.courses.add("still")
        elif word in lex.worse:
            facts.courses.add("worse")
        elif short and word in lex.better:
            facts.courses.add("better")
        elif short and word in lex.gone:
            facts.courses.add("gone")


def _joins(words: list[str], i: int, lex: Lexicon) -> bool:
    """Whether a yes word is "and" here: Spanish "3 8 y supura" joins, "3 1 Y N" answers twice."""
    after = words[i + 1 : i + 2]
    return words[i] in lex.coordinators and bool(after) and after[0] not in lex.yes | lex.no


def _number(word: str, lex: Lexicon, words_count: bool) -> str | None:
    if _NUMBER.fullmatch(word):
        return word
    if words_count and word in lex.numbers:
        return str(lex.numbers[word])
    return None


def _beside_label(words: list[str], i: int, labels: frozenset[str]) -> bool:
    return (i > 0 and words[i - 1] in labels) or (i + 1 < len(words) and words[i + 1] in labels)


def _number_fact(
    words: list[str],
    i: int,
    number: str,
    lex: Lexicon,
    facts: Facts,
    score_like: bool,
    used: list[bool],
) -> None:
    """A temperature, a labelled score, a bare score, or (inside a sentence) nothing."""
    value = float(number)
    after = words[i + 1] if i + 1 < len(words) else ""
    before = _previous(words, i, lex, used)
    unit = None
    if after == "deg" or after in lex.celsius or after in lex.fahrenheit:
        unit = "F" if (words[i + 2 : i + 3] == ["f"] or after in lex.fahrenheit) else None
        unit = unit or ("C" if value < 50 else "F")
    in_range = 35 <= value < 43 or 95 <= value < 109
    if unit or in_range or (before in lex.temperature | lex.fever and value > 10):
        unit = unit or ("C" if value < 50 else "F")
        facts.temperature, facts.temp_unit = value, unit
        facts.measured = value >= 38.0 if unit == "C" else value >= 100.4
        return
    labels = lex.flu_labels | lex.site_labels
    label = before if before in labels else None
    if label is None and after in labels and not (after == "f" and value >= 95):
        label = after
        used[i + 1] = True
    elif label is None and after == "for":
        # "3 for flu", "6 for the flu stuff", "2 for my site"
        at = i + 3 if words[i + 2 : i + 3] in (["the"], ["my"]) else i + 2
        if at < len(words) and words[at] in labels:
            label = words[at]
            used[at] = True
    if label is not None:
        (facts.flu if label in lex.flu_labels else facts.site_scores).append(number)
    elif score_like:
        facts.bare.append(number)


def _previous(words: list[str], i: int, lex: Lexicon, used: list[bool]) -> str:
    """The word before ``words[i]``, looking past two filler words ("flu is about 3"), unless an
    earlier answer took it ("3 for flu 1 for site")."""
    for j in range(i - 1, max(i - 4, -1), -1):
        if used[j]:
            return ""
        if words[j] not in lex.filler:
            return words[j]
    return ""


def _kind(word: str, lex: Lexicon) -> str | None:
    """The symptom kind a word names, plurals and "'s" included ("tingling's" -> "tinglings")."""
    kind = lex.symptoms.get(word)
    if kind is None and word.endswith("s"):
        kind = lex.symptoms.get(word[:-1])
    return kind


def _symptom(words: list[str], i: int, lex: Lexicon, facts: Facts) -> None:
    kind = _kind(words[i], lex)
    assert kind is not None
    found = {kind}
    if lex.face.intersection(words) and kind in ("numbness", "weakness"):
        found.add("face")
    if "still" in words or lex.still.intersection(words):
        facts.courses.add("still")
    if _followed_by(words, i, lex.gone | lex.normal, lex):
        facts.denied.update(found)
        facts.resolved.update(found)
        if _followed_by(words, i, lex.gone, lex):
            facts.courses.add("gone")
    elif _negated(words, i, lex):
        facts.denied.update(found)
    else:
        facts.symptoms.update(found)


def _negated(words: list[str], i: int, lex: Lexicon) -> bool:
    """A negation word in the few words before ``words[i]``, within its clause ("and" ends it)."""
    for j in range(i - 1, max(i - 1 - _NEGATION_REACH, -1), -1):
        if words[j] in lex.coordinators or words[j] in lex.still:
            return False
        if words[j] in lex.negators:
            return True
    return False


def _followed_by(words: list[str], i: int, enders: frozenset[str], lex: Lexicon) -> bool:
    for word in words[i + 1 : i + 1 + _AFTER_REACH]:
        if word in lex.coordinators or word in lex.conjunctions or word == "still":
            return False
        if word in enders:
            return True
    return False
