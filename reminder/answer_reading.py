"""Read the check-in answers in a clause: scores, a yes or no, neurological symptoms with their
negation and course, fever and temperatures. Pure, and it never raises.

Negation follows NegEx: a negation word negates the symptom words after it in its clause ("no
numbness or tingling"), a word like "gone" or "fine" the ones before it ("the tingling is gone").
"""

from __future__ import annotations

from reminder.durations import CLOCK_AFTER, CLOCK_BEFORE, NUMBER
from reminder.facts import Facts
from reminder.lexicon import Lexicon
from reminder.site_reading import is_site_word

_NEGATION_REACH = 5  # words after a negation word that it still negates
_AFTER_REACH = 6  # words before "gone" / "fine" that it negates


def negatable(word: str, lex: Lexicon) -> bool:
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
    return all(NUMBER.fullmatch(w) or w in known or is_site_word(w, lex) for w in words)


def read_answers(words: list[str], lex: Lexicon, facts: Facts) -> None:
    """Scores, Y/N, symptoms with their negation and course, fever and temperatures."""
    # "2 0 Y my hand is clumsy": the answers that open a sentence are answers all the same.
    prefix = next((i for i, w in enumerate(words) if not _score_like([w], lex)), len(words))
    labels = lex.flu_labels | lex.site_labels
    content = [w for w in words if w not in lex.filler]
    # A course word alone ("still there", "gone now") or opening the clause ("gone after 1 day")
    # speaks of the symptom asked about; inside a longer sentence it may be about anything ("I
    # don't want to be here anymore").
    # Not "keine Lust mehr zu leben" ("nomore" before a noun): no symptom is gone there.
    opening = (lex.gone | lex.better) - {"nomore"}
    short = len(content) <= 3 or (bool(content) and content[0] in opening)
    used = [False] * len(words)
    for i, word in enumerate(words):
        if used[i]:
            continue
        score_like = i < prefix
        number = _number(word, lex, score_like or _beside_label(words, i, labels))
        if number is not None and _clock_time(words, i):
            used[i] = True  # "temp 38.6 at 3am": when, not a score
            if i + 1 < len(words) and words[i + 1] in CLOCK_AFTER:
                used[i + 1] = True
        elif number is not None:
            used[i] = True
            _number_fact(words, i, number, lex, facts, score_like, used)
        elif symptom_kind(word, lex) is not None:
            _symptom(words, i, lex, facts)
        elif word in lex.fever:
            after = words[i + 1] if i + 1 < len(words) else ""
            negates_next = i + 2 < len(words) and negatable(words[i + 2], lex)  # "fever no fever"
            denied = _negated(words, i, lex)  # "no fever N": the N is the symptom's
            if not denied and (after in lex.yes or (after in lex.no and not negates_next)):
                # "Fever N", "fever: yes 38.2": the Y or N answers the fever, not the symptom
                used[i + 1] = True
                facts.fever.append(after in lex.yes)
            else:
                # "no fever", and "the fever is gone": no fever now
                gone = _followed_by(words, i, lex.gone, lex)
                fever = not _negated(words, i, lex) and not gone
                if fever or not _was_feverish(words, facts):
                    facts.fever.append(fever)
        elif word in lex.temperature:
            denied = _negated(words, i, lex) or _followed_by(words, i, lex.normal, lex)
            if denied and not _was_feverish(words, facts):
                facts.fever.append(False)
        elif word in lex.relapse:
            # not "no relapse", nor "what if I have a relapse"
            said = not _negated(words, i, lex) and lex.conditional.isdisjoint(words)
            facts.relapse = facts.relapse or said
        elif word in lex.nothing_new:
            facts.nothing_new = True
        elif word in lex.yes and score_like and not _joins(words, i, lex):
            if len(word) > 1 and i + 1 < len(words) and words[i + 1] in lex.fever | lex.temperature:
                continue  # "5 4 yes fever 38": the yes is the fever's; a bare Y still answers
            facts.answers.append(True)
        elif (
            word in lex.no
            and score_like
            and (len(word) == 1 or not (i + 1 < len(words) and negatable(words[i + 1], lex)))
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


def _was_feverish(words: list[str], facts: Facts) -> bool:
    """ "felt feverish overnight but no temp now": a fever said, then none now; the fever that
    was is that day's fever, as a temperature taken and then a normal one is."""
    return any(facts.fever) and "now" in words


def _clock_time(words: list[str], i: int) -> bool:
    """ "at 3", "3am", "at 11 pm": a number that tells the time. "about 3" may be a score."""
    after = words[i + 1] if i + 1 < len(words) else ""
    return (i > 0 and words[i - 1] in CLOCK_BEFORE) or after in CLOCK_AFTER


def _joins(words: list[str], i: int, lex: Lexicon) -> bool:
    """Whether a yes word is "and" here: Spanish "3 8 y supura" joins, "3 1 Y N" answers twice."""
    after = words[i + 1 : i + 2]
    return words[i] in lex.coordinators and bool(after) and after[0] not in lex.yes | lex.no


def _number(word: str, lex: Lexicon, words_count: bool) -> str | None:
    if NUMBER.fullmatch(word):
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
        fever = value >= 38.0 if unit == "C" else value >= 100.4
        if facts.measured and not fever:
            return  # "38.6 last night, 37.1 now": the fever that was, not the normal one after it
        facts.temperature, facts.temp_unit, facts.measured = value, unit, fever
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


def symptom_kind(word: str, lex: Lexicon) -> str | None:
    """The symptom kind a word names, plurals and "'s" included ("tingling's" -> "tinglings")."""
    kind = lex.symptoms.get(word)
    if kind is None and word.endswith("s"):
        kind = lex.symptoms.get(word[:-1])
    return kind


def _symptom(words: list[str], i: int, lex: Lexicon, facts: Facts) -> None:
    kind = symptom_kind(words[i], lex)
    assert kind is not None
    if kind == "numbness" and _at_spot(words, i, lex):
        return  # "the injection site is numb": the skin where the needle went in
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
    elif _negated(words, i, lex) or (len(words) == i + 2 and words[-1] in lex.no):
        facts.denied.update(found)  # "no tingling", and "tingling no" at the clause's end
    else:
        facts.symptoms.update(found)


def _at_spot(words: list[str], i: int, lex: Lexicon) -> bool:
    """Whether the part of the clause that holds ``words[i]`` ("and" and "but" end it) speaks
    of the injection spot: "site is red and my leg is numb" is numbness all the same."""
    ends = lex.coordinators | lex.conjunctions
    start = next((j + 1 for j in range(i - 1, -1, -1) if words[j] in ends), 0)
    end = next((j for j in range(i + 1, len(words)) if words[j] in ends), len(words))
    joined = f" {' '.join(words[start:end])} "
    return any(f" {spot} " in joined for spot in lex.at_spot)


def _negated(words: list[str], i: int, lex: Lexicon) -> bool:
    """A negation word in the few words before ``words[i]``, within its clause ("and" ends it)."""
    for j in range(i - 1, max(i - 1 - _NEGATION_REACH, -1), -1):
        if words[j] in lex.coordinators or words[j] in lex.still:
            return False
        if words[j] in lex.negators or words[j] in lex.nothing_new:
            return True  # "no new numbness" ("nothingnew numbness" by then)
    return False


def _followed_by(words: list[str], i: int, enders: frozenset[str], lex: Lexicon) -> bool:
    for word in words[i + 1 : i + 1 + _AFTER_REACH]:
        if word in lex.coordinators or word in lex.conjunctions or word == "still":
            return False
        if word in enders:
            return True
    return False
