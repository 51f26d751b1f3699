"""`reminder demo`: two simulated weeks of a new patient and her caregiver, on a temporary database,
as a conversation: reminders, check-ins, a relapse screen that ends in an alert, and the caregiver's OK.

Nothing is sent anywhere: the console transport is used and the clock is simulated, jumping from one
due moment to the next, so two weeks take a few seconds.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from reminder import conversation, planner, views
from reminder.app import App
from reminder.clock import SimulatedClock
from reminder.config import FileSettings, Secrets, Settings
from reminder.config_messages import Messages
from reminder.config_sections import Schedule
from reminder.db import create_db_engine, session_scope, upgrade
from reminder.due import next_due
from reminder.enrolment import add_contact, add_patient, check_patient
from reminder.models import Contact, ContactRole, Message, MessageStatus, Patient

ZONE = "America/Chicago"
PHONE = "+13125550147"
CAREGIVER = "Sam Rivera"
CAREGIVER_PHONE = "+13125550148"


@dataclass(frozen=True)
class Line:
    """A scripted reply: on day ``day`` (0 = start) at local ``at``, the patient (or, with
    ``caregiver``, Sam) writes ``text``."""

    day: int
    at: time
    text: str
    note: str = ""
    caregiver: bool = False


# Two weeks that show the rules at work; the comments are printed beside the replies.
SCRIPT = (
    Line(0, time(19, 42), "DONE left thigh", "first dose, site recorded"),
    Line(1, time(9, 20), "2 1 N", "the morning check-in: flu-like 2, site 1, no new symptom"),
    Line(3, time(8, 15), "done", "a late dose: taken the next morning, so the schedule moves"),
    Line(4, time(9, 10), "3,1", "a partial answer: only the missing question is asked"),
    Line(4, time(9, 12), "N"),
    Line(5, time(19, 35), "later", "snooze: reminded again in an hour"),
    Line(5, time(20, 40), "Done RA"),
    Line(6, time(9, 5), "1 0 Y numbness", "a new symptom: the relapse screen starts"),
    Line(7, time(9, 10), "Y", "still there a day later, no fever: a possible relapse"),
    Line(7, time(9, 40), "OK", "the caregiver acknowledges the alert", caregiver=True),
    Line(7, time(19, 50), "skip", "skipped: counts as missed, next reminder tomorrow"),
    Line(
        8,
        time(19, 37),
        "what dose is it today?",
        "a question about the dose: answered from the schedule",
    ),
    Line(8, time(19, 39), "DONE"),
    Line(9, time(9, 15), "2 0 N"),
    Line(10, time(7, 45), "PAUSE 2", "travelling: reminders paused"),
    Line(11, time(10, 0), "RESUME", "back early"),
    Line(11, time(19, 33), "done LAB"),
    Line(12, time(9, 30), "1 1 N"),
    Line(13, time(19, 31), "done"),
    Line(14, time(9, 5), "0 0 N"),
    Line(15, time(19, 34), "done left buttock", "week 3: the titration step is 0.5 mL"),
)


# The same two weeks in another language: the bot writes in it and the patient answers in it (the
# reply lexicons of reminder/lexicon). By line of SCRIPT; a line not named keeps its text.
LOCAL_REPLIES: dict[str, dict[int, str]] = {
    "es": {
        0: "listo, muslo izquierdo", 2: "hecho", 5: "luego", 6: "listo BD",
        7: "1 0 S, hormigueo en la mano", 8: "sí, sigue", 9: "vale", 10: "saltar",
        11: "¿qué dosis me toca hoy?", 12: "listo", 14: "pausa 2", 15: "seguir", 16: "listo AI",
        18: "ya está", 20: "listo, glúteo izquierdo",
    },
    "de": {
        0: "erledigt, Oberschenkel links", 2: "gemacht", 5: "später", 6: "erledigt AR",
        7: "1 0 J, Kribbeln in der Hand", 8: "ja, immer noch", 9: "verstanden", 10: "auslassen",
        11: "welche Dosis ist heute dran?", 12: "erledigt", 14: "Pause 2", 15: "weiter",
        16: "erledigt BL", 18: "fertig", 20: "erledigt, Po links",
    },
    "fr": {
        0: "fait, cuisse gauche", 2: "c'est fait", 5: "plus tard", 6: "fait BD",
        7: "1 0 O, fourmillements dans la main", 8: "oui, toujours là", 9: "reçu", 10: "sauter",
        11: "quelle dose aujourd'hui ?", 12: "fait", 14: "pause 2", 15: "reprise", 16: "fait VG",
        18: "c'est fait", 20: "fait, fesse gauche",
    },
}  # fmt: skip
# Where a demo patient of each language lives, and the crisis line a patient there would call
# (a patient's language needs its crisis text: see [messages.es] in config.example.toml).
PLACES: dict[str, tuple[str, str]] = {
    "en": (ZONE, ""),
    "es": (ZONE, "Si piensas en hacerte daño, llama ahora al 988 (marca 2, en español) o al 911."),
    "de": (
        "Europe/Berlin",
        "Wenn Sie daran denken, sich etwas anzutun: TelefonSeelsorge 0800 111 0 111 (kostenlos,"
        " rund um die Uhr) oder Notruf 112.",
    ),
    "fr": (
        "Europe/Paris",
        "Si vous pensez à vous faire du mal, appelez maintenant le 3114 (gratuit, 24 h/24) ou le 15.",
    ),
}
LANGUAGES = tuple(PLACES)


def script(language: str) -> tuple[Line, ...]:
    """SCRIPT with the replies of ``language``."""
    replies = LOCAL_REPLIES.get(language, {})
    return tuple(
        Line(line.day, line.at, replies.get(index, line.text), line.note, line.caregiver)
        for index, line in enumerate(SCRIPT)
    )


def run_demo(
    start: datetime, echo: Callable[[str], None] = print, days: int = 16, language: str = "en"
) -> None:
    """Play the script from 09:00 on the local date of ``start`` (day 0), printing messages both
    ways; the patient and caregiver read ``language``."""
    zone_name, crisis_text = PLACES[language]
    zone = ZoneInfo(zone_name)
    first_day = start.astimezone(zone).date()
    start = _local(first_day, time(9, 0), zone)
    # The demo prints messages and alerts itself; the operator's log lines would repeat them.
    # The level is put back after, for a process (a test run) that goes on logging.
    operator_log = logging.getLogger("reminder")
    level = operator_log.level
    operator_log.setLevel(logging.ERROR)
    try:
        _play(start, first_day, zone, zone_name, crisis_text, echo, days, language)
    finally:
        operator_log.setLevel(level)


def _play(
    start: datetime,
    first_day: date,
    zone: ZoneInfo,
    zone_name: str,
    crisis_text: str | None,
    echo: Callable[[str], None],
    days: int,
    language: str,
) -> None:
    with tempfile.TemporaryDirectory(prefix="reminder-demo-") as folder:
        messages = {language: {"crisis_text": crisis_text}} if crisis_text else {}
        settings = Settings(
            path=None,
            file=FileSettings(
                schedule=Schedule(default_timezone=zone_name),
                messages=Messages.model_validate(messages),
            ),
            secrets=Secrets(),
            database_url=f"sqlite:///{Path(folder) / 'demo.db'}",
        )
        engine = create_db_engine(settings.database_url)
        upgrade(engine)
        clock = SimulatedClock(start)
        app = App(settings, engine, clock)
        outbox = app.outbox()
        spec = check_patient(
            settings,
            name="Alex Rivera",
            phone=PHONE,
            email=None,
            timezone=zone_name,
            dose_time="19:30",
            start=first_day.isoformat(),
            language=language,
        )
        with session_scope(engine) as session:
            patient = add_patient(session, settings, spec, clock.now())
            patient_id = patient.id
            add_contact(
                session,
                settings,
                patient,
                name=CAREGIVER,
                phone=CAREGIVER_PHONE,
                email=None,
                role=ContactRole.CAREGIVER,
                now=clock.now(),
            )
        echo(
            f"Demo: Alex Rivera starts therapy on {first_day:%a %d %b %Y}, reminders at 19:30"
            f" {zone_name}; {CAREGIVER} is her caregiver. Both read {language!r}."
        )
        echo(
            "Times are Alex's local times. Replies marked '<-', messages from the bot '->';"
            f" [{CAREGIVER}] marks what {CAREGIVER} writes and gets.\n"
        )
        printed = 0
        pending = sorted(script(language), key=lambda line: (line.day, line.at))
        end = _local(first_day + timedelta(days=days), time(0, 0), zone)
        while True:
            moment = _next_moment(app, end, pending, first_day, zone)
            if moment is None:
                break
            clock.set(moment)
            if pending and _due(pending[0], first_day, zone) <= moment:
                line = pending.pop(0)
                note = f"   ({line.note})" if line.note else ""
                who = f"[{CAREGIVER}] " if line.caregiver else ""
                echo(f"{_stamp(moment, zone)}  <- {who}{line.text}{note}")
                sender = CAREGIVER_PHONE if line.caregiver else PHONE
                conversation.receive(engine, settings, clock, sender=sender, body=line.text)
            planner.tick(engine, settings, clock)
            outbox.dispatch()
            printed = _print_sent(app, printed, zone, echo)
        with session_scope(engine) as session:
            patient = session.get(Patient, patient_id)
            assert patient is not None
            upcoming = views.next_dose(session, patient, settings)
        if upcoming:
            echo(
                f"\nNext dose: {upcoming['at']}, {upcoming['volume_ml']:g} mL, "
                f"site {upcoming['site']}: {upcoming['why']}."
            )
        engine.dispose()


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone)


def _due(line: Line, first_day: date, zone: ZoneInfo) -> datetime:
    return _local(first_day + timedelta(days=line.day), line.at, zone)


def _stamp(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%a %d %b %H:%M}"


def _next_moment(
    app: App, end: datetime, pending: list[Line], first_day: date, zone: ZoneInfo
) -> datetime | None:
    """The next moment anything happens: a patient due, a message due, or a scripted reply."""
    now = app.clock.now()
    due = [next_due(app.engine)]
    if pending:
        due.append(_due(pending[0], first_day, zone))
    upcoming = [moment for moment in due if moment is not None]
    moment = max(min(upcoming), now) if upcoming else None
    return moment if moment is not None and moment < end else None


def _print_sent(app: App, printed: int, zone: ZoneInfo, echo: Callable[[str], None]) -> int:
    with session_scope(app.engine) as session:
        sent = session.exec(
            select(Message)
            .where(Message.id > printed, Message.status == MessageStatus.SENT)
            .order_by(col(Message.id))
        ).all()
        contacts = {c.id: c.name for c in session.exec(select(Contact))}
    for message in sent:
        assert message.sent_at is not None
        to = f"[{contacts[message.contact_id]}] " if message.contact_id in contacts else ""
        echo(f"{_stamp(message.sent_at, zone)}  -> {to}{message.body}")
        printed = max(printed, message.id or 0)
    return printed
