"""One inbound text being applied: the state it reads, and the answer and outcome it builds up."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from reminder.config import Settings
from reminder.models import InboundMessage, Patient
from reminder.planner import replan


@dataclass
class Turn:
    """Each fact of the text adds a part to the answer (``say``) and a line to the operator's
    outcome (``note``); the answer is one message with every part, in the order applied."""

    session: Session
    settings: Settings
    now: datetime
    patient: Patient
    inbound: InboundMessage
    parts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    replan_needed: bool = False

    def say(self, answer: str, context: dict[str, Any]) -> None:
        self.parts.append((answer, context))

    def note(self, label: str, outcome: str) -> None:
        if label not in self.labels:
            self.labels.append(label)
        self.notes.append(outcome)

    def replan(self) -> None:
        self.session.flush()
        replan(self.session, self.patient, self.settings, self.now)
        self.session.flush()

    def answered(self) -> set[str]:
        return {answer for answer, _ in self.parts}


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
