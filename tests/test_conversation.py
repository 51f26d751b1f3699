"""Tests for reminder.conversation: what a patient writes is stored raw, applied to the one open
dose, and answered, on a simulated clock through receive, tick and the outbox."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from reminder.clock import SimulatedClock
from reminder.config import Settings, load_settings
from reminder.db import session_scope
from reminder.enrolment import add_contact
from reminder.models import (
    Contact,
    ContactRole,
    DoseStatus,
    InboundMessage,
    Message,
    MessageKind,
    MessageStatus,
    Patient,
    PatientStatus,
)
from reminder.queue import enqueue, message_values
from tests.scenario import PHONE, Bot, local

STRANGER = "+13125550199"
CONTACT_PHONE = "+13125550150"


@pytest.fixture
def bot(engine: Engine, settings: Settings, clock: SimulatedClock) -> Bot:
    return Bot(engine, settings, clock)


@pytest.fixture
def patient_id(bot: Bot) -> int:
    """Ada, full dose at 19:30 from Tuesday 3 March, enrolled that morning."""
    return bot.enrol()


def body_of(message: Message) -> str:
    assert message.status == MessageStatus.SENT, (message.status, message.failed_reason)
    assert message.body is not None
    return message.body


def dose_state(bot: Bot) -> list[tuple[int | None, date, str, datetime | None, str | None]]:
    return [(d.id, d.day, d.status, d.taken_at, d.site) for d in bot.doses()]


# Stored raw first


def test_every_inbound_is_stored_with_its_exact_body_and_sender_in_e164(
    bot: Bot, patient_id: int
) -> None:
    bot.run_until(local(3, 3, 19, 40))

    outcome = bot.say("  Done, left THIGH!! ", sender="(312) 555-0101")

    (inbound,) = bot.inbox()
    assert inbound.id == outcome.inbound_id
    assert (inbound.body, inbound.sender, inbound.patient_id) == (
        "  Done, left THIGH!! ",
        PHONE,
        patient_id,
    )
    assert inbound.received_at == local(3, 3, 19, 40)
    assert inbound.parsed_as == "taken"
    assert inbound.outcome is not None and "taken" in inbound.outcome
    assert inbound.dose_id == bot.doses()[0].id


def test_a_message_from_an_unknown_sender_is_stored_and_not_answered(
    bot: Bot, patient_id: int
) -> None:
    bot.run_until(local(3, 3, 19, 40))

    outcome = bot.say("DONE", sender=STRANGER)

    (inbound,) = bot.inbox()
    assert (inbound.body, inbound.sender, inbound.parsed_as) == ("DONE", STRANGER, "unknown_sender")
    assert inbound.patient_id is None
    assert outcome.answer_message_id is None
    assert bot.replies() == []
    assert bot.doses()[0].status == DoseStatus.PENDING


def test_a_message_from_a_contact_is_stored_and_changes_no_dose(
    bot: Bot, engine: Engine, settings: Settings, patient_id: int
) -> None:
    with session_scope(engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        add_contact(
            session,
            settings,
            patient,
            name="Grace",
            phone=CONTACT_PHONE,
            email=None,
            role=ContactRole.CAREGIVER,
            now=bot.clock.now(),
        )
    bot.run_until(local(3, 3, 19, 40))

    bot.say("DONE", sender=CONTACT_PHONE)

    (inbound,) = bot.inbox()
    assert (inbound.body, inbound.patient_id, inbound.contact_id) == ("DONE", None, 1)
    assert bot.doses()[0].status == DoseStatus.PENDING
    assert bot.replies() == []


def test_a_contact_who_texts_stop_gets_nothing_but_answers_until_start(
    bot: Bot, engine: Engine, settings: Settings, patient_id: int
) -> None:
    with session_scope(engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        contact_id = add_contact(
            session,
            settings,
            patient,
            name="Grace",
            phone=CONTACT_PHONE,
            email=None,
            role=ContactRole.NURSE,
            now=bot.clock.now(),
        ).id

    bot.say("STOP", sender=CONTACT_PHONE)
    (confirmation,) = bot.replies()
    assert (confirmation.to_address, confirmation.contact_id) == (CONTACT_PHONE, contact_id)
    assert confirmation.status == MessageStatus.SENT
    assert "no more messages" in (confirmation.body or "")

    # Anything else queued for the contact is held back by the outbox, whatever queued it.
    with session_scope(engine) as session:
        patient = session.get(Patient, patient_id)
        contact = session.get(Contact, contact_id)
        assert patient is not None and contact is not None and contact.opted_out_at is not None
        enqueue(
            session,
            message_values(
                key="lab-copy-for-nurse",
                patient=patient,
                contact=contact,
                kind=MessageKind.LAB,
                template="lab",
                context={"name": "Ada", "on": "2026-04-03"},
                send_at=bot.clock.now(),
                now=bot.clock.now(),
            ),
        )
    bot.tick()
    held = bot.messages(MessageKind.LAB)[0]
    assert (held.status, held.failed_reason) == (MessageStatus.CANCELLED, "contact opted out")

    bot.say("START", sender=CONTACT_PHONE)
    with session_scope(engine) as session:
        contact = session.get(Contact, contact_id)
        assert contact is not None and contact.opted_out_at is None
    assert "on again" in (bot.last_reply().body or "")


def test_a_provider_retry_is_stored_once_and_answered_once(bot: Bot, patient_id: int) -> None:
    bot.run_until(local(3, 3, 19, 40))

    first = bot.say("DONE", provider_id="SM0123456789abcdef0123456789abcdef")
    bot.clock.advance(timedelta(seconds=30))
    again = bot.say("DONE", provider_id="SM0123456789abcdef0123456789abcdef")

    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.inbound_id == first.inbound_id
    assert len(bot.inbox()) == 1
    (reply,) = bot.replies()
    assert reply.id == first.answer_message_id
    assert "recorded at 19:40" in body_of(reply)
    assert bot.doses()[0].taken_at == local(3, 3, 19, 40)


def refuse_answers(engine: Engine) -> None:
    """Make the database itself refuse every new outbox row, as a full disk or a bug would."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'refused'; END $$"
            )
            connection.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON message "
                "FOR EACH ROW EXECUTE FUNCTION refuse()"
            )
        else:
            connection.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON message "
                "BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )


def test_a_text_is_kept_as_written_when_applying_it_fails(
    bot: Bot, engine: Engine, patient_id: int
) -> None:
    bot.run_until(local(3, 3, 19, 40))
    refuse_answers(engine)

    with pytest.raises(sa.exc.DatabaseError, match="refused"):
        bot.say("Done, left THIGH", provider_id="SM0123456789abcdef0123456789abcdef")

    (inbound,) = bot.inbox()
    assert (inbound.body, inbound.sender, inbound.provider_id) == (
        "Done, left THIGH",
        PHONE,
        "SM0123456789abcdef0123456789abcdef",
    )
    # Nothing of the failed attempt is half applied.
    assert (inbound.patient_id, inbound.parsed_as, inbound.outcome) == (None, None, None)
    assert bot.doses()[0].status == DoseStatus.PENDING


# DONE and the open dose


@pytest.mark.parametrize(
    ("body", "site", "reported"),
    [
        ("DONE", "left_arm", False),
        ("done left thigh", "left_thigh", True),
        ("Y", "left_arm", False),
    ],
)
def test_done_marks_the_open_dose_taken_now_and_names_the_next_dose(
    bot: Bot, patient_id: int, body: str, site: str, reported: bool
) -> None:
    bot.run_until(local(3, 3, 19, 40))

    outcome = bot.say(body)

    first, following = bot.doses()
    assert (first.status, first.taken_at, first.site, first.site_reported) == (
        DoseStatus.TAKEN,
        local(3, 3, 19, 40),
        site,
        reported,
    )
    assert (following.day, following.status) == (date(2026, 3, 5), DoseStatus.PENDING)
    reply = bot.last_reply()
    assert (reply.id, reply.kind, reply.sent_at) == (
        outcome.answer_message_id,
        MessageKind.REPLY,
        local(3, 3, 19, 40),
    )
    assert reply.context["next_at"] == following.scheduled_at.isoformat()
    assert "Next injection: Thu 5 Mar at 19:30" in body_of(reply)


def test_a_second_done_is_answered_already_recorded_and_changes_nothing(
    bot: Bot, patient_id: int
) -> None:
    bot.run_until(local(3, 3, 19, 40))
    bot.say("DONE")
    before = dose_state(bot)
    next_action_at = bot.patient(patient_id).next_action_at

    bot.clock.set(local(3, 3, 19, 50))
    outcome = bot.say("done")

    assert dose_state(bot) == before
    assert bot.patient(patient_id).next_action_at == next_action_at
    assert outcome.outcome is not None and "already recorded" in outcome.outcome
    assert "Already recorded: taken at 19:40" in body_of(bot.last_reply())


def test_done_the_day_after_a_done_is_recorded_early_and_raises_a_dosing_alert(
    bot: Bot, patient_id: int
) -> None:
    bot.run_until(local(3, 3, 19, 40))
    bot.say("DONE")
    bot.run_until(local(3, 4, 20, 0))

    outcome = bot.say("DONE")

    # A second injection reported is a fact: recorded on the next dose, early, never refused.
    first, second, third = bot.doses()
    assert (first.status, second.status, second.early) == (DoseStatus.TAKEN, DoseStatus.TAKEN, True)
    assert second.taken_at == local(3, 4, 20, 0) and third.status == DoseStatus.PENDING
    assert third.day == date(2026, 3, 6)
    assert outcome.parsed_as == "taken"
    assert outcome.outcome is not None and "taken early" in outcome.outcome
    assert "doses go about 48 h apart" in body_of(bot.last_reply())
    (alert,) = bot.alerts()
    assert alert.kind == "dosing" and alert.reason.startswith(
        "doses on 3 Mar and 4 Mar, 24 h apart"
    )


def test_a_reply_after_the_window_closed_is_kept_and_never_moves_to_the_next_dose(
    bot: Bot, patient_id: int
) -> None:
    bot.run_until(local(3, 4, 19, 29))
    (first,) = bot.doses()
    # The window closed at 19:30 and the planner has not run since: the dose still reads pending.
    bot.clock.set(local(3, 4, 19, 31))

    outcome = bot.say("DONE")

    assert [inbound.body for inbound in bot.inbox()] == ["DONE"]
    assert outcome.outcome is not None and "no dose open" in outcome.outcome
    assert dose_state(bot) == [(first.id, date(2026, 3, 3), DoseStatus.PENDING, None, None)]
    bot.tick()
    closed, following = bot.doses()
    assert (closed.id, closed.status, closed.taken_at) == (first.id, DoseStatus.MISSED, None)
    assert (following.day, following.status, following.taken_at) == (
        date(2026, 3, 4),
        DoseStatus.PENDING,
        None,
    )


# SKIP, LATER and SNOOZE


def test_skip_marks_the_dose_skipped_and_the_next_reminder_is_the_following_evening(
    bot: Bot, patient_id: int
) -> None:
    bot.run_until(local(3, 3, 19, 40))

    bot.say("skip")

    skipped, following = bot.doses()
    assert (skipped.status, skipped.closed_at) == (DoseStatus.SKIPPED, local(3, 3, 19, 40))
    assert (following.day, following.scheduled_at) == (date(2026, 3, 4), local(3, 4, 19, 30))
    assert "skipped. Next reminder: Wed 4 Mar at 19:30" in body_of(bot.last_reply())
    bot.run_until(local(3, 4, 19, 30))
    reminders = bot.messages(MessageKind.REMINDER)
    assert [(m.dose_id, m.sent_at) for m in reminders] == [
        (skipped.id, local(3, 3, 19, 30)),
        (following.id, local(3, 4, 19, 30)),
    ]
    assert bot.messages(MessageKind.NUDGE) == []


@pytest.mark.parametrize(
    ("dose_time", "said_at", "body", "again_at"),
    [
        ("19:30", (3, 3, 19, 40), "LATER", (3, 3, 20, 40)),
        ("12:00", (3, 3, 12, 10), "snooze 2h", (3, 3, 14, 10)),
        # Two hours after 19:40 is in quiet hours: the re-reminder waits for the morning.
        ("19:30", (3, 3, 19, 40), "SNOOZE 2h", (3, 4, 8, 0)),
        # A clock time said is when to remind; without am or pm, the first of the two to come.
        ("19:30", (3, 3, 19, 40), "remind me at 9", (3, 3, 21, 0)),
        ("12:00", (3, 3, 12, 10), "can you remind me at 3pm", (3, 3, 15, 0)),
        ("12:00", (3, 3, 12, 10), "snooze till 2", (3, 3, 14, 0)),
    ],
    ids=["later", "snooze-2h", "snooze-into-quiet-hours", "at-9", "at-3pm", "till-2"],
)
def test_later_and_snooze_send_the_reminder_again(
    bot: Bot,
    dose_time: str,
    said_at: tuple[int, int, int, int],
    body: str,
    again_at: tuple[int, int, int, int],
) -> None:
    bot.enrol(dose_time=dose_time)
    bot.run_until(local(*said_at))

    outcome = bot.say(body)

    assert outcome.parsed_as == "snooze"
    (dose,) = bot.doses()
    assert (dose.status, dose.snoozed_until, dose.snooze_count) == (
        DoseStatus.PENDING,
        local(*again_at),
        1,
    )
    assert f"remind you again at {local(*again_at):%H:%M}" in body_of(bot.last_reply())
    held = again_at[:2] != said_at[:2]  # moved past the quiet hours: the answer says so
    assert ("after the quiet hours" in body_of(bot.last_reply())) is held
    bot.run_until(local(*again_at) - timedelta(minutes=1))
    assert len(bot.messages(MessageKind.REMINDER)) == 1
    bot.run_until(local(*again_at))
    first, again = bot.messages(MessageKind.REMINDER)
    assert (again.dose_id, again.sent_at, again.context["snoozed"]) == (
        dose.id,
        local(*again_at),
        True,
    )
    assert body_of(again).startswith("Reminder again, Ada")
    assert first.context["snoozed"] is False


def test_a_snooze_past_the_dose_window_is_refused(bot: Bot, patient_id: int) -> None:
    bot.run_until(local(3, 4, 18, 45))
    before = dose_state(bot)

    outcome = bot.say("SNOOZE 2h")

    (dose,) = bot.doses()
    assert (dose.snoozed_until, dose.snooze_count) == (None, 0)
    assert dose_state(bot) == before
    assert outcome.outcome is not None and "refused" in outcome.outcome
    assert "can't remind you after 19:30" in body_of(bot.last_reply())
    bot.run_until(local(3, 4, 19, 29))
    assert len(bot.messages(MessageKind.REMINDER)) == 1


# PAUSE, RESUME, STOP, START, HELP


def test_pause_7_holds_everything_and_resume_plans_the_next_dose(bot: Bot, patient_id: int) -> None:
    bot.run_until(local(3, 3, 19, 40))

    bot.say("PAUSE 7")

    patient = bot.patient(patient_id)
    assert (patient.status, patient.paused_until) == (
        PatientStatus.PAUSED,
        bot.clock.now() + timedelta(days=7),  # 168 hours, so 20:40 once DST has begun
    )
    assert [d.status for d in bot.doses()] == [DoseStatus.CANCELLED]
    assert "paused until Tue 10 Mar" in body_of(bot.last_reply())
    bot.run_until(local(3, 6, 10, 0))
    assert [m.kind for m in bot.messages()] == [MessageKind.REMINDER, MessageKind.REPLY]

    bot.say("resume")

    assert bot.patient(patient_id).status == PatientStatus.ACTIVE
    following = bot.doses()[-1]
    assert (following.day, following.status) == (date(2026, 3, 6), DoseStatus.PENDING)
    assert "back on. Next injection: Fri 6 Mar at 19:30" in body_of(bot.last_reply())
    bot.run_until(local(3, 6, 19, 30))
    assert bot.messages(MessageKind.REMINDER)[-1].sent_at == local(3, 6, 19, 30)


def test_pause_until_a_day_holds_reminders_until_that_day_begins(bot: Bot, patient_id: int) -> None:
    bot.run_until(local(3, 3, 19, 40))  # a Tuesday

    bot.say("pause until sunday")

    patient = bot.patient(patient_id)
    assert (patient.status, patient.paused_until) == (PatientStatus.PAUSED, local(3, 8, 0, 0))
    assert "paused until Sun 8 Mar" in body_of(bot.last_reply())
    bot.run_until(local(3, 7, 23, 59))
    assert [m.kind for m in bot.messages()] == [MessageKind.REMINDER, MessageKind.REPLY]
    bot.run_until(local(3, 8, 19, 31))
    assert bot.messages(MessageKind.REMINDER)[-1].sent_at == local(3, 8, 19, 30)


def test_stop_reminders_till_a_date_is_a_pause_to_that_date_not_an_opt_out(
    bot: Bot, patient_id: int
) -> None:
    bot.run_until(local(3, 3, 19, 40))

    bot.say("stop reminders till the 14th please")

    patient = bot.patient(patient_id)
    assert (patient.status, patient.paused_until) == (PatientStatus.PAUSED, local(3, 14, 0, 0))
    assert "paused until Sat 14 Mar" in body_of(bot.last_reply())


def test_stop_opts_out_at_once_and_start_opts_back_in(bot: Bot, patient_id: int) -> None:
    bot.run_until(local(3, 3, 19, 40))

    bot.say("STOP")

    patient = bot.patient(patient_id)
    assert (patient.status, patient.opted_out_at) == (
        PatientStatus.OPTED_OUT,
        local(3, 3, 19, 40),
    )
    assert "no more messages" in body_of(bot.last_reply())
    bot.run_until(local(3, 8, 12, 0))
    assert [m.kind for m in bot.messages()] == [MessageKind.REMINDER, MessageKind.REPLY]
    assert bot.say("DONE").answer_message_id is None  # stored, not answered
    assert [d.status for d in bot.doses()] == [DoseStatus.CANCELLED]

    bot.say("START")

    assert bot.patient(patient_id).status == PatientStatus.ACTIVE
    assert "Welcome back" in body_of(bot.last_reply())
    bot.run_until(local(3, 8, 19, 30))
    assert bot.messages(MessageKind.REMINDER)[-1].sent_at == local(3, 8, 19, 30)
    assert [inbound.body for inbound in bot.inbox()] == ["STOP", "DONE", "START"]


def test_help_is_answered(bot: Bot, patient_id: int) -> None:
    outcome = bot.say("help")

    assert outcome.parsed_as == "help"
    assert "Reply DONE, LATER, SKIP, PAUSE 7 or RESUME" in body_of(bot.last_reply())


def test_a_question_about_the_schedule_is_answered_with_the_next_dose(
    bot: Bot, patient_id: int
) -> None:
    bot.run_until(local(3, 3, 19, 35))
    bot.say("what dose is it tonight?")
    bot.say("which site do i use")
    bot.say("is it normal to feel this tired?")  # not about the schedule: where to ask
    bot.run_until(local(3, 3, 19, 50))
    bot.say("done")
    bot.clock.set(local(3, 4, 12, 0))
    bot.say("when is my next shot?")  # asked between doses: the one planned next

    dose, site, tired, after = [m for m in bot.replies() if m.context["answer"] == "question"]
    assert "Today's injection (due 19:30): 1 mL, site:" in body_of(dose)
    assert dose.context["site"] == site.context["site"] == bot.doses()[0].suggested_site
    assert "next_at" not in tired.context
    assert "I can't answer questions by text" in body_of(tired)
    assert "Your next injection: Thu 5 Mar at 19:30" in body_of(after)
    assert [i.parsed_as for i in bot.inbox()][-1] == "question"
    assert bot.doses()[0].status == DoseStatus.TAKEN  # the questions changed nothing


@pytest.mark.parametrize(
    "body", ["I've stopped taking it", "not doing these injections anymore", "quit betaseron"]
)
def test_therapy_stopped_is_kept_and_answered_with_where_to_ask_never_a_snooze(
    bot: Bot, patient_id: int, body: str
) -> None:
    bot.run_until(local(3, 3, 19, 35))

    outcome = bot.say(body)

    assert outcome.parsed_as == "question"
    assert "ask your nurse" in body_of(bot.last_reply())
    (dose,) = bot.doses()
    assert (dose.status, dose.snoozed_until, dose.snooze_count) == (DoseStatus.PENDING, None, 0)
    assert [i.body for i in bot.inbox()] == [body]


def test_a_symptom_told_in_a_question_starts_the_relapse_screen(bot: Bot, patient_id: int) -> None:
    bot.clock.set(local(3, 3, 12, 0))
    bot.say("why is my vision so blurry today??")

    (reply,) = bot.replies()
    assert reply.context["answer"] == "symptom_reported"
    assert reply.context["symptoms"] == ["vision"] and reply.context["followup_at"]


def test_a_relapse_told_starts_the_relapse_screen(bot: Bot, patient_id: int) -> None:
    bot.clock.set(local(3, 3, 12, 0))
    bot.say("in hospital with a relapse")

    (reply,) = bot.replies()
    assert reply.context["answer"] == "symptom_reported"
    assert reply.context["followup_at"]


def test_gibberish_is_stored_and_answered_with_help_that_fits_the_open_question(
    bot: Bot, patient_id: int
) -> None:
    bot.at(local(3, 3, 10, 0))
    bot.say("purple monkey dishwasher")  # no reminder out yet today, but the dose is open
    bot.run_until(local(3, 3, 19, 40))
    bot.say("DONE")
    bot.clock.set(local(3, 4, 12, 0))
    bot.say("purple monkey dishwasher")  # nothing open: the next dose is tomorrow

    with_dose, without = [i for i in bot.inbox() if i.body == "purple monkey dishwasher"]
    assert (with_dose.parsed_as, without.parsed_as) == ("unknown", "unknown")
    replies = [m for m in bot.replies() if m.context["answer"] == "not_understood"]
    assert [m.context["question"] for m in replies] == ["dose", None]
    assert "Reply DONE when taken" in body_of(replies[0])
    assert "Reply HELP" in body_of(replies[1])


# Any text at all


@given(body=st.text(max_size=300))
@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_text_from_a_patient_is_stored_exactly_and_never_raises(
    bot: Bot, patient_id: int, body: str
) -> None:
    outcome = bot.say(body)

    with session_scope(bot.engine) as session:
        inbound = session.get(InboundMessage, outcome.inbound_id)
    assert inbound is not None
    assert inbound.body == body.replace("\x00", "\ufffd")  # the one character no SQL text holds
    assert (inbound.patient_id, inbound.sender) == (patient_id, PHONE)
    assert inbound.parsed_as is not None and inbound.outcome is not None


def test_a_nul_character_does_not_lose_the_message(bot: Bot, patient_id: int) -> None:
    outcome = bot.say("DONE\x00")

    (inbound,) = bot.inbox()
    assert (inbound.id, inbound.body) == (outcome.inbound_id, "DONE\ufffd")
    assert inbound.received_at == datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


def test_an_overlong_sender_is_stored_cut_to_its_column(bot: Bot) -> None:
    sender = "x" * 300 + "@example.org"

    outcome = bot.say("hello", sender=sender)

    (inbound,) = bot.inbox()
    assert (inbound.id, inbound.body, inbound.parsed_as) == (
        outcome.inbound_id,
        "hello",
        "unknown_sender",
    )
    assert inbound.sender == sender[:254]


def test_with_advanced_opt_out_the_provider_answers_stop_and_we_only_record_it(
    engine: Engine, clock: SimulatedClock, tmp_path
) -> None:
    config = tmp_path / "aoo.toml"
    config.write_text(
        '[transport]\nsms = "twilio"\n[twilio]\nadvanced_opt_out = true\n', encoding="utf-8"
    )
    url = engine.url.render_as_string(hide_password=False)
    settings = load_settings({"DATABASE_URL": url, "REMINDER_CONFIG": str(config)})
    bot = Bot(engine, settings, clock)
    patient_id = bot.enrol()

    outcome = bot.say("STOP")

    assert outcome.answer_message_id is None
    assert bot.replies() == []
    assert bot.patient(patient_id).status == PatientStatus.OPTED_OUT
    assert "Advanced Opt-Out" in (bot.inbox()[0].outcome or "")
