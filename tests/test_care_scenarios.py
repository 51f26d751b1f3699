"""The care beyond the injection over weeks, through `reminder inbound --at` and `tick --at` as an
operator replays them: the PHQ-2 screen and its alert, vials running down to a refill reminder, a
lab test moving the next lab reminder, and the flu-like advice once a week."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from reminder.models import (
    Alert,
    CheckIn,
    CheckInKind,
    CheckInStatus,
    Dose,
    DoseStatus,
    Message,
    MessageKind,
)
from tests.conftest import Ran, ok

CHICAGO = ZoneInfo("America/Chicago")
PHONE = "+13125550100"
EMAIL = "ann@example.org"
CARER = "+13125550188"
START = date(2026, 3, 3)


def at(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute), CHICAGO).isoformat()


def enrol(
    cli: Callable[..., Ran], *extra: str, address: tuple[str, str] = ("--phone", PHONE)
) -> None:
    ok(
        cli(
            "patient", "add", "Ann Smith", *address, "--tz", "America/Chicago",
            "--time", "19:30", "--start", START.isoformat(), *extra,
            "--at", at(START, 10),
        )
    )  # fmt: skip
    ok(cli("contact", "add", "1", "Carl Smith", "--phone", CARER))


def say(cli: Callable[..., Ran], text: str, moment: str, sender: str = PHONE) -> str:
    channel = "email" if "@" in sender else "sms"
    return ok(cli("inbound", "--from", sender, "--channel", channel, text, "--at", moment)).stdout


def rows(engine: Engine, model: Any) -> list[Any]:
    with Session(engine) as session:
        return list(session.exec(select(model).order_by(col(model.id))))


def show(cli: Callable[..., Ran]) -> dict[str, Any]:
    return ok(cli("patient", "show", "1", "--json")).json()


def live(
    cli: Callable[..., Ran],
    engine: Engine,
    first: date,
    last: date,
    *,
    sender: str = PHONE,
    checkin: str = "1 0 N",
) -> None:
    """Each day: the morning tick, a check-in answered if one is open, the evening tick, and DONE
    to the day's reminder; the re-ask and reminder ticks in between."""
    day = first
    while day <= last:
        ok(cli("tick", "--at", at(day, 9)))
        with Session(engine) as session:
            open_checkin = session.exec(
                select(CheckIn).where(
                    CheckIn.kind == CheckInKind.CHECKIN, CheckIn.status == CheckInStatus.OPEN
                )
            ).first()
        if open_checkin is not None:
            say(cli, checkin, at(day, 9, 5), sender)
        ok(cli("tick", "--at", at(day, 18)))
        ok(cli("tick", "--at", at(day, 19, 30)))
        with Session(engine) as session:
            due = session.exec(
                select(Dose).where(Dose.day == day, Dose.status == DoseStatus.PENDING)
            ).first()
        if due is not None:
            say(cli, "DONE", at(day, 19, 35), sender)
        day += timedelta(days=1)


def sent(engine: Engine, template: str) -> list[Message]:
    return [m for m in rows(engine, Message) if m.template == template]


def test_a_phq2_answered_2_2_raises_one_depression_alert_to_the_first_contact(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    enrol(cli, "--full-dose")
    live(cli, engine, START, date(2026, 3, 30))
    assert sent(engine, "phq2") == []  # not before 28 days

    ok(cli("tick", "--at", at(date(2026, 3, 31), 9)))
    (question,) = sent(engine, "phq2")
    assert question.kind == MessageKind.CHECKIN and "little interest or pleasure" in question.body
    answer = say(cli, "2 2", at(date(2026, 3, 31), 9, 20))

    assert "Thank you for answering" in answer and "let your contact know" in answer
    (alert,) = [a for a in rows(engine, Alert) if a.kind == "depression_screen"]
    assert alert.severity == "routine"
    assert "2 (more than half the days)" in alert.reason and "total 4 of 6" in alert.reason
    notices = [
        m for m in rows(engine, Message) if m.kind == MessageKind.ALERT and m.to_address == CARER
    ]
    assert any("low mood on the screening questions" in (m.body or "") for m in notices)

    # Four weeks on, the next screen; left unanswered it is re-asked once and then closes, and
    # it raises nothing (neither a second depression alert nor an adherence one).
    live(cli, engine, date(2026, 3, 31), date(2026, 4, 29))
    screens = [c for c in rows(engine, CheckIn) if c.kind == CheckInKind.PHQ2]
    assert [s.due_at.astimezone(CHICAGO).date() for s in screens] == [
        date(2026, 3, 31),
        date(2026, 4, 28),
    ]
    assert (screens[1].status, screens[1].reasked_at is not None) == ("unanswered", True)
    assert len([a for a in rows(engine, Alert) if a.kind == "depression_screen"]) == 1
    assert [a.kind for a in rows(engine, Alert) if a.kind == "adherence"] == []
    shown = show(cli)["phq2"]
    assert [(s["interest"], s["mood"], s["total"]) for s in shown] == [
        (None, None, None),
        (2, 2, 4),
    ]


def test_the_screen_is_asked_one_item_at_a_time_and_in_words_too(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    enrol(cli, "--full-dose")
    ok(cli("tick", "--at", at(date(2026, 3, 31), 9)))  # a month of silence: nothing taken

    first = say(cli, "several days", at(date(2026, 3, 31), 9, 20))
    assert "And (2)" in first
    second = say(cli, "1", at(date(2026, 3, 31), 10, 0))

    (screen,) = [c for c in rows(engine, CheckIn) if c.kind == CheckInKind.PHQ2]
    assert (screen.phq_interest, screen.phq_mood, screen.status) == (1, 1, "answered")
    assert "Thank you for answering" in second
    assert [a for a in rows(engine, Alert) if a.kind == "depression_screen"] == []


def test_numbers_after_the_evening_reminder_still_answer_the_open_screen(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    enrol(cli, "--full-dose")
    ok(cli("tick", "--at", at(date(2026, 3, 31), 9)))
    ok(cli("tick", "--at", at(date(2026, 3, 31), 19, 30)))  # the dose reminder, asked last

    answer = say(cli, "1 0", at(date(2026, 3, 31), 19, 40))
    taken = say(cli, "done", at(date(2026, 3, 31), 19, 45))

    (screen,) = [c for c in rows(engine, CheckIn) if c.kind == CheckInKind.PHQ2]
    assert (screen.phq_interest, screen.phq_mood) == (1, 0)
    assert "Thank you for answering" in answer and "recorded at 19:45" in taken


def test_words_of_self_harm_in_a_screen_answer_raise_the_urgent_alert_at_once(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    enrol(cli, "--full-dose")
    ok(cli("tick", "--at", at(date(2026, 3, 31), 9)))

    answer = say(cli, "3 3, I want to die", at(date(2026, 3, 31), 9, 20))

    kinds = {(a.kind, a.severity) for a in rows(engine, Alert)}
    assert {("mood", "urgent"), ("depression_screen", "routine")} <= kinds
    assert "call or text 988" in answer
    (screen,) = [c for c in rows(engine, CheckIn) if c.kind == CheckInKind.PHQ2]
    assert (screen.phq_interest, screen.phq_mood) == (3, 3)


def test_vials_run_down_to_a_refill_reminder_by_email_and_refill_restores_them(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    # Titrating: the 62.5 mcg doses of the first weeks use a whole vial each all the same.
    enrol(cli, "--vials", "8", address=("--email", EMAIL))
    live(cli, engine, START, date(2026, 3, 9), sender=EMAIL)  # doses on 3, 5, 7 and 9 March

    assert show(cli)["supply"] == {"vials": 4, "run_out_on": "2026-03-17"}
    assert sent(engine, "refill") == []
    live(cli, engine, date(2026, 3, 10), date(2026, 3, 13), sender=EMAIL)

    reminders = sent(engine, "refill")
    assert [m.send_at.astimezone(CHICAGO) for m in reminders] == [
        datetime(2026, 3, 10, 9, 0, tzinfo=CHICAGO),
        datetime(2026, 3, 13, 9, 0, tzinfo=CHICAGO),
    ]
    assert reminders[0].channel == "email" and "order your next pack" in reminders[0].body
    assert reminders[0].subject == "Time to order your next pack"

    answer = say(cli, "REFILL", at(date(2026, 3, 13), 12), EMAIL)
    assert "refill noted: 16 vials on hand" in answer  # 2 left after 11 and 13 March, plus 14
    live(cli, engine, date(2026, 3, 14), date(2026, 3, 28), sender=EMAIL)
    # Seven doses later 9 vials cover 18 days: no reminder since the refill.
    assert len(sent(engine, "refill")) == 2
    assert show(cli)["supply"] == {"vials": 9, "run_out_on": "2026-04-14"}


def test_at_zero_vials_the_patient_is_asked_for_a_count(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    enrol(cli, "--full-dose")
    ok(cli("patient", "supply", "1", "--set", "1", "--at", at(START, 11)))
    live(cli, engine, START, date(2026, 3, 4))

    (ask,) = sent(engine, "refill")
    assert ask.context["vials"] == 0 and "How many do you have? Reply VIALS" in ask.body
    answer = say(cli, "VIALS 12", at(date(2026, 3, 4), 12))
    assert "12 vials on hand, enough until about Fri 27 Mar" in answer
    live(cli, engine, date(2026, 3, 5), date(2026, 3, 8))
    assert len(sent(engine, "refill")) == 1


def test_lab_done_moves_the_next_lab_reminder(cli: Callable[..., Ran], engine: Engine) -> None:
    enrol(cli, "--full-dose")
    assert show(cli)["labs"]["next_on"] == "2026-04-03"
    live(cli, engine, START, date(2026, 4, 3))
    (reminder,) = sent(engine, "lab")
    assert "LAB DONE" in reminder.body

    answer = say(cli, "lab done", at(date(2026, 4, 6), 12))

    assert "noted your blood tests" in answer and "Sat 6 Jun" in answer
    labs = show(cli)["labs"]
    assert labs["next_on"] == "2026-06-06"  # two months from the test, not 3 June
    assert {(t["kind"], t["on"], t["source"]) for t in labs["done"]} == {
        ("blood_count", "2026-04-06", "patient"),
        ("liver", "2026-04-06", "patient"),
    }
    live(cli, engine, date(2026, 4, 4), date(2026, 4, 28))
    assert len(sent(engine, "lab")) == 1


def test_the_operator_records_a_thyroid_test_for_a_thyroid_history(
    cli: Callable[..., Ran],
) -> None:
    enrol(cli, "--full-dose", "--thyroid")
    assert show(cli)["labs"]["next_thyroid_on"] == "2026-09-03"
    ok(cli("tick", "--at", at(START, 12)))
    assert show(cli)["labs"]["next_thyroid_on"] == "2026-09-03"

    out = ok(
        cli(
            "lab",
            "done",
            "1",
            "--kind",
            "thyroid",
            "--date",
            "2026-03-20",
            "--at",
            at(date(2026, 3, 21), 13),
        )
    )
    assert out.code == 0
    late = cli("lab", "done", "1", "--date", "2026-04-01", "--at", at(date(2026, 3, 21), 13))
    assert late.code != 0 and "in the future" in late.stderr

    labs = show(cli)["labs"]
    assert labs["next_thyroid_on"] == "2026-09-20"


def test_a_high_flu_like_score_adds_the_advice_at_most_once_a_week(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    enrol(cli, "--full-dose")
    live(cli, engine, START, date(2026, 3, 3))
    ok(cli("tick", "--at", at(date(2026, 3, 4), 9)))
    first = say(cli, "6 1 N", at(date(2026, 3, 4), 9, 5))
    assert "Ask your doctor whether a pain or fever reliever" in first

    live(cli, engine, date(2026, 3, 4), date(2026, 3, 10), checkin="6 0 N")
    answers = [m.body or "" for m in rows(engine, Message) if m.kind == MessageKind.REPLY]
    advised = [body for body in answers if "pain or fever reliever" in body]
    assert len(advised) == 1  # 6, 8 and 10 March are within the week
    live(cli, engine, date(2026, 3, 11), date(2026, 3, 12), checkin="7 0 N")
    answers = [m.body or "" for m in rows(engine, Message) if m.kind == MessageKind.REPLY]
    assert len([body for body in answers if "pain or fever reliever" in body]) == 2


def test_the_csv_column_vials_sets_the_count_and_a_bad_count_names_its_line(
    cli: Callable[..., Ran], tmp_path: Any
) -> None:
    path = tmp_path / "patients.csv"
    path.write_text(
        "name,phone,vials,thyroid\n"
        "Ann Smith,+13125550100,12,yes\n"
        "Bob Brown,+13125550101,many,no\n"
        "Cy Young,+13125550102,,\n",
        encoding="utf-8",
    )
    ran = cli("import", str(path), "--at", at(START, 10))
    assert ran.code == 1 and "patients.csv:3: vials: 'many' is not a count of vials" in ran.stderr
    listed = {p["name"]: p["id"] for p in ok(cli("patient", "list", "--json")).json()}
    ann = ok(cli("patient", "show", str(listed["Ann Smith"]), "--json")).json()
    cy = ok(cli("patient", "show", str(listed["Cy Young"]), "--json")).json()
    assert ann["supply"]["vials"] == 12 and ann["labs"]["next_thyroid_on"] == "2026-09-03"
    assert cy["supply"] == {"vials": None, "run_out_on": None}


def test_patient_supply_adds_sets_and_refuses_what_cannot_be_a_count(
    cli: Callable[..., Ran],
) -> None:
    enrol(cli, "--full-dose")
    assert ok(cli("patient", "supply", "1", "--add", "15", "--at", at(START, 11))).stdout == (
        "15 vials on hand, enough until 2026-03-31\n"
    )
    assert "20 vials" in ok(cli("patient", "supply", "1", "--set", "20")).stdout
    for args, error in [
        ((), "exactly one of --add N or --set N"),
        (("--add", "2", "--set", "3"), "exactly one of --add N or --set N"),
        (("--add", "0"), "--add: a refill adds 1 vial or more"),
        (("--set", "-1"), "--set: a count of vials is 0 or more"),
    ]:
        ran = cli("patient", "supply", "1", *args)
        assert ran.code == 2 and error in ran.stderr, ran.stderr
    assert show(cli)["supply"]["vials"] == 20
