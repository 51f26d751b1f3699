"""Tests for reminder.planner: scenarios on a simulated clock, through tick, receive and the outbox.

Each scenario ticks the way the daemon would: at every moment something is due (the earliest
``next_action_at`` or queued message), then sends what is due through the console transport, and
asserts on the Dose and Message rows that result.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from reminder import lifecycle, planner
from reminder.clock import SimulatedClock
from reminder.config import Settings
from reminder.db import session_scope
from reminder.models import (
    DoseStatus,
    FailureCode,
    Message,
    MessageKind,
    MessageStatus,
    Patient,
    PatientStatus,
)
from reminder.regimen import SITES
from tests.scenario import CHICAGO, PHONE, Bot, local

OTHER_PHONE = "+13125550102"


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def in_quiet_hours(moment: datetime) -> bool:
    wall = moment.astimezone(CHICAGO).time()
    return wall >= time(21, 30) or wall < time(8, 0)


@pytest.fixture
def bot(engine: Engine, settings: Settings, clock: SimulatedClock) -> Bot:
    return Bot(engine, settings, clock)


def sent(messages: list[Message]) -> list[Message]:
    return [m for m in messages if m.status == MessageStatus.SENT]


def local_days(messages: list[Message]) -> list[date]:
    return [m.send_at.astimezone(CHICAGO).date() for m in messages]


# The worked example and the missed-dose rule


def test_the_worked_example_follows_the_doses_actually_taken(bot: Bot) -> None:
    bot.enrol()  # Tuesday 3 March 2026, 09:00 in Chicago, full dose, 19:30
    bot.run_until(local(3, 3, 19, 40))
    assert bot.say("DONE").parsed_as == "taken"
    bot.run_until(local(3, 6, 8, 30))  # no answer on Thursday 5 March
    assert bot.say("DONE").parsed_as == "taken"
    bot.run_until(local(3, 8, 21, 0))

    reminders = bot.messages(MessageKind.REMINDER)
    # Sunday 8 March is spring-forward day: 19:30 CDT is 00:30 UTC, an hour earlier than before.
    expected = [utc(3, 4, 1, 30), utc(3, 6, 1, 30), utc(3, 9, 0, 30)]
    assert [m.send_at for m in reminders] == expected
    assert [m.sent_at for m in reminders] == expected
    assert all(m.status == MessageStatus.SENT for m in reminders)
    assert {m.send_at.astimezone(CHICAGO).time() for m in reminders} == {time(19, 30)}
    assert date(2026, 3, 7) not in local_days(bot.messages(MessageKind.REMINDER, MessageKind.NUDGE))
    # Saturday 7 March only asks how the dose of Friday morning went: the check-in, and its re-ask.
    saturday = [
        m for m in bot.messages() if m.send_at.astimezone(CHICAGO).date() == date(2026, 3, 7)
    ]
    assert [(m.kind, m.send_at) for m in saturday] == [
        (MessageKind.CHECKIN, local(3, 7, 9, 0)),
        (MessageKind.CHECKIN, local(3, 7, 18, 0)),
    ]

    first, third, fifth = bot.doses()
    assert (first.day, first.status, first.taken_at) == (
        date(2026, 3, 3),
        DoseStatus.TAKEN,
        local(3, 3, 19, 40),
    )
    assert (third.day, third.status, third.taken_at) == (
        date(2026, 3, 5),
        DoseStatus.TAKEN,
        local(3, 6, 8, 30),
    )
    assert (fifth.day, fifth.status, fifth.scheduled_at) == (
        date(2026, 3, 8),
        DoseStatus.PENDING,
        utc(3, 9, 0, 30),
    )
    # The late dose was nudged once, at the end of the night's quiet hours, before DONE came.
    assert [m.send_at for m in bot.messages(MessageKind.NUDGE)] == [local(3, 6, 8, 0)]


def test_ticking_twice_at_the_same_moment_writes_no_extra_message(bot: Bot) -> None:
    bot.enrol()
    bot.run_until(local(3, 3, 19, 30))
    written = [(m.idempotency_key, m.status) for m in bot.messages()]
    assert [m.kind for m in bot.messages()] == [MessageKind.REMINDER]

    again = bot.tick()

    assert again.messages == 0
    assert [(m.idempotency_key, m.status) for m in bot.messages()] == written


def test_an_unanswered_dose_is_missed_when_its_window_closes_and_the_next_is_that_evening(
    bot: Bot,
) -> None:
    bot.enrol()
    bot.run_until(local(3, 4, 19, 29))
    (first,) = bot.doses()
    assert first.status == DoseStatus.PENDING

    bot.run_until(local(3, 4, 19, 30))

    first, second = bot.doses()
    assert (first.status, first.closed_at) == (DoseStatus.MISSED, local(3, 4, 19, 30))
    assert (second.day, second.status, second.scheduled_at) == (
        date(2026, 3, 4),
        DoseStatus.PENDING,
        local(3, 4, 19, 30),
    )
    reminders = bot.messages(MessageKind.REMINDER)
    assert [(m.dose_id, m.sent_at) for m in reminders] == [
        (first.id, local(3, 3, 19, 30)),
        (second.id, local(3, 4, 19, 30)),
    ]


# Titration and site rotation


def test_a_new_patient_ramps_up_from_a_quarter_to_half_a_millilitre(bot: Bot) -> None:
    bot.enrol(full_dose=False)
    for day in range(3, 25, 2):  # every other evening from 3 to 23 March, each one taken
        bot.run_until(local(3, day, 19, 35))
        assert bot.say("DONE").parsed_as == "taken"

    reminders = bot.messages(MessageKind.REMINDER)
    days = local_days(reminders)
    assert days == [date(2026, 3, day) for day in range(3, 25, 2)]
    for reminder, day in zip(reminders, days, strict=True):
        week = (day - date(2026, 3, 3)).days // 7 + 1
        volume, mcg, text = (0.25, 62.5, "0.25 mL") if week <= 2 else (0.5, 125.0, "0.5 mL")
        assert (reminder.context["volume_ml"], reminder.context["dose_mcg"]) == (volume, mcg)
        assert reminder.body is not None and text in reminder.body
    assert {d.volume_ml for d in bot.doses() if d.day >= date(2026, 3, 17)} == {0.5}


@pytest.mark.parametrize(
    ("injured", "expected"),
    [([], "right_thigh"), (["right_thigh"], "left_arm")],
    ids=["next", "next-not-injured"],
)
def test_the_site_after_done_lt_is_the_next_one_in_rotation(
    bot: Bot, injured: list[str], expected: str
) -> None:
    assert SITES[SITES.index("left_thigh") + 1] == "right_thigh"
    patient_id = bot.enrol()
    bot.update_patient(patient_id, injured_sites=injured)
    bot.run_until(local(3, 3, 19, 40))

    bot.say("DONE LT")
    bot.run_until(local(3, 5, 19, 30))

    first, second = bot.doses()
    assert (first.site, first.site_reported) == ("left_thigh", True)
    assert second.suggested_site == expected
    reminder = bot.messages(MessageKind.REMINDER)[-1]
    assert reminder.dose_id == second.id
    assert reminder.context["site"] == expected
    assert reminder.body is not None and "left thigh" not in reminder.body
    if expected == "right_thigh":
        assert "right thigh" in reminder.body


# Nudges


def test_an_unanswered_evening_reminder_is_nudged_once_when_quiet_hours_end(bot: Bot) -> None:
    bot.enrol()
    bot.run_until(local(3, 3, 19, 30))
    # A daemon ticking every quarter of an hour through the night and the next day.
    moment = local(3, 3, 19, 45)
    while moment < local(3, 4, 19, 45):
        bot.at(moment)
        moment += timedelta(minutes=15)

    first = bot.doses()[0]
    nudges = bot.messages(MessageKind.NUDGE)
    assert [(m.dose_id, m.send_at, m.sent_at) for m in nudges] == [
        (first.id, local(3, 4, 8, 0), local(3, 4, 8, 0))
    ]
    assert not [m for m in sent(bot.messages()) if m.sent_at and in_quiet_hours(m.sent_at)]
    assert first.status == DoseStatus.MISSED


def test_a_daytime_reminder_is_nudged_after_two_hours(bot: Bot) -> None:
    bot.enrol(dose_time="12:00", start="2026-03-04")
    bot.run_until(local(3, 4, 18, 0))

    (nudge,) = bot.messages(MessageKind.NUDGE)
    assert (nudge.send_at, nudge.sent_at, nudge.status) == (
        local(3, 4, 14, 0),
        local(3, 4, 14, 0),
        MessageStatus.SENT,
    )
    assert nudge.body is not None and "nudge" in nudge.body


@pytest.mark.parametrize("answer", ["DONE", "LATER"])
def test_an_answered_reminder_is_not_nudged(bot: Bot, answer: str) -> None:
    bot.enrol()
    bot.run_until(local(3, 3, 19, 40))
    bot.say(answer)
    bot.run_until(local(3, 4, 19, 29))

    assert bot.messages(MessageKind.NUDGE) == []
    first = bot.doses()[0]
    reminders = [(m.sent_at, m.context["snoozed"]) for m in bot.messages(MessageKind.REMINDER)]
    if answer == "DONE":
        assert first.status == DoseStatus.TAKEN
        assert reminders == [(local(3, 3, 19, 30), False)]
    else:
        assert first.status == DoseStatus.PENDING
        assert reminders == [(local(3, 3, 19, 30), False), (local(3, 3, 20, 40), True)]


# Catching up after the daemon was down (late_send_grace, 6 h by default)


def test_a_reminder_is_still_sent_when_the_daemon_comes_back_within_the_grace(bot: Bot) -> None:
    bot.enrol(dose_time="09:00", start="2026-03-04")
    bot.at(local(3, 4, 8, 0))
    bot.at(local(3, 4, 12, 0))  # down from 08:00 until three hours after the 09:00 reminder

    (reminder,) = bot.messages(MessageKind.REMINDER)
    assert (reminder.status, reminder.send_at, reminder.sent_at) == (
        MessageStatus.SENT,
        local(3, 4, 9, 0),
        local(3, 4, 12, 0),
    )
    # The nudge still waits two hours after the reminder actually went out, not after 09:00.
    assert bot.messages(MessageKind.NUDGE) == []
    bot.run_until(local(3, 4, 15, 0))
    assert [m.sent_at for m in bot.messages(MessageKind.NUDGE)] == [local(3, 4, 14, 0)]


def test_a_reminder_too_late_to_send_is_kept_as_cancelled_with_the_reason(bot: Bot) -> None:
    bot.enrol(dose_time="09:00", start="2026-03-04")
    bot.at(local(3, 4, 8, 0))
    bot.at(local(3, 4, 16, 0))  # seven hours after the 09:00 reminder

    (reminder,) = bot.messages(MessageKind.REMINDER)
    assert reminder.status == MessageStatus.CANCELLED
    assert reminder.failed_reason is not None and "too late" in reminder.failed_reason
    assert reminder.sent_at is None
    assert (reminder.send_at, reminder.dose_id) == (local(3, 4, 9, 0), bot.doses()[0].id)


def test_a_reminder_that_never_went_out_says_why_as_a_code(bot: Bot) -> None:
    bot.enrol(dose_time="09:00", start="2026-03-04")
    bot.at(local(3, 4, 8, 0))
    bot.at(local(3, 4, 16, 0))  # seven hours after the 09:00 reminder
    bot.at(local(3, 6, 12, 0))  # and down again past the next dose's whole window

    first, second = bot.messages(MessageKind.REMINDER)[:2]
    assert first.failure == FailureCode.TOO_LATE
    assert (second.failure, second.failed_reason) == (
        FailureCode.WINDOW_CLOSED,
        "the dose window closed before the reminder went out",
    )


def test_a_catch_up_in_quiet_hours_sends_nothing_before_they_end(bot: Bot) -> None:
    bot.enrol()
    bot.at(local(3, 3, 18, 0))
    bot.at(local(3, 3, 22, 30))  # back three hours after the 19:30 reminder, in quiet hours
    bot.run_until(local(3, 4, 12, 0))

    assert not [m for m in sent(bot.messages()) if m.sent_at and in_quiet_hours(m.sent_at)]
    (reminder,) = bot.messages(MessageKind.REMINDER)
    # Held to 08:00 it would be 12.5 h late, past the grace: recorded, not silently dropped.
    assert reminder.status == MessageStatus.CANCELLED
    assert reminder.failed_reason is not None and "too late" in reminder.failed_reason
    assert [m.sent_at for m in bot.messages(MessageKind.NUDGE)] == [local(3, 4, 8, 0)]


# Lab reminders


def test_lab_reminders_come_a_month_after_start_then_at_three_months(bot: Bot) -> None:
    patient_id = bot.enrol()
    bot.at(local(4, 3, 8, 59))
    assert bot.messages(MessageKind.LAB) == []

    bot.at(local(4, 3, 9, 0))  # the check-in time, 09:00
    bot.tick()

    (lab,) = bot.messages(MessageKind.LAB)
    assert (lab.status, lab.send_at, lab.sent_at) == (
        MessageStatus.SENT,
        local(4, 3, 9, 0),
        local(4, 3, 9, 0),
    )
    assert lab.context["on"] == "2026-04-03"
    assert bot.patient(patient_id).next_lab_on == date(2026, 6, 3)

    bot.at(local(6, 2, 9, 0))
    assert len(bot.messages(MessageKind.LAB)) == 1
    bot.at(local(6, 3, 9, 0))
    labs = bot.messages(MessageKind.LAB)
    assert [(m.context["on"], m.sent_at) for m in labs] == [
        ("2026-04-03", local(4, 3, 9, 0)),
        ("2026-06-03", local(6, 3, 9, 0)),
    ]


def test_a_lab_reminder_is_not_lost_to_a_long_outage(bot: Bot) -> None:
    bot.enrol()
    bot.at(local(4, 3, 8, 0))
    bot.at(local(4, 3, 16, 0))  # down for seven hours over the 09:00 lab reminder

    (lab,) = bot.messages(MessageKind.LAB)
    assert (lab.status, lab.sent_at) == (MessageStatus.SENT, local(4, 3, 16, 0))


# Pause and opt-out


def test_a_paused_patient_gets_nothing_until_the_pause_ends(bot: Bot) -> None:
    patient_id = bot.enrol()
    bot.run_until(local(3, 3, 20, 0))
    with session_scope(bot.engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        lifecycle.pause(session, patient, local(3, 5, 20, 0), bot.clock.now())

    bot.run_until(local(3, 5, 19, 59))
    assert [m.kind for m in sent(bot.messages())] == [MessageKind.REMINDER]
    assert bot.patient(patient_id).status == PatientStatus.PAUSED

    bot.run_until(local(3, 6, 19, 30))

    patient = bot.patient(patient_id)
    assert (patient.status, patient.paused_until) == (PatientStatus.ACTIVE, None)
    first, second = bot.doses()
    assert (first.day, first.status) == (date(2026, 3, 3), DoseStatus.CANCELLED)
    # 19:30 on the 5th is before the pause ends, so the next preferred time is the 6th.
    assert (second.day, second.status) == (date(2026, 3, 6), DoseStatus.PENDING)
    assert [m.sent_at for m in sent(bot.messages())] == [local(3, 3, 19, 30), local(3, 6, 19, 30)]


def test_an_opted_out_patient_gets_nothing_from_tick(bot: Bot) -> None:
    patient_id = bot.enrol()
    bot.update_patient(patient_id, status=PatientStatus.OPTED_OUT, opted_out_at=bot.clock.now())

    stats = bot.tick()
    for day in range(3, 10):
        bot.at(local(3, day, 19, 30))
        bot.at(local(3, day + 1, 8, 0))
    bot.at(local(4, 3, 9, 0))

    assert stats.patients == 1  # it was due, was read, and was left alone
    assert bot.messages() == []
    assert bot.doses() == []
    assert bot.patient(patient_id).next_action_at is None


# Only due patients are read


def test_after_planning_the_next_action_is_the_next_thing_due(bot: Bot) -> None:
    patient_id = bot.enrol()
    assert bot.tick().patients == 1
    assert bot.patient(patient_id).next_action_at == local(3, 3, 19, 30)  # the reminder

    assert bot.at(local(3, 3, 12, 0)).patients == 0

    assert bot.at(local(3, 3, 19, 30)).patients == 1
    assert bot.patient(patient_id).next_action_at == local(3, 4, 8, 0)  # the nudge

    assert bot.at(local(3, 4, 8, 0)).patients == 1
    assert bot.patient(patient_id).next_action_at == local(3, 4, 19, 30)  # the window closes

    bot.at(local(3, 4, 9, 0))
    bot.say("DONE")
    patient = bot.patient(patient_id)
    assert patient.next_action_at == local(3, 5, 9, 0)  # the check-in the morning after the dose
    assert patient.next_action_at > bot.clock.now()

    assert bot.at(local(3, 5, 9, 0)).patients == 1
    assert bot.patient(patient_id).next_action_at == local(3, 5, 18, 0)  # its re-ask
    bot.at(local(3, 5, 10, 0))
    bot.say("2 1 N")
    # Answered: no re-ask; the next dose (planned by the DONE) is the next thing due.
    assert bot.patient(patient_id).next_action_at == local(3, 6, 19, 30)
    assert bot.at(local(3, 5, 18, 0)).patients == 0


def test_a_tick_reads_only_the_patients_whose_moment_has_come(bot: Bot) -> None:
    evening = bot.enrol(phone=PHONE)
    morning = bot.enrol(phone=OTHER_PHONE, dose_time="10:00")
    bot.tick()

    stats = bot.at(local(3, 3, 10, 0))

    assert stats.patients == 1
    assert [m.patient_id for m in bot.messages()] == [morning]
    assert bot.patient(evening).next_action_at == local(3, 3, 19, 30)
    assert bot.patient(morning).next_action_at == local(3, 3, 12, 0)


# Cost


def test_a_busy_tick_makes_as_many_statements_for_thirty_due_patients_as_for_three(
    bot: Bot, engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    """A batch is read and written in a fixed number of statements: a query added per patient
    would make a busy minute of 10k due cost 10k round trips, and shows here first."""
    for number in range(33):
        bot.enrol(phone=f"+1312555{100 + number:04d}", dose_time="19:30" if number < 3 else "20:30")
    planner.tick(engine, settings, clock)  # the first tick plans everyone's first dose

    def busy_tick_at(moment: datetime) -> tuple[int, planner.TickStats]:
        statements: list[str] = []

        def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            statements.append(statement)

        clock.set(moment)
        sa.event.listen(engine, "before_cursor_execute", seen)
        try:
            stats = planner.tick(engine, settings, clock)
        finally:
            sa.event.remove(engine, "before_cursor_execute", seen)
        return len(statements), stats

    few, few_stats = busy_tick_at(local(3, 3, 19, 30))
    many, many_stats = busy_tick_at(local(3, 3, 20, 30))

    assert (few_stats.patients, few_stats.messages) == (3, 3)
    assert (many_stats.patients, many_stats.messages) == (30, 30)
    assert many == few
