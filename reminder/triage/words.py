"""The rules on what the patient wrote alone: words of self-harm, and words of a medical
emergency. Both are urgent, and one text is enough. Pure."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from reminder.replies import parse
from reminder.triage.values import Evidence, History, Kind
from reminder.triage.wording import quote, when


def mood(history: History, zone: ZoneInfo) -> Evidence | None:
    return _words(history, zone, Kind.MOOD, "self_harm", "words of self-harm or suicide")


def emergency(history: History, zone: ZoneInfo) -> Evidence | None:
    """Words of a medical emergency: trouble breathing, a swelling throat or face (a severe
    allergic reaction to the injection), chest pain, fainting. Urgent, as words of self-harm are."""
    return _words(history, zone, Kind.EMERGENCY, "emergency", "of signs of a medical emergency")


def _words(history: History, zone: ZoneInfo, kind: Kind, flag: str, what: str) -> Evidence | None:
    """Evidence from what the patient wrote alone: each text whose reading sets ``flag``."""
    said = sorted(
        (s for s in history.said if getattr(parse(s.text, history.language), flag)),
        key=lambda s: s.at,
    )
    if not said:
        return None
    newest = said[-1]
    return Evidence(
        kind,
        tuple(s.at for s in said),
        1,
        f"wrote {what} at {when(newest.at, zone)}: {quote(newest.text)}",
        details={"at": newest.at.isoformat(), "quote": quote(newest.text)[1:-1]},
    )
