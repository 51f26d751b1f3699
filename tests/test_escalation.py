"""Alerts reach a person, once, quickly, with the reason: contacts in escalation order, urgent ones
all at once whatever the hour, then the operator's fallback; OK acknowledges; no alert storms.

Scenarios run on a simulated clock through the planner's tick, conversation.receive and the outbox.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from reminder.clock import SimulatedClock
from reminder.config import ConfigError, Settings, load_settings
from reminder.db import session_scope
from reminder.due import next_due
from reminder.enrolment import add_contact
from reminder.models import (
    Alert,
    AlertKind,
    AlertSeverity,
    AlertStatus,
    Channel,
    Contact,
    ContactRole,
    Message,
    MessageKind,
    MessageStatus,
    Patient,
)
from reminder.transports import Outgoing, TransportError
from reminder.transports.console import ConsoleTransport
from tests.scenario import Bot, local

GRACE = "+13125550150"  # caregiver, by SMS
JOY = "joy@clinic.example.org"  # MS nurse, by email
OPERATOR = "+13125550199"
CRISIS = "If you are thinking about harming yourself, please call or text 988"
# Ada takes no dose in most scenarios here; without this, the adherence rule would (rightly) add
# its own alerts to every one of them. The adherence tests use the default settings.
QUIET_ADHERENCE = "[triage]\nadherence_missed_doses = 10\nadherence_unanswered_checkins = 10\n"
FALLBACK = f'[escalation]\nfallback_address = "{OPERATOR}"\n'


def settings_with(engine: Engine, tmp_path: Path, toml: str = "") -> Settings:
    config = tmp_path / "escalation.toml"
    config.write_text(
        '[schedule]\ndefault_timezone = "America/Chicago"\n' + QUIET_ADHERENCE + toml,
        encoding="utf-8",
    )
    url = engine.url.render_as_string(hide_password=False)
    return load_settings({"DATABASE_URL": url, "REMINDER_CONFIG": str(config)})


@pytest.fixture
def bot(engine: Engine, clock: SimulatedClock, tmp_path: Path) -> Bot:
    return Bot(engine, settings_with(engine, tmp_path), clock)


@pytest.fixture
def plain_bot(engine: Engine, settings: Settings, clock: SimulatedClock) -> Bot:
    """With the default thresholds, adherence included."""
    return Bot(engine, settings, clock)


def enrol_contact(
    bot: Bot,
    patient_id: int,
    name: str,
    *,
    phone: str | None = None,
    email: str | None = None,
    role: ContactRole = ContactRole.CAREGIVER,
    timezone: str | None = None,
) -> int:
    with session_scope(bot.engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        contact = add_contact(
            session,
            bot.settings,
            patient,
            name=name,
            phone=phone,
            email=email,
            role=role,
            now=bot.clock.now(),
        )
        contact.timezone = timezone
        session.add(contact)
        assert contact.id is not None
        return contact.id


@pytest.fixture
def family(bot: Bot) -> tuple[int, int, int]:
    """Ada, her caregiver Grace (SMS) first, her nurse Joy (email) second."""
    patient_id = bot.enrol()
    grace = enrol_contact(bot, patient_id, "Grace", phone=GRACE)
    joy = enrol_contact(bot, patient_id, "Joy", email=JOY, role=ContactRole.NURSE)
    return patient_id, grace, joy


def alerts(bot: Bot) -> list[Alert]:
    with session_scope(bot.engine) as session:
        return list(session.exec(select(Alert).order_by(col(Alert.id))))


def sent_to(bot: Bot, *kinds: MessageKind) -> list[tuple[str, object]]:
    """(address, sent_at) of every alert notice that went out, in order."""
    return [
        (m.to_address, m.sent_at)
        for m in bot.messages(*(kinds or (MessageKind.ALERT,)))
        if m.status == MessageStatus.SENT and m.template == "alert"
    ]


def injection_site_reaction(bot: Bot, at: tuple[int, int, int, int] = (3, 4, 9, 30)) -> None:
    """Take Tuesday's dose, then report a bad site reaction at the check-in: a routine alert."""
    bot.run_until(local(3, 3, 19, 40))
    bot.say("DONE")
    bot.run_until(local(*at))
    bot.say("2 8 N")


# Urgent: every contact at once, whatever the hour


def test_an_urgent_mood_reply_at_23_00_answers_the_patient_and_reaches_every_contact_at_once(
    bot: Bot, family: tuple[int, int, int]
) -> None:
    patient_id, grace, joy = family
    bot.run_until(local(3, 5, 23, 0))

    outcome = bot.say("I can't do this any more, I want to end it all")

    answer = bot.last_reply()
    assert (answer.id, answer.status, answer.sent_at) == (
        outcome.answer_message_id,
        MessageStatus.SENT,
        local(3, 5, 23, 0),
    )
    assert (answer.body or "").startswith(CRISIS)
    assert "I've let your contact know." in (answer.body or "")
    (alert,) = alerts(bot)
    assert (alert.kind, alert.severity, alert.status) == (
        AlertKind.MOOD,
        AlertSeverity.URGENT,
        AlertStatus.OPEN,
    )
    assert alert.reason == (
        "wrote words of self-harm or suicide at 23:00 on Thu 5 Mar: "
        '"I can\'t do this any more, I want to end it all"'
    )
    notices = bot.messages(MessageKind.ALERT)
    assert [(m.idempotency_key, m.to_address, m.channel, m.sent_at) for m in notices] == [
        (f"alert:{alert.id}:contact:{grace}", GRACE, Channel.SMS, local(3, 5, 23, 0)),
        (f"alert:{alert.id}:contact:{joy}", JOY, Channel.EMAIL, local(3, 5, 23, 0)),
    ]
    assert (notices[0].body or "").startswith(f"URGENT alert {alert.id} about Ada Lovelace")
    assert f"Reply OK {alert.id} to acknowledge." in (notices[0].body or "")
    assert notices[1].subject == f"URGENT: alert {alert.id} about Ada Lovelace"
    assert outcome.outcome is not None and "crisis text sent" in outcome.outcome
    # A webhook can send these with the answer, without waiting for the next outbox pass.
    assert outcome.urgent_message_ids == tuple(m.id for m in notices)


def test_words_of_self_harm_reach_a_person_even_from_an_opted_out_patient(
    bot: Bot, family: tuple[int, int, int]
) -> None:
    bot.say("STOP")
    bot.clock.advance(timedelta(hours=3))

    bot.say("i want to kill myself")

    assert (bot.last_reply().body or "").startswith(CRISIS)
    assert [to for to, _ in sent_to(bot)] == [GRACE, JOY]


@pytest.mark.parametrize("then", ["STOP", "PAUSE 7"])
def test_a_stop_or_pause_right_after_a_red_flag_never_withdraws_the_alert(
    bot: Bot, family: tuple[int, int, int], then: str
) -> None:
    bot.enrol(phone="+13125550102")  # another patient, to show only Ada's messages are touched
    bot.run_until(local(3, 3, 19, 40))
    bot.say("DONE")
    bot.run_until(local(3, 4, 22, 0))
    # A site reaction at 22:00: the routine alert to Grace waits for 08:00, and is still queued
    # when Ada sends STOP or PAUSE.
    bot.say("2 8 N")
    (queued,) = bot.messages(MessageKind.ALERT)
    assert (queued.status, queued.send_at) == (MessageStatus.QUEUED, local(3, 5, 8, 0))

    bot.say(then)
    bot.run_until(local(3, 5, 8, 0))

    assert sent_to(bot) == [(GRACE, local(3, 5, 8, 0))]


def test_a_reply_with_a_dose_and_words_of_self_harm_records_the_dose_and_answers_the_crisis(
    bot: Bot, family: tuple[int, int, int]
) -> None:
    bot.run_until(local(3, 3, 19, 40))

    bot.say("DONE LT, I want to die")

    assert bot.doses()[0].taken_at == local(3, 3, 19, 40)
    assert (bot.last_reply().body or "").startswith(CRISIS)
    assert alerts(bot)[0].kind == AlertKind.MOOD


def test_a_routine_alert_is_not_among_the_messages_to_send_at_once(
    bot: Bot, family: tuple[int, int, int]
) -> None:
    bot.run_until(local(3, 3, 19, 40))
    bot.say("DONE")
    bot.run_until(local(3, 4, 9, 30))

    outcome = bot.say("2 8 N")

    assert alerts(bot)[0].severity == AlertSeverity.ROUTINE
    assert outcome.urgent_message_ids == ()


def test_an_unacknowledged_urgent_alert_goes_to_the_fallback_after_30_minutes(
    engine: Engine, clock: SimulatedClock, tmp_path: Path
) -> None:
    bot = Bot(
        engine,
        settings_with(engine, tmp_path, FALLBACK),
        clock,
    )
    patient_id = bot.enrol()
    enrol_contact(bot, patient_id, "Grace", phone=GRACE)
    bot.run_until(local(3, 5, 23, 0))
    bot.say("I want to die")

    # The alert carries its own moment: it is the next thing due, and its tick reads no patient.
    assert next_due(bot.engine) == local(3, 5, 23, 30)
    assert bot.at(local(3, 5, 23, 29)).escalated == 0
    assert [to for to, _ in sent_to(bot)] == [GRACE]

    stats = bot.at(local(3, 5, 23, 30))
    assert (stats.escalated, stats.patients) == (1, 0)
    assert sent_to(bot) == [(GRACE, local(3, 5, 23, 0)), (OPERATOR, local(3, 5, 23, 30))]
    fallback = bot.messages(MessageKind.ALERT)[-1]
    assert (fallback.idempotency_key, fallback.contact_id) == (
        f"alert:{alerts(bot)[0].id}:fallback",
        None,
    )
    assert "No contact has acknowledged it." in (fallback.body or "")
    (alert,) = alerts(bot)
    assert (alert.fallback_at, alert.escalate_at, alert.status) == (
        local(3, 5, 23, 30),
        None,
        AlertStatus.OPEN,
    )
    bot.run_until(local(3, 8, 12, 0))
    assert len(sent_to(bot)) == 2  # nobody left: it stays open, visible, and quiet


# Routine: one contact at a time, in order, in waking hours


def test_an_unacknowledged_routine_alert_re_escalates_to_the_second_contact_then_the_fallback(
    engine: Engine, clock: SimulatedClock, tmp_path: Path
) -> None:
    bot = Bot(
        engine,
        settings_with(engine, tmp_path, FALLBACK),
        clock,
    )
    patient_id = bot.enrol()
    enrol_contact(bot, patient_id, "Grace", phone=GRACE)
    enrol_contact(bot, patient_id, "Joy", email=JOY, role=ContactRole.NURSE)
    injection_site_reaction(bot)

    (alert,) = alerts(bot)
    assert (alert.kind, alert.severity, alert.reason) == (
        AlertKind.INJECTION_SITE,
        AlertSeverity.ROUTINE,
        "injection-site score 8 at the check-in of 4 Mar (back of left upper arm)",
    )
    assert sent_to(bot) == [(GRACE, local(3, 4, 9, 30))]
    assert alerts(bot)[0].escalate_at == local(3, 5, 9, 30)

    bot.run_until(local(3, 5, 9, 29))
    assert [to for to, _ in sent_to(bot)] == [GRACE]

    bot.run_until(local(3, 5, 9, 30))
    assert sent_to(bot) == [(GRACE, local(3, 4, 9, 30)), (JOY, local(3, 5, 9, 30))]
    to_joy = bot.messages(MessageKind.ALERT)[-1]
    assert "Sent to you because it was not acknowledged in time." in (to_joy.body or "")
    assert to_joy.subject == f"Alert {alert.id} about Ada Lovelace"

    bot.run_until(local(3, 6, 9, 30))
    assert [to for to, _ in sent_to(bot)] == [GRACE, JOY, OPERATOR]
    bot.run_until(local(3, 9, 9, 30))
    assert [to for to, _ in sent_to(bot)] == [GRACE, JOY, OPERATOR]


def test_a_routine_alert_waits_for_the_contacts_own_waking_hours(bot: Bot) -> None:
    patient_id = bot.enrol()
    enrol_contact(bot, patient_id, "Ian", phone=GRACE, timezone="Europe/London")
    # 20:15 in Chicago is 02:15 in London: the alert waits for 08:00 there.
    injection_site_reaction(bot, at=(3, 4, 20, 15))

    (notice,) = bot.messages(MessageKind.ALERT)
    assert notice.send_at == local(3, 5, 2, 0)  # 08:00 GMT
    assert alerts(bot)[0].escalate_at == local(3, 6, 2, 0)


def test_an_urgent_alert_ignores_the_contacts_quiet_hours(bot: Bot) -> None:
    patient_id = bot.enrol()
    enrol_contact(bot, patient_id, "Ian", phone=GRACE, timezone="Europe/London")
    bot.run_until(local(3, 4, 20, 15))
    bot.say("thinking about killing myself")

    assert sent_to(bot) == [(GRACE, local(3, 4, 20, 15))]


def test_a_contact_who_opted_out_is_skipped(bot: Bot, family: tuple[int, int, int]) -> None:
    bot.say("STOP", sender=GRACE)

    injection_site_reaction(bot)

    assert sent_to(bot) == [(JOY, local(3, 4, 9, 30))]


def test_with_no_contact_and_no_fallback_the_alert_stays_open_for_the_operator(bot: Bot) -> None:
    bot.enrol()
    injection_site_reaction(bot)

    (alert,) = alerts(bot)
    assert (alert.status, alert.notified_position, alert.escalate_at) == (AlertStatus.OPEN, 0, None)
    assert bot.messages(MessageKind.ALERT) == []


# OK acknowledges


def test_ok_from_a_contact_acknowledges_the_alert_and_stops_escalation(
    bot: Bot, family: tuple[int, int, int]
) -> None:
    _, grace, _ = family
    injection_site_reaction(bot)
    bot.clock.set(local(3, 4, 10, 5))

    outcome = bot.say("ok thanks", sender=GRACE)

    (alert,) = alerts(bot)
    assert (alert.status, alert.acknowledged_at, alert.acknowledged_by, alert.escalate_at) == (
        AlertStatus.ACKNOWLEDGED,
        local(3, 4, 10, 5),
        grace,
        None,
    )
    assert alert.acknowledged_note == "Grace (caregiver)"
    reply = bot.last_reply()
    assert (reply.to_address, reply.id, reply.status) == (
        GRACE,
        outcome.answer_message_id,
        MessageStatus.SENT,
    )
    assert reply.body == (
        f"Thanks, alert {alert.id} about Ada Lovelace (injection-site reaction) is acknowledged."
    )
    bot.run_until(local(3, 8, 12, 0))
    assert [to for to, _ in sent_to(bot)] == [GRACE]  # Joy never needed to hear of it


def test_those_already_told_hear_that_someone_acknowledged(
    bot: Bot, family: tuple[int, int, int]
) -> None:
    bot.run_until(local(3, 5, 23, 0))
    bot.say("I want to die")
    bot.clock.set(local(3, 5, 23, 12))

    conversation_reply = bot.say("OK", sender=JOY)

    assert conversation_reply.outcome is not None and "acknowledged" in conversation_reply.outcome
    (notice,) = [m for m in bot.messages(MessageKind.ALERT) if m.template == "alert_acknowledged"]
    assert (notice.to_address, notice.sent_at) == (GRACE, local(3, 5, 23, 12))
    assert notice.body == (
        f"Alert {alerts(bot)[0].id} about Ada Lovelace (risk of self-harm) was acknowledged by "
        "Joy (nurse) at 23:12 on Thu 5 Mar. Nothing more is needed from you."
    )


def test_ok_with_a_number_acknowledges_that_alert_for_a_nurse_of_several_patients(
    bot: Bot,
) -> None:
    ada = bot.enrol()
    bob = bot.enrol(phone="+13125550102")
    enrol_contact(bot, ada, "Joy", phone=GRACE, role=ContactRole.NURSE)
    enrol_contact(bot, bob, "Joy", phone=GRACE, role=ContactRole.NURSE)
    bot.run_until(local(3, 4, 12, 0))
    bot.say("I want to die")
    bot.clock.set(local(3, 4, 12, 5))
    bot.say("I feel suicidal", sender="+13125550102")
    first, second = alerts(bot)
    assert (first.patient_id, second.patient_id) == (ada, bob)

    bot.say(f"OK {first.id}", sender=GRACE)

    assert [a.status for a in alerts(bot)] == [AlertStatus.ACKNOWLEDGED, AlertStatus.OPEN]
    assert bot.last_reply().body == (
        f"Thanks, alert {first.id} about Ada Lovelace (risk of self-harm) is acknowledged. "
        f"Still open: alert {second.id} about Ada Lovelace. Reply OK and its number."
    )

    bot.say("OK", sender=GRACE)  # the newest open one: Bob's
    assert [a.status for a in alerts(bot)] == [AlertStatus.ACKNOWLEDGED] * 2


def test_ok_for_an_alert_that_is_not_open_is_answered_and_changes_nothing(
    bot: Bot, family: tuple[int, int, int]
) -> None:
    bot.say("OK", sender=GRACE)
    assert bot.last_reply().body == "There is no open alert to acknowledge. Thanks."

    injection_site_reaction(bot)
    bot.say("OK 99", sender=GRACE)

    assert alerts(bot)[0].status == AlertStatus.OPEN
    assert bot.last_reply().body == (
        f"There is no open alert 99 for you to acknowledge. Open: alert {alerts(bot)[0].id} "
        "about Ada Lovelace."
    )


def test_a_contact_who_cannot_reach_the_patient_passes_the_alert_on_at_once(
    bot: Bot, family: tuple[int, int, int]
) -> None:
    injection_site_reaction(bot)
    bot.clock.set(local(3, 4, 10, 5))

    outcome = bot.say("ok but I can't reach her, straight to voicemail", sender=GRACE)

    (alert,) = alerts(bot)
    assert alert.status == AlertStatus.OPEN  # no acknowledgement: nobody has reached Ada
    assert outcome.outcome is not None and "passed on at once" in outcome.outcome
    # Joy hears of it now, not after the 24 h a routine alert waits for its OK.
    assert sent_to(bot) == [(GRACE, local(3, 4, 9, 30)), (JOY, local(3, 4, 10, 5))]
    assert alert.escalate_at == local(3, 5, 10, 5)
    assert bot.last_reply().body == (
        f"Thanks. Alert {alert.id} about Ada Lovelace (injection-site reaction) stays open and has"
        f" gone on to the next person now. Reply OK {alert.id} once someone has reached Ada"
        " Lovelace. If you fear for their safety, call the emergency services."
    )

    bot.say("OK", sender=JOY)
    assert alerts(bot)[0].status == AlertStatus.ACKNOWLEDGED


def test_every_message_about_an_alert_names_it_and_no_other_message_does(
    engine: Engine, clock: SimulatedClock, tmp_path: Path
) -> None:
    bot = Bot(engine, settings_with(engine, tmp_path, FALLBACK), clock)
    patient_id = bot.enrol()
    enrol_contact(bot, patient_id, "Grace", phone=GRACE)
    enrol_contact(bot, patient_id, "Joy", email=JOY, role=ContactRole.NURSE)
    injection_site_reaction(bot)
    bot.clock.set(local(3, 4, 10, 5))
    bot.say("I can't reach her", sender=GRACE)  # passed on to Joy
    bot.clock.set(local(3, 4, 10, 20))
    bot.say("OK", sender=JOY)  # Grace hears that it is taken care of

    (alert,) = alerts(bot)
    about = [
        (m.template, m.to_address, m.alert_id) for m in bot.messages() if m.alert_id is not None
    ]
    assert sorted(about) == sorted(
        [
            ("alert", GRACE, alert.id),
            ("alert", JOY, alert.id),
            ("alert_acknowledged", GRACE, alert.id),
            ("reply", GRACE, alert.id),  # "passed on"
            ("reply", JOY, alert.id),  # "acknowledged, thank you"
        ]
    )
    patients = [m for m in bot.messages() if m.to_address not in (GRACE, JOY)]
    assert patients and all(m.alert_id is None for m in patients)


def test_with_nobody_left_to_tell_the_contact_hears_that_the_alert_stays_open(
    bot: Bot, family: tuple[int, int, int]
) -> None:
    bot.run_until(local(3, 4, 12, 0))
    bot.say("I want to die")  # urgent: Grace and Joy are both told at once
    before = sent_to(bot)

    bot.say("tried calling her twice, no answer", sender=JOY)

    (alert,) = alerts(bot)
    assert alert.status == AlertStatus.OPEN
    assert sent_to(bot) == before
    assert "stays open; there is no one else to pass it to" in (bot.last_reply().body or "")


def test_words_that_acknowledge_nothing_are_answered_once_with_how_to_acknowledge(
    bot: Bot, family: tuple[int, int, int]
) -> None:
    def answers() -> list[Message]:
        return [m for m in bot.replies() if m.to_address in (GRACE, JOY)]

    bot.say("thanks for setting this up for her", sender=GRACE)
    assert answers() == []  # no alert open: a contact's chat is stored, not answered
    injection_site_reaction(bot)  # routine: Grace alone is told
    (alert,) = alerts(bot)

    bot.clock.set(local(3, 4, 9, 40))
    bot.say("who is this?", sender=JOY)  # Joy was not told of it yet: nothing to answer about
    bot.say("looks sore to me, she is resting", sender=GRACE)

    assert alerts(bot)[0].status == AlertStatus.OPEN  # it would go on to Joy in 24 h
    (answer,) = answers()
    assert (answer.to_address, answer.alert_id) == (GRACE, alert.id)
    assert answer.body == (
        f"I did not read that as an acknowledgement. Alert {alert.id} about Ada Lovelace"
        f" (injection-site reaction) is still open: reply OK {alert.id} once someone has reached"
        " Ada Lovelace, or tell me if you cannot reach them."
    )
    # Once: an auto-reply ("I'm driving") and this answer must never keep each other up.
    bot.say("I'm driving, I'll text you back", sender=GRACE)
    assert len(answers()) == 1
    (*_, inbound) = bot.inbox()
    assert inbound.outcome == f"from contact {family[1]} of patient {family[0]}: stored"

    bot.say("OK", sender=GRACE)
    assert alerts(bot)[0].status == AlertStatus.ACKNOWLEDGED


def test_signs_of_an_emergency_reach_every_contact_at_once_and_the_patient_hears_whom_to_call(
    bot: Bot, family: tuple[int, int, int]
) -> None:
    bot.run_until(local(3, 3, 19, 40))  # the reminder has gone; the patient injects, then this
    bot.say("done. my throat is swelling and I can't breathe")

    (alert,) = alerts(bot)
    assert (alert.kind, alert.severity) == (AlertKind.EMERGENCY, AlertSeverity.URGENT)
    assert sorted(to for to, _ in sent_to(bot)) == sorted([GRACE, JOY])
    reply = bot.last_reply().body or ""
    assert reply.startswith("This may be an emergency.")
    assert "call 911 or your local emergency number now" in reply
    assert "I've told your contacts." in reply
    assert bot.doses()[0].status == "taken"  # the dose it reports is recorded all the same


def test_emergency_signs_denied_raise_nothing(bot: Bot, family: tuple[int, int, int]) -> None:
    bot.run_until(local(3, 3, 19, 40))
    bot.say("done, no chest pain, no trouble breathing")
    assert alerts(bot) == []


def test_a_patient_saying_ok_acknowledges_nothing(bot: Bot, family: tuple[int, int, int]) -> None:
    injection_site_reaction(bot)
    bot.say("OK")
    assert alerts(bot)[0].status == AlertStatus.OPEN


# No alert storms


def test_the_same_finding_is_recorded_not_sent_while_its_alert_is_open(
    bot: Bot, family: tuple[int, int, int]
) -> None:
    bot.run_until(local(3, 5, 22, 0))
    bot.say("I want to die")
    bot.clock.set(local(3, 5, 22, 10))
    bot.say("i really want to die")

    (alert,) = alerts(bot)
    assert (alert.repeats, alert.last_repeat_at) == (1, local(3, 5, 22, 10))
    assert len(sent_to(bot)) == 2  # one notice per contact, not two
    crisis = [m for m in bot.replies() if (m.body or "").startswith(CRISIS)]
    assert len(crisis) == 2  # the patient gets the crisis text every time

    bot.clock.set(local(3, 5, 22, 20))
    bot.say("OK", sender=GRACE)
    bot.clock.set(local(3, 6, 9, 0))
    bot.say("still want to die")

    first, second = alerts(bot)
    assert (first.status, second.status, second.kind) == (
        AlertStatus.ACKNOWLEDGED,
        AlertStatus.OPEN,
        AlertKind.MOOD,
    )
    assert len(sent_to(bot)) == 4


def test_escalation_writes_each_notice_once_however_often_it_runs(
    bot: Bot, family: tuple[int, int, int]
) -> None:
    injection_site_reaction(bot)
    bot.run_until(local(3, 5, 9, 30))
    keys = [m.idempotency_key for m in bot.messages()]

    bot.tick()
    bot.tick()

    assert [m.idempotency_key for m in bot.messages()] == keys
    assert len(sent_to(bot)) == 2


def test_three_unanswered_check_ins_in_a_row_raise_an_adherence_alert(plain_bot: Bot) -> None:
    bot = plain_bot
    patient_id = bot.enrol()
    enrol_contact(bot, patient_id, "Grace", phone=GRACE)
    for day in (3, 5, 7):
        bot.run_until(local(3, day, 19, 40))
        bot.say("DONE")

    bot.run_until(local(3, 9, 19, 30))

    (alert,) = alerts(bot)
    assert (alert.kind, alert.severity) == (AlertKind.ADHERENCE, AlertSeverity.ROUTINE)
    assert alert.reason == "no reply to 3 check-ins in a row (asked 4 Mar, 6 Mar and 8 Mar)"
    assert sent_to(bot) == [(GRACE, local(3, 9, 19, 30))]


def test_two_missed_doses_raise_an_adherence_alert_once(plain_bot: Bot) -> None:
    bot = plain_bot
    patient_id = bot.enrol()
    enrol_contact(bot, patient_id, "Grace", phone=GRACE)
    enrol_contact(bot, patient_id, "Joy", email=JOY, role=ContactRole.NURSE)

    bot.run_until(local(3, 5, 19, 30))

    (alert,) = alerts(bot)
    assert alert.reason == "2 doses in a row not taken: 3 Mar missed and 4 Mar missed"
    assert sent_to(bot) == [(GRACE, local(3, 5, 19, 30))]
    bot.run_until(local(3, 6, 19, 30))
    # One more missed: counted on the open alert, not sent again. The alert itself, unacknowledged
    # for 24 h, moves on to Joy.
    (alert,) = alerts(bot)
    assert (alert.repeats, alert.last_repeat_at) == (1, local(3, 6, 19, 30))
    assert sent_to(bot) == [(GRACE, local(3, 5, 19, 30)), (JOY, local(3, 6, 19, 30))]


def test_a_fallback_address_must_be_a_phone_number_or_an_email(
    engine: Engine, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match="escalation.fallback_address"):
        settings_with(engine, tmp_path, '[escalation]\nfallback_address = "call Bob"\n')
    assert settings_with(engine, tmp_path, '[escalation]\nfallback_address = "ops@example.org"\n')


def test_the_fallback_hears_of_an_opted_out_patients_alert(
    engine: Engine, clock: SimulatedClock, tmp_path: Path
) -> None:
    bot = Bot(
        engine,
        settings_with(engine, tmp_path, FALLBACK),
        clock,
    )
    bot.enrol()
    bot.say("STOP")
    bot.clock.advance(timedelta(hours=2))

    bot.say("I want to die")

    assert [to for to, _ in sent_to(bot)] == [OPERATOR]


def test_contacts_queries_follow_escalation_order(bot: Bot, family: tuple[int, int, int]) -> None:
    _, grace, joy = family
    with session_scope(bot.engine) as session:
        rows = session.exec(select(Contact).order_by(col(Contact.position)))
        assert [c.id for c in rows] == [grace, joy]
        assert session.exec(select(Message)).all() == []


class RejectsGrace:
    """An SMS provider that refuses Grace's number for good, as Twilio does a mistyped one."""

    sender = ""
    messages_per_second = 0.0

    def send(self, outgoing: Outgoing) -> str:
        if outgoing.to == GRACE:
            raise TransportError("21211: invalid 'To' phone number", permanent=True)
        return f"SM-{outgoing.message_id}"


def test_an_alert_that_cannot_reach_the_first_contact_goes_to_the_next_at_once(
    engine: Engine, clock: SimulatedClock, tmp_path: Path
) -> None:
    bot = Bot(
        engine,
        settings_with(engine, tmp_path),
        clock,
        transports={Channel.SMS: RejectsGrace(), Channel.EMAIL: ConsoleTransport()},
    )
    patient_id = bot.enrol()
    enrol_contact(bot, patient_id, "Grace", phone=GRACE)
    enrol_contact(bot, patient_id, "Joy", email=JOY, role=ContactRole.NURSE)
    injection_site_reaction(bot)

    to_grace = [m for m in bot.messages(MessageKind.ALERT) if m.to_address == GRACE]
    assert [m.status for m in to_grace] == [MessageStatus.FAILED]
    bot.tick()  # the next pass, not 24 hours later

    assert sent_to(bot) == [(JOY, local(3, 4, 9, 30))]
    assert alerts(bot)[0].status == AlertStatus.OPEN


def test_the_alert_log_line_never_quotes_what_the_patient_wrote(
    bot: Bot, family: tuple[int, int, int], caplog: pytest.LogCaptureFixture
) -> None:
    bot.run_until(local(3, 3, 12, 0))

    # On the "reminder" logger itself: the demo, run earlier in the same process, quiets it.
    with caplog.at_level(logging.INFO, logger="reminder"):
        bot.say("the pus and blister on my arm, and I want to die")

    assert len(alerts(bot)) >= 1
    # The console transport's whole job is to log each message's text; every other line is checked.
    logged = " ".join(r.getMessage() for r in caplog.records if r.name != "reminder.console")
    assert "alert" in logged
    for words in ("pus", "blister", "want to die"):
        assert words not in logged
