"""The check-in conversation on a simulated clock: asked the morning after a taken dose, answered
in compact or partial form, re-asked once, corrected when a score cannot be read, and closed.

Everything goes through the real entry points: the planner's tick, conversation.receive and the
outbox, as the daemon and a patient's phone would drive them.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from reminder.clock import SimulatedClock
from reminder.config import Settings
from reminder.db import session_scope
from reminder.models import (
    AlertKind,
    CheckIn,
    CheckInKind,
    CheckInStatus,
    DoseStatus,
    Message,
    MessageKind,
    MessageStatus,
)
from tests.scenario import Bot, local


@pytest.fixture
def bot(engine: Engine, settings: Settings, clock: SimulatedClock) -> Bot:
    return Bot(engine, settings, clock)


@pytest.fixture
def patient_id(bot: Bot) -> int:
    """Ada, full dose at 19:30 from Tuesday 3 March; she takes the first dose at 19:40."""
    patient_id = bot.enrol()
    bot.run_until(local(3, 3, 19, 40))
    bot.say("DONE")
    return patient_id


def check_ins(bot: Bot, kind: CheckInKind | None = None) -> list[CheckIn]:
    with session_scope(bot.engine) as session:
        statement = select(CheckIn).order_by(col(CheckIn.due_at), col(CheckIn.id))
        if kind is not None:
            statement = statement.where(CheckIn.kind == kind)
        return list(session.exec(statement))


def body(message: Message) -> str:
    assert message.status == MessageStatus.SENT, (message.status, message.failed_reason)
    assert message.body is not None
    return message.body


def answer(bot: Bot) -> str:
    return body(bot.last_reply())


def test_the_check_in_is_sent_the_morning_after_a_taken_dose(bot: Bot, patient_id: int) -> None:
    dose = bot.doses()[0]
    bot.run_until(local(3, 4, 8, 59))
    assert bot.messages(MessageKind.CHECKIN) == []

    bot.run_until(local(3, 4, 9, 0))

    (asked,) = bot.messages(MessageKind.CHECKIN)
    assert (asked.idempotency_key, asked.sent_at, asked.to_address) == (
        f"checkin:{dose.id}",
        local(3, 4, 9, 0),
        "+13125550101",
    )
    assert "2 scores from 0 (none) to 10 (worst)" in body(asked)
    (stored,) = check_ins(bot)
    assert (stored.kind, stored.status, stored.dose_id, stored.site) == (
        CheckInKind.CHECKIN,
        CheckInStatus.OPEN,
        dose.id,
        "left_arm",
    )
    # Answerable until the earliest next reminder could go out: Thursday 19:30.
    assert (stored.asked_at, stored.expires_at) == (local(3, 4, 9, 0), local(3, 5, 19, 30))


def test_no_check_in_follows_a_missed_or_skipped_dose(bot: Bot) -> None:
    bot.enrol()
    bot.run_until(local(3, 4, 19, 40))  # Tuesday's dose missed
    bot.say("skip")  # and Wednesday's skipped
    bot.run_until(local(3, 6, 12, 0))

    assert [d.status for d in bot.doses()][:2] == [DoseStatus.MISSED, DoseStatus.SKIPPED]
    assert check_ins(bot) == []
    assert bot.messages(MessageKind.CHECKIN) == []


@pytest.mark.parametrize(
    ("text", "flu", "site", "neuro", "fever"),
    [
        ("3 1 N", 3, 1, False, None),
        ("3,1 n", 3, 1, False, None),
        ("flu 3 site 1 no fever N", 3, 1, False, False),
        ("0 0 N FEVER", 0, 0, False, True),
    ],
)
def test_a_compact_answer_completes_the_check_in(
    bot: Bot,
    patient_id: int,
    text: str,
    flu: int,
    site: int,
    neuro: bool,
    fever: bool | None,
) -> None:
    bot.run_until(local(3, 4, 9, 12))

    outcome = bot.say(text)

    (stored,) = check_ins(bot)
    assert (stored.status, stored.flu_score, stored.site_score, stored.neuro, stored.fever) == (
        CheckInStatus.ANSWERED,
        flu,
        site,
        neuro,
        fever,
    )
    assert (stored.answered_at, stored.closed_at) == (local(3, 4, 9, 12), local(3, 4, 9, 12))
    assert [a["text"] for a in stored.answers] == [text]  # the raw text is kept with the answer
    assert outcome.parsed_as == "checkin"
    assert answer(bot).startswith(f"Thanks, recorded: flu-like {flu}, injection site {site}")
    # Answered: no re-ask in the evening, and no alert for ordinary scores.
    bot.run_until(local(3, 5, 19, 31))
    assert len(bot.messages(MessageKind.CHECKIN)) == 1
    assert bot.messages(MessageKind.ALERT) == []


def test_a_partial_answer_asks_only_for_what_is_missing(bot: Bot, patient_id: int) -> None:
    bot.run_until(local(3, 4, 9, 30))

    bot.say("flu 3 site 1 fever")

    (stored,) = check_ins(bot)
    assert (stored.status, stored.flu_score, stored.site_score, stored.fever) == (
        CheckInStatus.OPEN,
        3,
        1,
        True,
    )
    assert answer(bot) == (
        "Thanks, noted: flu-like 3, injection site 1. Any new or worse vision, numbness, "
        "weakness, balance or bladder problem? Reply Y or N."
    )

    bot.clock.set(local(3, 4, 9, 35))
    bot.say("N")

    (stored,) = check_ins(bot)
    assert (stored.status, stored.neuro, stored.fever) == (CheckInStatus.ANSWERED, False, True)
    assert [a["text"] for a in stored.answers] == ["flu 3 site 1 fever", "N"]
    assert answer(bot) == "Thanks, recorded: flu-like 3, injection site 1, no new symptoms, fever."
    # A partly answered check-in is not re-asked: the missing part was asked for once, at once.
    bot.run_until(local(3, 5, 19, 31))
    assert len(bot.messages(MessageKind.CHECKIN)) == 1


def test_one_bare_number_fills_the_one_score_still_missing(bot: Bot, patient_id: int) -> None:
    bot.run_until(local(3, 4, 9, 30))
    bot.say("flu 4 N")
    assert "Please also send your injection-site score from 0 to 10" in answer(bot)

    bot.say("2")

    (stored,) = check_ins(bot)
    assert (stored.status, stored.flu_score, stored.site_score) == (CheckInStatus.ANSWERED, 4, 2)


@pytest.mark.parametrize(
    ("text", "words", "kept"),
    [
        ("12 1 N", "Scores go from 0 to 10, and I read 12.", (None, None, False)),
        ("3 -1", "Scores go from 0 to 10, and I read -1.", (None, None, None)),
        ("2.5 1", "Please use whole numbers from 0 to 10 (I read 2.5)", (None, None, None)),
        ("3 1 5", "I found more scores than I asked for (3 1 5).", (None, None, None)),
        ("5", "Is 5 your flu-like score or your injection-site score?", (None, None, None)),
        ("maybe a 6", "Is 6 your flu-like score or your injection-site score?", (None, None, None)),
        ("3 1 Y N", "I read both yes and no.", (3, 1, None)),
    ],
)
def test_an_answer_that_cannot_be_read_gets_a_specific_question_and_the_clear_part_is_kept(
    bot: Bot, patient_id: int, text: str, words: str, kept: tuple[object, ...]
) -> None:
    bot.run_until(local(3, 4, 9, 30))

    bot.say(text)

    (stored,) = check_ins(bot)
    assert stored.status == CheckInStatus.OPEN
    assert (stored.flu_score, stored.site_score, stored.neuro) == kept
    assert words in answer(bot)  # never a silent guess
    assert bot.inbox()[-1].body == text  # and never lost


def test_a_sentence_with_no_answer_in_it_is_answered_with_help(bot: Bot, patient_id: int) -> None:
    bot.run_until(local(3, 4, 9, 30))

    bot.say("feeling rough today, the kids kept me up")

    (stored,) = check_ins(bot)
    assert (stored.flu_score, stored.site_score, stored.neuro, stored.answers) == (
        None,
        None,
        None,
        [],
    )
    assert "Sorry, I couldn't read that as check-in answers." in answer(bot)


def test_an_unanswered_check_in_is_asked_once_more_by_evening_and_then_closed(
    bot: Bot, patient_id: int
) -> None:
    bot.run_until(local(3, 5, 19, 31))

    first, again = bot.messages(MessageKind.CHECKIN)
    assert (first.sent_at, again.sent_at) == (local(3, 4, 9, 0), local(3, 4, 18, 0))
    assert again.idempotency_key == first.idempotency_key + ":reask"
    assert "checking in once more" in body(again)
    (stored,) = check_ins(bot)
    assert (stored.status, stored.reasked_at, stored.closed_at) == (
        CheckInStatus.UNANSWERED,
        local(3, 4, 18, 0),
        local(3, 5, 19, 30),
    )


def test_an_answer_after_the_check_in_closed_is_kept_and_not_applied(
    bot: Bot, patient_id: int
) -> None:
    bot.run_until(local(3, 5, 19, 31))

    bot.say("3 1 N")

    (stored,) = check_ins(bot)
    assert (stored.status, stored.flu_score) == (CheckInStatus.UNANSWERED, None)
    assert "No check-in is open just now" in answer(bot)
    assert bot.inbox()[-1].body == "3 1 N"


def test_y_goes_to_the_question_asked_last(bot: Bot, patient_id: int) -> None:
    bot.run_until(local(3, 4, 9, 30))
    bot.say("2 1")

    bot.say("Y")  # to the check-in's symptom question: a symptom, not a dose

    (stored, followup) = check_ins(bot)
    assert (stored.status, stored.neuro) == (CheckInStatus.ANSWERED, True)
    assert (followup.kind, followup.status, followup.due_at) == (
        CheckInKind.FOLLOWUP,
        CheckInStatus.PLANNED,
        local(3, 5, 9, 30),
    )
    assert [d.status for d in bot.doses()] == [DoseStatus.TAKEN, DoseStatus.PENDING]
    assert "I'll ask on Thu 5 Mar whether it is still there" in answer(bot)

    bot.run_until(local(3, 5, 9, 40))
    bot.say("N")  # to the follow-up: gone
    assert check_ins(bot)[1].neuro is False
    assert answer(bot) == "Good to hear it has gone. Thanks for letting me know."

    bot.run_until(local(3, 5, 19, 40))
    bot.say("Y")  # after the evening reminder: the dose is taken
    assert [d.status for d in bot.doses()][:2] == [DoseStatus.TAKEN, DoseStatus.TAKEN]
    assert bot.messages(MessageKind.ALERT) == []


def test_a_symptom_named_later_that_day_still_starts_the_relapse_screen(
    bot: Bot, patient_id: int
) -> None:
    bot.run_until(local(3, 4, 9, 30))
    bot.say("2 1 N")
    bot.clock.set(local(3, 4, 15, 0))

    bot.say("actually numbness in my left leg")

    stored, followup = check_ins(bot)
    assert (stored.neuro, stored.symptoms) == (True, ["numbness"])
    assert (followup.kind, followup.due_at, followup.symptoms) == (
        CheckInKind.FOLLOWUP,
        local(3, 5, 15, 0),
        ["numbness"],
    )


def test_an_unanswered_follow_up_is_re_checked_at_48_hours_then_closed_and_raises_an_alert(
    bot: Bot, patient_id: int
) -> None:
    bot.run_until(local(3, 4, 10, 0))
    bot.say("2 1 Y numbness")

    bot.run_until(local(3, 7, 10, 1))

    followups = bot.messages(MessageKind.FOLLOWUP)
    assert [(m.idempotency_key, m.sent_at) for m in followups] == [
        (f"followup:{check_ins(bot)[0].id}", local(3, 5, 10, 0)),
        (f"followup:{check_ins(bot)[0].id}:reask", local(3, 6, 10, 0)),
    ]
    assert "on Wed 4 Mar you told me about numbness or tingling. Is it still there?" in body(
        followups[0]
    )
    assert "I haven't heard back" in body(followups[1])
    followup = check_ins(bot, CheckInKind.FOLLOWUP)[0]
    assert (followup.status, followup.closed_at) == (CheckInStatus.UNANSWERED, local(3, 7, 10, 0))
    # Silence after a new symptom is no "gone": someone should ask whether it is still there.
    (alert,) = bot.alerts()
    assert (alert.kind, alert.created_at) == (AlertKind.POSSIBLE_RELAPSE, local(3, 7, 10, 0))
    assert alert.reason == (
        "new numbness or tingling reported on 4 Mar; asked twice whether it is still there,"
        " no answer by 7 Mar"
    )


def test_a_follow_up_due_in_quiet_hours_waits_for_the_morning(bot: Bot, patient_id: int) -> None:
    bot.run_until(local(3, 4, 9, 0))
    bot.clock.set(local(3, 4, 21, 45))
    bot.say("2 1 Y")

    bot.run_until(local(3, 5, 23, 0))
    (held,) = bot.messages(MessageKind.FOLLOWUP)
    assert (held.status, held.send_at) == (MessageStatus.QUEUED, local(3, 6, 8, 0))

    bot.run_until(local(3, 6, 8, 0))
    (asked,) = bot.messages(MessageKind.FOLLOWUP)
    assert (asked.status, asked.sent_at) == (MessageStatus.SENT, local(3, 6, 8, 0))


def test_pause_withdraws_open_questions_so_they_never_count_as_unanswered(
    bot: Bot, patient_id: int
) -> None:
    bot.run_until(local(3, 4, 9, 30))
    bot.say("PAUSE 3")
    bot.run_until(local(3, 8, 12, 0))

    (stored,) = check_ins(bot)
    assert (stored.status, stored.reason) == (CheckInStatus.CANCELLED, "paused")
    assert len(bot.messages(MessageKind.CHECKIN)) == 1
    assert bot.messages(MessageKind.ALERT) == []


def test_an_injured_site_is_skipped_until_the_patient_says_it_healed(
    bot: Bot, patient_id: int
) -> None:
    bot.run_until(local(3, 4, 9, 30))
    bot.say("2 8 N")  # a bad reaction where Tuesday's dose went: the back of the left arm

    assert bot.patient(patient_id).injured_sites == ["left_arm"]
    assert "I won't suggest the back of left upper arm for injections until it heals" in answer(bot)
    (site_alert,) = bot.messages(MessageKind.ALERT) or [None]
    assert site_alert is None  # no contact enrolled: the alert is recorded, sent to no one
    # Doses go on rotating, never back to the left arm, for a week.
    for day, when in ((5, 19), (7, 19), (9, 19)):
        bot.run_until(local(3, day, when, 40))
        bot.say("DONE")
    suggested = [d.suggested_site for d in bot.doses()]
    assert "left_arm" not in suggested[1:]

    # A week after the flag, at check-in time, the patient is asked whether it healed.
    bot.run_until(local(3, 11, 9, 0))
    (question,) = bot.messages(MessageKind.FOLLOWUP)
    assert question.sent_at == local(3, 11, 9, 0)
    assert "has the injection site on your back of left upper arm healed?" in body(question)

    bot.say("N")
    assert bot.patient(patient_id).injured_sites == ["left_arm"]
    assert "ask again in 7 days" in answer(bot)

    bot.clock.set(local(3, 12, 10, 0))
    bot.say("HEALED")

    assert bot.patient(patient_id).injured_sites == []
    assert (
        answer(bot)
        == "Thanks. The back of left upper arm is back among the suggested injection sites."
    )
    heal_questions = check_ins(bot, CheckInKind.SITE_HEAL)
    assert [q.status for q in heal_questions] == [CheckInStatus.ANSWERED, CheckInStatus.ANSWERED]
    bot.run_until(local(3, 20, 12, 0))
    assert len(bot.messages(MessageKind.FOLLOWUP)) == 1  # never asked again once healed


def test_healed_with_two_injured_sites_asks_which(bot: Bot, patient_id: int) -> None:
    bot.update_patient(patient_id, injured_sites=["left_arm", "right_thigh"])

    bot.say("healed")
    assert "Which site has healed: back of left upper arm or right thigh?" in answer(bot)
    assert bot.patient(patient_id).injured_sites == ["left_arm", "right_thigh"]

    bot.say("healed RT")
    assert bot.patient(patient_id).injured_sites == ["left_arm"]


def test_check_in_rows_are_written_once_however_often_the_planner_runs(
    bot: Bot, patient_id: int
) -> None:
    bot.run_until(local(3, 4, 9, 0))
    before = [(c.key, c.status) for c in check_ins(bot)]
    keys = [m.idempotency_key for m in bot.messages()]

    bot.tick()
    bot.tick()

    assert [(c.key, c.status) for c in check_ins(bot)] == before
    assert [m.idempotency_key for m in bot.messages()] == keys


def test_the_check_in_its_re_ask_and_its_close_are_the_next_actions(
    bot: Bot, patient_id: int
) -> None:
    assert bot.patient(patient_id).next_action_at == local(3, 4, 9, 0)  # the check-in
    assert bot.at(local(3, 4, 8, 59)).patients == 0
    bot.run_until(local(3, 4, 9, 0))
    assert bot.patient(patient_id).next_action_at == local(3, 4, 18, 0)  # its re-ask
    bot.run_until(local(3, 4, 18, 0))
    # Then the next dose's reminder, which is also when the check-in closes.
    assert bot.patient(patient_id).next_action_at == local(3, 5, 19, 30)
    assert [d.day for d in bot.doses()] == [date(2026, 3, 3), date(2026, 3, 5)]


_REPLIES = st.sampled_from(
    ["3 1", "N", "Y", "FEVER", "12", "2.5", "5", "3 1 5", "numbness", "HEALED", "flu 3", "OK", "?"]
)


@given(texts=st.lists(_REPLIES | st.text(max_size=40), min_size=1, max_size=4))
@hypothesis_settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_whatever_the_patient_replies_to_a_check_in_scores_stay_in_range_and_nothing_is_lost(
    engine: Engine, settings: Settings, texts: list[str]
) -> None:
    bot = Bot(engine, settings, SimulatedClock(local(3, 3, 9, 0)))
    with session_scope(engine) as session:  # each example starts from an empty database
        for table in (
            "checkin",
            "alert",
            "message",
            "inboundmessage",
            "dose",
            "contact",
            "patient",
        ):
            session.execute(sa.text(f"DELETE FROM {table}"))
    bot.enrol()
    bot.run_until(local(3, 3, 19, 40))
    bot.say("DONE")
    bot.run_until(local(3, 4, 9, 0))

    for minute, text in enumerate(texts, start=1):
        bot.clock.set(local(3, 4, 9, minute))
        bot.say(text)

    (stored,) = check_ins(bot, CheckInKind.CHECKIN)
    for score in (stored.flu_score, stored.site_score):
        assert score is None or 0 <= score <= 10
    kept = [i.body for i in bot.inbox()][1:]
    assert kept == [t.replace("\x00", "\ufffd") for t in texts]
    assert len(bot.replies()) >= 1
