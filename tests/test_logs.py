"""Logs an operator can collect: with ``log_format = "json"`` every line a process writes is one JSON
object, and with Twilio as the transport no line holds the auth token or the text of a message.
The ``console`` transport is the one exception, by design: it writes each message to the log.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import traceback
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from reminder.app import App, JsonFormatter
from reminder.models import Message, MessageKind, MessageStatus
from tests.fake_twilio import AUTH_TOKEN, FakeTwilio
from tests.processes import TwilioShell
from tests.test_daemon import PHONE, REMINDER, Operator, healthz, wait_for
from tests.test_report import require_weasyprint

FIELDS = {"time", "level", "logger", "message", "pid", "thread"}
LINK_TOKEN = "eyJwIjoxLCJtIjo1LCJhIjoidGFrZW4ifQ.kX3v9Q2hV7m4sYw1bZc0dTr8"


def opened(url: str) -> int:
    """The status of a GET of ``url``."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def records(log: str) -> list[dict[str, Any]]:
    """Every line of ``log`` as a JSON object; fails naming the first line that is not one."""
    parsed = []
    for number, line in enumerate(log.splitlines(), 1):
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"line {number} is not JSON: {line!r}")
    return parsed


def statuses(engine: Engine, kind: MessageKind) -> list[str]:
    with engine.connect() as connection:
        return list(
            connection.execute(sa.select(Message.status).where(Message.kind == kind)).scalars()
        )


def test_a_json_line_carries_the_traceback_and_extra_fields_and_stays_one_line() -> None:
    try:
        raise ValueError("no such dose\nsecond line")
    except ValueError:
        record = logging.LogRecord(
            "reminder.daemon", logging.ERROR, __file__, 1, "tick %s failed", ("7",), sys.exc_info()
        )
    record.message_id = 42

    line = JsonFormatter().format(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert entry.keys() >= FIELDS
    assert (entry["level"], entry["logger"], entry["message"]) == (
        "ERROR",
        "reminder.daemon",
        "tick 7 failed",
    )
    assert entry["time"].endswith("+00:00")
    assert entry["exception"].startswith("Traceback")
    assert "ValueError: no such dose\nsecond line" in entry["exception"]
    assert entry["message_id"] == 42


@pytest.mark.slow
def test_reminder_run_with_json_logs_writes_objects_without_the_token_or_any_message_text(
    database_url: str, tmp_path: Path, engine: Engine
) -> None:
    with FakeTwilio().running() as fake:
        shell = TwilioShell(
            database_url,
            tmp_path,
            fake,
            top='log_format = "json"',
            sections="[outbox]\nbackoff_base_seconds = 0.2\nbackoff_max_seconds = 1\n",
        )
        try:
            shell.enrol_patient_due_now()
            fake.fail_next(20500)  # the reminder's first send fails: a retry line, then it goes
            daemon = shell.start("run", "--port", str(shell.web_port))
            wait_for(
                "the reminder sent", lambda: statuses(engine, MessageKind.REMINDER) == ["sent"]
            )
            wait_for("the web server", lambda: healthz(shell.web_port))
            inbound = f"{shell.public}/twilio/sms"
            assert fake.text_us(inbound, PHONE, "DONE LT")[0] == 200
            assert fake.post_signed(inbound, {"From": PHONE}, token="forged")[0] == 403
            assert opened(f"{shell.public}/t/{LINK_TOKEN}") in (200, 404, 410)
            wait_for("the answer sent", lambda: statuses(engine, MessageKind.REPLY) == ["sent"])
            assert daemon.stop(signal.SIGTERM) == 0
        finally:
            shell.kill_all()

    log = daemon.stderr()
    entries = records(log)
    for entry in entries:
        assert entry.keys() >= FIELDS, entry
    loggers = {entry["logger"] for entry in entries}
    assert {"reminder.daemon", "reminder.outbox", "reminder.web", "uvicorn.error"} <= loggers
    assert any("retrying in" in entry["message"] for entry in entries)
    assert {entry["level"] for entry in entries} >= {"INFO", "WARNING"}
    assert AUTH_TOKEN not in log
    bodies = fake.bodies()
    assert len(bodies) == 2  # the reminder (at its second try) and the answer to DONE
    for body in bodies:
        assert body not in log
    assert "DONE LT" not in log
    # A signed link's token in a request's path is a key to the patient's record: not logged.
    assert LINK_TOKEN not in log
    assert any('"GET /t/[token] HTTP/1.1"' in entry["message"] for entry in entries)


@pytest.mark.slow
def test_the_console_transport_writes_each_message_into_the_json_log_by_design(
    database_url: str, tmp_path: Path, engine: Engine
) -> None:
    shell = Operator(database_url, tmp_path)
    config = tmp_path / "reminder.toml"
    config.write_text('log_format = "json"\n' + config.read_text(encoding="utf-8"), "utf-8")
    shell.enrol_patient_due_now()

    done = subprocess.run(
        [REMINDER, "tick"], env=shell.env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 0, done.stderr
    with engine.connect() as connection:
        [(status, body)] = connection.execute(
            sa.select(Message.status, Message.body).where(Message.kind == MessageKind.REMINDER)
        )
    assert status == MessageStatus.SENT
    [sent] = [e for e in records(done.stderr) if e["logger"] == "reminder.console"]
    assert sent["level"] == "INFO"
    assert sent["message"].endswith(f"to {PHONE} by sms: {body}")


def test_database_errors_in_the_log_quote_no_values(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REMINDER_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    app = App.from_environment()
    body = "Ada, it's time for your injection"

    with pytest.raises(sa.exc.DBAPIError) as raised, app.engine.connect() as connection:
        connection.execute(sa.text("SELECT id FROM nowhere WHERE body = :body"), {"body": body})

    app.engine.dispose()
    assert body not in str(raised.value)
    assert "parameters hidden" in str(raised.value)


def test_a_refused_row_in_the_log_quotes_none_of_its_values(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # PostgreSQL's DETAIL line quotes the refused row ("Failing row contains (...)").
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REMINDER_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    app = App.from_environment()
    words = "I keep thinking about ending it"

    with pytest.raises(sa.exc.IntegrityError) as raised, app.engine.connect() as connection:
        connection.execute(sa.text("CREATE TEMPORARY TABLE said (body TEXT CHECK (body = ''))"))
        connection.execute(sa.text("INSERT INTO said (body) VALUES (:body)"), {"body": words})

    app.engine.dispose()
    logged = "".join(traceback.format_exception(raised.value))
    assert "said" in logged and words not in logged


def test_printing_a_pdf_at_info_logs_nothing_of_the_libraries_steps() -> None:
    # WeasyPrint narrates each step and page at INFO, fontTools each font it subsets, matplotlib
    # the font cache it builds: twenty lines an operator would read for every `reminder report`.
    require_weasyprint()
    code = (
        "from reminder.app import configure_logging; configure_logging('INFO'); "
        "import logging; from reminder.report import charts; import weasyprint; "
        "weasyprint.HTML(string='<h1>Ada</h1><p>flu-like 3</p>').write_pdf(); "
        "logging.getLogger('reminder.report').info('one line of our own')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].endswith("one line of our own"), done.stderr
