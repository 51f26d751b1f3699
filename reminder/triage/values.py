"""The values the triage rules read and return: a patient's recent history (prompts with their
answers, what they wrote, closed doses, past alerts), the evidence a rule gathers, and the finding
it may become. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol


class Kind(StrEnum):
    POSSIBLE_RELAPSE = "possible_relapse"
    PSEUDO_RELAPSE = "pseudo_relapse"
    INJECTION_SITE = "injection_site"
    TOLERABILITY = "tolerability"
    MOOD = "mood"
    ADHERENCE = "adherence"
    DOSING = "dosing"
    DEPRESSION_SCREEN = "depression_screen"
    EMERGENCY = "emergency"


class Severity(StrEnum):
    URGENT = "urgent"  # every contact at once, quiet hours ignored
    ROUTINE = "routine"  # one contact at a time, in waking hours


RELAPSE = frozenset({Kind.POSSIBLE_RELAPSE, Kind.PSEUDO_RELAPSE})
URGENT = frozenset({Kind.MOOD, Kind.EMERGENCY})
SYMPTOM_WORDS = {
    "vision": "vision problems",
    "numbness": "numbness or tingling",
    "weakness": "weakness",
    "balance": "balance or walking problems",
    "bladder": "bladder or bowel problems",
    "speech": "speech or swallowing problems",
    "face": "a change in the face",
}


class Thresholds(Protocol):
    """The [triage] settings the rules read (reminder.config_sections.Triage has exactly these)."""

    flu_alert_score: int
    flu_alert_checkins: int
    site_alert_score: int
    relapse_followup_hours: int
    relapse_repeat_days: int
    adherence_missed_doses: int
    adherence_unanswered_checkins: int


@dataclass(frozen=True)
class Answer:
    """What one reply said to a check-in or follow-up; None where it said nothing."""

    at: datetime
    flu: int | None = None
    site_score: int | None = None
    neuro: bool | None = None  # check-in: new or worse symptom; follow-up: still there
    fever: bool | None = None
    symptoms: frozenset[str] = frozenset()
    interest: int | None = None  # PHQ-2 item 1, 0-3
    mood: int | None = None  # PHQ-2 item 2, 0-3


@dataclass(frozen=True)
class Prompt:
    """A check-in, a relapse follow-up or a site question, with the answers it got.

    ``status`` is a reminder.models.CheckInStatus value: planned, open, answered, incomplete,
    unanswered or cancelled. ``parent_id`` links a follow-up to the check-in that reported the symptom.
    """

    id: int
    kind: str  # "checkin", "followup", "site_heal" or "phq2"
    status: str
    asked_at: datetime | None = None
    closed_at: datetime | None = None
    site: str | None = None
    parent_id: int | None = None
    answers: tuple[Answer, ...] = ()

    def score(self, name: str) -> tuple[int, datetime] | None:
        """The newest ``flu``, ``site_score``, ``interest`` or ``mood`` a reply gave, with when."""
        given = [(value, a.at) for a in self.answers if (value := getattr(a, name)) is not None]
        return max(given, key=lambda pair: pair[1]) if given else None

    def said_yes(self, name: str) -> tuple[bool, datetime] | None:
        """The newest ``neuro`` or ``fever`` answer, with when it was given."""
        given = [(value, a.at) for a in self.answers if (value := getattr(a, name)) is not None]
        return max(given, key=lambda pair: pair[1]) if given else None

    def symptoms(self) -> frozenset[str]:
        return frozenset(s for answer in self.answers for s in answer.symptoms)

    def fever(self) -> bool:
        value = self.said_yes("fever")
        return value is not None and value[0]


@dataclass(frozen=True)
class Said:
    """Something the patient wrote, whatever it was about."""

    at: datetime
    text: str


@dataclass(frozen=True)
class DoseOutcome:
    """A closed dose: "taken", "skipped", "missed" or "unconfirmed" (cancelled ones are left
    out). ``taken_at`` is when a taken dose was injected, as the patient said."""

    day: date
    status: str
    closed_at: datetime
    site: str | None = None
    taken_at: datetime | None = None


@dataclass(frozen=True)
class PastAlert:
    """An alert already raised: what it covered, and whether it still waits for an OK."""

    id: int
    kind: Kind
    created_at: datetime
    evidence_at: datetime  # the newest evidence it accounts for
    open: bool
    symptoms: frozenset[str] = frozenset()


@dataclass(frozen=True)
class History:
    prompts: Sequence[Prompt] = ()
    said: Sequence[Said] = ()
    doses: Sequence[DoseOutcome] = ()
    alerts: Sequence[PastAlert] = ()
    language: str = "en"  # the patient's, so their own words of self-harm or of a wound are read


@dataclass(frozen=True)
class Finding:
    """Something a person must hear about. ``repeat_of`` names the open alert it repeats."""

    kind: Kind
    severity: Severity
    reason: str
    evidence_at: datetime
    repeat_of: int | None = None
    site: str | None = None
    symptoms: frozenset[str] = frozenset()
    # The reason's facts as plain values (ISO times, numbers, words), so that each contact's
    # language can say it: reminder/notices.py puts them in the alert's message context.
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Evidence:
    """What a rule saw: ``times`` of the events that count, ``need`` of which must be new."""

    kind: Kind
    times: tuple[datetime, ...]
    need: int
    reason: str
    site: str | None = None
    symptoms: frozenset[str] = frozenset()
    details: Mapping[str, Any] = field(default_factory=dict)
