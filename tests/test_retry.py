"""Tests for reminder.retry: the pure retry decision, on values."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from reminder.kinds import FailureCode
from reminder.retry import (
    AMBIGUOUS,
    MID_SEND,
    SENT_TWICE,
    Backoff,
    Step,
    Why,
    after_expired_claim,
    after_failure,
)
from reminder.transports import TransportError

NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
BACKOFF = Backoff(30, 3600)


def decide(failure: TransportError, attempts: int = 1, last_error: str | None = None) -> Step:
    return after_failure(
        failure,
        attempts=attempts,
        last_error=last_error,
        max_attempts=5,
        backoff=BACKOFF,
        rng=random.Random(7),
        now=NOW,
    )


def test_a_503_on_the_third_attempt_waits_one_to_two_minutes() -> None:
    step = decide(TransportError("HTTP 503"), attempts=3)
    assert step.why == Why.RETRY
    assert step.retry_at is not None
    assert NOW + timedelta(seconds=60) <= step.retry_at <= NOW + timedelta(seconds=120)
    assert step.last_error == "HTTP 503"


def test_the_backoff_is_capped() -> None:
    assert BACKOFF.delay(20, random.Random(1)) <= timedelta(hours=1)


def test_a_second_ambiguous_failure_is_not_retried() -> None:
    first = decide(TransportError("read timeout", ambiguous=True))
    assert first.why == Why.RETRY and first.last_error == f"{AMBIGUOUS}read timeout"
    second = decide(TransportError("read timeout", ambiguous=True), 2, first.last_error)
    assert (second.why, second.retry_at, second.failed_reason) == (Why.SENT_TWICE, None, SENT_TWICE)


def test_an_earlier_ambiguous_send_stays_marked_whatever_follows() -> None:
    step = decide(TransportError("HTTP 500"), 2, f"{AMBIGUOUS}read timeout")
    assert step.why == Why.RETRY and step.last_error == f"{AMBIGUOUS}HTTP 500"


def test_an_unreachable_number_fails_blocks_the_address_and_falls_back() -> None:
    step = decide(TransportError("landline", code="21614", unreachable=True))
    assert (step.why, step.retry_at, step.failed_reason) == (Why.PERMANENT, None, "landline")
    assert step.block_address and step.fall_back


def test_an_opt_out_with_the_provider_fails_without_falling_back() -> None:
    step = decide(TransportError("unsubscribed", code="21610", opted_out=True))
    assert (step.why, step.retry_at) == (Why.OPTED_OUT, None)
    assert not step.fall_back and not step.block_address


def test_the_fifth_transient_failure_reaches_the_retry_limit() -> None:
    step = decide(TransportError("HTTP 429"), attempts=5)
    assert (step.why, step.failed_reason) == (Why.RETRY_LIMIT, "retry limit: 5 attempts")


def test_a_claim_expired_mid_send_is_requeued_once_then_failed() -> None:
    first = after_expired_claim(
        attempts=1, in_flight=True, was_ambiguous=False, max_attempts=5, now=NOW
    )
    assert (first.why, first.retry_at) == (Why.MAYBE_SENT, NOW)
    assert first.last_error == f"{AMBIGUOUS}re-queued: {MID_SEND}"
    second = after_expired_claim(
        attempts=2, in_flight=True, was_ambiguous=True, max_attempts=5, now=NOW
    )
    assert (second.why, second.retry_at, second.failed_reason) == (Why.SENT_TWICE, None, SENT_TWICE)


def test_a_claim_that_expired_on_every_attempt_fails() -> None:
    step = after_expired_claim(
        attempts=5, in_flight=False, was_ambiguous=False, max_attempts=5, now=NOW
    )
    assert step.retry_at is None
    assert step.failed_reason == "retry limit: the worker's claim expired 5 times"


@pytest.mark.parametrize(
    ("failure", "attempts", "code"),
    [
        (TransportError("invalid", code="21211", permanent=True), 1, FailureCode.PERMANENT),
        (TransportError("landline", code="21614", unreachable=True), 1, FailureCode.UNREACHABLE),
        (TransportError("unsubscribed", code="21610", opted_out=True), 1, FailureCode.OPTED_OUT),
        (TransportError("HTTP 429"), 5, FailureCode.RETRY_LIMIT),
    ],
)
def test_a_failing_step_names_its_code_beside_its_words(
    failure: TransportError, attempts: int, code: FailureCode
) -> None:
    step = decide(failure, attempts)
    assert step.failed == (code, step.failed_reason)


def test_a_step_that_queues_again_has_no_failure_code() -> None:
    assert decide(TransportError("HTTP 503")).failed is None
    retried = after_expired_claim(
        attempts=1, in_flight=False, was_ambiguous=False, max_attempts=5, now=NOW
    )
    assert retried.failed is None


def test_a_second_ambiguous_send_and_an_expired_claim_limit_have_their_codes() -> None:
    twice = decide(TransportError("read timeout", ambiguous=True), 2, f"{AMBIGUOUS}read timeout")
    assert twice.failed == (FailureCode.SENT_TWICE, SENT_TWICE)
    limit = after_expired_claim(
        attempts=5, in_flight=True, was_ambiguous=True, max_attempts=5, now=NOW
    )
    assert limit.failed is not None and limit.failed[0] == FailureCode.RETRY_LIMIT
