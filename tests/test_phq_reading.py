"""PHQ-2 answers that name their item, answer both, or restate a number (reminder.phq_reading)."""

from __future__ import annotations

from reminder.interpret import interpret
from reminder.lexicon import for_language
from reminder.phq_reading import BOTH, read_phq
from reminder.replies import Prompt, parse


def _read(text: str) -> tuple[tuple[int, int], ...]:
    compiled = for_language("en")
    assert compiled.phq is not None
    return read_phq(text, compiled.phq, compiled.lexicon)


def test_plain_numbers_are_left_to_the_reading_in_order() -> None:
    assert _read("2 1") == ()
    assert _read("several days not at all") == ()


def test_a_number_restated_in_words_is_one_answer() -> None:
    assert _read("1 several days") == ((0, 1),)


def test_a_label_before_or_for_names_the_item() -> None:
    assert _read("first 2 second 3") == ((1, 2), (2, 3))
    assert _read("2 for the first and 1") == ((1, 2), (0, 1))
    assert _read("nearly every day for both") == ((BOTH, 3),)


def test_a_restated_number_to_the_second_question_is_the_mood() -> None:
    reading = interpret(parse("1 - several days"), Prompt.PHQ2, interest_known=True)
    assert (reading.phq_interest, reading.phq_mood) == (None, 1)


def test_answers_numbered_by_their_items_are_read_on_those_items() -> None:
    for text, interest, mood in (("1) 2 2) 1", 2, 1), ("1. 0 2. 1", 0, 1), ("1) 3, 2) 3", 3, 3)):
        reading = interpret(parse(text), Prompt.PHQ2)
        assert (reading.phq_interest, reading.phq_mood, reading.problem) == (interest, mood, None)
    assert interpret(parse("a) several days b) not at all"), Prompt.PHQ2).phq_mood == 0
    assert interpret(parse("1 2 2 1"), Prompt.CHECKIN).problem == "too_many"
