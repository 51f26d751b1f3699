"""`reminder demo` plays two weeks and shows each rule it promises to show."""

from __future__ import annotations

from datetime import datetime

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
