"""The FHIR R4 export of twelve scripted weeks, read back with fhir.resources: what each resource
says against what was stored (the PHQ-2 screens among it), every reference resolved inside the
Bundle, a broken resource refused with its field named, the CLI and the dashboard's "Download
FHIR".

The history is driven through the real planner, conversation and outbox (tests/report_history.py)
once per database backend and shared by the tests of this module, which only read it.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.medicationadministration import MedicationAdministration
from fhir.resources.R4B.observation import Observation
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.testclient import TestClient
from typer.testing import CliRunner

from reminder import fhir, report
from reminder.app import App
from reminder.cli import app
from reminder.clock import SimulatedClock
from reminder.config import Settings, load_settings
from reminder.db import create_db_engine, session_scope, upgrade
from reminder.fhir import codes, questionnaires
from reminder.fhir.make import make
from reminder.models import (
    Alert,
    AlertStatus,
    CheckIn,
    CheckInKind,
    CheckInStatus,
    Dose,
    DoseStatus,
    Message,
    MessageKind,
    MessageStatus,
    Patient,
    PatientStatus,
)
from reminder.regimen import SITE_LABELS
from reminder.staff.pages import PREFIX
from reminder.web import create_app
from tests.conftest import BACKENDS, postgres_schema
from tests.report_history import REPORT_AT, History, twelve_weeks
from tests.scenario import Bot, local
from tests.staff_world import (
    PASSWORD,
    build_clinic,
    csrf_in,
    staff_settings,
)

AT = REPORT_AT.isoformat()
BASE = "https://rem.example.org"
CONFIG = f'public_base_url = "{BASE}"\n[schedule]\ndefault_timezone = "America/Chicago"\n'


@dataclass(frozen=True)
class World:
    engine: Engine
    settings: Settings
    history: History
    env: dict[str, str]

    def export(self) -> Bundle:
        with session_scope(self.engine) as session:
            return export_of(session, self.settings, self.history.patient_id)


def export_of(session: Session, settings: Settings, patient_id: int) -> Bundle:
    patient = session.get(Patient, patient_id)
    assert patient is not None
    window = report.default_window(patient, REPORT_AT)
    return fhir.export(session, patient, window, settings, REPORT_AT)


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("fhir")
    config = folder / "reminder.toml"
    config.write_text(CONFIG, encoding="utf-8")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'fhir.db'}"
        setup = create_db_engine(url)
        upgrade(setup)
        setup.dispose()
        yield from _world(url, config)
        return
    with postgres_schema(f"fhir_{os.getpid()}") as url:
        yield from _world(url, config)


def _world(url: str, config: Path) -> Iterator[World]:
    env = {"DATABASE_URL": url, "REMINDER_CONFIG": str(config)}
    settings = load_settings(env)
    engine = create_db_engine(url)
    bot = Bot(engine, settings, SimulatedClock(local(3, 3, 9, 0)))
    try:
        yield World(engine, settings, twelve_weeks(bot, screens=True), env)
    finally:
        engine.dispose()


def read_back(bundle: Bundle) -> Bundle:
    """The Bundle as a clinic's system gets it: JSON text, parsed by fhir.resources again."""
    return Bundle.model_validate_json(fhir.to_json(bundle))


def of_type(bundle: Bundle, kind: str) -> list[Any]:
    return [e.resource for e in bundle.entry or [] if e.resource.get_resource_type() == kind]


def by_url(bundle: Bundle) -> dict[str, Any]:
    return {e.fullUrl: e.resource for e in bundle.entry or []}


def answers(response: Any) -> dict[str, list[Any]]:
    """Each item's answers by linkId, as plain values (a quantity by its number, a coding by its
    code)."""
    found: dict[str, list[Any]] = {}
    for item in response.item or []:
        values = []
        for answer in item.answer or []:
            if answer.valueQuantity is not None:
                values.append(answer.valueQuantity.value)
                continue
            if answer.valueCoding is not None:
                values.append(answer.valueCoding.code)
                continue
            values.append(
                next(
                    value
                    for value in (answer.valueInteger, answer.valueBoolean, answer.valueString)
                    if value is not None
                )
            )
        found[item.linkId] = values
    return found


def stored(world: World) -> tuple[list[Dose], list[CheckIn], list[Message]]:
    with Session(world.engine) as session:
        doses = list(session.exec(select(Dose).order_by(col(Dose.id))))
        check_ins = list(session.exec(select(CheckIn).order_by(col(CheckIn.id))))
        notices = list(
            session.exec(
                select(Message).where(
                    Message.kind == MessageKind.ALERT,
                    col(Message.status).in_([MessageStatus.SENT, MessageStatus.DELIVERED]),
                )
            )
        )
    return doses, check_ins, [m for m in notices if ":ack:" not in m.idempotency_key]


def test_the_bundle_holds_one_resource_per_record_of_the_window(world: World) -> None:
    bundle = read_back(world.export())
    doses, check_ins, notices = stored(world)

    assert bundle.type == "collection"
    counts = Counter(e.resource.get_resource_type() for e in bundle.entry or [])
    responded = [
        c for c in check_ins if c.kind in (CheckInKind.CHECKIN, CheckInKind.FOLLOWUP) and c.answers
    ]
    screened = [c for c in check_ins if c.kind == CheckInKind.PHQ2 and c.answers]
    # 44 doses planned: 40 taken, 1 skipped, 1 missed, 1 unconfirmed; tonight's is not yet given.
    assert counts == {
        "Patient": 1,
        "RelatedPerson": 1,  # Grace, the caregiver
        "Practitioner": 1,  # Joy, the nurse
        "MedicationStatement": 1,
        "MedicationAdministration": 43,
        "Questionnaire": 4,  # the check-in, the follow-up, the symptom report and the PHQ-2
        "QuestionnaireResponse": len(responded) + len(screened),
        "Observation": counts["Observation"],
        "Communication": len(notices),  # Grace and then Joy about the relapse, Grace the site
    }
    assert len(doses) == 44 and len(responded) == 40 and len(notices) == 3
    # Three screens asked: one answered, one never (no response), one half answered so far.
    assert len([c for c in check_ins if c.kind == CheckInKind.PHQ2]) == 3 and len(screened) == 2
    # Each check-in's flu, site and neuro (and fever where said); each follow-up's neuro; each
    # screen's items answered, its total once both are, and its panel.
    assert counts["Observation"] == sum(
        sum(v is not None for v in (c.flu_score, c.site_score, c.neuro, c.fever)) for c in responded
    ) + sum(
        (c.phq_interest is not None)
        + (c.phq_mood is not None)
        + (c.phq_interest is not None and c.phq_mood is not None)
        + 1
        for c in screened
    )
    assert "Flag" not in counts  # both alerts were acknowledged


def test_the_patient_carries_the_deployment_s_identifier_and_the_regimen_its_step(
    world: World,
) -> None:
    bundle = read_back(world.export())

    (patient,) = of_type(bundle, "Patient")
    assert [(i.system, i.value) for i in patient.identifier] == [
        (f"{BASE}/fhir/sid/patient", str(world.history.patient_id))
    ]
    assert patient.name[0].text == "Ada Lovelace"
    assert patient.communication[0].language.coding[0].code == "en"
    (regimen,) = of_type(bundle, "MedicationStatement")
    assert regimen.status == "active"
    assert regimen.medicationCodeableConcept.text == "interferon beta-1b"
    dosage = regimen.dosage[0]
    assert (dosage.timing.repeat.frequency, dosage.timing.repeat.period) == (1, 2)
    assert dosage.timing.repeat.periodUnit == "d"
    assert "titration step 4 of 4" in dosage.text
    assert dosage.doseAndRate[0].doseQuantity.value == 250
    assert dosage.doseAndRate[0].doseQuantity.code == "ug"


def test_a_pause_puts_the_regimen_on_hold_and_after_stop_its_use_is_unknown(
    world: World,
) -> None:
    found = {}
    with Session(world.engine) as session:
        patient = session.get(Patient, world.history.patient_id)
        assert patient is not None
        for status in (PatientStatus.PAUSED, PatientStatus.OPTED_OUT):
            patient.status = status
            session.add(patient)
            session.flush()
            bundle = export_of(session, world.settings, world.history.patient_id)
            (regimen,) = of_type(bundle, "MedicationStatement")
            found[status] = regimen.status
        session.rollback()

    assert found == {PatientStatus.PAUSED: "on-hold", PatientStatus.OPTED_OUT: "unknown"}


def test_each_dose_s_administration_says_what_was_stored(world: World) -> None:
    bundle = read_back(world.export())
    doses = {str(d.id): d for d in stored(world)[0]}

    seen = Counter()
    for given in of_type(bundle, "MedicationAdministration"):
        dose = doses[given.identifier[0].value]
        reason = given.statusReason[0].coding[0].code if given.statusReason else None
        seen[(given.status, reason)] += 1
        if dose.status == DoseStatus.TAKEN:
            assert (given.status, reason) == ("completed", None)
            assert given.effectiveDateTime == dose.taken_at
            assert given.dosage.dose.value == dose.dose_mcg
            assert given.dosage.site.text  # every taken dose has its site, suggested or named
        else:
            assert given.status == "not-done"
            assert given.effectiveDateTime == dose.scheduled_at
            assert reason == {
                DoseStatus.SKIPPED: "skipped",
                DoseStatus.MISSED: "missed",
                DoseStatus.UNCONFIRMED: "unconfirmed",
            }.get(dose.status, "unconfirmed")  # missed with no reminder sent: unconfirmed
    assert seen == {
        ("completed", None): 40,
        ("not-done", "skipped"): 1,
        ("not-done", "missed"): 1,
        ("not-done", "unconfirmed"): 1,  # the outage
    }
    sites = {
        doses[g.identifier[0].value].site_reported: g.dosage.site.text
        for g in of_type(bundle, "MedicationAdministration")
        if g.status == "completed"
    }
    assert sites[True] == SITE_LABELS["right_thigh"]  # "DONE right thigh"
    assert sites[False].endswith(" (suggested)")  # DONE alone: the site the reminder suggested
    assert sum(d.site_reported for d in doses.values()) == 1


def test_each_check_in_s_answers_and_observations_match_what_was_stored(world: World) -> None:
    bundle = read_back(world.export())
    urls = by_url(bundle)
    check_ins = {c.key: c for c in stored(world)[1]}
    observations: dict[str, list[Any]] = {}
    for found in of_type(bundle, "Observation"):
        assert found.category[0].coding[0].code == "survey"
        (source,) = found.derivedFrom
        observations.setdefault(source.reference, []).append(found)

    for url, resource in urls.items():
        if resource.get_resource_type() != "QuestionnaireResponse":
            continue
        row = check_ins[resource.identifier.value]
        if row.kind == CheckInKind.PHQ2:
            continue  # the next test's
        said = answers(resource)
        followup = row.kind == CheckInKind.FOLLOWUP
        assert resource.questionnaire == (
            f"{BASE}/fhir/Questionnaire/{'follow-up' if followup else 'check-in'}"
        )
        assert (
            resource.status
            == {
                CheckInStatus.ANSWERED: "completed",
                CheckInStatus.INCOMPLETE: "stopped",
                CheckInStatus.OPEN: "in-progress",
            }[row.status]
        )
        assert said.get("flu", [None]) == [row.flu_score]
        assert said.get("site", [None]) == [row.site_score]
        assert said.get("neuro", [None]) == [row.neuro]
        assert said.get("fever", [None]) == [row.fever]
        assert said.get("symptoms", []) == row.symptoms
        # The patient's own words, every reply as written.
        assert said["reply"] == [a["text"] for a in row.answers]
        values = {o.code.coding[0].code: o for o in observations[url]}
        assert {k: v.valueInteger for k, v in values.items() if v.valueInteger is not None} == {
            k: v
            for k, v in (
                ("flu-like-score", row.flu_score),
                ("injection-site-score", row.site_score),
            )
            if v is not None
        }
        neuro = values["neuro-symptom-persists" if followup else "neuro-symptom"]
        assert neuro.valueBoolean == row.neuro
        assert all(o.effectiveDateTime == row.answered_at for o in observations[url])

    words = {
        r.identifier.value: answers(r)["reply"] for r in of_type(bundle, "QuestionnaireResponse")
    }
    assert ["5 2 N feeling tired today"] in words.values()
    (fever,) = [o for o in of_type(bundle, "Observation") if o.code.coding[0].code == "fever"]
    assert fever.valueBoolean is True  # "3 1 N fever": no temperature given
    relapse = [o for o in of_type(bundle, "Observation") if o.valueBoolean and o.component]
    assert {c.valueCodeableConcept.text for o in relapse for c in o.component} == {"numbness"}


PHQ2 = f"{BASE}/fhir/Questionnaire/phq-2"
LOINC_ITEMS = {"44250-9": "phq_interest", "44255-8": "phq_mood"}


def test_each_phq2_screen_is_a_response_with_its_loinc_panel_items_and_total(
    world: World,
) -> None:
    bundle = read_back(world.export())
    urls = by_url(bundle)
    screens = {c.key: c for c in stored(world)[1] if c.kind == CheckInKind.PHQ2}
    said = {
        r.identifier.value: r
        for r in of_type(bundle, "QuestionnaireResponse")
        if r.questionnaire == PHQ2
    }
    # The screen never answered has no response, as a check-in never answered has none.
    assert sorted(said) == sorted(k for k, c in screens.items() if c.answers)
    assert len(said) == 2 and len(screens) == 3

    totals = {}
    for key, response in said.items():
        row = screens[key]
        assert response.status == {"answered": "completed", "open": "in-progress"}[row.status]
        items = {i.linkId: i.answer for i in response.item}
        for code, column in LOINC_ITEMS.items():
            score = getattr(row, column)
            if score is None:
                assert code not in items
            else:
                (answer,) = items[code]
                assert answer.valueCoding.code == codes.PHQ_FREQUENCIES[score]
        assert [a.valueString for a in items["reply"]] == [a["text"] for a in row.answers]

        derived = [
            o
            for o in of_type(bundle, "Observation")
            if o.derivedFrom[0].reference == f"urn:uuid:{response.id}"
        ]
        assert all(o.category[0].coding[0].code == "survey" for o in derived)
        assert all(o.code.coding[0].system == codes.LOINC for o in derived)
        observed = {o.code.coding[0].code: o for o in derived}
        (panel,) = [o for o in derived if o.hasMember]
        assert panel.code.coding[0].code == "55757-9"
        members = [urls[m.reference] for m in panel.hasMember]
        assert sorted(members, key=id) == sorted((o for o in derived if o is not panel), key=id)
        for code, column in LOINC_ITEMS.items():
            score = getattr(row, column)
            assert (observed[code].valueInteger if code in observed else None) == score
            if score is not None:
                # Effective when the reply that gave the answer came.
                (given,) = [a for a in row.answers if column.removeprefix("phq_") in a]
                assert observed[code].effectiveDateTime == datetime.fromisoformat(given["at"])
        if "55758-7" in observed:
            totals[key] = observed["55758-7"].valueInteger
        assert panel.status == ("preliminary" if row.status == "open" else "final")

    # The total is stored nowhere: it is the sum of the two answers, given only when both are.
    assert totals == {
        k: c.phq_interest + c.phq_mood
        for k, c in screens.items()
        if c.phq_interest is not None and c.phq_mood is not None
    }
    assert list(totals.values()) == [1]  # "several days", then "0"


def test_the_phq2_questionnaire_carries_the_loinc_codes_and_answer_list(world: World) -> None:
    bundle = read_back(world.export())

    (form,) = [q for q in of_type(bundle, "Questionnaire") if q.url == PHQ2]
    assert form.code[0].code == "55757-9"
    choices = [i for i in form.item if i.type == "choice"]
    assert [i.code[0].code for i in choices] == list(LOINC_ITEMS)
    for item in choices:
        assert [
            (o.valueCoding.code, o.valueCoding.display, o.extension[0].valueDecimal)
            for o in item.answerOption
        ] == [
            ("LA6568-5", "Not at all", 0),
            ("LA6569-3", "Several days", 1),
            ("LA6570-1", "More than half the days", 2),
            ("LA6571-9", "Nearly every day", 3),
        ]
        assert item.answerOption[0].extension[0].url == questionnaires.ORDINAL
    assert form.item[-1].linkId == "reply" and form.item[-1].type == "string"


def test_a_temperature_is_a_ucum_quantity_in_the_fever_observation(world: World) -> None:
    with Session(world.engine) as session:
        # The history's check-in said "fever" without a number; this one gave 38.6.
        row = session.exec(select(CheckIn).where(CheckIn.fever == True)).first()  # noqa: E712
        assert row is not None
        row.answers = [
            *row.answers,
            {"at": row.answered_at.isoformat(), "text": "38.6", "temperature": 38.6},
        ]
        session.add(row)
        session.flush()
        bundle = read_back(export_of(session, world.settings, world.history.patient_id))
        session.rollback()

    (fever,) = [o for o in of_type(bundle, "Observation") if o.code.coding[0].code == "fever"]
    quantity = fever.valueQuantity
    assert (float(quantity.value), quantity.system, quantity.code, quantity.unit) == (
        38.6,
        codes.UCUM,
        "Cel",
        "°C",
    )


def test_every_reference_in_the_bundle_resolves_inside_it(world: World) -> None:
    document = json.loads(fhir.to_json(world.export()))
    urls = {entry["fullUrl"] for entry in document["entry"]}
    canonicals = {
        e["resource"]["url"]
        for e in document["entry"]
        if e["resource"]["resourceType"] == "Questionnaire"
    }

    def references(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "reference":
                    yield value
                else:
                    yield from references(value)
        elif isinstance(node, list):
            for value in node:
                yield from references(value)

    found = list(references(document))
    assert len(found) > 300
    assert set(found) <= urls
    assert all(url.startswith("urn:uuid:") for url in urls)
    assert len(urls) == len(document["entry"])
    assert {
        e["resource"]["questionnaire"]
        for e in document["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    } <= canonicals


def test_exporting_twice_gives_the_same_bundle(world: World) -> None:
    assert fhir.to_json(world.export()) == fhir.to_json(world.export())


def test_an_open_alert_is_a_flag_its_notices_are_about(world: World) -> None:
    with Session(world.engine) as session:
        # The site alert as it stood before Grace's OK.
        alert = session.exec(select(Alert).where(Alert.kind == "injection_site")).one()
        alert.status, alert.acknowledged_at = AlertStatus.OPEN, None
        alert.acknowledged_by = alert.acknowledged_note = None
        session.add(alert)
        session.flush()
        bundle = read_back(export_of(session, world.settings, world.history.patient_id))
        session.rollback()

    urls = by_url(bundle)
    (flag,) = of_type(bundle, "Flag")
    assert (flag.status, flag.code.coding[0].code) == ("active", "injection_site")
    about = [c for c in of_type(bundle, "Communication") if c.about]
    assert len(about) == 1 and urls[about[0].about[0].reference] is flag
    assert about[0].note is None  # nobody acknowledged it yet
    assert urls[about[0].recipient[0].reference].name[0].text == "Grace Hopper"


def test_a_notice_names_its_recipient_and_who_acknowledged(world: World) -> None:
    bundle = read_back(world.export())
    urls = by_url(bundle)

    told = [
        (
            urls[c.recipient[0].reference].name[0].text,
            c.sent,
            c.note[0].authorReference.display,
        )
        for c in of_type(bundle, "Communication")
    ]
    assert told == [
        ("Grace Hopper", local(4, 2, 9, 35), "Joy Okafor (nurse)"),
        ("Joy Okafor", local(4, 3, 9, 35), "Joy Okafor (nurse)"),
        ("Grace Hopper", local(5, 13, 9, 30), "Grace Hopper (caregiver)"),
    ]


def test_a_symptom_reported_unasked_is_a_response_with_its_observations(
    database_url: str, engine: Engine, clock: SimulatedClock, tmp_path: Path
) -> None:
    config = tmp_path / "fhir.toml"
    config.write_text(CONFIG, encoding="utf-8")
    settings = load_settings({"DATABASE_URL": database_url, "REMINDER_CONFIG": str(config)})
    bot = Bot(engine, settings, clock)
    clock.set(local(3, 3, 9, 0))
    patient_id = bot.enrol()
    bot.run_until(local(3, 4, 15, 0))  # no check-in open: the dose of 3 Mar was never answered
    bot.say("my left leg is numb since this morning")

    with session_scope(engine) as session:
        bundle = read_back(export_of(session, settings, patient_id))

    (said,) = of_type(bundle, "QuestionnaireResponse")
    assert said.questionnaire == f"{BASE}/fhir/Questionnaire/symptom-report"
    assert answers(said)["neuro"] == [True]
    assert answers(said)["reply"] == ["my left leg is numb since this morning"]
    (neuro,) = of_type(bundle, "Observation")
    assert (neuro.code.coding[0].code, neuro.valueBoolean) == ("neuro-symptom", True)
    assert neuro.derivedFrom[0].reference == f"urn:uuid:{said.id}"
    assert neuro.component[0].valueCodeableConcept.text == "numbness"


# Refused on the way out


def test_a_resource_with_a_unit_that_is_not_ucum_is_refused_naming_the_field() -> None:
    with pytest.raises(fhir.ExportError, match=r"^Observation\.valueQuantity\.code: 'degC'"):
        make(
            Observation,
            status="final",
            code={"text": "temperature"},
            valueQuantity={"value": 38.5, "system": codes.UCUM, "code": "degC"},
        )


def test_a_resource_missing_a_required_field_is_refused_naming_it() -> None:
    with pytest.raises(fhir.ExportError, match=r"^MedicationAdministration\.subject: "):
        make(
            MedicationAdministration,
            status="completed",
            medicationCodeableConcept={"text": "interferon beta-1b"},
            effectiveDateTime="2026-03-03T19:35:00-06:00",
        )


def test_a_status_outside_the_value_set_and_a_wrong_loinc_display_are_refused() -> None:
    with pytest.raises(fhir.ExportError, match=r"^Observation\.status: 'done' is not one of"):
        make(Observation, status="done", code={"text": "x"})
    wrong = {"system": codes.LOINC, "code": "8310-5", "display": "Temperature"}
    with pytest.raises(fhir.ExportError, match=r"Observation\.code\.coding\[0\]\.display"):
        make(Observation, status="final", code={"coding": [wrong]})


def test_a_bundle_with_a_reference_outside_it_is_refused() -> None:
    dangling = make(
        Observation,
        status="final",
        code={"text": "x"},
        subject={"reference": "urn:uuid:00000000-0000-0000-0000-000000000001"},
    )
    bundle = Bundle(
        type="collection",
        entry=[{"fullUrl": "urn:uuid:00000000-0000-0000-0000-000000000002", "resource": dangling}],
    )
    with pytest.raises(
        fhir.ExportError, match=r"^Observation\.subject\.reference: urn:uuid:[0-]+1 is not an entry"
    ):
        fhir.check_references(bundle)


# The command


def run(world: World, *args: str) -> Any:
    return CliRunner().invoke(app, ["export", *args, "--at", AT], env=world.env)


def test_the_command_writes_the_bundle_and_the_report_s_csv(world: World, tmp_path: Path) -> None:
    out = tmp_path / "ada.json"
    done = run(world, str(world.history.patient_id), "--out", str(out), "--from", "2026-05-01")
    assert done.exit_code == 0, done.output
    assert "fhir export of patient" in done.stdout and "2026-05-01 to 2026-05-26" in done.stdout
    bundle = Bundle.model_validate_json(out.read_text(encoding="utf-8"))
    dates = {g.effectiveDateTime.date() for g in of_type(bundle, "MedicationAdministration")}
    assert min(dates).isoformat() >= "2026-05-01" and len(dates) == 12

    sheet = tmp_path / "ada.csv"
    done = run(world, "Ada Lovelace", "--format", "csv", "--out", str(sheet))
    assert done.exit_code == 0, done.output
    with session_scope(world.engine) as session:
        patient = session.get(Patient, world.history.patient_id)
        assert patient is not None
        window = report.default_window(patient, REPORT_AT)
        values = report.build(session, patient, window, world.settings, REPORT_AT)
    assert sheet.read_bytes().decode("utf-8") == report.csv.render(values)


def test_the_command_refuses_a_bad_format_and_an_unconfigured_deployment(
    world: World, tmp_path: Path
) -> None:
    out = tmp_path / "x.json"
    bad = run(world, "1", "--format", "hl7", "--out", str(out))
    assert bad.exit_code == 2 and "--format: 'hl7' is not one of fhir, csv" in bad.stderr
    bare = tmp_path / "bare.toml"
    bare.write_text('[schedule]\ndefault_timezone = "America/Chicago"\n', encoding="utf-8")
    env = {**world.env, "REMINDER_CONFIG": str(bare)}
    unset = CliRunner().invoke(app, ["export", "1", "--out", str(out), "--at", AT], env=env)
    assert unset.exit_code == 2
    assert "fhir.canonical_base: not set, and no public_base_url" in unset.stderr
    assert not out.exists()


# The dashboard


def test_download_fhir_answers_with_the_bundle_for_one_s_own_patient_only(
    database_url: str, engine: Engine, clock: SimulatedClock, tmp_path: Path
) -> None:
    settings = staff_settings(database_url, tmp_path, top=f'public_base_url = "{BASE}"')
    clinic = build_clinic(engine, settings, clock)
    # https: behind a public https address the session cookie is Secure.
    with TestClient(create_app(App(settings, engine, clock)), base_url=BASE) as client:
        form = client.get(f"{PREFIX}/login")
        client.post(
            f"{PREFIX}/login",
            data={"csrf": csrf_in(form.text), "name": "nora", "password": PASSWORD, "next": ""},
        )
        page = client.get(f"{PREFIX}/patients/{clinic.ada}")
        link = f"{PREFIX}/patients/{clinic.ada}/record.fhir.json"
        assert f'href="{link}">Download FHIR</a>' in page.text

        own = client.get(link)
        other = client.get(f"{PREFIX}/patients/{clinic.bob}/record.fhir.json")

    assert own.status_code == 200
    assert own.headers["content-type"].startswith("application/fhir+json")
    assert own.headers["content-disposition"].startswith(
        f'attachment; filename="record-{clinic.ada}-'
    )
    bundle = Bundle.model_validate_json(own.text)
    (patient,) = of_type(bundle, "Patient")
    assert patient.identifier[0].value == str(clinic.ada)
    assert other.status_code == 403
    downloads = [
        (e.action, e.patient_id, (e.detail or "").split(",")[0])
        for e in clinic.audit()
        if e.action in ("report_downloaded", "patient_refused")
    ]
    assert downloads == [
        ("report_downloaded", clinic.ada, "fhir"),
        ("patient_refused", clinic.bob, ""),
    ]


def test_download_fhir_without_the_deployment_s_uris_says_which_key_to_set(
    database_url: str, engine: Engine, clock: SimulatedClock, tmp_path: Path
) -> None:
    settings = staff_settings(database_url, tmp_path)  # no public_base_url, no [fhir]
    clinic = build_clinic(engine, settings, clock)
    with TestClient(create_app(App(settings, engine, clock))) as client:
        form = client.get(f"{PREFIX}/login")
        client.post(
            f"{PREFIX}/login",
            data={"csrf": csrf_in(form.text), "name": "nora", "password": PASSWORD, "next": ""},
        )
        answer = client.get(f"{PREFIX}/patients/{clinic.ada}/record.fhir.json")

    assert answer.status_code == 503
    assert "fhir.canonical_base: not set, and no public_base_url" in answer.text
    assert not [e for e in clinic.audit() if e.action == "report_downloaded"]
