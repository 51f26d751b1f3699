"""Read a PHQ-2 answer that says which item each value is for: "first one 1, second one 2",
"interest 2 mood 1", "nearly every day for both", "2 for the first and 1", or that restates a
number in words ("1 - several days" is one answer, not two). Pure, and it never raises.

An answer with none of this is left to the plain reading of numbers and frequency words in order
(reminder.interpret), so this reader returns nothing for "2 1" or "several days, not at all".
"""

from __future__ import annotations

import re

from reminder.lexicon import Lexicon

BOTH = 3  # the item of "for both": the value answers the two
CLASH = -1  # "3 - several days": a number and the words beside it disagree; ask again
_FIRST = frozenset("first 1st interest interested pleasure enjoyment".split())
_SECOND = frozenset("second 2nd mood down depressed hopeless".split())
_BOTHS = frozenset("both each".split())
# Words that may stand between a label and its value: "first one is 1", "both are about 2".
_BETWEEN = frozenset(
    "one is was are for the about i id say would be maybe probably prob around like its it a an"
    " question questions q number no of them to".split()
)
_UNITS = frozenset(
    "week weeks day days hour hours time times month months year years am pm".split()
)
_ONE_AFTER = frozenset("first second the that this each which other last".split())
_REACH = 3  # words between a label and its value


_Token = tuple[str, str, int]  # kind ("number", "said", "label" or "word"), word, value or item


def read_phq(
    joined: str, frequencies: re.Pattern[str], lex: Lexicon
) -> tuple[tuple[int, int], ...]:
    """(item, value) pairs, item 1 or 2, BOTH, or 0 when unlabelled; () when the text labels
    nothing and restates nothing."""
    words = joined.split()
    if len(words) == 4 and words[::2] == ["1", "2"] and all(w in "0123" for w in words[1::2]):
        # "1) 2 2) 1", "1. 0 2. 1": each answer after its item's number
        return ((1, int(words[1])), (2, int(words[3])))
    tokens = _tokens(joined, frequencies, lex)
    values = [i for i, token in enumerate(tokens) if token[0] in ("number", "said")]
    said = [i for i in values if tokens[i][0] == "said"]
    structured = False
    # "1 - several days", "2. more than half the days": a number beside the words that say it
    # again, or before the words it numbers as an item ("2- not at all"), is one answer.
    for i in [i for i in values if tokens[i][0] == "number"]:
        neighbour = next((j for j in (i + 1, i - 1) if j in said), None)
        if neighbour is None:
            continue
        number, position = tokens[i][2], said.index(neighbour) + 1
        if number == tokens[neighbour][2] or (neighbour == i + 1 and number == position):
            values.remove(i)
            structured = True
        elif neighbour == i + 1:
            return ((CLASH, number),)
    items: dict[int, int] = {}
    for i, (kind, _word, item) in enumerate(tokens):
        if kind != "label":
            continue
        structured = True
        # "2 for the first", "nearly every day for both": the value before; else the one after.
        before = [t[1] for t in tokens[max(i - 2, 0) : i]]
        after_for = before[-1:] in (["for"], ["to"]) or before in (["for", "the"], ["to", "the"])
        ahead = _near(tokens, values, items, range(i + 1, len(tokens)))
        behind = _near(tokens, values, items, range(i - 1, -1, -1))
        chosen = (behind if behind is not None else ahead) if after_for else ahead
        if chosen is None and item == BOTH:
            chosen = behind  # "several days both"; "2 1 first time" labels nothing
        if chosen is not None:
            items[chosen] = item
    if not structured:
        return ()
    return tuple((items.get(i, 0), tokens[i][2]) for i in values)


def _near(
    tokens: list[_Token], values: list[int], taken: dict[int, int], where: range
) -> int | None:
    """The first value not yet labelled within reach, past the words that may stand between."""
    for gap, j in enumerate(where):
        kind, word, _ = tokens[j]
        if kind in ("number", "said"):
            return j if j in values and j not in taken else None
        if kind == "label" or word not in _BETWEEN or gap >= _REACH:
            return None
    return None


def _tokens(joined: str, frequencies: re.Pattern[str], lex: Lexicon) -> list[_Token]:
    """The text as numbers, frequency words with their score, item labels and other words."""
    marked = frequencies.sub(
        lambda m: " phq" + next(k for k, v in m.groupdict().items() if v)[1:] + " ", joined
    )
    # "la primera", "beide": the English label words, read over the frequencies marked ("phq1").
    marked = " ".join(marked.split())
    for pattern, label in lex.phq_labels:
        marked = re.sub(rf"(?<!\S)(?:{pattern})(?!\S)", label, marked)
    words = marked.split()
    tokens: list[_Token] = []
    for k, word in enumerate(words):
        before = words[k - 1] if k else ""
        after = words[k + 1] if k + 1 < len(words) else ""
        if re.fullmatch(r"phq[0-9]", word):
            tokens.append(("said", word, int(word[3])))
        elif before == "q" and word in ("1", "2"):
            tokens[-1] = ("label", word, int(word))
        elif word in ("st", "nd") and before in ("1", "2"):
            tokens[-1] = ("label", before, int(before))  # "1st", split as "1 st"
        elif word in _FIRST or word in _SECOND or word in _BOTHS:
            tokens.append(("label", word, 1 if word in _FIRST else 2 if word in _SECOND else BOTH))
        elif re.fullmatch(r"[0-9]{1,2}", word) and after not in _UNITS:
            tokens.append(("number", word, int(word)))
        elif word in lex.numbers and before not in _ONE_AFTER:
            tokens.append(("number", word, lex.numbers[word]))
        else:
            tokens.append(("word", word, 0))
    return tokens
