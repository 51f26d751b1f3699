"""Tests for reminder.config: the TOML file, its defaults, its one-line errors and the secrets."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from reminder.config import ConfigError, FileSettings, load_settings

EXAMPLE = Path(__file__).resolve().parent.parent / "config.example.toml"
SECRETS = {
    "TWILIO_AUTH_TOKEN": "twilio-token-5f1c9a",
    "SMTP_PASSWORD": "smtp-password-83be2d",
    "REMINDER_SECRET_KEY": "secret-key-c40d77",
}


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "clinic.toml"
    path.write_text(text, encoding="utf-8")
    return path


def config_error(path: Path) -> str:
    """The message load_settings refuses the file with, checked to be one line naming the file."""
    with pytest.raises(ConfigError) as caught:
        load_settings({"REMINDER_CONFIG": str(path)})
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message


def dotted_keys(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """Every key the file may hold, sections included, as "section.key"."""
    for name, field in model.model_fields.items():
        yield prefix + name
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            yield from dotted_keys(field.annotation, f"{prefix}{name}.")


def lookup(table: dict[str, Any], dotted: str) -> bool:
    for part in dotted.split("."):
        if not isinstance(table, dict) or part not in table:
            return False
        table = table[part]
    return True


def test_without_a_file_the_defaults_apply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    settings = load_settings({})

    assert settings.path is None
    assert settings.file == FileSettings()
    assert settings.database_url == "sqlite:///reminder.db"
    assert settings.secrets.twilio_auth_token is None
    assert settings.secrets.smtp_password is None
    assert settings.secrets.secret_key is None


def test_reminder_toml_in_the_working_directory_is_read_without_reminder_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reminder.toml").write_text('log_level = "DEBUG"\n', encoding="utf-8")

    settings = load_settings({})

    assert settings.path == Path("reminder.toml")
    assert settings.file.log_level == "DEBUG"


def test_reminder_config_naming_a_missing_file_is_an_error_naming_it(tmp_path: Path) -> None:
    message = config_error(tmp_path / "missing.toml")

    assert "does not exist" in message


def test_reminder_config_naming_a_folder_is_an_error_naming_it(tmp_path: Path) -> None:
    assert "cannot be read" in config_error(tmp_path)


def test_the_example_file_loads_and_equals_the_defaults() -> None:
    settings = load_settings({"REMINDER_CONFIG": str(EXAMPLE)})

    assert settings.path == EXAMPLE
    assert settings.file == FileSettings()


def test_the_example_file_names_every_key_of_every_section() -> None:
    example = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))

    missing = [key for key in dotted_keys(FileSettings) if not lookup(example, key)]

    assert missing == []


def test_every_key_in_the_example_file_follows_a_comment() -> None:
    # Keys that belong together (quiet_hours_start/end, host/port) may share one comment.
    uncommented, previous = [], ""
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        is_key = "=" in line and not line.startswith("#")
        if is_key and not (previous.startswith("#") or previous == "key"):
            uncommented.append(line)
        previous = "key" if is_key else line

    assert uncommented == []


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        pytest.param('log_levl = "INFO"\n', "log_levl", "unknown key", id="unknown-top-level-key"),
        pytest.param(
            '[schedule]\nquiet_hour_start = "22:00"\n',
            "schedule.quiet_hour_start",
            "unknown key",
            id="unknown-section-key",
        ),
        pytest.param(
            'twilio_auth_token = "abc"\n', "twilio_auth_token", "unknown key", id="secret-in-file"
        ),
        pytest.param(
            '[schedule]\ndefault_timezone = "Mars/Olympus_Mons"\n',
            "schedule.default_timezone",
            "unknown time zone 'Mars/Olympus_Mons'",
            id="unknown-zone",
        ),
        pytest.param(
            '[schedule]\ndefault_timezone = "CST"\n',
            "schedule.default_timezone",
            "unknown time zone 'CST'",
            id="zone-abbreviation",
        ),
        pytest.param(
            '[schedule]\ndefault_dose_time = "7:30pm"\n',
            "schedule.default_dose_time",
            "'7:30pm' is not a time of day as HH:MM",
            id="twelve-hour-time",
        ),
        pytest.param(
            '[schedule]\ncheckin_time = "24:00"\n',
            "schedule.checkin_time",
            "'24:00' is not a time of day as HH:MM",
            id="hour-24",
        ),
        pytest.param(
            '[schedule]\nquiet_hours_start = "08:00"\nquiet_hours_end = "08:00"\n',
            "schedule.quiet_hours_end",
            "equals quiet_hours_start",
            id="quiet-hours-equal",
        ),
        pytest.param(
            '[schedule]\nquiet_hours_start = "22:00"\nquiet_hours_end = "18:30"\n',
            "schedule.quiet_hours_end",
            "quiet hours 22:00-18:30 leave 3 h 30 min awake; at least 4 h are needed",
            id="quiet-hours-too-long",
        ),
        pytest.param(
            '[schedule]\ndefault_dose_time = "22:00"\n',
            "schedule.default_dose_time",
            "22:00 falls in quiet hours 21:30-08:00",
            id="dose-time-in-quiet-hours",
        ),
        pytest.param(
            '[schedule]\nquiet_hours_end = "10:00"\n',
            "schedule.checkin_time",
            "09:00 falls in quiet hours 21:30-10:00",
            id="checkin-time-in-quiet-hours",
        ),
        pytest.param(
            "[schedule]\nmin_hours_between_doses = 23\n",
            "schedule.min_hours_between_doses",
            "greater than or equal to 24",
            id="dose-gap-below-range",
        ),
        pytest.param(
            "[daemon]\nport = 70000\n",
            "daemon.port",
            "less than or equal to 65535",
            id="port-above-range",
        ),
        pytest.param(
            '[transport]\nsms = "carrier-pigeon"\n',
            "transport.sms",
            "'console' or 'twilio'",
            id="unknown-transport",
        ),
        pytest.param(
            'default_region = "us"\n', "default_region", "should match pattern", id="region-case"
        ),
        pytest.param("schedule = 5\n", "schedule", "valid dictionary", id="section-not-a-table"),
    ],
)
def test_a_bad_value_is_refused_in_one_line_naming_file_key_and_reason(
    tmp_path: Path, text: str, key: str, reason: str
) -> None:
    path = write_config(tmp_path, text)

    message = config_error(path)

    assert message.startswith(f"{path}: {key}: ")
    assert reason in message


def test_invalid_toml_is_refused_in_one_line_naming_file_and_line(tmp_path: Path) -> None:
    path = write_config(tmp_path, '[schedule]\ndefault_dose_time = "19:30"\nlog_level = INFO\n')

    message = config_error(path)

    assert "not valid TOML" in message
    assert "line 3" in message


def test_quiet_hours_leaving_exactly_four_waking_hours_are_accepted(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        '[schedule]\nquiet_hours_start = "22:00"\nquiet_hours_end = "18:00"\n'
        'default_dose_time = "19:30"\ncheckin_time = "18:00"\n',
    )

    schedule = load_settings({"REMINDER_CONFIG": str(path)}).schedule

    assert (schedule.quiet_hours_start.hour, schedule.quiet_hours_end.hour) == (22, 18)


def test_a_zone_region_without_a_city_is_refused_as_an_unknown_zone(tmp_path: Path) -> None:
    path = write_config(tmp_path, '[schedule]\ndefault_timezone = "America"\n')

    assert "schedule.default_timezone: unknown time zone 'America'" in config_error(path)


def test_a_file_not_saved_as_utf8_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "clinic.toml"
    path.write_bytes('[messages]\nsender_name = "Clinique Sainte-Thérèse"\n'.encode("cp1252"))

    assert "utf-8" in config_error(path).lower()


def test_database_url_from_the_environment_overrides_the_file(tmp_path: Path) -> None:
    path = write_config(tmp_path, 'database_url = "sqlite:///from-file.db"\n')
    url = "postgresql+psycopg://user@host/db"

    from_env = load_settings({"REMINDER_CONFIG": str(path), "DATABASE_URL": url})
    from_file = load_settings({"REMINDER_CONFIG": str(path)})

    assert from_env.database_url == url
    assert from_env.file.database_url == "sqlite:///from-file.db"
    assert from_file.database_url == "sqlite:///from-file.db"


def test_secrets_are_read_from_the_environment(tmp_path: Path) -> None:
    settings = load_settings({"REMINDER_CONFIG": str(write_config(tmp_path, "")), **SECRETS})

    assert settings.secrets.twilio_auth_token is not None
    assert settings.secrets.smtp_password is not None
    assert settings.secrets.secret_key is not None
    assert settings.secrets.twilio_auth_token.get_secret_value() == SECRETS["TWILIO_AUTH_TOKEN"]
    assert settings.secrets.smtp_password.get_secret_value() == SECRETS["SMTP_PASSWORD"]
    assert settings.secrets.secret_key.get_secret_value() == SECRETS["REMINDER_SECRET_KEY"]


def test_secret_values_never_appear_in_repr_or_str(tmp_path: Path) -> None:
    settings = load_settings({"REMINDER_CONFIG": str(write_config(tmp_path, "")), **SECRETS})

    shown = repr(settings) + str(settings) + repr(settings.secrets) + str(settings.secrets)

    assert [value for value in SECRETS.values() if value in shown] == []


def test_a_password_in_database_url_never_appears_in_repr_or_str(tmp_path: Path) -> None:
    url = "postgresql+psycopg://reminder:db-password-91f2@host/db"
    settings = load_settings(
        {"REMINDER_CONFIG": str(write_config(tmp_path, "")), "DATABASE_URL": url}
    )

    assert "db-password-91f2" not in repr(settings) + str(settings)


def test_settings_cannot_be_changed_after_loading(tmp_path: Path) -> None:
    settings = load_settings({"REMINDER_CONFIG": str(write_config(tmp_path, ""))})

    with pytest.raises(ValidationError):
        settings.database_url = "sqlite:///other.db"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        settings.schedule.snooze_minutes = 5  # type: ignore[misc]
    with pytest.raises(ValidationError):
        settings.file.log_level = "DEBUG"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "key", "variable"),
    [
        ('twilio_auth_token = "abc123secret"\n', "twilio_auth_token", "TWILIO_AUTH_TOKEN"),
        ('[twilio]\nauth_token = "abc123secret"\n', "twilio.auth_token", "TWILIO_AUTH_TOKEN"),
        ('[smtp]\npassword = "abc123secret"\n', "smtp.password", "SMTP_PASSWORD"),
        ('[imap]\npassword = "abc123secret"\n', "imap.password", "IMAP_PASSWORD"),
        ('secret_key = "abc123secret"\n', "secret_key", "REMINDER_SECRET_KEY"),
    ],
)
def test_a_secret_in_the_file_is_refused_naming_its_variable_never_its_value(
    tmp_path: Path, text: str, key: str, variable: str
) -> None:
    message = config_error(write_config(tmp_path, text))

    assert message.endswith(
        f"{key}: unknown key: secrets are read only from the environment, give it as {variable}"
    )
    assert "abc123secret" not in message


def test_a_claim_lease_shorter_than_an_smtp_send_is_refused(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        '[transport]\nemail = "smtp"\n[outbox]\nlease_seconds = 100\n[smtp]\ntimeout_seconds = 60\n',
    )

    message = config_error(path)

    assert message == (
        f"{path}: outbox.lease_seconds: 100 s is too short for smtp.timeout_seconds = 60: "
        "at least 120 s"
    )
    write_config(tmp_path, '[transport]\nemail = "console"\n[smtp]\ntimeout_seconds = 300\n')
    assert load_settings({"REMINDER_CONFIG": str(path)}).file.smtp.timeout_seconds == 300


def test_a_claim_lease_shorter_than_a_twilio_send_is_refused(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        '[transport]\nsms = "twilio"\n[outbox]\nlease_seconds = 15\n[twilio]\ntimeout_seconds = 10\n',
    )

    message = config_error(path)

    assert message == (
        f"{path}: outbox.lease_seconds: 15 s is too short for twilio.timeout_seconds = 10: "
        "at least 20 s"
    )
