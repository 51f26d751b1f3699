"""A reply's text made ready for the clause readers: NFKD, casefolded, accents dropped (as
lexicon.fold does to the words), digits as ASCII, punctuation as clause breaks, emoji as spaces;
then cut into clauses, with phrases rewritten to one word each. Pure, and it never raises."""

from __future__ import annotations

import re
import unicodedata

from reminder.lexicon import Compiled, Lexicon

MAX_CHARS = 500  # a reply is one SMS or the top of an email; bounds the work on any input
_BREAK, _QUESTION = "\x01", "\x02"
_SPACES = frozenset((" ", _BREAK, _QUESTION))
_BREAKS = frozenset('.!;\n\r\u2026()[]{}<>|~"*')
_QUESTION_MARKS = frozenset("?\u00bf\u061f")
_APOSTROPHES = frozenset("'`\u00b4\u2018\u2019\u02bc")
OUT_OF_TEN = re.compile(r"([0-9])\s*/\s*10(?![0-9])")
_TOKEN = re.compile(r"-?[0-9]+(?:[.:][0-9]+)?|[^\s0-9]+")


def normalise(text: str, lexicon: Lexicon) -> tuple[list[str], list[tuple[list[str], bool]]]:
    """All the reply's words, and its clauses as (words, whether the clause asks a question)."""
    # Decomposed, so the loop drops accents as combining marks: "fièvre" reads as "fievre".
    text = unicodedata.normalize("NFKD", text[:MAX_CHARS].casefold())
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


def join_clauses(
    clauses: list[tuple[list[str], bool]], lexicon: Lexicon
) -> list[tuple[list[str], bool]]:
    """ "pause; 7", "snooze - 2h", "refilled, 14 vials": a command word and the number after it,
    split by punctuation, are one clause again."""
    commands = lexicon.pause | lexicon.later | lexicon.ok | lexicon.refill
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


def rewrite(words: list[str], compiled: Compiled) -> list[str]:
    """The clause with its phrases rewritten to one word each."""
    joined = " ".join(words)
    for pattern, replacement in compiled.phrases:
        joined = pattern.sub(replacement, joined)
    return joined.split()
