"""The labelled corpus of replies in context (tests/reply_corpus.py): each reads as labelled."""

from __future__ import annotations

from dataclasses import fields

import pytest

from reminder.interpret import interpret
from reminder.replies import Prompt, Reading, parse
from tests.reply_cases import Case
from tests.reply_corpus import CASES

# Raw and wording fields: what the conversation quotes back, not what the text says; and what a
# question asks about, which only words its answer (tests/test_replies.py reads it).
_NOT_LABELLED = {"answer", "bare", "site_text", "detail", "about_schedule"}
_FIELDS = [f.name for f in fields(Reading) if f.name not in _NOT_LABELLED]
_DEFAULT = Reading()


def read(case: Case) -> dict[str, object]:
    reading = interpret(parse(case.text), Prompt(case.prompt))
    return {name: _plain(getattr(reading, name)) for name in _FIELDS}


def _plain(value: object) -> object:
    if isinstance(value, frozenset):
        return set(value)
    if isinstance(value, str) and hasattr(value, "value"):
        return str(value)
    return value


def expected(case: Case) -> dict[str, object]:
    values = {name: _plain(getattr(_DEFAULT, name)) for name in _FIELDS}
    for name, value in case.expected.items():
        values[name] = set(value) if isinstance(value, set | frozenset) else value
    return values


def test_the_corpus_is_large_and_labels_only_known_fields() -> None:
    assert len(CASES) >= 300
    for case in CASES:
        assert set(case.expected) <= set(_FIELDS), case


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.prompt}:{c.text[:40]}")
def test_each_reply_reads_as_a_nurse_would_read_it(case: Case) -> None:
    got, want = read(case), expected(case)
    differs = {k: (got[k], want[k]) for k in _FIELDS if got[k] != want[k]}
    assert not differs, f"{case.text!r} at {case.prompt}: (read, labelled) {differs}"
