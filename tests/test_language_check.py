"""The start-up check: `reminder tick` (and run, worker, serve) refuse a broken or missing template
or crisis text with one line naming it; enrolment refuses a language it could not serve."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reminder.cli import app
from reminder.render import default_templates_dir
from tests.test_cli import COMMAND, PROCESS_SECONDS, Ran, error_line, ok

CRISIS_ES = 'crisis_text = "Si piensas en hacerte daño, llama ahora al 988 (marca 2) o al 911."'


def write_config(path: Path, *lines: str, templates: Path | None = None) -> None:
    top = [f'templates_dir = "{templates}"'] if templates else []
    path.write_text(
        "\n".join([*top, '[schedule]\ndefault_timezone = "America/Chicago"', *lines]) + "\n",
        encoding="utf-8",
    )


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "reminder.toml"
    write_config(path)
    return path


@pytest.fixture
def cli(database_url: str, config: Path) -> Callable[..., Ran]:
    runner = CliRunner()
    env = {"DATABASE_URL": database_url, "REMINDER_CONFIG": str(config)}

    def run(*args: str) -> Ran:
        result = runner.invoke(app, list(args), env=env)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Ran(result.exit_code, result.stdout, result.stderr)

    return run


def operator_templates(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "mine"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_a_tick_with_the_shipped_templates_starts(cli: Callable[..., Ran]) -> None:
    assert ok(cli("tick")).stdout.startswith("planned 0 message(s)")


def test_a_template_syntax_error_stops_a_real_tick_with_one_line_naming_file_and_line(
    database_url: str, config: Path, tmp_path: Path
) -> None:
    root = operator_templates(
        tmp_path, {"es/sms/nudge.txt.j2": "Hola {{ name }},\n{% if at %}a las {{ at|hm }}\n"}
    )
    write_config(config, templates=root)
    done = subprocess.run(
        [*COMMAND, "tick"],
        env=os.environ | {"DATABASE_URL": database_url, "REMINDER_CONFIG": str(config)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=PROCESS_SECONDS,
    )
    ran = Ran(done.returncode, done.stdout, done.stderr)
    assert ran.code == 2
    line = error_line(ran)
    assert line.startswith(f"error: {root / 'es' / 'sms' / 'nudge.txt.j2'}:2: ")
    assert "endif" in line


def test_an_unknown_filter_is_refused_at_start_too(
    cli: Callable[..., Ran], config: Path, tmp_path: Path
) -> None:
    root = operator_templates(tmp_path, {"de/sms/nudge.txt.j2": "{{ at|uhrzeit }}"})
    write_config(config, templates=root)
    ran = cli("tick")
    assert ran.code == 2
    assert error_line(ran).endswith("de/sms/nudge.txt.j2:1: No filter named 'uhrzeit'.")


def test_a_language_missing_a_template_english_has_is_refused_naming_both(
    cli: Callable[..., Ran], config: Path, tmp_path: Path
) -> None:
    shipped = default_templates_dir() / "en"
    root = tmp_path / "mine"
    shutil.copytree(shipped, root / "it")
    (root / "it" / "sms" / "followup.txt.j2").unlink()
    write_config(config, templates=root)
    ran = cli("tick")
    assert ran.code == 2
    assert error_line(ran) == (
        f"error: {root / 'it' / 'sms' / 'followup.txt.j2'}: missing: template"
        " sms/followup.txt.j2 has no 'it' translation"
    )


def test_templates_in_the_old_layout_are_refused_with_the_way_out(
    cli: Callable[..., Ran], config: Path, tmp_path: Path
) -> None:
    root = operator_templates(tmp_path, {"sms/reminder.txt.j2": "Hi {{ name }}"})
    write_config(config, templates=root)
    ran = cli("tick")
    assert ran.code == 2
    assert "templates are per language now: move sms/ into" in error_line(ran)


def test_a_patient_language_without_a_crisis_text_is_refused_at_enrolment(
    cli: Callable[..., Ran],
) -> None:
    ran = cli("patient", "add", "Lena Maier", "--phone", "+13125550199", "--language", "de")
    assert ran.code == 2
    assert error_line(ran).startswith("error: language: messages.de.crisis_text is not set")


def test_a_language_with_no_templates_is_refused_at_enrolment(cli: Callable[..., Ran]) -> None:
    ran = cli("patient", "add", "Ana Lima", "--phone", "+13125550199", "--language", "pt")
    assert ran.code == 2
    assert error_line(ran) == (
        "error: language: 'pt' has no templates; languages are de, en, es, fr"
    )


def test_a_crisis_text_removed_after_enrolment_stops_the_tick(
    cli: Callable[..., Ran], config: Path
) -> None:
    write_config(config, "[messages.es]", CRISIS_ES)
    ok(cli("patient", "add", "Ana Ruiz", "--phone", "+13125550199", "--language", "es"))
    assert ok(cli("tick"))
    write_config(config)
    ran = cli("tick")
    assert ran.code == 2
    assert error_line(ran).startswith("error: messages.es.crisis_text is not set")


def test_a_contact_reads_the_patients_language_unless_told_otherwise(
    cli: Callable[..., Ran], config: Path
) -> None:
    write_config(config, "[messages.es]", CRISIS_ES)
    ok(cli("patient", "add", "Ana Ruiz", "--phone", "+13125550199", "--language", "es"))
    ok(cli("contact", "add", "1", "Luis Ruiz", "--phone", "+13125550198"))
    ok(cli("contact", "add", "1", "Grace Hill", "--email", "grace@example.org", "--language", "EN"))
    refused = cli("contact", "add", "1", "Max", "--phone", "+13125550197", "--language", "xx")
    assert refused.code == 2 and "'xx' has no templates" in error_line(refused)
    listed = ok(cli("contact", "list", "--json")).json()
    assert [(c["name"], c["language"]) for c in listed] == [
        ("Luis Ruiz", "es"),
        ("Grace Hill", "en"),
    ]
    assert ok(cli("contact", "language", "2", "de")).stdout.strip() == "contact 2 reads de"
    assert ok(cli("contact", "list", "--json")).json()[1]["language"] == "de"
    # A patient may change to a language only once it has a crisis text.
    assert cli("patient", "language", "1", "fr").code == 2
    assert ok(cli("patient", "language", "1", "en")).stdout.strip() == "patient 1 reads en"


def test_a_csv_row_names_its_patients_and_contacts_languages(
    cli: Callable[..., Ran], config: Path, tmp_path: Path
) -> None:
    write_config(config, "[messages.es]", CRISIS_ES)
    csv = tmp_path / "patients.csv"
    csv.write_text(
        "name,phone,language,contact_name,contact_phone,contact_language\n"
        "Ana Ruiz,+13125550199,es,Luis Ruiz,+13125550198,\n"
        "Bo Diaz,+13125550197,,Hans Maier,+13125550196,de\n"
        "Lena Maier,+13125550195,de,,,\n",
        encoding="utf-8",
    )
    ran = cli("import", str(csv))
    # Line 4 is German, and German has no crisis text in this config: that row alone is refused.
    assert ran.stdout.strip() == "imported 2 patient(s), 1 bad row(s)"
    assert f"{csv}:4: language: messages.de.crisis_text is not set" in ran.stderr
    patients = ok(cli("patient", "show", "Ana Ruiz", "--json")).json()
    assert patients["language"] == "es"
    contacts = ok(cli("contact", "list", "--json")).json()
    assert [(c["name"], c["language"]) for c in contacts] == [
        ("Luis Ruiz", "es"),
        ("Hans Maier", "de"),
    ]
