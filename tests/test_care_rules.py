"""The pure rules of the care beyond the injection: when the PHQ-2 is asked and what it scores,
the vial arithmetic, and the lab schedule counted from the last test."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from reminder import labs, regimen, screening, supply, triage
from reminder.config_sections import Triage

CHICAGO = ZoneInfo("America/Chicago")
ENROLLED = date(2026, 3, 3)


def test_the_first_screen_is_due_every_days_after_enrolment_then_after_the_last() -> None:
    assert screening.due_day(None, ENROLLED, 28) == date(2026, 3, 31)
    assert screening.due_day(date(2026, 4, 1), ENROLLED, 28) == date(2026, 4, 29)


def test_an_every_days_of_zero_turns_the_screen_off() -> None:
    assert screening.due_day(None, ENROLLED, 0) is None


def test_the_screen_is_never_asked_the_morning_after_a_dose() -> None:
    due = date(2026, 3, 31)
    assert screening.ask_day(due, due, date(2026, 3, 30), False) == date(2026, 4, 1)
    # Nor on the morning of a dose taken just after midnight.
    assert screening.ask_day(due, due, due, False) == date(2026, 4, 2)
    assert screening.ask_day(due, due, date(2026, 3, 29), False) == due


def test_the_screen_waits_while_a_relapse_screen_is_open() -> None:
    due = date(2026, 3, 31)
    assert screening.ask_day(due, due, None, True) == date(2026, 4, 1)
    # A day still to come is looked at again when it comes.
    assert screening.ask_day(due, date(2026, 3, 20), None, True) == due


def test_a_late_screen_is_asked_today_not_on_its_past_day() -> None:
    assert screening.ask_day(date(2026, 3, 31), date(2026, 4, 3), None, False) == date(2026, 4, 3)


def test_the_cut_off_counts_the_total_of_both_answers() -> None:
    assert screening.positive(2, 1, 3)
    assert screening.positive(0, 3, 3)
    assert not screening.positive(1, 1, 3)
    assert not screening.positive(2, 2, 5)


def _screen(interest: int | None, mood: int | None) -> triage.Prompt:
    at = datetime(2026, 3, 31, 15, 0, tzinfo=UTC)
    return triage.Prompt(
        id=7,
        kind="phq2",
        status="answered",
        asked_at=at,
        closed_at=at,
        answers=(triage.Answer(at=at, interest=interest, mood=mood),),
    )


def test_a_positive_screen_is_a_routine_depression_finding_with_both_answers() -> None:
    history = triage.History(prompts=(_screen(2, 2),))
    (finding,) = triage.evaluate(history, Triage(), CHICAGO, phq2_alert_score=3)
    assert (finding.kind, finding.severity) == ("depression_screen", "routine")
    assert "little interest or pleasure 2 (more than half the days)" in finding.reason
    assert "feeling down or hopeless 2" in finding.reason and "total 4 of 6" in finding.reason


def test_a_screen_under_the_cut_off_or_half_answered_raises_nothing() -> None:
    for interest, mood in ((1, 1), (3, None)):
        history = triage.History(prompts=(_screen(interest, mood),))
        assert triage.evaluate(history, Triage(), CHICAGO, phq2_alert_score=3) == []


def test_an_unanswered_screen_is_never_counted_by_the_adherence_rule() -> None:
    at = datetime(2026, 3, 31, 15, 0, tzinfo=UTC)
    silent = tuple(
        triage.Prompt(id=i, kind="phq2", status="unanswered", asked_at=at, closed_at=at)
        for i in range(5)
    )
    assert triage.evaluate(triage.History(prompts=silent), Triage(), CHICAGO) == []


def test_a_dose_uses_one_vial_and_the_count_never_goes_below_zero() -> None:
    assert supply.after_dose(5) == 4
    assert supply.after_dose(0) == 0
    assert supply.after_dose(None) is None


def test_the_run_out_date_is_the_next_dose_and_one_every_other_day_after() -> None:
    assert supply.run_out_date(date(2026, 3, 5), 1) == date(2026, 3, 5)
    assert supply.run_out_date(date(2026, 3, 5), 5) == date(2026, 3, 13)
    assert supply.run_out_date(date(2026, 3, 5), 0) is None
    assert supply.run_out_date(None, 5) is None


def test_the_vials_run_low_when_they_cover_fewer_than_the_lead_days() -> None:
    assert not supply.runs_low(5, 10)  # 10 days covered
    assert supply.runs_low(4, 10)  # 8 days
    assert not supply.runs_low(None, 10)  # no count: never a refill message


def test_the_first_refill_reminder_is_at_the_next_check_in_time_then_every_repeat_days() -> None:
    nine = time(9, 0)
    evening = datetime(2026, 3, 5, 19, 40, tzinfo=CHICAGO)  # the dose that left 4 vials
    first = supply.refill_reminder_at(
        4, evening, None, lead_days=10, repeat_days=3, checkin_time=nine, zone=CHICAGO
    )
    assert first == datetime(2026, 3, 6, 9, 0, tzinfo=CHICAGO)
    again = supply.refill_reminder_at(
        3, evening, first, lead_days=10, repeat_days=3, checkin_time=nine, zone=CHICAGO
    )
    assert again == datetime(2026, 3, 9, 9, 0, tzinfo=CHICAGO)
    enough = supply.refill_reminder_at(
        14, evening, None, lead_days=10, repeat_days=3, checkin_time=nine, zone=CHICAGO
    )
    assert enough is None


def test_the_lab_schedule_without_a_test_is_the_label_s() -> None:
    start = date(2026, 1, 31)
    for after in (start, date(2026, 3, 1), date(2026, 5, 1), date(2026, 8, 1)):
        assert labs.routine_due(start, None, after) == regimen.next_lab_date(start, after)


def test_a_late_test_moves_the_next_lab_date_by_as_much() -> None:
    start = date(2026, 1, 1)
    # Due 1 Feb, done 10 Feb: the 3-month test comes two months after it, not on 1 Apr.
    assert labs.routine_due(start, date(2026, 2, 10), date(2026, 2, 11)) == date(2026, 4, 10)
    # Done at 6 months, on 15 Jul: then every 6 months from that day.
    assert labs.routine_due(start, date(2026, 7, 15), date(2026, 7, 16)) == date(2027, 1, 15)
    # Past a missed step, the spacing from the last test still holds.
    assert labs.routine_due(start, date(2026, 2, 10), date(2026, 4, 11)) == date(2026, 7, 10)


def test_thyroid_tests_come_every_few_months_from_the_last_one_or_are_off() -> None:
    start = date(2026, 1, 1)
    assert labs.thyroid_due(start, None, 6, start) == date(2026, 7, 1)
    assert labs.thyroid_due(start, date(2026, 8, 3), 6, date(2026, 8, 4)) == date(2027, 2, 3)
    assert labs.thyroid_due(start, None, 0, start) is None
