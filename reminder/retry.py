"""The retry decision, pure: a failed send or an expired claim in, the message's next step out.

A transient failure waits ``Backoff``: attempt n waits between half and all of base * 2**(n-1),
capped. For example, with base 30 s and cap 3600 s, a 503 on the third attempt at 10:00:00
draws a wait of 60-120 s, so the message is queued again for some moment in 10:01:00-10:02:00.
A send that may have reached the provider (ambiguous) is retried at most once, and a message
fails once it has had ``max_attempts`` sends or claims.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from reminder.kinds import FailureCode

# last_error of a message whose send may have reached the provider: it is retried at most once more.
AMBIGUOUS = "[ambiguous] "
MID_SEND = (
    "the worker's claim expired while it was sending this message; it may have reached the provider"
)
NOT_SENT = "the worker's claim expired before it sent this message"
SENT_TWICE = "not retried: two sends may have reached the provider (it may have arrived)"


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter: attempt n waits between half and all of base * 2**(n-1), capped.

    With base 30 s and cap 3600 s: after attempt 1, 15-30 s; attempt 2, 30-60 s; attempt 3, 60-120 s;
    attempt 8, 30-60 min. The jitter keeps many failed messages from retrying in lockstep.
    """

    base_seconds: float
    max_seconds: float

    def delay(self, attempt: int, rng: random.Random) -> timedelta:
        ceiling = min(self.max_seconds, self.base_seconds * 2 ** max(attempt - 1, 0))
        return timedelta(seconds=ceiling * (0.5 + rng.random() / 2))


class Failure(Protocol):
    """What a send's failure says of itself (``TransportError`` is one); its text is ``str()``."""

    permanent: bool
    opted_out: bool
    ambiguous: bool
    unreachable: bool


class Why(StrEnum):
    OPTED_OUT = "opted out"  # the recipient told the provider STOP: fails, and they are opted out
    PERMANENT = "permanent"  # the provider refused it for good: fails
    SENT_TWICE = "sent twice"  # a second send that may have reached the provider: fails
    RETRY_LIMIT = "retry limit"  # max_attempts sends or claims: fails
    RETRY = "retry"  # a transient failure: queued again after a backoff
    NOT_SENT = "not sent"  # its claim expired before the send began: queued again now
    MAYBE_SENT = "maybe sent"  # its claim expired mid-send, the first time: queued again now


@dataclass(frozen=True)
class Step:
    """A message's next step: queued again at ``retry_at``, or failed (``retry_at`` None)."""

    why: Why
    retry_at: datetime | None
    failed_reason: str | None = None
    last_error: str | None = None  # what the row's last_error becomes; None leaves it as it is
    block_address: bool = False  # the address itself is unreachable: block it for later messages
    fall_back: bool = False  # the message may go once more by another way (the patient's email)

    @property
    def failed(self) -> tuple[FailureCode, str] | None:
        """Why a failing step fails, as a code and in words; None for one queued again."""
        code = FailureCode.UNREACHABLE if self.block_address else _FAILURES.get(self.why)
        return (code, self.failed_reason) if code and self.failed_reason else None


_FAILURES = {
    Why.OPTED_OUT: FailureCode.OPTED_OUT,
    Why.PERMANENT: FailureCode.PERMANENT,
    Why.SENT_TWICE: FailureCode.SENT_TWICE,
    Why.RETRY_LIMIT: FailureCode.RETRY_LIMIT,
}


def is_ambiguous(last_error: str | None) -> bool:
    """Whether a message's earlier send may have reached the provider."""
    return (last_error or "").startswith(AMBIGUOUS)


def after_failure(
    failure: Failure,
    *,
    attempts: int,
    last_error: str | None,
    max_attempts: int,
    backoff: Backoff,
    rng: random.Random,
    now: datetime,
) -> Step:
    """Fail, or requeue with backoff. A send that may have reached the provider (ambiguous) is
    retried at most once: a second ambiguous failure fails it, so an outage cannot turn into a
    flood of copies. Once ambiguous, last_error keeps saying so, whatever follows."""
    was_ambiguous = is_ambiguous(last_error)
    error = f"{AMBIGUOUS if failure.ambiguous or was_ambiguous else ''}{failure}"
    if failure.opted_out:
        return Step(Why.OPTED_OUT, None, str(failure)[:200], error)
    if failure.permanent:
        return Step(
            Why.PERMANENT,
            None,
            str(failure)[:200],
            error,
            block_address=failure.unreachable,
            fall_back=True,
        )
    if failure.ambiguous and was_ambiguous:
        return Step(Why.SENT_TWICE, None, SENT_TWICE, error)
    if attempts >= max_attempts:
        return Step(Why.RETRY_LIMIT, None, f"retry limit: {attempts} attempts", error)
    return Step(Why.RETRY, now + backoff.delay(attempts, rng), None, error)


def after_expired_claim(
    *, attempts: int, in_flight: bool, was_ambiguous: bool, max_attempts: int, now: datetime
) -> Step:
    """A claim that expired with its worker gone. ``in_flight``: its send had begun, so it may have
    reached the provider; that is ambiguous, as a read timeout is: queued again once, marked, and
    failed the second time. One never sent is queued again, any earlier mark kept. A message whose
    worker died on every one of its ``max_attempts`` claims fails, so it cannot loop forever."""
    if attempts >= max_attempts:
        reason = f"retry limit: the worker's claim expired {max_attempts} times"
        return Step(Why.RETRY_LIMIT, None, reason)
    if in_flight and was_ambiguous:
        return Step(Why.SENT_TWICE, None, SENT_TWICE, f"{AMBIGUOUS}{MID_SEND}")
    if in_flight:
        return Step(Why.MAYBE_SENT, now, None, f"{AMBIGUOUS}re-queued: {MID_SEND}")
    mark = AMBIGUOUS if was_ambiguous else ""
    return Step(Why.NOT_SENT, now, None, f"{mark}re-queued: {NOT_SENT}")
