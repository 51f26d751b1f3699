"""Plain replies through the command line, as an operator replays them with `inbound --at` and
`tick --at`: every fact of a text is applied, an unsolicited symptom starts the relapse screen, an
early DONE stops the day's reminder, and an outage is nobody's lapse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from reminder.models import Alert, CheckIn, CheckInKind, Dose, DoseStatus, Message, MessageKind
from tests.conftest import Ran, ok

PHONE = "+13125550100"
CARER = "+13125550188"


def enrol(cli: Callable[..., Ran]) -> None:
    ok(
        cli(
            "patient", "add", "Ann Smith", "--phone", PHONE, "--tz", "America/Chicago",
            "--time", "19:30", "--full-dose", "--start", "2026-03-03",
            "--at", "2026-03-03T10:00-06:00",
        )
    )  # fmt: skip
    ok(cli("contact", "add", "1", "Carl Smith", "--phone", CARER))


def say(cli: Callable[..., Ran], text: str, at: str, sender: str = PHONE) -> str:
    return ok(cli("inbound", "--from", sender, text, "--at", at)).stdout


def tick(cli: Callable[..., Ran], at: str) -> None:
    ok(cli("tick", "--at", at))


def rows(engine: Engine, model: Any) -> list[Any]:
    with Session(engine) as session:
        return list(session.exec(select(model).order_by(col(model.id))))


def show(cli: Callable[..., Ran]) -> dict[str, Any]:
    return ok(cli("patient", "show", "1", "--json")).json()


def test_a_dose_and_words_of_self_harm_in_one_text_are_both_applied(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    enrol(cli)
    tick(cli, "2026-03-03T19:30-06:00")

    answer = say(cli, "Done. I keep thinking about ending it", "2026-03-03T19:40-06:00")
    tick(cli, "2026-03-03T22:00-06:00")
    tick(cli, "2026-03-04T08:30-06:00")

    first = rows(engine, Dose)[0]
    assert (first.status, first.taken_at is not None) == (DoseStatus.TAKEN, True)
    (alert,) = rows(engine, Alert)
    assert (alert.kind, alert.severity) == ("mood", "urgent")
    assert "call or text 988" in answer and "recorded at 19:40" in answer
    # The dose is not left open: no nudge to inject, no missed dose, no adherence alert.
    assert [m for m in rows(engine, Message) if m.kind == MessageKind.NUDGE] == []


def test_done_with_words_of_an_injured_site_records_the_dose_and_raises_the_site_alert(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    enrol(cli)
    tick(cli, "2026-03-03T19:30-06:00")

    answer = say(cli, "done, the last spot is oozing", "2026-03-03T19:40-06:00")

    assert rows(engine, Dose)[0].status == DoseStatus.TAKEN
    (alert,) = rows(engine, Alert)
    assert alert.kind == "injection_site" and '"pus"' in alert.reason
    assert "recorded at 19:40" in answer


def test_yes_with_a_time_in_a_clause_of_its_own_records_the_dose_at_that_time(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    enrol(cli)
    tick(cli, "2026-03-03T19:30-06:00")

    answer = say(cli, "yes, at 8", "2026-03-03T20:40-06:00")

    (dose, *_) = rows(engine, Dose)
    assert dose.status == DoseStatus.TAKEN and dose.taken_at is not None
    assert dose.taken_at.isoformat() == "2026-03-04T02:00:00+00:00"  # 20:00 in Chicago
    assert "recorded at 20:00" in answer
    # No symptom was read into the time: no relapse screen, no follow-up.
    assert [c for c in rows(engine, CheckIn) if c.kind == CheckInKind.FOLLOWUP] == []


def test_a_skip_with_a_fever_as_its_reason_records_both(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    enrol(cli)
    tick(cli, "2026-03-03T19:30-06:00")

    say(cli, "skipping tonight got a fever", "2026-03-03T19:45-06:00")

    assert rows(engine, Dose)[0].status == DoseStatus.SKIPPED
    (report,) = [c for c in rows(engine, CheckIn) if c.fever is not None]
    assert report.fever is True


def test_a_spreading_site_reaction_after_done_raises_the_site_alert(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    enrol(cli)
    tick(cli, "2026-03-03T19:30-06:00")

    say(cli, "done but my whole arm is red and swollen and hot", "2026-03-03T19:40-06:00")

    assert rows(engine, Dose)[0].status == DoseStatus.TAKEN
    (alert,) = rows(engine, Alert)
    assert alert.kind == "injection_site" and '"spreading"' in alert.reason


def test_a_symptom_written_with_no_check_in_open_starts_the_relapse_screen(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    enrol(cli)
    tick(cli, "2026-03-03T19:30-06:00")
    say(cli, "DONE", "2026-03-03T19:40-06:00")
    tick(cli, "2026-03-04T09:00-06:00")
    say(cli, "2 1 N", "2026-03-04T09:10-06:00")

    # The check-in has closed; only the evening's dose reminder is open, unanswered.
    tick(cli, "2026-03-05T19:30-06:00")
    answer = say(cli, "I see double since this morning", "2026-03-06T08:15-06:00")

    report, followup = [c for c in rows(engine, CheckIn) if c.kind != CheckInKind.CHECKIN]
    assert (report.kind, report.neuro, report.symptoms) == ("report", True, ["vision"])
    assert (followup.kind, followup.parent_id, followup.symptoms) == (
        "followup",
        report.id,
        ["vision"],
    )
    assert "vision problems" in answer and "I'll ask on Sat 7 Mar" in answer
    assert "call your doctor or emergency services now" in answer

    tick(cli, "2026-03-07T08:15-06:00")
    assert [m.kind for m in rows(engine, Message)].count(MessageKind.FOLLOWUP) == 1
    say(cli, "yes, still there", "2026-03-07T08:30-06:00")

    (alert,) = rows(engine, Alert)
    assert alert.kind == "possible_relapse"
    assert "vision problems reported on 6 Mar and still present on 7 Mar" in alert.reason
    assert show(cli)["recent_check_ins"][0]["words"] == ["yes, still there"]


def test_natural_answers_to_the_follow_up_are_read_with_and_without_fever(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    enrol(cli)
    tick(cli, "2026-03-03T19:30-06:00")
    say(cli, "DONE", "2026-03-03T19:40-06:00")
    tick(cli, "2026-03-04T09:00-06:00")
    say(cli, "2 0 Y my hand is clumsy", "2026-03-04T09:10-06:00")
    tick(cli, "2026-03-05T09:10-06:00")

    answer = say(cli, "it's worse, and I had 38.9 last night", "2026-03-05T09:30-06:00")

    checkin = next(c for c in rows(engine, CheckIn) if c.kind == CheckInKind.CHECKIN)
    assert (checkin.flu_score, checkin.site_score, checkin.symptoms) == (2, 0, ["weakness"])
    (alert,) = rows(engine, Alert)
    assert alert.kind == "pseudo_relapse" and "with fever" in alert.reason
    assert "Thanks for telling me" in answer
    assert show(cli)["recent_check_ins"][0]["temperature"] == 38.9


def test_all_done_to_the_follow_up_before_the_reminder_speaks_of_the_symptom_not_a_dose(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    enrol(cli)
    tick(cli, "2026-03-03T19:30-06:00")
    say(cli, "DONE", "2026-03-03T19:40-06:00")
    tick(cli, "2026-03-04T09:00-06:00")
    say(cli, "2 0 Y my hand is clumsy", "2026-03-04T09:10-06:00")
    tick(cli, "2026-03-05T09:10-06:00")  # the follow-up, on the morning of the next dose

    unclear = say(cli, "all done now", "2026-03-05T09:20-06:00")
    say(cli, "no, all done", "2026-03-05T09:30-06:00")

    assert "Is the symptom still there?" in unclear
    followup = next(c for c in rows(engine, CheckIn) if c.kind == CheckInKind.FOLLOWUP)
    assert followup.neuro is False  # answered: gone
    today = next(d for d in rows(engine, Dose) if str(d.day) == "2026-03-05")
    assert today.status == DoseStatus.PENDING  # no dose was taken at 09:30
    tick(cli, "2026-03-05T19:30-06:00")
    say(cli, "done", "2026-03-05T19:40-06:00")
    today = next(d for d in rows(engine, Dose) if str(d.day) == "2026-03-05")
    assert today.status == DoseStatus.TAKEN
    assert not rows(engine, Alert)


def test_an_early_done_is_recorded_and_that_days_reminder_never_goes_out(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    enrol(cli)
    tick(cli, "2026-03-03T19:30-06:00")
    say(cli, "DONE", "2026-03-03T19:30-06:00")
    tick(cli, "2026-03-04T09:00-06:00")
    say(cli, "1 0 N", "2026-03-04T09:05-06:00")

    # 37 h after the last dose, on the morning of the next dose's day.
    answer = say(cli, "done", "2026-03-05T08:30-06:00")
    tick(cli, "2026-03-05T19:30-06:00")
    tick(cli, "2026-03-05T21:45-06:00")

    second = rows(engine, Dose)[1]
    assert (second.status, second.early) == (DoseStatus.TAKEN, True)
    assert "37 h after your last one" in answer and "doses go about 48 h apart" in answer
    reminders = [m for m in rows(engine, Message) if m.dose_id == second.id]
    assert [m.kind for m in reminders if m.status in ("sent", "queued")] == []
    shown = show(cli)
    assert shown["recent_doses"][0]["early"] is True
    assert shown["next_dose"]["at"].startswith("2026-03-07T19:30")
    assert rows(engine, Alert) == []  # 3 and 5 Mar are not consecutive days


def test_an_outage_leaves_doses_unconfirmed_and_raises_no_adherence_alert(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    enrol(cli)
    tick(cli, "2026-03-03T19:30-06:00")
    say(cli, "DONE", "2026-03-03T19:40-06:00")
    tick(cli, "2026-03-04T09:00-06:00")
    say(cli, "2 1 N", "2026-03-04T09:05-06:00")

    # The service is down from the morning of 4 Mar until 8 Mar: two reminders never go out.
    tick(cli, "2026-03-08T10:00-05:00")

    statuses = [d.status for d in rows(engine, Dose)]
    assert statuses[:3] == [DoseStatus.TAKEN, DoseStatus.UNCONFIRMED, DoseStatus.UNCONFIRMED]
    assert rows(engine, Alert) == []
    shown = show(cli)
    assert shown["doses_by_status"] == {"taken": 1, "skipped": 0, "missed": 0, "unconfirmed": 2}
    assert {d["status"] for d in shown["recent_doses"]} == {"taken", "unconfirmed"}


def test_a_reminder_that_went_out_and_was_not_answered_is_still_missed(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    enrol(cli)
    tick(cli, "2026-03-03T19:30-06:00")
    tick(cli, "2026-03-04T08:00-06:00")
    tick(cli, "2026-03-04T19:30-06:00")
    tick(cli, "2026-03-05T08:00-06:00")
    tick(cli, "2026-03-05T19:30-06:00")

    assert [d.status for d in rows(engine, Dose)][:2] == [DoseStatus.MISSED, DoseStatus.MISSED]
    (alert,) = rows(engine, Alert)
    assert alert.kind == "adherence"
