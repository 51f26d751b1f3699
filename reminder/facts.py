"""What the clauses of one reply said, gathered by the clause readers before reminder.replies
makes a Reading of it. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Facts:
    """What the clauses of one reply said, gathered before it becomes a Reading."""

    doses: list[str] = field(default_factory=list)
    taken_at: str | None = None
    taken_ago: int | None = None
    site_text: str | None = None
    sites: set[str] = field(default_factory=set)
    snooze: int | None = None
    snooze_at: str | None = None
    pause: int | None = None
    pause_until: str | None = None
    resume: bool = False
    ok: bool = False
    unreached: bool = False  # "I can't reach her": whatever OK was said, nobody has been reached
    ref: int | None = None
    flu: list[str] = field(default_factory=list)
    site_scores: list[str] = field(default_factory=list)
    bare: list[str] = field(default_factory=list)
    answers: list[bool] = field(default_factory=list)
    symptoms: set[str] = field(default_factory=set)
    denied: set[str] = field(default_factory=set)
    resolved: set[str] = field(default_factory=set)  # denied by "gone" or "fine", not by "no"
    courses: set[str] = field(default_factory=set)
    nothing_new: bool = False
    relapse: bool = False  # "having a relapse": a new symptom, its kind not said
    fever: list[bool] = field(default_factory=list)
    temperature: float | None = None
    temp_unit: str | None = None
    measured: bool | None = None  # the temperature's verdict, which outweighs any fever word
    healed: bool | None = None
    site_well: str | None = None  # "the right arm is fine now": the site named, "" for none
    refill: int | None = None  # REFILL: vials added, 0 for a pack
    vials: int | None = None  # VIALS N: vials on hand, counted
    lab_done: bool = False
    problem: None = None  # problems are found when the facts are put together
    detail: str = ""
    question: bool = False
    about_schedule: bool = False  # a question about the next dose: when, how much, where

    @property
    def dose(self) -> str | None:
        return self.doses[0] if self.doses else None
