"""The injection site a reply's words name: a side and a part ("left thigh", "belly left") or a
code ("LT"). Pure; a part without its side is no site, since guessing the side would corrupt the
rotation."""

from __future__ import annotations

from reminder.lexicon import Lexicon


def read_site(words: list[str], lex: Lexicon) -> str | None:
    """The one site the words name (a side and a part, or a code), or None."""
    sides: set[str] = set()
    parts: set[str] = set()
    for k, word in enumerate(words):
        if word in lex.site_codes and not is_article(words, k, lex):
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


def is_article(words: list[str], k: int, lex: Lexicon) -> bool:
    """Whether a code word is an article here: Spanish and French "la" before any word ("la
    pierna", "la inyección"); "done LA" alone still names the left arm."""
    followed = k + 1 < len(words)
    return followed and (words[k + 1] in lex.parts or words[k] in lex.site_filler)


def is_site_word(word: str, lex: Lexicon) -> bool:
    return word in lex.site_codes or word in lex.left or word in lex.right or word in lex.parts
