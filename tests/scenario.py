"""A patient's life on a simulated clock: the planner, the inbox and the outbox on one database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from reminder import conversation, planner
from reminder.app import App
from reminder.clock import SimulatedClock
from reminder.config import Settings
from reminder.db import session_scope
from reminder.due import next_due
from reminder.enrolment import add_patient, check_patient
from reminder.models import (
    Alert,
    Channel,
    Dose,
    InboundMessage,
    Message,
    MessageKind,
    Patient,
)
from reminder.outbox import Outbox
from reminder.render import Renderer
from reminder.transports import Transport

CHICAGO = ZoneInfo("America/Chicago")
PHONE = "+13125550101"


def local(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock moment in Chicago in 2026."""
    return datetime(2026, month, day, hour, minute, tzinfo=CHICAGO)


@dataclass
class Bot:
    """Drives the real entry points the way the daemon and a patient's phone would."""

    engine: Engine
    settings: Settings
    clock: SimulatedClock
    # Stand-ins for the providers (e.g. one that rejects a number); default: the configured ones.
    transports: Mapping[Channel, Transport] | None = None

    def outbox(self) -> Outbox:
        if self.transports is None:
            return App(self.settings, self.engine, self.clock).outbox()
        return Outbox(
            self.engine,
            self.settings,
            self.clock,
            self.transports,
            Renderer(messages=self.settings.messages),
        )

    def enrol(
        self,
        *,
        phone: str = PHONE,
        dose_time: str = "19:30",
        start: str = "2026-03-03",
        full_dose: bool = True,
    ) -> int:
        spec = check_patient(
            self.settings,
            name="Ada Lovelace",
            phone=phone,
            email=None,
            timezone="America/Chicago",
            dose_time=dose_time,
            start=start,
            full_dose=full_dose,
        )
        with session_scope(self.engine) as session:
            patient_id = add_patient(session, self.settings, spec, self.clock.now()).id
        assert patient_id is not None
        return patient_id

    def tick(self) -> planner.TickStats:
        stats = planner.tick(self.engine, self.settings, self.clock)
        self.outbox().dispatch()
        return stats

    def at(self, moment: datetime) -> planner.TickStats:
        self.clock.set(moment)
        return self.tick()

    def run_until(self, end: datetime) -> None:
        """Tick at every moment something is due up to ``end``, then at ``end`` itself."""
        for _ in range(1000):
            self.tick()
            upcoming = next_due(self.engine)
            if upcoming is None or upcoming > end:
                break
            self.clock.set(max(upcoming, self.clock.now() + timedelta(seconds=1)))
        else:
            raise AssertionError("the planner keeps asking to be woken: it spins")
        if end > self.clock.now():
            self.at(end)

    def say(
        self, body: str, sender: str = PHONE, provider_id: str | None = None
    ) -> conversation.Outcome:
        outcome = conversation.receive(
            self.engine,
            self.settings,
            self.clock,
            sender=sender,
            body=body,
            provider_id=provider_id,
        )
        self.outbox().dispatch()
        return outcome

    def messages(self, *kinds: MessageKind) -> list[Message]:
        with session_scope(self.engine) as session:
            statement = select(Message).order_by(col(Message.send_at), col(Message.id))
            if kinds:
                statement = statement.where(col(Message.kind).in_([k.value for k in kinds]))
            return list(session.exec(statement))

    def replies(self) -> list[Message]:
        return self.messages(MessageKind.REPLY)

    def last_reply(self) -> Message:
        replies = self.replies()
        assert replies, "nothing was answered"
        return replies[-1]

    def inbox(self) -> list[InboundMessage]:
        with session_scope(self.engine) as session:
            return list(session.exec(select(InboundMessage).order_by(col(InboundMessage.id))))

    def doses(self) -> list[Dose]:
        with session_scope(self.engine) as session:
            return list(session.exec(select(Dose).order_by(col(Dose.day), col(Dose.id))))

    def alerts(self) -> list[Alert]:
        with session_scope(self.engine) as session:
            return list(session.exec(select(Alert).order_by(col(Alert.id))))

    def patient(self, patient_id: int) -> Patient:
        with session_scope(self.engine) as session:
            patient = session.get(Patient, patient_id)
            assert patient is not None
            return patient

    def update_patient(self, patient_id: int, **values: object) -> None:
        with session_scope(self.engine) as session:
            patient = session.get(Patient, patient_id)
            assert patient is not None
            for name, value in values.items():
                setattr(patient, name, value)
            session.add(patient)
