"""A person's status changes act only on that person: the operator's fallback is never the patient's,
a PAUSE never withdraws an alert or a crisis answer, a provider error changes only the recipient it
was about, and an invalid number fails once.

Real parts: the real twilio client against the fake Twilio, which refuses chosen numbers with
21610, 21614, 21211 or 500, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from reminder import lifecycle
from reminder.clock import SimulatedClock
from reminder.db import session_scope
from reminder.enrolment import add_contact
from reminder.models import (
    Alert,
    AlertStatus,
    BlockedAddress,
    ContactRole,
    Message,
    MessageKind,
    MessageStatus,
    Patient,
    PatientStatus,
    Recipient,
)
from reminder.views import alert_row
from tests.fake_twilio import FakeTwilio, twilio_settings
from tests.scenario import PHONE, Bot, local

OPERATOR = "+13125550177"
OPERATOR_EMAIL = "ops@clinic.example.org"
GRACE = "+13125550150"
ADA_EMAIL = "ada@example.org"
CRISIS = "If you are thinking about harming yourself"
QUIET_ADHERENCE = "[triage]\nadherence_missed_doses = 10\nadherence_unanswered_checkins = 10\n"


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio().running() as running:
        yield running


def make_bot(
    engine: Engine, clock: SimulatedClock, tmp_path: Path, fake: FakeTwilio, escalation: str = ""
) -> Bot:
    extra = QUIET_ADHERENCE + (f"[escalation]\n{escalation}" if escalation else "")
    url = engine.url.render_as_string(hide_password=False)
    settings = twilio_settings(url, tmp_path, fake.base_url, timeout_seconds=0.5, extra=extra)
    return Bot(engine, settings, clock)


def to(bot: Bot, address: str) -> list[Message]:
    return [m for m in bot.messages() if m.to_address == address]


def site_reaction_at_night(bot: Bot) -> None:
    """A dose at 19:40, then a check-in answer with a site score of 8 at 22:00: a routine alert,
    whose notice waits for 08:00."""
    bot.run_until(local(3, 3, 19, 40))
    bot.say("DONE")
    bot.run_until(local(3, 4, 22, 0))
    bot.say("2 8 N")


@pytest.mark.parametrize("then", ["PAUSE 7", "STOP"])
def test_a_pause_or_stop_never_cancels_the_operators_fallback_notice(
    engine: Engine, clock: SimulatedClock, tmp_path: Path, fake: FakeTwilio, then: str
) -> None:
    bot = make_bot(engine, clock, tmp_path, fake, f'fallback_address = "{OPERATOR}"\n')
    bot.enrol()  # no contact: the alert goes straight to the operator
    site_reaction_at_night(bot)
    (notice,) = bot.messages(MessageKind.ALERT)
    assert (notice.recipient, notice.status) == (Recipient.OPERATOR, MessageStatus.QUEUED)

    bot.say(then)
    bot.run_until(local(3, 5, 8, 0))

    assert [m.status for m in to(bot, OPERATOR)] == [MessageStatus.SENT]
    assert any("alert" in body.lower() for body in fake.bodies())


def test_a_pause_never_cancels_a_queued_crisis_answer(
    engine: Engine, clock: SimulatedClock, tmp_path: Path, fake: FakeTwilio
) -> None:
    bot = make_bot(engine, clock, tmp_path, fake, f'fallback_address = "{OPERATOR_EMAIL}"\n')
    bot.enrol()
    bot.run_until(local(3, 3, 12, 0))
    fake.refuse_number(PHONE, 20500)  # Twilio fails for a while: the crisis answer waits to retry
    bot.say("I want to end it all")
    bot.say("PAUSE 7")
    fake.refuse.clear()

    bot.run_until(local(3, 3, 13, 0))

    crisis = [m for m in bot.replies() if m.context.get("answer") == "crisis"]
    assert [m.status for m in crisis] == [MessageStatus.SENT]
    assert any(body.startswith(CRISIS) for body in fake.bodies())
    assert [m.status for m in to(bot, OPERATOR_EMAIL)] == [MessageStatus.SENT]


def test_an_opted_out_operator_number_changes_no_patient_and_the_second_address_is_told(
    engine: Engine, clock: SimulatedClock, tmp_path: Path, fake: FakeTwilio
) -> None:
    bot = make_bot(
        engine,
        clock,
        tmp_path,
        fake,
        f'fallback_address = "{OPERATOR}"\nsecond_fallback_address = "{OPERATOR_EMAIL}"\n',
    )
    patient_id = bot.enrol()
    fake.refuse_number(OPERATOR, 21610)
    bot.run_until(local(3, 3, 12, 0))

    bot.say("I want to die")

    assert bot.patient(patient_id).status == PatientStatus.ACTIVE
    (first,) = to(bot, OPERATOR)
    assert (first.status, first.recipient) == (MessageStatus.FAILED, Recipient.OPERATOR)
    (second,) = to(bot, OPERATOR_EMAIL)
    assert (second.status, second.recipient) == (MessageStatus.SENT, Recipient.OPERATOR)
    assert second.idempotency_key.endswith(":fallback:2")
    bot.run_until(local(3, 5, 19, 31))
    assert any("time for your injection" in body for body in fake.bodies())


def test_a_landline_operator_number_never_falls_back_to_the_patients_email(
    engine: Engine,
    clock: SimulatedClock,
    tmp_path: Path,
    fake: FakeTwilio,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot = make_bot(engine, clock, tmp_path, fake, f'fallback_address = "{OPERATOR}"\n')
    patient_id = bot.enrol()
    bot.update_patient(patient_id, email=ADA_EMAIL)
    fake.refuse_number(OPERATOR, 21614)
    bot.run_until(local(3, 3, 12, 0))

    with caplog.at_level(logging.ERROR, logger="reminder.escalation"):
        bot.say("I want to die")

    alerts = [m for m in to(bot, ADA_EMAIL) if m.kind == MessageKind.ALERT]
    assert alerts == []
    assert [m.status for m in to(bot, OPERATOR)] == [MessageStatus.FAILED]
    assert any(
        "reaches no one" in r.getMessage() and OPERATOR in r.getMessage() for r in caplog.records
    )
    with session_scope(engine) as session:
        (alert,) = session.exec(select(Alert))
        assert alert.status == AlertStatus.OPEN
        row = alert_row(session, alert)
    assert [(n["recipient"], n["to"], n["status"]) for n in row["sent_to"]] == [
        ("operator", OPERATOR, "failed")
    ]
    assert row["fallback_at"] is not None


def test_a_contacts_stop_cancels_only_what_goes_to_that_contact(
    engine: Engine, clock: SimulatedClock, tmp_path: Path, fake: FakeTwilio
) -> None:
    bot = make_bot(engine, clock, tmp_path, fake)
    patient_id = bot.enrol()
    with session_scope(engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        add_contact(
            session,
            bot.settings,
            patient,
            name="Grace",
            phone=GRACE,
            email=None,
            role=ContactRole.CAREGIVER,
            now=clock.now(),
        )
    site_reaction_at_night(bot)
    (notice,) = to(bot, GRACE)
    assert notice.status == MessageStatus.QUEUED

    bot.say("STOP", sender=GRACE)
    bot.run_until(local(3, 5, 19, 31))

    statuses = {m.template: m.status for m in to(bot, GRACE)}
    assert statuses == {"alert": MessageStatus.CANCELLED, "reply": MessageStatus.SENT}
    assert bot.patient(patient_id).status == PatientStatus.ACTIVE
    assert sum("time for your injection" in body for body in fake.bodies()) == 2


def test_an_invalid_number_is_tried_once_not_at_every_reminder(
    engine: Engine, clock: SimulatedClock, tmp_path: Path, fake: FakeTwilio
) -> None:
    bot = make_bot(engine, clock, tmp_path, fake)
    patient_id = bot.enrol()
    fake.refuse_number(PHONE, 21211)

    bot.run_until(local(3, 9, 21, 0))  # four reminder evenings, with their nudges

    to_twilio = [r for r in fake.requests if r.form.get("To") == PHONE]
    assert len(to_twilio) == 1
    first, *later = to(bot, PHONE)
    assert first.status == MessageStatus.FAILED
    assert later and all(m.status == MessageStatus.CANCELLED for m in later)
    assert all((m.failed_reason or "").startswith("address blocked: Twilio 21211") for m in later)
    with session_scope(engine) as session:
        assert [b.address for b in session.exec(select(BlockedAddress))] == [PHONE]
    assert bot.patient(patient_id).status == PatientStatus.ACTIVE


def test_enrolling_a_blocked_number_again_lifts_the_block(
    engine: Engine, clock: SimulatedClock, tmp_path: Path, fake: FakeTwilio
) -> None:
    bot = make_bot(engine, clock, tmp_path, fake)
    patient_id = bot.enrol()
    with session_scope(engine) as session:
        lifecycle.block_address(
            session, GRACE, "Twilio 21211: invalid 'To' phone number", clock.now()
        )
    with session_scope(engine) as session:
        assert session.get(BlockedAddress, GRACE) is not None
        patient = session.get(Patient, patient_id)
        assert patient is not None
        add_contact(
            session,
            bot.settings,
            patient,
            name="Grace",
            phone=GRACE,
            email=None,
            role=ContactRole.CAREGIVER,
            now=clock.now(),
        )
    with session_scope(engine) as session:
        assert session.get(BlockedAddress, GRACE) is None
