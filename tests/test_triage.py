"""Tests for reminder.triage: each red-flag rule of PRODUCT.md and its negative, as pure values."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminder.config_sections import Triage
from reminder.triage import (
    Answer,
    DoseOutcome,
    Finding,
    History,
    Kind,
    PastAlert,
    Prompt,
    Said,
    Severity,
    evaluate,
    group,
)

CHICAGO = ZoneInfo("America/Chicago")
RULES = Triage()
_ids = itertools.count(1)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A wall-clock moment in Chicago, as the aware UTC value the database holds."""
    return datetime(2026, month, day, hour, minute, tzinfo=CHICAGO).astimezone(UTC)


def checkin(
    when: datetime,
    *,
    flu: int | None = 2,
    site_score: int | None = 1,
    neuro: bool | None = False,
    fever: bool | None = None,
    symptoms: frozenset[str] = frozenset(),
    site: str | None = "left_thigh",
    status: str = "answered",
) -> Prompt:
    answers = ()
    if status != "unanswered":
        answers = (Answer(when, flu, site_score, neuro, fever, symptoms),)
    return Prompt(
        id=next(_ids),
        kind="checkin",
        status=status,
        asked_at=when - timedelta(minutes=10),
        closed_at=when if status == "answered" else when + timedelta(hours=30),
        site=site,
        answers=answers,
    )


def followup(
    parent: Prompt,
    when: datetime | None,
    *,
    present: bool | None = True,
    fever: bool | None = None,
    symptoms: frozenset[str] = frozenset(),
) -> Prompt:
    answers = () if when is None else (Answer(when, neuro=present, fever=fever, symptoms=symptoms),)
    asked = (parent.answers[0].at if parent.answers else at(3, 3)) + timedelta(hours=24)
    return Prompt(
        id=next(_ids),
        kind="followup",
        status="answered" if answers else "unanswered",
        asked_at=asked,
        closed_at=when or asked + timedelta(hours=48),
        parent_id=parent.id,
        answers=answers,
    )


def alert(
    kind: Kind, created: datetime, *, open_: bool = True, symptoms: frozenset[str] = frozenset()
) -> PastAlert:
    return PastAlert(next(_ids), kind, created, created, open_, symptoms)


def findings(history: History) -> list[Finding]:
    return evaluate(history, RULES, CHICAGO)


def only(history: History) -> Finding:
    (found,) = findings(history)
    return found


NUMB = frozenset({"numbness"})


# Relapse screen


def test_a_symptom_still_there_a_day_later_without_fever_is_a_possible_relapse() -> None:
    yes = checkin(at(3, 3, 9, 10), neuro=True, symptoms=NUMB)
    found = only(History(prompts=[yes, followup(yes, at(3, 4, 9, 20))]))
    assert (found.kind, found.severity, found.repeat_of) == (
        Kind.POSSIBLE_RELAPSE,
        Severity.ROUTINE,
        None,
    )
    assert found.reason == (
        "new numbness or tingling reported on 3 Mar and still present on 4 Mar, no fever"
    )
    assert found.symptoms == NUMB
    assert found.evidence_at == at(3, 4, 9, 20)


@pytest.mark.parametrize(
    ("fever_at_checkin", "fever_at_followup"), [(True, None), (None, True), (True, False)]
)
def test_fever_turns_a_relapse_into_a_pseudo_relapse(
    fever_at_checkin: bool | None, fever_at_followup: bool | None
) -> None:
    yes = checkin(at(3, 3), neuro=True, fever=fever_at_checkin, symptoms=NUMB)
    found = only(History(prompts=[yes, followup(yes, at(3, 4), fever=fever_at_followup)]))
    assert found.kind == Kind.PSEUDO_RELAPSE
    assert found.reason.endswith("with fever (infection or heat can cause this)")


@pytest.mark.parametrize(
    ("days_before", "kind"), [(2, Kind.PSEUDO_RELAPSE), (5, Kind.POSSIBLE_RELAPSE)]
)
def test_a_fever_in_the_days_before_the_symptom_makes_it_a_pseudo_relapse(
    days_before: int, kind: Kind
) -> None:
    feverish = checkin(at(3, 3 + 5 - days_before), neuro=False, fever=True)
    yes = checkin(at(3, 8), neuro=True, symptoms=NUMB)
    found = only(History(prompts=[feverish, yes, followup(yes, at(3, 9))]))
    assert found.kind == kind


def test_a_symptom_gone_at_the_follow_up_gives_no_alert() -> None:
    yes = checkin(at(3, 3), neuro=True, symptoms=NUMB)
    assert findings(History(prompts=[yes, followup(yes, at(3, 4), present=False)])) == []


def test_a_follow_up_unanswered_to_its_end_asks_a_nurse_if_the_symptom_is_still_there() -> None:
    # Silence after a new symptom is no "gone": the patient may be unable to answer.
    yes = checkin(at(3, 3), neuro=True, symptoms=NUMB)
    found = only(History(prompts=[yes, followup(yes, None)]))
    assert (found.kind, found.severity) == (Kind.POSSIBLE_RELAPSE, Severity.ROUTINE)
    assert found.reason == (
        "new numbness or tingling reported on 3 Mar; asked twice whether it is still there,"
        " no answer by 6 Mar"
    )
    assert found.details["unanswered"] == at(3, 6).isoformat()
    feverish = checkin(at(3, 3), neuro=True, fever=True, symptoms=NUMB)
    assert only(History(prompts=[feverish, followup(feverish, None)])).kind == Kind.PSEUDO_RELAPSE


@pytest.mark.parametrize("status", ["open", "planned", "cancelled"])
def test_a_follow_up_still_open_or_withdrawn_gives_no_relapse_alert(status: str) -> None:
    yes = checkin(at(3, 3), neuro=True, symptoms=NUMB)
    waiting = dataclasses.replace(followup(yes, None), status=status)
    assert findings(History(prompts=[yes, waiting])) == []


def test_a_yes_under_a_day_after_the_first_is_not_yet_a_relapse() -> None:
    yes = checkin(at(3, 3, 9), neuro=True)
    assert findings(History(prompts=[yes, followup(yes, at(3, 3, 20))])) == []


def test_an_unnamed_symptom_is_described_in_general_words() -> None:
    yes = checkin(at(3, 3), neuro=True)
    found = only(History(prompts=[yes, followup(yes, at(3, 4))]))
    assert found.reason.startswith("new or worse neurological symptom reported on 3 Mar")


def test_no_second_relapse_alert_within_30_days_unless_a_new_symptom_is_named() -> None:
    earlier = alert(Kind.POSSIBLE_RELAPSE, at(3, 4), open_=False, symptoms=NUMB)
    yes = checkin(at(3, 20), neuro=True, symptoms=NUMB)
    same = History(prompts=[yes, followup(yes, at(3, 21))], alerts=[earlier])
    assert findings(same) == []

    vision = checkin(at(3, 20), neuro=True, symptoms=frozenset({"vision"}))
    new = History(prompts=[vision, followup(vision, at(3, 21))], alerts=[earlier])
    assert only(new).symptoms == {"vision"}

    # A pseudo-relapse is the same story for the window.
    feverish = checkin(at(3, 20), neuro=True, fever=True, symptoms=NUMB)
    assert (
        findings(History(prompts=[feverish, followup(feverish, at(3, 21))], alerts=[earlier])) == []
    )


def test_after_30_days_the_same_symptom_is_alerted_again() -> None:
    earlier = alert(Kind.POSSIBLE_RELAPSE, at(3, 4), open_=False, symptoms=NUMB)
    yes = checkin(at(4, 3), neuro=True, symptoms=NUMB)
    found = only(History(prompts=[yes, followup(yes, at(4, 4))], alerts=[earlier]))
    assert (found.kind, found.repeat_of) == (Kind.POSSIBLE_RELAPSE, None)


def test_while_a_relapse_alert_is_open_a_new_report_is_a_repeat_of_it() -> None:
    still_open = alert(Kind.POSSIBLE_RELAPSE, at(3, 4))
    yes = checkin(at(3, 6), neuro=True, fever=True, symptoms=frozenset({"vision"}))
    found = only(History(prompts=[yes, followup(yes, at(3, 7))], alerts=[still_open]))
    assert found.repeat_of == still_open.id


# Injection site


@pytest.mark.parametrize(("score", "alerted"), [(6, False), (7, True), (10, True)])
def test_a_site_score_at_the_threshold_is_an_injection_site_finding(
    score: int, alerted: bool
) -> None:
    history = History(prompts=[checkin(at(3, 4), site_score=score, site="right_abdomen")])
    if not alerted:
        assert findings(history) == []
        return
    found = only(history)
    assert (found.kind, found.site) == (Kind.INJECTION_SITE, "right_abdomen")
    assert found.reason == f"injection-site score {score} at the check-in of 4 Mar (right abdomen)"


def test_words_of_an_injured_site_in_any_reply_are_a_finding_at_the_last_site_used() -> None:
    doses = [
        DoseOutcome(date(2026, 3, 3), "taken", at(3, 3, 19, 40), "left_arm"),
        DoseOutcome(date(2026, 3, 5), "taken", at(3, 5, 19, 35), "right_thigh"),
    ]
    said = [Said(at(3, 6, 11), "the spot is black and there's pus")]
    found = only(History(said=said, doses=doses))
    assert (found.kind, found.site) == (Kind.INJECTION_SITE, "right_thigh")
    assert found.reason == 'wrote "black" and "pus" about the skin on 6 Mar (right thigh)'


def test_an_everyday_open_or_a_low_score_is_no_site_finding() -> None:
    history = History(
        prompts=[checkin(at(3, 4), site_score=3)],
        said=[Said(at(3, 4, 12), "is the pharmacy open on Sunday")],
    )
    assert findings(history) == []


# Tolerability


def test_high_flu_like_scores_on_three_check_ins_in_a_row_are_a_tolerability_finding() -> None:
    prompts = [checkin(at(3, d), flu=f) for d, f in [(4, 2), (6, 8), (8, 7), (10, 9)]]
    found = only(History(prompts=prompts))
    assert found.kind == Kind.TOLERABILITY
    assert found.reason == (
        "flu-like score 8, 7 and 9 at the check-ins of 6 Mar, 8 Mar and 10 Mar (7 or more, 3 in a row)"
    )


def test_a_lower_score_between_breaks_the_run() -> None:
    prompts = [checkin(at(3, d), flu=f) for d, f in [(4, 8), (6, 6), (8, 7), (10, 9)]]
    assert findings(History(prompts=prompts)) == []


def test_an_unanswered_check_in_neither_counts_nor_breaks_the_run() -> None:
    prompts = [
        checkin(at(3, 4), flu=8),
        checkin(at(3, 6), status="unanswered"),
        checkin(at(3, 8), flu=7),
        checkin(at(3, 10), flu=9),
    ]
    assert only(History(prompts=prompts)).kind == Kind.TOLERABILITY


def test_after_a_tolerability_alert_three_new_high_scores_are_needed() -> None:
    prompts = [checkin(at(3, d), flu=8) for d in (4, 6, 8, 10, 12)]
    acknowledged = PastAlert(1, Kind.TOLERABILITY, at(3, 8, 9, 5), at(3, 8), False)
    assert findings(History(prompts=prompts, alerts=[acknowledged])) == []
    more = [*prompts, checkin(at(3, 14), flu=9)]
    assert only(History(prompts=more, alerts=[acknowledged])).repeat_of is None


# Mood


def test_words_of_self_harm_are_an_urgent_mood_finding_quoting_them() -> None:
    said = [Said(at(3, 5, 8), "DONE"), Said(at(3, 5, 23), "I can't go on, I want to end it all")]
    found = only(History(said=said))
    assert (found.kind, found.severity) == (Kind.MOOD, Severity.URGENT)
    assert found.reason == (
        "wrote words of self-harm or suicide at 23:00 on Thu 5 Mar: \"I can't go on, I want to "
        'end it all"'
    )


def test_a_long_message_is_quoted_short() -> None:
    text = "I want to die " + "and so on " * 30
    reason = only(History(said=[Said(at(3, 5), text)])).reason
    assert reason.endswith('..."')
    assert len(reason) < 140


# Adherence


@pytest.mark.parametrize(
    ("statuses", "alerted"),
    [
        (["taken", "missed", "missed"], True),
        (["taken", "skipped", "missed"], True),
        (["missed", "taken", "missed"], False),
        (["taken", "taken", "missed"], False),
    ],
)
def test_two_doses_not_taken_in_a_row_are_an_adherence_finding(
    statuses: list[str], alerted: bool
) -> None:
    doses = [
        DoseOutcome(date(2026, 3, 3 + i), status, at(3, 4 + i, 19, 30))
        for i, status in enumerate(statuses)
    ]
    # Two doses taken on consecutive days are also a dosing finding (see the dosing tests).
    found = [f for f in findings(History(doses=doses)) if f.kind != Kind.DOSING]
    assert [f.kind for f in found] == ([Kind.ADHERENCE] if alerted else [])
    if alerted:
        assert (
            found[0].reason == f"2 doses in a row not taken: 4 Mar {statuses[1]} and 5 Mar missed"
        )


def test_three_unanswered_check_ins_in_a_row_are_an_adherence_finding() -> None:
    prompts = [checkin(at(3, d), status="unanswered") for d in (4, 6, 8)]
    found = only(History(prompts=prompts))
    assert found.kind == Kind.ADHERENCE
    assert found.reason == "no reply to 3 check-ins in a row (asked 4 Mar, 6 Mar and 8 Mar)"

    answered_last = [*prompts[:2], checkin(at(3, 8))]
    assert findings(History(prompts=answered_last)) == []


def test_a_cancelled_question_is_not_an_unanswered_one() -> None:
    prompts = [checkin(at(3, d), status="unanswered") for d in (4, 6)]
    withdrawn = dataclasses.replace(checkin(at(3, 8)), status="cancelled", answers=())
    assert findings(History(prompts=[*prompts, withdrawn])) == []


def test_missed_doses_and_silent_check_ins_together_make_one_adherence_finding() -> None:
    doses = [DoseOutcome(date(2026, 3, d), "missed", at(3, d + 1, 19, 30)) for d in (7, 8)]
    prompts = [checkin(at(3, d), status="unanswered") for d in (4, 6, 8)]
    found = only(History(prompts=prompts, doses=doses))
    assert "2 doses in a row not taken" in found.reason
    assert "no reply to 3 check-ins in a row" in found.reason


# No alert storms


def test_evaluating_the_same_history_again_finds_nothing_new() -> None:
    yes = checkin(at(3, 3), neuro=True, site_score=9)
    history = History(
        prompts=[yes, followup(yes, at(3, 4))],
        said=[Said(at(3, 4, 23), "I want to die")],
        doses=[DoseOutcome(date(2026, 3, d), "missed", at(3, d + 1, 19, 30)) for d in (5, 6)],
    )
    first = findings(history)
    assert {f.kind for f in first} == {
        Kind.POSSIBLE_RELAPSE,
        Kind.INJECTION_SITE,
        Kind.MOOD,
        Kind.ADHERENCE,
    }
    after = dataclasses.replace(history, alerts=[_as_alert(f, at(3, 7)) for f in first])
    assert findings(after) == []
    acknowledged = dataclasses.replace(
        history, alerts=[dataclasses.replace(a, open=False) for a in after.alerts]
    )
    assert findings(acknowledged) == []


def _as_alert(finding: Finding, now: datetime) -> PastAlert:
    return PastAlert(next(_ids), finding.kind, now, finding.evidence_at, True, finding.symptoms)


# Whatever the history: never raises, never the same open finding twice

_TEXTS = [
    "DONE",
    "3 1 N",
    "I want to die",
    "there is pus",
    "ok",
    "open wound",
    "hello",
    "",
    "kill myself",
]


@st.composite
def events(draw: st.DrawFn) -> list[tuple[str, dict[str, object]]]:
    count = draw(st.integers(0, 25))
    out: list[tuple[str, dict[str, object]]] = []
    for _ in range(count):
        kind = draw(st.sampled_from(["said", "checkin", "silent", "followup", "dose"]))
        gap = timedelta(hours=draw(st.integers(1, 80)))
        if kind == "said":
            out.append(
                (kind, {"gap": gap, "text": draw(st.sampled_from(_TEXTS) | st.text(max_size=30))})
            )
        elif kind == "checkin":
            out.append(
                (
                    kind,
                    {
                        "gap": gap,
                        "flu": draw(st.none() | st.integers(0, 10)),
                        "site_score": draw(st.none() | st.integers(0, 10)),
                        "neuro": draw(st.none() | st.booleans()),
                        "fever": draw(st.none() | st.booleans()),
                        "symptoms": draw(
                            st.frozensets(st.sampled_from(["vision", "numbness", "bladder"]))
                        ),
                    },
                )
            )
        elif kind == "followup":
            out.append((kind, {"gap": gap, "present": draw(st.none() | st.booleans())}))
        elif kind == "dose":
            out.append(
                (
                    kind,
                    {"gap": gap, "status": draw(st.sampled_from(["taken", "missed", "skipped"]))},
                )
            )
        else:
            out.append((kind, {"gap": gap}))
        if draw(st.booleans()):
            out.append(("ack", {"gap": timedelta(minutes=5)}))
    return out


@settings(max_examples=150, deadline=None)
@given(events())
def test_triage_never_raises_and_never_emits_the_same_open_finding_twice(
    script: list[tuple[str, dict[str, object]]],
) -> None:
    now = at(3, 3)
    prompts: list[Prompt] = []
    said: list[Said] = []
    doses: list[DoseOutcome] = []
    alerts: dict[int, PastAlert] = {}
    day = date(2026, 3, 3)
    for kind, values in script:
        now += values["gap"]  # type: ignore[operator]
        if kind == "said":
            said.append(Said(now, str(values["text"])))
        elif kind == "checkin":
            prompts.append(
                checkin(
                    now,
                    flu=values["flu"],  # type: ignore[arg-type]
                    site_score=values["site_score"],  # type: ignore[arg-type]
                    neuro=values["neuro"],  # type: ignore[arg-type]
                    fever=values["fever"],  # type: ignore[arg-type]
                    symptoms=values["symptoms"],  # type: ignore[arg-type]
                )
            )
        elif kind == "silent":
            # Unanswered means it closed, 30 hours after it was asked, by now.
            prompts.append(checkin(now - timedelta(hours=30), status="unanswered"))
        elif kind == "followup" and prompts:
            present = values["present"]
            prompts.append(
                followup(prompts[-1], None if present is None else now, present=bool(present))
            )
        elif kind == "dose":
            day += timedelta(days=1)
            doses.append(DoseOutcome(day, str(values["status"]), now, "left_arm"))
        elif kind == "ack":
            for key, past in alerts.items():
                alerts[key] = dataclasses.replace(past, open=False)
        history = History(prompts, said, doses, list(alerts.values()))
        found = evaluate(history, RULES, CHICAGO)
        groups = [group(f.kind) for f in found]
        assert len(groups) == len(set(groups))
        open_groups = {group(a.kind) for a in alerts.values() if a.open}
        for finding in found:
            assert finding.reason
            if finding.repeat_of is None:
                assert group(finding.kind) not in open_groups
                new = PastAlert(
                    next(_ids), finding.kind, now, finding.evidence_at, True, finding.symptoms
                )
                alerts[new.id] = new
            else:
                past = alerts[finding.repeat_of]
                assert past.open
                alerts[past.id] = dataclasses.replace(past, evidence_at=finding.evidence_at)
        # Applied once, the same history never raises or repeats anything again.
        again = evaluate(History(prompts, said, doses, list(alerts.values())), RULES, CHICAGO)
        assert again == []


def test_two_doses_on_consecutive_days_are_a_dosing_finding_once_per_pair() -> None:
    doses = [
        DoseOutcome(date(2026, 3, 3), "taken", at(3, 3, 19, 40), taken_at=at(3, 3, 19, 40)),
        DoseOutcome(date(2026, 3, 5), "taken", at(3, 4, 20, 0), taken_at=at(3, 4, 20, 0)),
    ]
    (found,) = findings(History(doses=doses))
    assert (found.kind, found.severity) == (Kind.DOSING, Severity.ROUTINE)
    assert found.reason == "doses on 3 Mar and 4 Mar, 24 h apart (every other day is about 48 h)"
    alerted = PastAlert(1, Kind.DOSING, at(3, 4, 20, 0), found.evidence_at, open=False)
    assert findings(History(doses=doses, alerts=[alerted])) == []


def test_doses_two_days_apart_and_unconfirmed_doses_raise_nothing() -> None:
    doses = [
        DoseOutcome(date(2026, 3, 3), "taken", at(3, 3, 19, 40), taken_at=at(3, 3, 19, 40)),
        DoseOutcome(date(2026, 3, 5), "unconfirmed", at(3, 6, 19, 30)),
        DoseOutcome(date(2026, 3, 6), "unconfirmed", at(3, 7, 19, 30)),
        DoseOutcome(date(2026, 3, 7), "taken", at(3, 7, 19, 35), taken_at=at(3, 7, 19, 35)),
    ]
    assert findings(History(doses=doses)) == []


def test_an_unconfirmed_dose_neither_counts_nor_breaks_a_run_of_missed_ones() -> None:
    doses = [
        DoseOutcome(date(2026, 3, 3), "missed", at(3, 4, 19, 30)),
        DoseOutcome(date(2026, 3, 4), "unconfirmed", at(3, 5, 19, 30)),
        DoseOutcome(date(2026, 3, 5), "missed", at(3, 6, 19, 30)),
    ]
    (found,) = findings(History(doses=doses))
    assert found.kind == Kind.ADHERENCE
    assert found.reason == "2 doses in a row not taken: 3 Mar missed and 5 Mar missed"
