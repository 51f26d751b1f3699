"""Reading the care replies: REFILL, VIALS, LAB DONE and the PHQ-2 answers, which are PHQ-2
answers only while the screen is the open prompt."""

from __future__ import annotations

import pytest

from reminder.interpret import interpret
from reminder.replies import Problem, Prompt, parse


@pytest.mark.parametrize(
    ("text", "refill"),
    [("REFILL", 0), ("refill 14", 14), ("Refilled: 15 vials", 15), ("got a new pack", 0)],
)
def test_a_refill_is_read_with_its_count_or_none_for_a_pack(text: str, refill: int) -> None:
    assert interpret(parse(text), Prompt.NONE).refill == refill


@pytest.mark.parametrize("text", ["I need a refill", "no refill yet", "when is my refill due"])
def test_a_refill_only_asked_about_records_nothing(text: str) -> None:
    assert interpret(parse(text), Prompt.NONE).refill is None


def test_a_count_of_vials_is_read_and_zero_is_a_count() -> None:
    assert interpret(parse("VIALS 9"), Prompt.NONE).vials == 9
    assert interpret(parse("9 vials left"), Prompt.DOSE).vials == 9
    assert interpret(parse("vials 0"), Prompt.NONE).vials == 0


def test_lab_done_is_a_lab_test_but_done_lab_is_a_dose_at_the_left_abdomen() -> None:
    assert interpret(parse("LAB DONE"), Prompt.NONE).lab_done
    assert interpret(parse("had my bloods done this morning"), Prompt.NONE).lab_done
    dose = interpret(parse("done LAB"), Prompt.DOSE)
    assert (dose.lab_done, dose.dose, dose.site) == (False, "taken", "left_abdomen")


def test_a_dose_and_a_refill_in_one_text_are_both_read() -> None:
    reading = interpret(parse("done, refill 15"), Prompt.DOSE)
    assert (reading.dose, reading.refill) == ("taken", 15)


def test_two_numbers_answer_both_items_of_the_open_screen_and_nothing_else() -> None:
    screen = interpret(parse("1 2"), Prompt.PHQ2)
    assert (screen.phq_interest, screen.phq_mood, screen.flu, screen.site_score) == (
        1,
        2,
        None,
        None,
    )
    checkin = interpret(parse("1 2"), Prompt.CHECKIN)
    assert (checkin.phq_interest, checkin.flu, checkin.site_score) == (None, 1, 2)


def test_one_answer_goes_to_the_item_still_open() -> None:
    assert interpret(parse("2"), Prompt.PHQ2).phq_interest == 2
    second = interpret(parse("2"), Prompt.PHQ2, interest_known=True)
    assert (second.phq_interest, second.phq_mood) == (None, 2)


def test_the_frequencies_in_words_are_scores_and_not_a_course() -> None:
    reading = interpret(parse("not at all, nearly every day"), Prompt.PHQ2)
    assert (reading.phq_interest, reading.phq_mood, reading.course) == (0, 3, None)
    assert interpret(parse("more than half the days"), Prompt.PHQ2).phq_interest == 2
    # Elsewhere the same words are no answer at all.
    assert interpret(parse("several days"), Prompt.FOLLOWUP).phq_interest is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [("1 5", Problem.PHQ_RANGE), ("1 12", Problem.PHQ_RANGE), ("1 2 3", Problem.TOO_MANY)],
)
def test_an_answer_out_of_range_is_asked_again_not_recorded(text: str, problem: Problem) -> None:
    reading = interpret(parse(text), Prompt.PHQ2)
    assert reading.problem == problem
    assert (reading.phq_interest, reading.phq_mood) == (None, None)


def test_self_harm_words_in_a_screen_answer_are_read_with_it() -> None:
    reading = interpret(parse("3 3 and I want to die"), Prompt.PHQ2)
    assert (reading.phq_interest, reading.phq_mood, reading.self_harm) == (3, 3, True)
