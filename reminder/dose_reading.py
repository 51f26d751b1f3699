"""Read what a clause says of the dose: taken (with its time, site or a remark to quote back),
skipped, not yet (with a snooze), or a site healed. Pure, and it never raises."""

from __future__ import annotations

import re

from reminder.answer_reading import negatable, read_answers, symptom_kind
from reminder.durations import (
    AM,
    AT,
    CLOCK,
    CLOCK_BEFORE,
    NUMBER,
    PM,
    UNITS,
    clamp,
    is_duration_word,
    minutes,
    without_clock_times,
)
from reminder.facts import Facts
from reminder.lexicon import Lexicon
from reminder.site_reading import is_article, is_site_word, read_site

_SOON = frozenset("after soon shortly tonight tomorrow tmrw".split())  # "after dinner"
_OBJECTS = frozenset(
    "it mine my the her his injection shot jab dose needle today tonight now at".split()
)
_MAX_SITE_WORDS = 3  # "done left elbow" quotes a site; "done with work for today" is a sentence


def read_taken(words: list[str], lex: Lexicon, facts: Facts) -> bool:
    """ "done", "I've taken it", "ok did mine LT at 7pm": a plain statement that it happened."""
    if words and words[0] in lex.moment:
        # "when I got home I did it", "after work i took it": the dose is the main clause's
        main = next((j for j in range(2, len(words)) if words[j] in lex.taken), None)
        if main is None or (lex.past.isdisjoint(words[1:main]) and words[main] not in lex.past):
            return False
        while main > 1 and words[main - 1] in lex.taken_subject:
            main -= 1
        return read_taken(words[main:], lex, facts)
    i = 0
    while i < len(words) and (words[i] in lex.ok or words[i] in lex.yes):
        i += 1
    while i < len(words) and words[i] in lex.taken_subject:
        i += 1
    if i >= len(words) or words[i] not in lex.taken:
        return False
    rest = words[i + 1 :]
    if rest and rest[0] in ("with", "for", "by") and rest[1:2] not in (["her"], ["him"]):
        return False  # "done with work", "done for the day"; "done for her" is a carer's
    if (
        words[i] in ("took", "did")
        and rest
        and rest[0] not in _OBJECTS
        and not (
            is_site_word(rest[0], lex) or NUMBER.fullmatch(rest[0]) or CLOCK.fullmatch(rest[0])
        )
    ):
        return False  # "I took 2 paracetamol" is not the injection
    counted = len(rest) > 1 and rest[1] not in AM | PM and rest[1] not in UNITS
    if words[i] in ("took", "did") and NUMBER.fullmatch(rest[0] if rest else "") and counted:
        return False  # "took 2 tablets"
    if any(
        w in lex.negators and (j + 1 >= len(rest) or not negatable(rest[j + 1], lex))
        for j, w in enumerate(rest)
    ):
        return False  # "done not", "done? not really": never a dose on a doubt
    in_duration = "in" in rest and _wait(rest[rest.index("in") + 1 :])
    future = lex.future
    if words[i] in lex.past or not lex.past.isdisjoint(rest):
        future = future - lex.moment  # "did it tonight", "done when i got home": it happened
    if in_duration or any(w in future or w in lex.later or w in lex.not_yet for w in rest):
        facts.doses.append("not_yet")
        facts.snooze = clamp(minutes(without_clock_times(rest), 60, 1), 1440)
        _snooze_at(rest, lex, facts)
        return True
    facts.doses.append("taken")
    rest = _without_moment(_stated_time(rest, lex, facts), lex)
    # An article that looks like a code ("lista la inyección") is gone before prefixes are tried.
    rest = [w for k, w in enumerate(rest) if not (w in lex.site_codes and is_article(rest, k, lex))]
    remark = [w for w in rest if w not in lex.filler and w not in lex.polite]
    remark = [
        w
        for w in remark
        if w
        not in (
            *("it", "mine", "my", "now", "in", "on", "into", "late", "instead"),
            *("her", "him", "his", "hers", "me", "for"),
        )
    ]
    if remark[:1] and remark[0] in lex.taken_subject and not is_site_word(remark[0], lex):
        remark = remark[1:]  # "did my shot": the shot is what was done, not a site
    for end in range(len(remark), 0, -1):
        site = read_site(remark[:end], lex)
        if site and not any(is_site_word(w, lex) for w in remark[end:]):
            facts.sites.add(site)
            remark = remark[end:]
            break
    else:
        if len([w for w in remark if is_site_word(w, lex)]) > 1 and read_site(remark, lex) is None:
            sides = [w for w in remark if w in lex.left or w in lex.right or w in lex.site_codes]
            if len(sides) > 1:
                facts.sites.update({"?1", "?2"})  # two sites for one dose: ask which
                return True
    if all(is_duration_word(w) and not _degrees(remark, w, lex) for w in remark):
        remark = []  # "done 2 hrs late": how late, not a site; "done 38.5" is a temperature
    quotable = remark and not any(
        symptom_kind(w, lex)
        or w in lex.injury
        or w in lex.temperature
        or w in lex.fever
        or _degrees(remark, w, lex)  # "listo y tengo 38,3": a temperature, read as one
        for w in remark
    )
    if quotable and len(remark) <= _MAX_SITE_WORDS and not facts.sites:
        facts.site_text = " ".join(remark)
        return True
    if remark:
        read_answers(remark, lex, facts)
    return True


def _degrees(words: list[str], word: str, lex: Lexicon) -> bool:
    """Whether a number in the words is a temperature ("38.9", "temp 101"), not a length."""
    if not NUMBER.fullmatch(word):
        return False
    i = words.index(word)
    before = words[i - 1] if i else ""
    value = float(word)
    return (
        before in lex.temperature | lex.fever
        or ("." in word and (35 <= value < 43 or 95 <= value < 109))
        or (before == "of" and value >= 35)
    )


def _without_moment(remark: list[str], lex: Lexicon) -> list[str]:
    """The words after DONE without the moment they place it at: "tonight" goes, and "when I
    got home" (a moment in the past tense) to its end, so neither is quoted back as a site."""
    for k, word in enumerate(remark):
        if word in lex.moment and not lex.past.isdisjoint(remark[k + 1 : k + 4]):
            return [w for w in remark[:k] if w not in lex.moment]
    return [w for w in remark if w not in lex.moment]


def _wait(words: list[str]) -> bool:
    """Whether the words after "in" give a wait ("in 20 min", "in about 2 hours"), not a place
    ("in my right tummy about 9pm")."""
    words = words[1:] if words[:1] in (["about"], ["around"], ["another"]) else words
    return bool(words) and is_duration_word(words[0]) and minutes(words, 60, 1) is not None


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
        if not clock and before not in AT and after not in PM | AM and (i > 0 or after in UNITS):
            continue  # "done 2 hrs late" is no clock time
        hour = int(clock.group(1) if clock else word)
        minute = int(clock.group(2)) if clock else 0
        if hour > 23 or minute > 59:
            continue
        if (
            after in PM or (not clock and after not in AM and not PM.isdisjoint(rest))
        ) and hour < 12:
            hour += 12  # "at 9 pm", and "tonight at 9": an hour alone, in the evening
        elif after in AM and hour == 12:
            hour = 0
        facts.taken_at = f"{hour}:{minute:02d}"
        used = {i, i - 1 if before in AT else i, i + 1 if after in PM | AM else i}
        return [w for j, w in enumerate(rest) if j not in used and w not in PM | AM]
    return rest


_AT_TIME = CLOCK_BEFORE | {"around"}  # "done, around 7": in a clause of its own, a time
# Words that may stand beside a stated time in its own clause: "done, at 8 tonight", "late, at 11".
_WHEN_FILLER = frozenset("late earlier this last tonight evening morning night ish".split())


def read_time(words: list[str], lex: Lexicon, facts: Facts) -> bool:
    """A clause that only says when: "at 8", "8pm", "at 7:30", "2 hours ago", as in "done, at 8"
    or "yes, 2 hours ago". It is the time of the dose said beside it, never a score."""
    # "about 3" and "by 3" are as often a score as a time: only "at", "around", a clock or am/pm.
    clocked = any(w in _AT_TIME or w in AM | PM or CLOCK.fullmatch(w) for w in words)
    if not clocked and not any(w in lex.ago for w in words):
        return False
    said = Facts()
    rest = _stated_time(words, lex, said)
    if said.taken_at is None and said.taken_ago is None:
        return False
    # "done, left thigh at 8pm": the site said with its time is read too.
    others = [w for w in rest if w not in _WHEN_FILLER and w not in lex.filler | lex.polite]
    site = read_site(others, lex) if others else None
    if others and site is None:
        return False
    if site is not None:
        facts.sites.add(site)
    facts.taken_at = facts.taken_at or said.taken_at
    facts.taken_ago = facts.taken_ago or said.taken_ago
    return True


def read_not_taken(words: list[str], lex: Lexicon, facts: Facts) -> bool:
    """SKIP; LATER, SNOOZE 2h, "not yet", "in an hour", "remind me in 30 min"."""
    if any(w in lex.skip for w in words):
        facts.doses.append("skipped")
        _unwell(words, lex, facts)
        return True
    later = any(w in lex.later or w in lex.not_yet for w in words)
    core = [w for w in words if w not in lex.polite]
    # "20 mins", "1 hr pls": a wait alone, never a score
    in_duration = (words[0] == "in" and _wait(words[1:])) or (
        len(core) == 2 and bool(NUMBER.fullmatch(core[0])) and UNITS.get(core[1], 1440) <= 60
    )
    soon = words[0] in _SOON and len(words) <= 3
    if not later and not in_duration and not soon:
        return False
    facts.doses.append("not_yet")
    # "not done yet, fever of 38.9": a temperature is no wait
    waits = [w for k, w in enumerate(without_clock_times(words)) if not _degrees(words, w, lex)]
    facts.snooze = clamp(minutes(waits, 60, 1), 1440) or facts.snooze
    _snooze_at(words, lex, facts)
    _unwell(words, lex, facts)
    return True


def _snooze_at(words: list[str], lex: Lexicon, facts: Facts) -> None:
    """ "remind me at 10", "will do it at 9:30pm": the clock time to be reminded at, when no wait
    was said ("in 20 min at the latest" is the wait)."""
    if facts.snooze is not None or any(w in lex.ago for w in words):
        return
    said = Facts()
    _stated_time(words, lex, said)
    facts.snooze_at = said.taken_at


def _unwell(words: list[str], lex: Lexicon, facts: Facts) -> None:
    """ "skipping tonight got a fever": the reason given beside a skip or a delay is read too (a
    symptom, a fever, a temperature), but never its numbers as scores or its words as a course."""
    said = Facts()
    read_answers(words, lex, said)
    facts.symptoms |= said.symptoms
    facts.denied |= said.denied
    facts.resolved |= said.resolved
    facts.fever += said.fever
    if said.temperature is not None:
        facts.temperature, facts.temp_unit = said.temperature, said.temp_unit
        facts.measured = said.measured


def read_healed(words: list[str], lex: Lexicon, facts: Facts) -> bool:
    if not any(w in lex.healed for w in words):
        return False
    negated = any(w in lex.negators or w in lex.not_yet for w in words)
    facts.healed = not negated
    others = [w for w in words if is_site_word(w, lex)]
    if others and (site := read_site(others, lex)) is not None:
        facts.sites.add(site)
    return True
