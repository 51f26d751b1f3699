"""Tests for reminder.enrolment: checked fields, patient look-up and `reminder import FILE.csv`."""

from __future__ import annotations

import csv
import itertools
import os
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from reminder.cli import app
from reminder.clock import SimulatedClock
from reminder.config import Settings
from reminder.csv_import import CSV_COLUMNS, import_csv
from reminder.db import create_db_engine, session_scope, upgrade
from reminder.enrolment import add_contact, add_patient, check_patient, find_patient
from reminder.fields import FieldError, normalise_email, normalise_phone
from reminder.models import Contact, ContactRole, Patient
from tests.conftest import postgres_schema

HEADER = "name,phone,email,timezone,time,start,full_dose,contact_name,contact_phone,contact_email\n"
# Physical lines: 1 header; 2 good; 3-4 a good row whose quoted name spans two lines; 5 a bad
# phone; 6 blank; 7 an unknown zone; 8 no name; 9 the phone of line 2 written another way;
# 10-11 a row spanning two lines with a contact address and no contact name; 12-13 good.
PATIENTS_CSV = HEADER + (
    "Ann Smith,+1 312 555 0100,,America/Chicago,19:30,2026-03-03,yes,Carl Carer,312 555 0199,\n"
    '"Bea\nJones",,Bea@Example.COM,Europe/London,18:00,,no,,,\n'
    "Cy Bad,12345,,,,,,,,\n"
    "\n"
    "Dee Zone,+1 312 555 0102,,Mars/Olympus_Mons,,,,,,\n"
    ",+1 312 555 0103,,,,,,,,\n"
    "Ann Twin,(312) 555-0100,,,,,,,,\n"
    '"Eve\nMulti",+1 312 555 0104,,,,,,,,carer@example.com\n'
    "Fay Fine,+44 20 7946 0958,,Europe/London,,,,Gus Fine,,gus@example.com\n"
    "Hal Plain,312 555 0105,,,,,,,,\n"
)
EXPECTED_ERRORS = [
    (5, "phone", "not a valid phone number"),
    (7, "timezone", "unknown time zone 'Mars/Olympus_Mons'"),
    (8, "name", "a name is required"),
    (9, "phone", "+13125550100 is already enrolled"),
    (10, "contact_name", "a contact address is given without a contact name"),
]


def write_csv(tmp_path: Path, text: str, name: str = "patients.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def import_file(database_url: str, settings: Settings, path: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app,
        ["import", str(path), "--at", "2026-03-03T09:00-06:00"],
        env={"DATABASE_URL": database_url, "REMINDER_CONFIG": str(settings.path)},
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def enrol(
    engine: Engine, settings: Settings, clock: SimulatedClock, name: str, **fields: str
) -> int:
    spec = check_patient(
        settings,
        name=name,
        phone=fields.get("phone"),
        email=fields.get("email"),
        timezone=None,
        dose_time=None,
        start=None,
    )
    with session_scope(engine) as session:
        patient = add_patient(session, settings, spec, clock.now())
        assert patient.id is not None
        return patient.id


def test_import_reports_each_bad_row_by_its_line_and_field_and_keeps_the_good_rows(
    database_url: str, settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, PATIENTS_CSV)
    code, stdout, stderr = import_file(database_url, settings, path)

    assert code == 1
    assert "imported 4 patient(s), 5 bad row(s)" in stdout
    lines = stderr.strip().splitlines()
    assert len(lines) == len(EXPECTED_ERRORS), stderr
    for line, (number, field, words) in zip(lines, EXPECTED_ERRORS, strict=True):
        assert line.startswith(f"{path}:{number}: {field}: "), line
        assert words in line

    with Session(engine) as session:
        patients = {p.name: p for p in session.exec(select(Patient))}
        contacts = list(session.exec(select(Contact).order_by(col(Contact.id))))
    assert set(patients) == {"Ann Smith", "Bea Jones", "Fay Fine", "Hal Plain"}
    ann, bea, fay, hal = (patients[n] for n in ("Ann Smith", "Bea Jones", "Fay Fine", "Hal Plain"))
    assert (ann.phone, ann.timezone, ann.dose_time) == (
        "+13125550100",
        "America/Chicago",
        time(19, 30),
    )
    assert (ann.start_date, ann.full_dose) == (date(2026, 3, 3), True)
    assert (bea.phone, bea.email, bea.timezone) == (None, "bea@example.com", "Europe/London")
    assert (bea.dose_time, bea.full_dose) == (time(18, 0), False)
    assert fay.phone == "+442079460958"
    # Blank fields take the defaults: the config's zone and dose time, and today as the start.
    assert (hal.phone, hal.timezone, hal.dose_time) == (
        "+13125550105",
        "America/Chicago",
        time(19, 30),
    )
    assert hal.start_date == date(2026, 3, 3)
    assert [(c.patient_id, c.name, c.phone, c.email, c.position, c.role) for c in contacts] == [
        (ann.id, "Carl Carer", "+13125550199", None, 1, ContactRole.CAREGIVER),
        (fay.id, "Gus Fine", None, "gus@example.com", 1, ContactRole.CAREGIVER),
    ]


def test_import_refuses_a_patient_already_enrolled_and_imports_the_rest(
    database_url: str, settings: Settings, engine: Engine, clock: SimulatedClock, tmp_path: Path
) -> None:
    enrol(engine, settings, clock, "Ann Smith", phone="+13125550100")
    path = write_csv(
        tmp_path,
        HEADER
        + "Ann Again,312-555-0100,,,,,,,,\n"
        + "Bea Jones,,bea@example.com,,,,,,,\n"
        + "Bea Twin,,BEA@EXAMPLE.COM,,,,,,,\n",
    )
    code, stdout, stderr = import_file(database_url, settings, path)

    assert code == 1
    assert "imported 1 patient(s), 2 bad row(s)" in stdout
    assert stderr.strip().splitlines() == [
        f"{path}:2: phone: +13125550100 is already enrolled",
        f"{path}:4: email: bea@example.com is already enrolled",
    ]
    with Session(engine) as session:
        assert sorted(session.exec(select(Patient.name))) == ["Ann Smith", "Bea Jones"]


def test_a_contact_at_the_patients_own_address_is_refused_in_an_import_and_by_contact_add(
    database_url: str, settings: Settings, engine: Engine, clock: SimulatedClock, tmp_path: Path
) -> None:
    # Every alert about the patient, self-harm words included, would reach only the patient.
    path = write_csv(
        tmp_path,
        HEADER
        + "Ann Smith,+1 312 555 0100,,,,,,Ann Phone,(312) 555-0100,\n"
        + "Bea Jones,,bea@example.com,,,,,Bea Again,,BEA@example.com\n"
        + "Cy Fine,+1 312 555 0102,,,,,,Dan Fine,+1 312 555 0103,\n",
    )
    code, stdout, stderr = import_file(database_url, settings, path)

    assert code == 1 and "imported 1 patient(s), 2 bad row(s)" in stdout
    assert stderr.strip().splitlines() == [
        f"{path}:2: contact_phone: +13125550100 is the patient's own number",
        f"{path}:3: contact_email: bea@example.com is the patient's own address",
    ]
    result = CliRunner().invoke(
        app,
        ["contact", "add", "Cy Fine", "Cy Again", "--phone", "312 555 0102"],
        env={"DATABASE_URL": database_url, "REMINDER_CONFIG": str(settings.path)},
    )
    assert result.exit_code == 2
    assert "contact_phone: +13125550102 is the patient's own number" in result.stderr
    with Session(engine) as session:
        assert [c.name for c in session.exec(select(Contact))] == ["Dan Fine"]


def test_a_csv_excel_saved_with_semicolons_imports_like_one_with_commas(
    database_url: str, settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "patients.csv"
    path.write_bytes(
        "\ufeffname;phone;timezone;time;contact_name;contact_phone\r\n"
        'Jürgen Müller;+49 30 1234567;Europe/Berlin;19:30;"Müller, Anna";+49 30 7654321\r\n'
        "Kein Telefon;12;Europe/Berlin;;;\r\n".encode()
    )
    code, stdout, stderr = import_file(database_url, settings, path)

    assert code == 1 and "imported 1 patient(s), 1 bad row(s)" in stdout
    assert stderr.strip().startswith(f"{path}:3: phone: ")
    with Session(engine) as session:
        patient = session.exec(select(Patient)).one()
        contact = session.exec(select(Contact)).one()
    assert (patient.name, patient.phone, patient.timezone) == (
        "Jürgen Müller",
        "+49301234567",
        "Europe/Berlin",
    )
    assert (contact.name, contact.phone) == ("Müller, Anna", "+49307654321")


def test_a_csv_with_an_unknown_column_imports_nothing(
    database_url: str, settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, "name,phone,mobile\nAnn Smith,+1 312 555 0100,\n")
    code, stdout, stderr = import_file(database_url, settings, path)

    assert code == 2
    assert stderr.strip() == (
        "error: header: unknown column 'mobile'; columns are " + ", ".join(CSV_COLUMNS)
    )
    with Session(engine) as session:
        assert session.exec(select(Patient)).all() == []


def test_import_reports_progress_by_physical_line(
    settings: Settings, engine: Engine, clock: SimulatedClock, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, PATIENTS_CSV)
    advanced: list[int] = []
    report = import_csv(engine, settings, path, clock.now(), progress=advanced.append, batch_size=2)

    assert report.imported == 4
    assert [line for line, _ in report.errors] == [n for n, _, _ in EXPECTED_ERRORS]
    # The CLI sizes its progress bar by the file's lines after the header.
    assert sum(advanced) == PATIENTS_CSV.count("\n") - 1


# Every optional field both filled and left blank, contacts by phone and by email, and a row that
# starts tomorrow in Tokyo while it is still today in Chicago.
VARIED_ROWS = [
    {"name": "Ann  Smith", "phone": "+1 312 555 0100", "timezone": "America/Chicago",
     "time": "19:30", "start": "2026-03-03", "full_dose": "yes", "contact_name": " Carl Carer",
     "contact_phone": "312 555 0199"},
    {"name": "Bea Jones", "email": "Bea@Example.COM", "timezone": "Europe/London", "time": "18:00",
     "full_dose": "no"},
    {"name": "Cy Tokyo", "phone": "+81 3-1234-5678", "timezone": "Asia/Tokyo", "time": "20:00",
     "contact_name": "Dee Tokyo", "contact_email": "DEE@example.jp"},
    {"name": "Eve Both", "phone": "(312) 555-0101", "email": "eve@example.com", "full_dose": "1",
     "contact_name": "Fay Both", "contact_phone": "+44 20 7946 0958",
     "contact_email": "fay@example.co.uk"},
    {"name": "Gus Plain", "phone": "312.555.0102"},
]  # fmt: skip
_other_schemas = itertools.count()


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, CSV_COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def enrol_by_hand(engine: Engine, settings: Settings, clock: SimulatedClock, row: dict) -> None:
    """What `reminder patient add` and `reminder contact add` do with the row's fields."""
    spec = check_patient(
        settings,
        name=row["name"],
        phone=row.get("phone"),
        email=row.get("email"),
        timezone=row.get("timezone"),
        dose_time=row.get("time"),
        start=row.get("start"),
        full_dose=row.get("full_dose") in ("yes", "1"),
    )
    with session_scope(engine) as session:
        patient = add_patient(session, settings, spec, clock.now())
        if row.get("contact_name"):
            add_contact(
                session,
                settings,
                patient,
                name=row["contact_name"],
                phone=row.get("contact_phone"),
                email=row.get("contact_email"),
                role=ContactRole.CAREGIVER,
                now=clock.now(),
            )


def stored(engine: Engine, table: str) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY id"))]


@pytest.fixture
def other_engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    """A second empty, migrated database on the same backend as ``engine``."""
    if database_url.startswith("sqlite"):
        engine = create_db_engine(f"sqlite:///{tmp_path / 'other.db'}")
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    with postgres_schema(f"t_{os.getpid()}_other_{next(_other_schemas)}") as url:
        engine = create_db_engine(url)
        yield engine
        engine.dispose()


def test_an_import_writes_every_column_as_add_patient_and_add_contact_do(
    settings: Settings, engine: Engine, other_engine: Engine, clock: SimulatedClock, tmp_path: Path
) -> None:
    path = write_rows(tmp_path / "varied.csv", VARIED_ROWS)
    report = import_csv(engine, settings, path, clock.now(), batch_size=3)
    for row in VARIED_ROWS:
        enrol_by_hand(other_engine, settings, clock, row)

    assert (report.imported, report.errors) == (len(VARIED_ROWS), [])
    assert len(stored(engine, "contact")) == 3
    for table in ("patient", "contact"):
        assert stored(engine, table) == stored(other_engine, table)


def test_an_import_racing_another_enrolment_refuses_the_clash_by_its_line_and_keeps_the_rest(
    settings: Settings, engine: Engine, clock: SimulatedClock, tmp_path: Path
) -> None:
    path = write_rows(tmp_path / "race.csv", VARIED_ROWS)
    batches_written = []

    def enrol_eve_meanwhile(lines: int) -> None:
        # Between the first batch and the second, which holds Eve on line 5, someone enrols her
        # phone number by hand: the import read the enrolled addresses before that.
        batches_written.append(lines)
        if len(batches_written) == 1:
            enrol(engine, settings, clock, "Eve Elsewhere", phone="+1 312 555 0101")

    report = import_csv(
        engine, settings, path, clock.now(), progress=enrol_eve_meanwhile, batch_size=3
    )

    assert report.imported == 4
    assert [(line, error.field) for line, error in report.errors] == [(5, "phone")]
    assert report.errors[0][1].message.startswith("+13125550101 is already enrolled (patient ")
    with Session(engine) as session:
        names = session.exec(select(Patient.name).order_by(col(Patient.id))).all()
        contacts = session.exec(select(Contact.name).order_by(col(Contact.id))).all()
    assert names == ["Ann Smith", "Bea Jones", "Cy Tokyo", "Eve Elsewhere", "Gus Plain"]
    assert contacts == ["Carl Carer", "Dee Tokyo"]


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("312 555 0100", "US", "+13125550100"),
        ("(312) 555-0100", "US", "+13125550100"),
        ("1 312 555 0100", "US", "+13125550100"),
        ("+1 312 555 0100", "GB", "+13125550100"),
        ("+44 20 7946 0958", "US", "+442079460958"),
        ("+44 7911 123456", "US", "+447911123456"),
        ("07911 123456", "GB", "+447911123456"),
        ("  +447911123456  ", "US", "+447911123456"),
    ],
)
def test_a_phone_number_is_stored_in_e164(text: str, region: str, expected: str) -> None:
    assert normalise_phone(text, region) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "12345",
        "555-0100",
        "+999 123",
        "07911 123456",
        "+44 20 79",
        "ann@example.com",
    ],
)
def test_junk_is_not_a_phone_number(text: str) -> None:
    with pytest.raises(FieldError) as raised:
        normalise_phone(text, "US", "contact_phone")
    assert raised.value.field == "contact_phone"
    assert repr(text) in raised.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ann@example.com", "ann@example.com"),
        ("  Ann.Smith+bz@Mail.Example.ORG ", "ann.smith+bz@mail.example.org"),
        ("ÉLISE@EXEMPLE.FR", "élise@exemple.fr"),
    ],
)
def test_an_email_address_is_stored_in_lower_case(text: str, expected: str) -> None:
    assert normalise_email(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ann",
        "ann@",
        "@example.com",
        "ann@example",
        "ann smith@example.com",
        "ann@@example.com",
        "<ann@example.com>",
        "ann@example.com, bob@example.com",
        "ann@example..com",
        "ann@.example.com",
        "ann@example.com.",
    ],
)
def test_junk_is_not_an_email_address(text: str) -> None:
    with pytest.raises(FieldError) as raised:
        normalise_email(text, "contact_email")
    assert raised.value.field == "contact_email"


def test_find_patient_by_id_or_by_name_whatever_its_case_and_spacing(
    engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    ann = enrol(engine, settings, clock, "Ann Smith", phone="+13125550100")
    elise = enrol(engine, settings, clock, "Élise  Ørsted", email="elise@example.com")
    with Session(engine) as session:
        assert find_patient(session, str(ann)).id == ann
        assert find_patient(session, f" {elise} ").id == elise
        assert find_patient(session, "ann smith").id == ann
        assert find_patient(session, "  ANN   SMITH ").id == ann
        assert find_patient(session, "Élise Ørsted").id == elise
        # Case folding beyond ASCII, the same on SQLite as on PostgreSQL.
        assert find_patient(session, "élise ørsted").id == elise
        assert find_patient(session, "ÉLISE ØRSTED").id == elise


def test_find_patient_says_what_went_wrong(
    engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    first = enrol(engine, settings, clock, "Ann Smith", phone="+13125550100")
    second = enrol(engine, settings, clock, "ann smith", email="ann@example.com")
    enrol(engine, settings, clock, "Ann Smithers", phone="+13125550101")
    with Session(engine) as session:
        with pytest.raises(LookupError, match=r"^no patient with id 99$"):
            find_patient(session, "99")
        with pytest.raises(LookupError, match=r"^no patient named 'Ann'$"):
            find_patient(session, "Ann")
        with pytest.raises(LookupError) as raised:
            find_patient(session, "ANN SMITH")
    assert str(raised.value) == (
        f"2 patients are named 'ANN SMITH' (ids {first}, {second}); use the id"
    )


def test_an_address_already_enrolled_is_refused(
    engine: Engine, settings: Settings, clock: SimulatedClock
) -> None:
    enrol(engine, settings, clock, "Ann Smith", phone="+13125550100")
    spec = check_patient(
        settings,
        name="Ann Other",
        phone="312.555.0100",
        email=None,
        timezone=None,
        dose_time=None,
        start=None,
    )
    with session_scope(engine) as session, pytest.raises(FieldError) as raised:
        add_patient(session, settings, spec, clock.now())
    assert raised.value.field == "phone"
    with Session(engine) as session:
        assert session.exec(select(Patient.name)).all() == ["Ann Smith"]


def test_a_csv_that_is_not_utf8_is_refused_in_one_line(
    database_url: str, settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("name,phone\nJosé García,+1 312 555 0100\n".encode("cp1252"))
    code, stdout, stderr = import_file(database_url, settings, path)

    assert code == 2
    assert (
        stderr.strip() == f"error: {path}: not UTF-8 text; save it as CSV UTF-8 and import it again"
    )
    with Session(engine) as session:
        assert session.exec(select(Patient)).all() == []


def test_a_nul_byte_in_one_row_is_that_rows_error_and_the_rest_are_imported(
    database_url: str, settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path,
        "name,phone\nAnn Smith,+13125550100\nBea\x00Jones,+13125550101\nCy Lee,+13125550102\n",
    )

    code, stdout, stderr = import_file(database_url, settings, path)

    assert code == 1
    assert "imported 2 patient(s), 1 bad row(s)" in stdout
    assert (
        stderr.strip() == f"{path}:3: name: contains a NUL byte (\\x00); remove it and import again"
    )
    with Session(engine) as session:
        assert sorted(p.name for p in session.exec(select(Patient))) == ["Ann Smith", "Cy Lee"]
