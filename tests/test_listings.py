"""reminder/listings.py: the operator's lists, filtered as the command line asks."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from reminder import listings
from reminder.clock import SimulatedClock
from reminder.config import Settings
from reminder.db import session_scope
from reminder.enrolment import add_contact, add_patient, check_patient
from reminder.models import ContactRole, MessageKind, MessageStatus, Patient
from reminder.queue import enqueue, message_values


def enrol(
    session: Session, settings: Settings, clock: SimulatedClock, name: str, phone: str
) -> Patient:
    spec = check_patient(
        settings, name=name, phone=phone, email=None, timezone=None, dose_time=None, start=None
    )
    return add_patient(session, settings, spec, clock.now())


def queue_message(
    session: Session, patient: Patient, clock: SimulatedClock, n: int, *, cancelled: bool = False
) -> None:
    enqueue(
        session,
        message_values(
            key=f"test:{patient.id}:{n}",
            patient=patient,
            kind=MessageKind.REMINDER,
            template="reminder",
            context={},
            send_at=clock.now() + timedelta(minutes=n),
            now=clock.now(),
            cancelled_because="a test" if cancelled else None,
        ),
    )


def test_contacts_come_by_patient_in_escalation_order_or_for_one_patient(
    engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    with session_scope(engine) as session:
        ada = enrol(session, settings, clock, "Ada", "+13125550101")
        bo = enrol(session, settings, clock, "Bo", "+13125550102")
        for patient, name in ((bo, "Cy"), (ada, "Di"), (ada, "Ed")):
            add_contact(
                session,
                settings,
                patient,
                name=name,
                phone=None,
                email=f"{name.lower()}@example.org",
                role=ContactRole.CAREGIVER,
                now=clock.now(),
            )
        everyone = [(row["patient"], row["name"]) for row in listings.contacts(session)]
        only_ada = [row["name"] for row in listings.contacts(session, ada.id)]
    assert everyone == [(ada.id, "Di"), (ada.id, "Ed"), (bo.id, "Cy")]
    assert only_ada == ["Di", "Ed"]


def test_messages_keep_the_newest_and_list_them_oldest_first(
    engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    with session_scope(engine) as session:
        ada = enrol(session, settings, clock, "Ada", "+13125550101")
        bo = enrol(session, settings, clock, "Bo", "+13125550102")
        for n in range(4):
            queue_message(session, ada, clock, n, cancelled=n == 3)
        queue_message(session, bo, clock, 0)
        newest = listings.messages(session, limit=3)
        adas = listings.messages(session, limit=10, patient_id=ada.id)
        cancelled = listings.messages(session, limit=10, status=MessageStatus.CANCELLED)
    assert [row["id"] for row in newest] == sorted(row["id"] for row in newest)
    assert [row["patient"] for row in newest] == [ada.id, ada.id, bo.id]
    assert len(adas) == 4 and {row["patient"] for row in adas} == {ada.id}
    assert [(row["patient"], row["status"]) for row in cancelled] == [(ada.id, "cancelled")]


def test_a_row_that_is_not_there_is_none(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert listings.message(session, 404) is None
        assert listings.contact(session, 404) is None
        assert listings.alert(session, 404) is None
        assert listings.alerts(session, only_open=True) == []
