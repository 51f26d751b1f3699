"""The `reminder` command line as an operator uses it.

The end-to-end scenario runs the installed command as real processes; the shorter checks run the
same typer app in-process with CliRunner. Every command that acts on time gets ``--at``, so the
scenario replays the same way on any day.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from reminder.db import alembic_config
from reminder.models import Dose, DoseStatus, InboundMessage, Message, Patient
from reminder.regimen import SITES
from tests.conftest import CONFIG, Ran, ok

CHICAGO = ZoneInfo("America/Chicago")
PHONE = "+13125550100"
REMINDER = Path(sys.executable).with_name("reminder")
COMMAND = [str(REMINDER)] if REMINDER.exists() else [sys.executable, "-m", "reminder.cli"]
PROCESS_SECONDS = 60
MESSAGE_KEYS = {"id", "patient", "to", "channel", "kind", "body", "status", "send_at", "sent_at"}
PATIENT_KEYS = {"id", "name", "phone", "email", "timezone", "time", "status", "next_dose_at"}
ANN = [
    "patient",
    "add",
    "Ann Smith",
    "--phone",
    "+1 312 555 0100",
    "--tz",
    "America/Chicago",
    "--time",
    "19:30",
    "--full-dose",
    "--start",
    "2026-03-03",
    "--at",
    "2026-03-03T10:00-06:00",
]


@pytest.fixture
def process(env: dict[str, str], tmp_path: Path) -> Callable[..., Ran]:
    """Run the installed `reminder` command as its own process."""

    def run(*args: str) -> Ran:
        done = subprocess.run(
            [*COMMAND, *args],
            env=os.environ | env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=PROCESS_SECONDS,
        )
        return Ran(done.returncode, done.stdout, done.stderr)

    return run


def local_day(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(CHICAGO).date().isoformat()


def error_line(ran: Ran) -> str:
    """The one stderr line a refused command prints."""
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1, ran.stderr
    return lines[0]


@pytest.mark.slow
def test_a_late_dose_moves_the_next_one_past_the_dst_change(
    process: Callable[..., Ran], engine: Engine
) -> None:
    ok(process("init"))
    assert ok(process(*ANN)).stdout.strip() == "1"
    assert "planned 1 message(s)" in ok(process("tick", "--at", "2026-03-03T19:30-06:00")).stdout
    taken = ok(
        process("inbound", "--from", "+13125550100", "DONE", "--at", "2026-03-03T19:40-06:00")
    )
    assert "taken" in taken.stdout
    ok(process("tick", "--at", "2026-03-05T19:30-06:00"))
    # No answer that evening; the nudge (due 21:30) is held by quiet hours until 08:00.
    assert "planned 0 message(s)" in ok(process("tick", "--at", "2026-03-05T21:00-06:00")).stdout
    ok(process("inbound", "--from", "+13125550100", "DONE", "--at", "2026-03-06T08:30-06:00"))

    shown = ok(process("patient", "show", "1", "--json")).json()
    upcoming = shown["next_dose"]
    # Day 6, not day 5: day 5 at 19:30 would be 35 h after 08:30 on day 4. Mar 8 is already CDT.
    assert upcoming["at"] == "2026-03-08T19:30:00-05:00"
    assert (upcoming["dose_mcg"], upcoming["volume_ml"]) == (250, 1.0)
    assert upcoming["site"] in SITES
    assert "last dose taken" in upcoming["why"]
    assert "6 Mar 08:30" in upcoming["why"]

    ok(process("tick", "--at", "2026-03-08T19:30-05:00"))
    messages = ok(process("messages", "list", "--json")).json()
    assert all(set(m) >= MESSAGE_KEYS for m in messages)
    reminders = [m for m in messages if m["kind"] == "reminder"]
    assert [local_day(m["send_at"]) for m in reminders] == [
        "2026-03-03",
        "2026-03-05",
        "2026-03-08",
    ]
    assert {(m["status"], m["to"], m["channel"], m["patient"]) for m in reminders} == {
        ("sent", PHONE, "sms", 1)
    }
    assert all("1 mL" in m["body"] for m in reminders)
    assert [m for m in messages if m["kind"] == "nudge" and m["status"] == "sent"] == []
    assert reminders[-1]["sent_at"] == "2026-03-09T00:30:00+00:00"

    listed = ok(process("patient", "list", "--json")).json()
    assert len(listed) == 1
    assert {key: listed[0][key] for key in PATIENT_KEYS} == {
        "id": 1,
        "name": "Ann Smith",
        "phone": PHONE,
        "email": None,
        "timezone": "America/Chicago",
        "time": "19:30",
        "status": "active",
        "next_dose_at": "2026-03-08T19:30:00-05:00",
    }

    with Session(engine) as session:
        doses = list(session.exec(select(Dose).order_by(col(Dose.day))))
    assert [(d.day.isoformat(), d.status) for d in doses] == [
        ("2026-03-03", DoseStatus.TAKEN),
        ("2026-03-05", DoseStatus.TAKEN),
        ("2026-03-08", DoseStatus.PENDING),
    ]
    assert doses[1].site != doses[2].suggested_site


def test_after_an_outage_the_next_dose_says_which_dose_went_unconfirmed(
    cli: Callable[..., Ran],
) -> None:
    ok(cli("init"))
    ok(cli(*ANN))
    ok(cli("tick", "--at", "2026-03-03T19:30-06:00"))
    ok(cli("inbound", "--from", "+13125550100", "DONE", "--at", "2026-03-03T19:40-06:00"))
    ok(cli("tick", "--at", "2026-03-07T20:00-06:00"))  # no tick ran for four days

    why = ok(cli("patient", "show", "1", "--json")).json()["next_dose"]["why"]

    assert why == (
        "the dose of Fri 6 Mar was unconfirmed; the schedule follows the last dose taken,"
        " Tue 3 Mar 19:40, so the next reminder is the following day"
    )


def test_init_may_run_twice_and_any_command_before_it_says_to_run_it(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    command.downgrade(alembic_config(engine), "base")
    refused = cli("patient", "list")
    assert refused.code == 2
    assert "run `reminder init`" in error_line(refused)

    assert "database ready" in ok(cli("init")).stdout
    assert "database ready" in ok(cli("init")).stdout
    assert ok(cli("patient", "list", "--json")).json() == []


@pytest.mark.parametrize(
    "args",
    [("init",), ("patient", "list"), ("tick", "--at", "2026-03-03T19:30-06:00")],
    ids=["init", "patient-list", "tick"],
)
def test_an_unknown_key_in_the_config_file_stops_every_command(
    cli: Callable[..., Ran], env: dict[str, str], engine: Engine, args: tuple[str, ...]
) -> None:
    Path(env["REMINDER_CONFIG"]).write_text(CONFIG + "reminder_time = 1\n", encoding="utf-8")
    refused = cli(*args)
    assert refused.code == 2
    line = error_line(refused)
    assert env["REMINDER_CONFIG"] in line
    assert "schedule.reminder_time" in line
    with Session(engine) as session:
        assert session.exec(select(sa.func.count()).select_from(Message)).one() == 0


@pytest.mark.parametrize(
    ("option", "value", "field", "words"),
    [
        ("--phone", "555 0100", "phone", "not a valid phone number"),
        ("--tz", "America/Springfield", "timezone", "unknown time zone"),
        ("--time", "22:15", "time", "quiet hours"),
        ("--time", "7:30pm", "time", "HH:MM"),
        # A start in year 9999 made every tick fail with OverflowError, for every patient.
        ("--start", "9999-12-31", "start", "not a plausible start date (1990 to 2099)"),
    ],
    ids=["bad-phone", "unknown-zone", "time-in-quiet-hours", "time-not-hhmm", "start-in-9999"],
)
def test_patient_add_refuses_a_bad_field_and_names_it(
    cli: Callable[..., Ran], engine: Engine, option: str, value: str, field: str, words: str
) -> None:
    given = {"--phone": "+1 312 555 0100", "--tz": "America/Chicago", "--time": "19:30"}
    given[option] = value
    refused = cli("patient", "add", "Ann Smith", *(p for pair in given.items() for p in pair))
    assert refused.code == 2
    line = error_line(refused)
    assert line.startswith(f"error: {field}: ")
    assert words in line
    with Session(engine) as session:
        assert session.exec(select(Patient)).all() == []


def test_patient_add_needs_exactly_one_address(cli: Callable[..., Ran], engine: Engine) -> None:
    both = cli("patient", "add", "Ann Smith", "--phone", PHONE, "--email", "ann@example.com")
    neither = cli("patient", "add", "Ann Smith")
    for refused in (both, neither):
        assert refused.code == 2
        assert "--phone or --email" in error_line(refused)
    with Session(engine) as session:
        assert session.exec(select(Patient)).all() == []


def test_contacts_are_added_in_escalation_order_with_normalised_addresses(
    cli: Callable[..., Ran],
) -> None:
    ok(cli(*ANN))
    ok(
        cli(
            "patient",
            "add",
            "Bob Brown",
            "--email",
            "bob@example.com",
            "--at",
            "2026-03-03T10:00-06:00",
        )
    )
    nurse = ok(
        cli("contact", "add", "1", "Carl Carer", "--phone", "(312) 555-0199", "--role", "nurse")
    )
    daughter = ok(cli("contact", "add", "ann smith", "Dora Smith", "--email", "Dora@Example.ORG"))
    ok(cli("contact", "add", "2", "Eve Brown", "--phone", "+1 312 555 0198"))

    contacts = ok(cli("contact", "list", "--json")).json()
    assert [(c["patient"], c["position"], c["name"]) for c in contacts] == [
        (1, 1, "Carl Carer"),
        (1, 2, "Dora Smith"),
        (2, 1, "Eve Brown"),
    ]
    assert contacts[0]["id"] == int(nurse.stdout)
    assert contacts[1]["id"] == int(daughter.stdout)
    assert (contacts[0]["phone"], contacts[0]["role"]) == ("+13125550199", "nurse")
    assert (contacts[1]["email"], contacts[1]["role"]) == ("dora@example.org", "caregiver")

    only_ann = ok(cli("contact", "list", "Ann Smith", "--json")).json()
    assert [c["name"] for c in only_ann] == ["Carl Carer", "Dora Smith"]
    shown = ok(cli("patient", "show", "1", "--json")).json()
    assert [c["name"] for c in shown["contacts"]] == ["Carl Carer", "Dora Smith"]


def test_a_contact_with_a_bad_phone_is_refused_naming_the_field(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    ok(cli(*ANN))
    refused = cli("contact", "add", "1", "Carl Carer", "--phone", "12")
    assert refused.code == 2
    assert error_line(refused).startswith("error: contact_phone: ")
    assert ok(cli("contact", "list", "--json")).json() == []


def test_pause_withdraws_the_open_dose_and_resume_plans_the_next_one(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    ok(cli(*ANN))
    ok(cli("tick", "--at", "2026-03-03T19:30-06:00"))
    paused = ok(cli("patient", "pause", "1", "--days", "3", "--at", "2026-03-03T20:00-06:00"))
    assert "paused until" in paused.stdout

    shown = ok(cli("patient", "show", "Ann Smith", "--json")).json()
    assert shown["status"] == "paused"
    assert shown["paused_until"] == "2026-03-06T20:00:00-06:00"
    assert shown["next_dose"] is None
    assert shown["next_dose_at"] is None
    with Session(engine) as session:
        assert session.exec(select(Dose.status)).all() == [DoseStatus.CANCELLED]
    # The morning after, when the unanswered reminder's nudge would be due: nothing goes out.
    assert "planned 0 message(s)" in ok(cli("tick", "--at", "2026-03-04T09:00-06:00")).stdout

    assert "resumed" in ok(cli("patient", "resume", "1", "--at", "2026-03-04T10:00-06:00")).stdout
    shown = ok(cli("patient", "show", "1", "--json")).json()
    assert shown["status"] == "active"
    assert shown["paused_until"] is None
    # Nothing was taken, so the schedule starts again at the first dose time after the resume.
    assert shown["next_dose"]["at"] == "2026-03-04T19:30:00-06:00"
    assert "resume" in shown["next_dose"]["why"]

    again = cli("patient", "resume", "1", "--at", "2026-03-04T10:05-06:00")
    assert again.code == 2
    assert "not paused" in error_line(again)


def test_patient_show_finds_a_unique_name_and_refuses_an_ambiguous_one(
    cli: Callable[..., Ran],
) -> None:
    ok(cli(*ANN))
    ok(
        cli(
            "patient",
            "add",
            "Bob Brown",
            "--email",
            "bob@example.com",
            "--at",
            "2026-03-03T10:00-06:00",
        )
    )
    assert ok(cli("patient", "show", "  bob   BROWN ", "--json")).json()["id"] == 2
    assert "Ann Smith (id 1)" in ok(cli("patient", "show", "Ann Smith")).stdout

    ok(
        cli(
            "patient",
            "add",
            "ANN SMITH",
            "--email",
            "ann@example.com",
            "--at",
            "2026-03-03T10:00-06:00",
        )
    )
    ambiguous = cli("patient", "show", "Ann Smith", "--json")
    assert ambiguous.code == 2
    assert ambiguous.stdout == ""
    assert error_line(ambiguous) == (
        "error: 2 patients are named 'Ann Smith' (ids 1, 3); use the id"
    )

    unknown = cli("patient", "show", "Zed")
    assert unknown.code == 2
    assert error_line(unknown) == "error: no patient named 'Zed'"
    assert error_line(cli("patient", "show", "9")) == "error: no patient with id 9"


def test_messages_list_can_be_narrowed_to_one_patient(cli: Callable[..., Ran]) -> None:
    ok(cli(*ANN))
    ok(
        cli(
            "patient",
            "add",
            "Bob Brown",
            "--email",
            "bob@example.com",
            "--time",
            "19:00",
            "--at",
            "2026-03-03T10:00-06:00",
        )
    )
    ok(cli("tick", "--at", "2026-03-03T19:30-06:00"))

    everyone = ok(cli("messages", "list", "--json")).json()
    assert sorted((m["patient"], m["kind"], m["channel"]) for m in everyone) == [
        (1, "reminder", "sms"),
        (2, "reminder", "email"),
    ]
    for reference, patient, address in (("1", 1, PHONE), ("Bob Brown", 2, "bob@example.com")):
        narrowed = ok(cli("messages", "list", "--patient", reference, "--json")).json()
        assert [(m["patient"], m["to"], m["status"]) for m in narrowed] == [
            (patient, address, "sent")
        ]


def test_an_at_in_year_9999_is_one_clear_line_not_a_traceback(cli: Callable[..., Ran]) -> None:
    ok(cli("init"))
    refused = cli("tick", "--at", "9999-12-31T23:59+00:00")
    assert refused.code == 2
    assert error_line(refused) == "error: --at: '9999-12-31T23:59+00:00' is after the year 2999"


@pytest.mark.parametrize(
    "args",
    [
        ("tick", "--at", "2026-03-03T19:30"),
        ("inbound", "--from", PHONE, "DONE", "--at", "2026-03-03T19:40"),
        ("tick", "--at", "tomorrow evening"),
    ],
    ids=["tick-naive", "inbound-naive", "tick-not-iso"],
)
def test_at_without_an_offset_is_refused(
    cli: Callable[..., Ran], engine: Engine, args: tuple[str, ...]
) -> None:
    ok(cli(*ANN))
    refused = cli(*args)
    assert refused.code == 2
    line = error_line(refused)
    assert line.startswith("error: --at: ")
    assert "offset" in line or "ISO 8601" in line
    with Session(engine) as session:
        assert session.exec(select(Message)).all() == []
        assert session.exec(select(Dose)).all() == []
        assert session.exec(select(InboundMessage)).all() == []


def test_an_email_reply_finds_its_patient_whatever_the_case_of_the_address(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    enrolled = ok(
        cli(
            "patient",
            "add",
            "Bob Brown",
            "--email",
            "Bob.Brown@Example.com",
            "--at",
            "2026-03-03T10:00-06:00",
        )
    )
    ok(cli("tick", "--at", "2026-03-03T19:30-06:00"))
    reply = ok(
        cli(
            "inbound",
            "--from",
            "bob.brown@example.COM",
            "--channel",
            "email",
            "DONE",
            "--at",
            "2026-03-03T19:45-06:00",
        )
    )
    assert "taken" in reply.stdout
    with Session(engine) as session:
        doses = session.exec(select(Dose.patient_id, Dose.day, Dose.status).order_by(col(Dose.day)))
        assert [tuple(d) for d in doses] == [
            (int(enrolled.stdout), date(2026, 3, 3), DoseStatus.TAKEN),
            (int(enrolled.stdout), date(2026, 3, 5), DoseStatus.PENDING),
        ]


# Check-ins, alerts and acknowledgement, as an operator replays them

ALERT_KEYS = {"id", "patient", "kind", "severity", "status", "created_at", "acknowledged_at"}
ANN_PHONE, BOB_PHONE, CY_PHONE = PHONE, "+13125550110", "+13125550120"
CARL, DORA, EVE = "+13125550160", "dora@example.org", "+13125550170"


def enrol(cli: Callable[..., Ran], name: str, phone: str) -> None:
    ok(
        cli(
            "patient",
            "add",
            name,
            "--phone",
            phone,
            "--time",
            "19:30",
            "--full-dose",
            "--start",
            "2026-03-03",
            "--at",
            "2026-03-03T10:00-06:00",
        )
    )


def test_every_alert_kind_comes_from_a_scripted_conversation_and_is_acknowledged_by_ok(
    cli: Callable[..., Ran],
) -> None:
    def tick(at: str) -> None:
        ok(cli("tick", "--at", at))

    def say(sender: str, text: str, at: str) -> str:
        return ok(cli("inbound", "--from", sender, text, "--at", at)).stdout

    enrol(cli, "Ann Smith", ANN_PHONE)  # 1: a relapse, a site reaction, flu-like symptoms
    enrol(cli, "Bob Brown", BOB_PHONE)  # 2: a pseudo-relapse, then words of self-harm
    enrol(cli, "Cy Young", CY_PHONE)  # 3: never answers
    ok(cli("contact", "add", "1", "Carl Smith", "--phone", CARL))
    ok(cli("contact", "add", "1", "Dora Nurse", "--email", DORA, "--role", "nurse"))
    for patient in ("2", "3"):  # Eve, a nurse, looks after Bob and Cy
        ok(cli("contact", "add", patient, "Eve Nurse", "--phone", EVE, "--role", "nurse"))

    tick("2026-03-03T19:30-06:00")
    say(ANN_PHONE, "DONE", "2026-03-03T19:40-06:00")
    say(BOB_PHONE, "DONE", "2026-03-03T19:45-06:00")
    tick("2026-03-04T09:00-06:00")  # the check-ins
    site = say(ANN_PHONE, "8 8 Y numbness", "2026-03-04T09:10-06:00")
    assert "I won't suggest the back of left upper arm for injections until it heals" in site
    assert "is acknowledged" in say(CARL, "OK", "2026-03-04T09:20-06:00")  # the site reaction
    say(BOB_PHONE, "2 1 Y", "2026-03-04T09:30-06:00")
    tick("2026-03-04T19:30-06:00")
    tick("2026-03-05T09:30-06:00")  # both relapse follow-ups
    say(ANN_PHONE, "Y", "2026-03-05T09:35-06:00")
    say(BOB_PHONE, "Y FEVER", "2026-03-05T09:40-06:00")
    assert "is acknowledged" in say(CARL, "OK", "2026-03-05T10:00-06:00")  # the relapse
    tick("2026-03-05T19:30-06:00")  # Cy's second missed dose
    for phone in (ANN_PHONE, BOB_PHONE):
        say(phone, "DONE", "2026-03-05T19:40-06:00")
    crisis = say(BOB_PHONE, "I want to end it all", "2026-03-05T23:00-06:00")
    assert "call or text 988" in crisis
    tick("2026-03-06T09:00-06:00")
    say(ANN_PHONE, "9 2 N", "2026-03-06T09:05-06:00")
    tick("2026-03-07T19:30-06:00")
    say(ANN_PHONE, "DONE", "2026-03-07T19:40-06:00")
    tick("2026-03-08T09:00-05:00")
    say(ANN_PHONE, "7 1 N", "2026-03-08T09:05-05:00")
    assert "is acknowledged" in say(CARL, "OK", "2026-03-08T10:00-05:00")  # the flu-like run
    assert len(ok(cli("alerts", "list", "--open", "--json")).json()) == 3  # Eve's

    listed = ok(cli("alerts", "list", "--json")).json()
    assert all(set(row) >= ALERT_KEYS for row in listed)
    by_kind = {row["kind"]: row for row in listed}
    assert sorted(by_kind) == sorted(
        [
            "possible_relapse",
            "pseudo_relapse",
            "injection_site",
            "tolerability",
            "mood",
            "adherence",
        ]
    )
    expected = {
        "injection_site": (1, "injection-site score 8 at the check-in of 4 Mar", [CARL]),
        "possible_relapse": (1, "new numbness or tingling reported on 4 Mar", [CARL]),
        "pseudo_relapse": (2, "still present on 5 Mar, with fever", [EVE]),
        "adherence": (3, "2 doses in a row not taken: 3 Mar missed and 4 Mar missed", [EVE]),
        "mood": (2, 'at 23:00 on Thu 5 Mar: "I want to end it all"', [EVE]),
        "tolerability": (1, "flu-like score 8, 9 and 7 at the check-ins of 4 Mar", [CARL]),
    }
    for kind, (patient, reason, addresses) in expected.items():
        row = by_kind[kind]
        assert row["patient"] == patient, row
        assert reason in row["reason"], row
        assert [n["to"] for n in row["sent_to"]] == addresses, row
        assert {n["status"] for n in row["sent_to"]} == {"sent"}, row
    assert by_kind["mood"]["severity"] == "urgent"
    assert by_kind["mood"]["sent_to"][0]["sent_at"] == "2026-03-05T23:00:00-06:00"
    assert {by_kind[k]["severity"] for k in expected if k != "mood"} == {"routine"}

    # Eve names hers, as she looks after two patients.
    for kind in ("mood", "pseudo_relapse", "adherence"):
        answer = say(EVE, f"OK {by_kind[kind]['id']}", "2026-03-08T10:05-05:00")
        assert f"alert {by_kind[kind]['id']} about" in answer

    assert ok(cli("alerts", "list", "--open", "--json")).json() == []
    final = {row["kind"]: row for row in ok(cli("alerts", "list", "--json")).json()}
    assert final["tolerability"]["acknowledged_by"] == "Carl Smith (caregiver)"
    assert final["mood"]["acknowledged_by"] == "Eve Nurse (nurse)"
    assert final["mood"]["acknowledged_at"] == "2026-03-08T10:05:00-05:00"
    # Nobody was left unacknowledged long enough to reach Dora, the second contact.
    messages = ok(cli("messages", "list", "--json")).json()
    assert DORA not in {m["to"] for m in messages}
    assert {m["kind"] for m in messages} >= {"checkin", "followup", "alert", "reply"}

    shown = ok(cli("patient", "show", "1", "--json")).json()
    assert shown["open_alerts"] == []
    assert shown["injured_sites"] == ["left_arm"]
    assert [(c["kind"], c["flu"], c["site_score"]) for c in shown["recent_check_ins"]][:2] == [
        ("checkin", 7, 1),
        ("checkin", 9, 2),
    ]
    assert "OPEN ALERT" not in ok(cli("patient", "show", "1")).stdout


def test_alerts_ack_closes_an_alert_for_the_operator_once(cli: Callable[..., Ran]) -> None:
    enrol(cli, "Ann Smith", ANN_PHONE)
    ok(cli("contact", "add", "1", "Carl Smith", "--phone", CARL, "--tz", "Europe/London"))
    ok(cli("inbound", "--from", ANN_PHONE, "I want to die", "--at", "2026-03-03T11:00-06:00"))
    (alert,) = ok(cli("alerts", "list", "--open", "--json")).json()
    shown = ok(cli("patient", "show", "1")).stdout
    assert f"OPEN ALERT {alert['id']} (urgent mood)" in shown

    acked = ok(cli("alerts", "ack", str(alert["id"]), "--at", "2026-03-03T11:20-06:00"))

    assert f"alert {alert['id']} acknowledged" in acked.stdout
    (row,) = ok(cli("alerts", "list", "--json")).json()
    assert (row["status"], row["acknowledged_by"], row["acknowledged_at"]) == (
        "acknowledged",
        "the operator",
        "2026-03-03T11:20:00-06:00",
    )
    messages = ok(cli("messages", "list", "--json")).json()
    told = [m for m in messages if m["kind"] == "alert" and "was acknowledged by" in m["body"]]
    assert [(m["to"], m["status"]) for m in told] == [(CARL, "sent")]
    again = cli("alerts", "ack", str(alert["id"]))
    assert again.code == 2
    assert "already acknowledged" in error_line(again)
    assert "no alert with id 99" in error_line(cli("alerts", "ack", "99"))


def test_a_contact_with_an_unknown_time_zone_is_refused(cli: Callable[..., Ran]) -> None:
    enrol(cli, "Ann Smith", ANN_PHONE)
    refused = cli("contact", "add", "1", "Carl", "--phone", CARL, "--tz", "Mars/Olympus")
    assert refused.code == 2
    assert error_line(refused).startswith("error: timezone: unknown time zone")
    assert ok(cli("contact", "list", "--json")).json() == []


@pytest.mark.slow
def test_a_mood_reply_reaches_the_contact_and_ok_closes_it_across_processes(
    process: Callable[..., Ran],
) -> None:
    ok(process("init"))
    ok(process(*ANN))
    ok(process("contact", "add", "1", "Carl Smith", "--phone", CARL))

    crisis = ok(
        process("inbound", "--from", ANN_PHONE, "I want to die", "--at", "2026-03-03T23:00-06:00")
    )

    assert "988" in crisis.stdout
    (alert,) = ok(process("alerts", "list", "--open", "--json")).json()
    assert (alert["kind"], alert["severity"], alert["sent_to"][0]["to"]) == ("mood", "urgent", CARL)
    assert alert["sent_to"][0]["sent_at"] == "2026-03-03T23:00:00-06:00"
    acked = ok(process("inbound", "--from", CARL, "OK", "--at", "2026-03-03T23:05-06:00"))
    assert "is acknowledged" in acked.stdout
    assert ok(process("alerts", "list", "--open", "--json")).json() == []


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("nonsense://db", "DATABASE_URL: not a database URL this program can use"),
        (
            "postgresql+psycopg://nobody:s3cret-pw@127.0.0.1:1/none",
            "the database cannot be reached or opened (DATABASE_URL): ",
        ),
        ("sqlite:////no/such/folder/reminder.db", "unable to open database file"),
    ],
    ids=["not-a-url", "unreachable", "unopenable"],
)
def test_a_bad_or_unreachable_database_is_one_line_without_the_password(
    process: Callable[..., Ran], env: dict[str, str], url: str, says: str
) -> None:
    env["DATABASE_URL"] = url

    ran = process("patient", "list")

    assert ran.code == 2
    assert says in error_line(ran)
    assert "s3cret-pw" not in ran.stderr and "Traceback" not in ran.stderr
