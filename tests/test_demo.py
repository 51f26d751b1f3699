"""`reminder demo` plays two weeks and shows each rule it promises to show."""

from __future__ import annotations

from datetime import datetime

import pytest
from typer.testing import CliRunner

from reminder.cli import app
from reminder.demo import run_demo


def play() -> list[str]:
    lines: list[str] = []
    run_demo(datetime.fromisoformat("2026-03-02T09:00:00-06:00"), echo=lines.append)
    return lines


def test_the_demo_shows_titration_sites_a_late_dose_a_skip_and_a_pause() -> None:
    text = "\n".join(play())
    assert "Mon 02 Mar 19:30  -> Hi Alex, it's time for your injection: 0.25 mL today" in text
    assert "recorded at 19:42 (left thigh). Next injection: Wed 4 Mar at 19:30." in text
    # Taken late on Thursday morning: the next dose is Saturday, two days after it, not Friday.
    assert "recorded at 08:15 (right thigh). Next injection: Sat 7 Mar at 19:30." in text
    assert "today's dose is marked skipped. Next reminder: Tue 10 Mar at 19:30." in text
    assert "Reminders paused until Sat 14 Mar." in text
    assert "Reminders are back on. Next injection: Fri 13 Mar at 19:30." in text
    # Week 3 of the ramp-up, and still 19:30 local after the DST change of 8 March.
    assert "Tue 17 Mar 19:30  -> Hi Alex, it's time for your injection: 0.5 mL today" in text


def test_the_demo_shows_a_check_in_a_relapse_screen_an_alert_and_the_caregivers_ok() -> None:
    lines = play()
    text = "\n".join(lines)
    assert "Tue 03 Mar 09:00  -> Hi Alex, how are you after your last injection?" in text
    assert (
        "Tue 03 Mar 09:20  -> Thanks, recorded: flu-like 2, injection site 1, no new symptoms."
        in text
    )
    # A partial answer: only the symptom question is asked again.
    assert (
        "Fri 06 Mar 09:10  -> Thanks, noted: flu-like 3, injection site 1. Any new or worse vision"
        in text
    )
    assert (
        "Mon 09 Mar 09:05  -> Hi Alex, on Sun 8 Mar you told me about numbness or tingling." in text
    )
    alert = (
        "Mon 09 Mar 09:10  -> [Sam Rivera] Alert 1 about Alex Rivera: possible relapse. Why: new "
        "numbness or tingling reported on Sun 8 Mar and still there on Mon 9 Mar, no fever. "
        "Reply OK 1 to acknowledge."
    )
    assert alert in lines
    assert "Mon 09 Mar 09:40  <- [Sam Rivera] OK   (the caregiver acknowledges the alert)" in lines
    assert (
        "Mon 09 Mar 09:40  -> [Sam Rivera] Thanks, alert 1 about Alex Rivera (possible relapse) is "
        "acknowledged." in lines
    )
    # Acknowledged at once: it is never sent on, and no other alert is raised in the two weeks.
    assert sum("[Sam Rivera] Alert" in line for line in lines) == 1
    assert not any(line.startswith("patient ") for line in lines)


def test_the_demo_starts_today_without_at_and_refuses_a_bad_at(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    assert "Alex Rivera starts therapy on" in result.output
    bad = CliRunner().invoke(app, ["demo", "--at", "yesterday"])
    assert bad.exit_code == 2
    assert "--at: not an ISO 8601 time: 'yesterday'" in bad.output


def test_the_demo_never_sends_two_messages_for_one_moment_twice() -> None:
    lines = [line for line in play() if "->" in line]
    assert len(lines) == len(set(lines))


def test_the_demo_runs_from_the_command_line_without_a_database_or_config(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REMINDER_CONFIG", raising=False)
    result = CliRunner().invoke(app, ["demo", "--at", "2026-03-02T20:00:00-06:00"])
    assert result.exit_code == 0, result.output
    assert "Next dose: 2026-03-19T19:30:00-05:00, 0.5 mL" in result.output
    assert list(tmp_path.iterdir()) == []  # the demo leaves nothing behind


@pytest.mark.parametrize(
    ("language", "reminder", "alert", "acknowledged"),
    [
        (
            "es",
            "Hola Alex, toca tu dosis:",
            "Alerta 1 sobre Alex Rivera: posible brote.",
            "queda confirmada",
        ),
        (
            "de",
            "Hallo Alex, Ihre Injektion heute:",
            "Meldung 1 zu Alex Rivera: möglicher Schub.",
            "ist bestätigt",
        ),
        (
            "fr",
            "Bonjour Alex, votre injection du jour :",
            "Alerte 1 concernant Alex Rivera : poussée possible.",
            "est confirmée",
        ),
    ],
)
def test_the_demo_speaks_the_chosen_language_every_conversation_through(
    language: str, reminder: str, alert: str, acknowledged: str
) -> None:
    result = CliRunner().invoke(
        app, ["demo", "--language", language, "--at", "2026-03-02T09:00:00-06:00"]
    )
    assert result.exit_code == 0, result.output
    sent = [line.split("-> ", 1)[1] for line in result.output.splitlines() if "  -> " in line]
    assert sum(body.startswith(reminder) for body in sent) >= 7
    assert any(alert in body for body in sent)
    assert any(acknowledged in body for body in sent)
    # Every message the bot wrote is in the chosen language: no English answer slipped through.
    for english in ("Thanks", "Reply ", "Hi Alex", "Sorry"):
        assert not any(english in body for body in sent), english


def test_the_demo_refuses_a_language_it_does_not_ship() -> None:
    result = CliRunner().invoke(app, ["demo", "--language", "pt"])
    assert result.exit_code == 2
    assert "--language: 'pt' is not one of en, es, de, fr" in result.output
