"""What a reply with words of self-harm or of a medical emergency is answered with first: the
crisis text or the emergency number, at once and whatever the patient's status, noting on the
stored text the urgent alert it raised and whether that alert reached anyone."""

from __future__ import annotations

from typing import Any

from reminder.escalation import Raised
from reminder.models import Alert, AlertKind, InboundMessage
from reminder.turn import Turn


def crisis(turn: Turn, raised: list[Raised]) -> tuple[str, dict[str, Any]]:
    alerted = _urgent(
        turn.inbound, raised, AlertKind.MOOD, "self_harm", "self-harm words: crisis text"
    )
    return "crisis", {"crisis_text": turn.settings.messages.crisis_text, "alerted": alerted}


def emergency(turn: Turn, raised: list[Raised]) -> tuple[str, dict[str, Any]]:
    note = "signs of an emergency: emergency number"
    return "emergency", {
        "alerted": _urgent(turn.inbound, raised, AlertKind.EMERGENCY, "emergency", note)
    }


def lead_with(turn: Turn, part: tuple[str, dict[str, Any]]) -> None:
    """``part`` first in the answer, which then needs no "noted" or help text."""
    turn.parts[:] = [p for p in turn.parts if p[0] not in ("noted", "not_understood")]
    turn.parts.insert(0, part)


def reached(alert: Alert) -> bool:
    """Whether an alert went to anyone: a contact, or the fallback address."""
    return alert.notified_position > 0 or alert.fallback_at is not None


def _urgent(
    inbound: InboundMessage, raised: list[Raised], kind: AlertKind, label: str, said: str
) -> bool:
    """Note on the stored text what was sent and which alert this reply raised; whether that
    alert reached anyone."""
    alert = next((r.alert for r in raised if r.alert.kind == kind), None)
    note = f"{said} sent, alert {alert.id if alert else '?'}"
    inbound.outcome = f"{note}; {inbound.outcome or ''}".rstrip("; ")[:200]
    inbound.parsed_as = (f"{label}+" + (inbound.parsed_as or "")).rstrip("+")[:32]
    return alert is not None and reached(alert)
