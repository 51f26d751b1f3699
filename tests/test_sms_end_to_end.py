"""SMS end to end, as an operator runs it: `reminder run` (scheduler and web server in one process)
with Twilio pointed at the local fake, which also plays Twilio calling the webhooks.

The daemon runs on the system clock, so the patient is enrolled with a dose due this very minute;
the test polls the fake and the database (bounded) instead of simulating time. Other processes
(`reminder tick --at`, `reminder inbound`) act on the same database meanwhile.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from reminder.clock import SystemClock
from reminder.models import Dose, DoseStatus, Message, MessageKind, MessageStatus, Patient
from tests.fake_twilio import AUTH_TOKEN, FROM_NUMBER, FakeTwilio, twilio_toml
from tests.test_daemon import PHONE, Operator, free_port, healthz, wait_for

pytestmark = pytest.mark.slow

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


class TwilioOperator(Operator):
    """An operator whose config sends SMS through Twilio (the fake) and serves its webhooks."""

    def __init__(self, database_url: str, workdir: Path, fake: FakeTwilio) -> None:
        super().__init__(database_url, workdir)
        self.web_port = free_port()
        self.public = f"http://127.0.0.1:{self.web_port}"
        (workdir / "reminder.toml").write_text(
            twilio_toml(
                fake.base_url,
                self.public,
                messages_per_second=1.0,
                extra=f"[daemon]\ntick_seconds = 1\nport = {self.web_port}\n",
            ),
            encoding="utf-8",
        )
        self.env["TWILIO_AUTH_TOKEN"] = AUTH_TOKEN


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio().running() as running:
        yield running


@pytest.fixture
def operator(database_url: str, tmp_path: Path, fake: FakeTwilio) -> Iterator[TwilioOperator]:
    shell = TwilioOperator(database_url, tmp_path, fake)
    try:
        yield shell
    finally:
        shell.kill_all()


def row(engine: Engine, query: sa.Select[tuple[object, ...]]) -> sa.Row[tuple[object, ...]] | None:
    with engine.connect() as connection:
        return connection.execute(query).first()


def reminder_row(engine: Engine) -> sa.Row[tuple[object, ...]] | None:
    return row(
        engine,
        sa.select(Message.status, Message.provider_id, Message.segments, Message.delivered_at)
        .where(Message.kind == MessageKind.REMINDER)
        .order_by(Message.id),
    )


def next_dose_moment(engine: Engine, patient_id: int) -> datetime:
    """The patient's preferred time two local days from now: when the next dose is due."""
    found = row(
        engine, sa.select(Patient.timezone, Patient.dose_time).where(Patient.id == patient_id)
    )
    assert found is not None
    zone = ZoneInfo(str(found[0]))
    today = SystemClock().now().astimezone(zone).date()
    return datetime.combine(today + timedelta(days=2), found[1], zone) + timedelta(minutes=1)  # type: ignore[arg-type]


def bodies_with(fake: FakeTwilio, words: str) -> list[str]:
    return [body for body in fake.bodies() if words in body]


def test_reminder_run_sends_by_twilio_takes_signed_replies_and_delivery_reports(
    operator: TwilioOperator, fake: FakeTwilio, engine: Engine
) -> None:
    patient_id = operator.enrol_patient_due_now()
    daemon = operator.start("run", "--port", str(operator.web_port))

    # 1. The reminder reaches Twilio with the right To, From, Body and StatusCallback.
    sid, request = wait_for("the reminder at the fake Twilio", lambda: fake.messages[:1])[0]
    assert request.form["To"] == PHONE
    assert request.form["From"] == FROM_NUMBER
    assert "it's time for your injection: 1 mL today" in request.form["Body"]
    assert request.form["StatusCallback"] == f"{operator.public}/twilio/status"
    sent = wait_for("the reminder recorded as sent", lambda: reminder_row(engine))
    assert tuple(sent)[:3] == (MessageStatus.SENT, sid, 1)

    # 2. Twilio reports delivery to the status callback; the row says delivered.
    wait_for("the web server", lambda: healthz(operator.web_port))
    assert fake.report(sid, "delivered")[0] == 204
    delivered = reminder_row(engine)
    assert delivered is not None and delivered[0] == MessageStatus.DELIVERED
    assert delivered[3] is not None

    # 3. The patient texts DONE LT: the dose and site are recorded, the answer is TwiML-empty and
    # the confirmation goes out through the outbox, once.
    status, content_type, twiml = fake.text_us(f"{operator.public}/twilio/sms", PHONE, "DONE LT")
    assert (status, twiml) == (200, EMPTY_TWIML)
    assert content_type.startswith("application/xml")
    dose = row(engine, sa.select(Dose.status, Dose.site).where(Dose.patient_id == patient_id))
    assert dose is not None and tuple(dose) == (DoseStatus.TAKEN, "left_thigh")
    wait_for("the answer at the fake", lambda: bodies_with(fake, "Thanks, recorded at"))
    [answer] = bodies_with(fake, "Thanks, recorded at")
    assert "(left thigh)" in answer

    # 4. STOP: confirmed once, then nothing from any process until START.
    fake.text_us(f"{operator.public}/twilio/sms", PHONE, "STOP")
    wait_for("the STOP confirmation", lambda: bodies_with(fake, "no more messages"))
    requests_after_stop = len(fake.requests)
    next_dose = next_dose_moment(engine, patient_id).isoformat()
    operator.command("tick", "--at", next_dose)  # another process, when the next dose is due
    operator.command("inbound", "--from", PHONE, "DONE")  # and the patient writing in
    assert len(fake.requests) == requests_after_stop
    assert bodies_with(fake, "it's time for your injection")[1:] == []

    fake.text_us(f"{operator.public}/twilio/sms", PHONE, "START")
    wait_for("the START confirmation", lambda: bodies_with(fake, "Welcome back"))
    operator.command("tick", "--at", next_dose)
    assert len(bodies_with(fake, "it's time for your injection")) == 2

    assert daemon.stop(signal.SIGTERM) == 0
    log = daemon.stderr()
    assert "Traceback" not in log
    assert AUTH_TOKEN not in log


def test_reminder_run_refuses_twilio_without_the_token_in_one_line(
    operator: TwilioOperator,
) -> None:
    operator.command("init")
    del operator.env["TWILIO_AUTH_TOKEN"]
    daemon = operator.start("run", "--port", str(operator.web_port))

    code = daemon.process.wait(timeout=20)

    assert code == 2
    assert daemon.stderr().strip().splitlines()[-1] == (
        'error: TWILIO_AUTH_TOKEN: not set; transport.sms = "twilio" needs it in the environment'
        " (never in the config file)"
    )
