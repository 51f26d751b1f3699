"""Each person reads their own language: a Spanish patient's reminders, answers and crisis text are
Spanish, and each contact's alert is in the contact's language; a change reaches queued messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from reminder import planner
from reminder.clock import SimulatedClock
from reminder.config import Settings, load_settings
from reminder.db import session_scope
from reminder.enrolment import add_contact, add_patient, check_patient
from reminder.models import Channel, ContactRole, MessageKind, MessageStatus, Patient
from tests.scenario import PHONE, Bot, local

GRACE = "+13125550111"  # caregiver, reads English
HANS = "hans.maier@example.org"  # nurse, reads German
CRISIS_ES = "Si piensas en hacerte daño, llama ahora al 988 (marca 2, en español) o al 911."


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    config = tmp_path / "reminder.toml"
    config.write_text(
        '[schedule]\ndefault_timezone = "America/Chicago"\n'
        f'[messages.es]\nsender_name = "Tu equipo de salud"\ncrisis_text = "{CRISIS_ES}"\n',
        encoding="utf-8",
    )
    return load_settings({"DATABASE_URL": database_url, "REMINDER_CONFIG": str(config)})


@pytest.fixture
def bot(engine: Engine, settings: Settings, clock: SimulatedClock) -> Bot:
    return Bot(engine, settings, clock)


def enrol(bot: Bot, language: str) -> int:
    spec = check_patient(
        bot.settings,
        name="Ana Ruiz",
        phone=PHONE,
        email=None,
        timezone="America/Chicago",
        dose_time="19:30",
        start="2026-03-03",
        full_dose=True,
        language=language,
    )
    with session_scope(bot.engine) as session:
        patient = add_patient(session, bot.settings, spec, bot.clock.now())
        for name, phone, email, role, reads in [
            ("Grace Hill", GRACE, None, ContactRole.CAREGIVER, "en"),
            ("Hans Maier", None, HANS, ContactRole.NURSE, "de"),
        ]:
            add_contact(
                session,
                bot.settings,
                patient,
                name=name,
                phone=phone,
                email=email,
                role=role,
                now=bot.clock.now(),
                language=reads,
            )
        assert patient.id is not None
        return patient.id


def bodies(bot: Bot, kind: MessageKind) -> list[str]:
    return [m.body or "" for m in bot.messages(kind) if m.status == MessageStatus.SENT]


def test_a_spanish_patient_reads_spanish_and_each_contact_reads_their_own_language(
    bot: Bot,
) -> None:
    enrol(bot, "es")

    bot.run_until(local(3, 3, 19, 40))
    assert bodies(bot, MessageKind.REMINDER) == [
        "Hola Ana, toca tu dosis: 1 ml hoy, zona: parte posterior del brazo izquierdo."
        " Responde LISTO BI, LUEGO o SALTAR."
    ]
    bot.say("DONE")
    assert (bot.last_reply().body or "").startswith("Gracias, anotado a las 19:40")
    assert "Siguiente dosis: jue, 5 mar a las 19:30." in (bot.last_reply().body or "")

    bot.run_until(local(3, 4, 9, 30))
    (checkin,) = bodies(bot, MessageKind.CHECKIN)
    assert checkin.startswith("Hola Ana, ¿qué tal después de la dosis de ayer?")
    bot.say("2 8 N")
    assert (bot.last_reply().body or "").startswith(
        "Gracias, anotado: gripe 2, zona 8, sin molestias nuevas."
    )
    # A routine alert goes to the first contact, Grace, in English.
    (site_alert,) = bot.messages(MessageKind.ALERT)
    assert (site_alert.to_address, site_alert.status) == (GRACE, MessageStatus.SENT)
    assert (site_alert.body or "").startswith(f"Alert {site_alert.context['alert_id']} about Ana")

    bot.say("i want to kill myself")
    crisis = bot.last_reply().body or ""
    assert crisis == f"{CRISIS_ES} He avisado a tu contacto."
    urgent = [m for m in bot.messages(MessageKind.ALERT) if m.context["severity"] == "urgent"]
    by_address = {m.to_address: m for m in urgent}
    alert_id = urgent[0].context["alert_id"]
    assert (by_address[GRACE].body or "").startswith(
        f"URGENT alert {alert_id} about Ana Ruiz: risk of self-harm."
    )
    german = by_address[HANS]
    assert german.channel == Channel.EMAIL
    assert german.subject == f"DRINGEND: Meldung {alert_id} zu Ana Ruiz"
    assert (german.body or "").startswith(
        f"DRINGENDE Meldung {alert_id} zu Ana Ruiz: Gefahr der Selbstverletzung."
    )
    assert f"Bestätigen mit OK {alert_id}." in (german.body or "")
    # The reason too is in German, worded from the alert's facts, not the English reason.
    assert "Grund: schrieb um" in (german.body or "") and "von Selbstverletzung oder Suizid" in (
        german.body or ""
    )
    assert "wrote words" not in (german.body or "")


def test_a_language_change_reaches_the_messages_already_queued(bot: Bot) -> None:
    patient_id = enrol(bot, "en")
    bot.clock.set(local(3, 3, 19, 30))
    planner.tick(bot.engine, bot.settings, bot.clock)
    (queued,) = bot.messages(MessageKind.REMINDER)
    assert queued.status == MessageStatus.QUEUED

    with session_scope(bot.engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        patient.language = "es"
        session.add(patient)
    bot.outbox().dispatch()

    (sent,) = bot.messages(MessageKind.REMINDER)
    assert sent.status == MessageStatus.SENT
    assert (sent.body or "").startswith("Hola Ana, toca tu dosis: 1 ml hoy")
