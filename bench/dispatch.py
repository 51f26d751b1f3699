"""`python -m bench.dispatch`: messages per second from the outbox through the real Twilio client.

N messages (answers to patients, template "reply") are queued in one transaction on a scratch
PostgreSQL database while 1 (then 2) real `reminder worker` processes run against it with
``transport.sms = "twilio"``, ``[twilio] messages_per_second = 0`` (pacing off), a tick every
second, the default outbox batch and ``[outbox] concurrency`` sends in flight per worker (1, then
8, by default). ``reminder.transports.twilio_sms`` sends each one through
``twilio.rest.Client`` over HTTP to a local fake of Twilio's Messages API (a process of its own on
127.0.0.1, HTTP/1.1 keep-alive, checking basic auth, answering 201 with a message resource). It
prints the time from the first request the fake received to the moment every row is ``sent``
(and from the queueing commit), the messages per second, the CPU the workers used per message,
and checks that the fake received as many requests as rows were sent (each exactly once).
"""

from __future__ import annotations

import argparse
import base64
import json
import multiprocessing
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

import sqlalchemy as sa

from bench.population import (
    DEFAULT_POSTGRES_URL,
    SEED,
    bench_settings,
    bulk_enrol,
    generate_rows,
    quiet_logging,
    scratch_database,
    specs_of,
)
from bench.report import against, machine, save_json, table
from reminder.models import Message, MessageKind, MessageStatus
from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, twilio_toml

TARGET_PER_SECOND = 1000.0
MESSAGES_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- a fast fake of Twilio's Messages API, in a process of its own ------------------------------


class _Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0
        self.refused = 0
        self.first: float | None = None
        self.last: float | None = None


def _handler(stats: _Stats) -> type[BaseHTTPRequestHandler]:
    expected_auth = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as api.twilio.com
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed ACK

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
            pass

        def do_POST(self) -> None:
            form = dict(parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
            if self.path != MESSAGES_PATH or self.headers.get("Authorization") != expected_auth:
                with stats.lock:
                    stats.refused += 1
                return self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
            now = time.monotonic()
            with stats.lock:
                stats.count += 1
                stats.first = stats.first or now
                stats.last = now
            sid = "SM" + secrets.token_hex(16)
            self._answer(
                201,
                {
                    "sid": sid,
                    "account_sid": ACCOUNT_SID,
                    "to": form.get("To"),
                    "from": form.get("From"),
                    "body": form.get("Body"),
                    "status": "queued",
                    "num_segments": "1",
                    "direction": "outbound-api",
                    "api_version": "2010-04-01",
                    "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
                },
            )

        def do_GET(self) -> None:
            with stats.lock:
                payload = {
                    "count": stats.count,
                    "refused": stats.refused,
                    "first": stats.first,
                    "last": stats.last,
                }
            self._answer(200, payload)

        def _answer(self, status: int, payload: dict[str, object]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _serve_fake(ports: multiprocessing.Queue) -> None:
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(_Stats()))
    server.daemon_threads = True
    ports.put(server.server_address[1])
    server.serve_forever(poll_interval=0.05)


@dataclass
class FakeTwilioProcess:
    base_url: str

    def stats(self) -> dict:
        with urllib.request.urlopen(self.base_url + "/stats", timeout=5) as response:
            return json.loads(response.read())


@contextmanager
def fake_twilio() -> Iterator[FakeTwilioProcess]:
    """A fast fake of Twilio's Messages API on 127.0.0.1, in a child process (not this GIL)."""
    context = multiprocessing.get_context("spawn")
    ports: multiprocessing.Queue = context.Queue()
    process = context.Process(target=_serve_fake, args=(ports,), daemon=True)
    process.start()
    try:
        yield FakeTwilioProcess(f"http://127.0.0.1:{ports.get(timeout=30)}")
    finally:
        process.terminate()
        process.join(timeout=5)


# --- workers ---------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def start_workers(
    count: int, environment: dict[str, str], folder: Path
) -> list[tuple[subprocess.Popen, Path]]:
    workers = []
    for index in range(count):
        log_path = folder / f"worker{index}.log"
        command = [sys.executable, "-m", "reminder.cli", "worker"]
        with log_path.open("w") as log_file:
            process = subprocess.Popen(
                command, cwd=folder, env=environment, stdout=log_file, stderr=log_file
            )
        workers.append((process, log_path))
    deadline = time.monotonic() + 60
    for process, log_path in workers:
        while "worker started" not in log_path.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"a worker did not start: {log_path.read_text()[-2000:]}")
            time.sleep(0.05)
    return workers


def stop_workers(workers: list[tuple[subprocess.Popen, Path]]) -> list[int | None]:
    for process, _ in workers:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process, _ in workers:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return [process.returncode for process, _ in workers]


def queue_messages(engine: sa.Engine, count: int) -> float:
    """Queue ``count`` due answers to the enrolled phone patients in one transaction; its end."""
    with engine.connect() as connection:
        patients = connection.execute(
            sa.text("SELECT id, phone FROM patient WHERE phone IS NOT NULL ORDER BY id")
        ).all()
    now = datetime.now(UTC)
    rows = [
        {
            "idempotency_key": f"bench:{index}",
            "patient_id": patients[index % len(patients)].id,
            "channel": "sms",
            "to_address": patients[index % len(patients)].phone,
            "kind": MessageKind.REPLY,
            "template": "reply",
            "context": {
                "tz": "America/Chicago",
                "answer": "help",
                "question": None,
                "help_contact": "the clinic",
                "sender_name": "Clinic",
                "bench": index,
            },
            "status": MessageStatus.QUEUED,
            "send_at": now,
            "next_attempt_at": now,
            "attempts": 0,
            "created_at": now,
        }
        for index in range(count)
    ]
    with engine.begin() as connection:
        for offset in range(0, count, 5000):
            connection.execute(sa.insert(Message), rows[offset : offset + 5000])
    return time.monotonic()


def counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return dict(
            connection.execute(
                sa.text("SELECT status, count(*) FROM message GROUP BY status")
            ).all()
        )


def run(workers: int, concurrency: int, messages: int, args: argparse.Namespace) -> dict:
    rows = generate_rows(args.patients, args.seed)
    with (
        scratch_database(
            "postgresql", f"dispatch{workers}x{concurrency}", args.postgres_url
        ) as database,
        tempfile.TemporaryDirectory(prefix="bench-dispatch-") as name,
        fake_twilio() as fake,
    ):
        folder = Path(name)
        settings = bench_settings(database.url)
        bulk_enrol(database.engine, settings, specs_of(settings, rows), datetime.now(UTC))
        config = folder / "reminder.toml"
        config.write_text(
            twilio_toml(
                fake.base_url,
                messages_per_second=0,
                extra=(
                    'log_level = "INFO"\n[daemon]\ntick_seconds = 1\n'
                    f"[outbox]\nconcurrency = {concurrency}\n"
                ),
            ),
            encoding="utf-8",
        )
        environment = dict(
            os.environ,
            DATABASE_URL=database.url,
            REMINDER_CONFIG=str(config),
            TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        )
        print(f"{workers} worker(s) x {concurrency} in flight, {messages} messages:", flush=True)
        started = start_workers(workers, environment, folder)
        cpu_before = sum(cpu_seconds(process.pid) for process, _ in started)
        try:
            queued_at = queue_messages(database.engine, messages)
            deadline = queued_at + args.time_limit
            while True:
                status = counts(database.engine)
                if status.get("sent", 0) + status.get("failed", 0) >= messages:
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"gave up after {args.time_limit:.0f} s: {status}")
                if any(process.poll() is not None for process, _ in started):
                    raise RuntimeError("a worker exited during the run")
                time.sleep(0.02)
            done_at = time.monotonic()
            cpu = sum(cpu_seconds(process.pid) for process, _ in started) - cpu_before
        finally:
            exits = stop_workers(started)
            if args.verbose:
                for _, log_path in started:
                    print(log_path.read_text()[-3000:])
        seen = fake.stats()
        status = counts(database.engine)
        with database.engine.connect() as connection:
            why = connection.execute(
                sa.text(
                    "SELECT DISTINCT failed_reason, last_error FROM message WHERE status = 'failed'"
                )
            ).all()
    if not seen["first"]:
        raise RuntimeError(f"the fake received nothing: {status}, {seen}, {why}")
    sending = done_at - seen["first"]
    result = {
        "workers": workers,
        "concurrency": concurrency,
        "messages": messages,
        "sent": status.get("sent", 0),
        "failed": status.get("failed", 0),
        "fake_received": seen["count"],
        "seconds_first_request_to_all_sent": round(sending, 2),
        "seconds_queued_to_all_sent": round(done_at - queued_at, 2),
        "per_second": round(messages / sending),
        "worker_cpu_ms_per_message": round(cpu * 1000 / messages, 2),
        "exits": exits,
    }
    print(f"  {result}", flush=True)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.dispatch", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    parser.add_argument(
        "--concurrency",
        nargs="+",
        type=int,
        default=[1, 8],
        help="outbox.concurrency: sends in flight per worker (default: %(default)s)",
    )
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--patients", type=int, default=1000, help="enrolled (the recipients)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument(
        "--time-limit", type=float, default=120, help="per run (default: %(default)s s)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--verbose", action="store_true", help="print the end of each worker log")
    args = parser.parse_args(argv)
    quiet_logging()
    results = [
        run(workers, concurrency, args.messages, args)
        for concurrency in args.concurrency
        for workers in args.workers
    ]
    print(f"\ndispatch benchmark, PostgreSQL, pacing off; {machine()}\n")
    print(
        table(
            [
                "workers",
                "in flight",
                "messages",
                "sent",
                "failed",
                "fake got",
                "s (1st request > all sent)",
                "s (queued > all sent)",
                "msg/s",
                "vs 1,000/s",
                "worker CPU ms/msg",
            ],
            [
                [
                    r["workers"],
                    r["concurrency"],
                    r["messages"],
                    r["sent"],
                    r["failed"],
                    r["fake_received"],
                    r["seconds_first_request_to_all_sent"],
                    r["seconds_queued_to_all_sent"],
                    r["per_second"],
                    against(r["per_second"], TARGET_PER_SECOND, at_most=False),
                    r["worker_cpu_ms_per_message"],
                ]
                for r in results
            ],
        )
    )
    save_json(args.json, results)


if __name__ == "__main__":
    main()
