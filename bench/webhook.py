"""`python -m bench.webhook`: `POST /twilio/sms` under a bounded local load, beside hello-world.

A real `reminder serve` (uvicorn, one process, log level WARNING) runs on a scratch database with
``transport.sms = "twilio"`` and the Twilio auth token, so every request's X-Twilio-Signature is
checked by twilio's RequestValidator; the answers it queues (HELP from a known patient) are sent
after the response, by the real Twilio client, to the fast local fake of bench/dispatch.py. Beside
it runs a bare uvicorn hello-world ASGI app (the ceiling). The same load generator (asyncio, one
HTTP/1.1 keep-alive connection per concurrent client, a fixed number of requests, 127.0.0.1 only)
sends each server the same kind of requests: inbound texts signed as Twilio signs them, half from
enrolled patients (HELP: stored, answered) and half from unknown numbers (stored, not answered),
each with a fresh MessageSid. It prints requests per second and p50/p99 latency for both, and
ours as a share of the ceiling. Then ours alone at a steady offered load (``--rate``, default 200
requests a second, for ``--steady-seconds``): each request is due at its moment on the schedule and
its latency counts from then, so a server that falls behind shows it in the p99 (open loop, no
coordinated omission).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa
from twilio.request_validator import RequestValidator

from bench.dispatch import cpu_seconds, fake_twilio
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
from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, PUBLIC_URL, inbound_form, twilio_toml

SHARE_TARGET = 0.5
P99_TARGET_MS = 50.0
CPU_TARGET_MS = 2.0  # server CPU per signed inbound text
STEADY_CONNECTIONS = 64  # enough that a request never waits for a free connection at 200/s
PATH = "/twilio/sms"


async def hello(scope: dict, receive, send) -> None:  # noqa: ANN001 - the bare ASGI callable
    """The ceiling: reads the request body, answers 200 with the same empty TwiML we return."""
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    body = b'<?xml version="1.0" encoding="UTF-8"?><Response />'
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/xml"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def server(command: list[str], port: int, environment: dict[str, str], log: Path) -> Iterator[int]:
    """Start a server subprocess and wait until it answers on 127.0.0.1:port; SIGTERM it after."""
    with log.open("w") as log_file:
        process = subprocess.Popen(command, env=environment, stdout=log_file, stderr=log_file)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
                break
            except urllib.error.HTTPError:
                break  # it answers (hello-world has no /healthz route but answers 200 anyway)
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{command} did not start: {log.read_text()[-2000:]}"
                    ) from None
                time.sleep(0.1)
        yield process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def signed_requests(count: int, phones: list[str], port: int, tag: str) -> list[tuple[str, bytes]]:
    """``count`` inbound texts as raw HTTP requests, alternately known patient / unknown sender."""
    validator = RequestValidator(AUTH_TOKEN)
    requests = []
    for index in range(count):
        known = index % 2 == 0
        sender = phones[(index // 2) % len(phones)] if known else f"+1555{index:07d}"[:12]
        form = inbound_form(ACCOUNT_SID, sender, "HELP" if known else f"hello {tag} {index}")
        signature = validator.compute_signature(PUBLIC_URL + PATH, form)
        body = urlencode(form).encode()
        head = (
            f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"X-Twilio-Signature: {signature}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        requests.append(("known" if known else "unknown", head.encode() + body))
    return requests


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> int:
    """Send one raw HTTP/1.1 request on a keep-alive connection, read its whole answer; its status."""
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return int(head.split(b" ", 2)[1])


async def _load(port: int, requests: list[tuple[str, bytes]], concurrency: int) -> dict:
    queue = iter(enumerate(requests))
    latencies: dict[str, list[float]] = {"known": [], "unknown": []}
    statuses: dict[int, int] = {}

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for _index, (group, raw) in queue:
                started = time.perf_counter()
                status = await exchange(reader, writer, raw)
                latencies[group].append(time.perf_counter() - started)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    every = latencies["known"] + latencies["unknown"]
    return {
        "requests": len(requests),
        "seconds": round(elapsed, 2),
        "per_second": round(len(requests) / elapsed),
        "p50_ms": round(percentile(every, 50), 1),
        "p99_ms": round(percentile(every, 99), 1),
        "known_p99_ms": round(percentile(latencies["known"], 99), 1),
        "unknown_p99_ms": round(percentile(latencies["unknown"], 99), 1),
        "statuses": statuses,
    }


async def _steady(
    port: int, requests: list[tuple[str, bytes]], rate: float, connections: int
) -> dict:
    """Offer ``requests`` at ``rate`` a second, request i due at start + i / rate, over a pool of
    keep-alive connections; each latency runs from the request's due moment to its answer."""
    queue = iter(enumerate(requests))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    start = time.perf_counter() + 0.1

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for index, (_group, raw) in queue:
                due = start + index / rate
                if (wait := due - time.perf_counter()) > 0:
                    await asyncio.sleep(wait)
                status = await exchange(reader, writer, raw)
                latencies.append(time.perf_counter() - due)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(connections)))
    elapsed = time.perf_counter() - start
    return {
        "offered_per_second": rate,
        "requests": len(requests),
        "answered_per_second": round(len(latencies) / elapsed),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "statuses": statuses,
    }


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] * 1000 if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def load(port: int, requests: list[tuple[str, bytes]], concurrency: int) -> dict:
    return asyncio.run(_load(port, requests, concurrency))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.webhook", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--requests", type=int, default=3000, help="per server, measured")
    parser.add_argument("--warmup", type=int, default=300, help="per server, not measured")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rate", type=float, default=200.0, help="steady offered load, req/s")
    parser.add_argument("--steady-seconds", type=float, default=10.0)
    parser.add_argument("--patients", type=int, default=500)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    quiet_logging()
    rows = generate_rows(args.patients, args.seed)
    with (
        scratch_database(args.db, "webhook", args.postgres_url) as database,
        tempfile.TemporaryDirectory(prefix="bench-webhook-") as name,
        fake_twilio() as fake,
    ):
        folder = Path(name)
        settings = bench_settings(database.url)
        bulk_enrol(database.engine, settings, specs_of(settings, rows), datetime.now(UTC))
        with database.engine.connect() as connection:
            phones = list(
                connection.execute(sa.text("SELECT phone FROM patient WHERE phone IS NOT NULL"))
                .scalars()
                .all()
            )
        config = folder / "reminder.toml"
        config.write_text(
            twilio_toml(fake.base_url, messages_per_second=0, extra='log_level = "WARNING"'),
            encoding="utf-8",
        )
        environment = dict(
            os.environ,
            DATABASE_URL=database.url,
            REMINDER_CONFIG=str(config),
            TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        )
        ours_port, hello_port = free_port(), free_port()
        ours_command = [sys.executable, "-m", "reminder.cli", "serve", "--host", "127.0.0.1"]
        ours_command += ["--port", str(ours_port)]
        hello_command = [sys.executable, "-m", "uvicorn", "bench.webhook:hello", "--host"]
        hello_command += ["127.0.0.1", "--port", str(hello_port), "--log-level", "warning"]
        hello_command += ["--no-access-log"]
        print(
            f"{args.db}: {args.requests} signed requests per server, {args.concurrency} at once",
            flush=True,
        )
        with (
            server(ours_command, ours_port, environment, folder / "serve.log") as ours_pid,
            server(hello_command, hello_port, environment, folder / "hello.log") as hello_pid,
        ):
            results = {}
            for label, port, pid in (
                ("hello-world", hello_port, hello_pid),
                ("reminder serve", ours_port, ours_pid),
            ):
                load(port, signed_requests(args.warmup, phones, port, "warm"), args.concurrency)
                measured = signed_requests(args.requests, phones, port, "run")
                before = cpu_seconds(pid)
                results[label] = load(port, measured, args.concurrency)
                used = cpu_seconds(pid) - before
                results[label]["server_cpu_ms_per_request"] = round(used * 1000 / args.requests, 2)
                print(f"  {label}: {results[label]}", flush=True)
            offered = signed_requests(
                int(args.rate * args.steady_seconds), phones, ours_port, "steady"
            )
            before = cpu_seconds(ours_pid)
            steady = asyncio.run(_steady(ours_port, offered, args.rate, STEADY_CONNECTIONS))
            used = cpu_seconds(ours_pid) - before
            steady["server_cpu_ms_per_request"] = round(used * 1000 / len(offered), 2)
            print(f"  reminder serve, steady: {steady}", flush=True)
            time.sleep(1)  # let the last answers reach the fake
        with database.engine.connect() as connection:
            stored = dict(
                connection.execute(
                    sa.text("SELECT status, count(*) FROM message GROUP BY status")
                ).all()
            )
        answered = fake.stats()["count"]
    ceiling, ours = results["hello-world"], results["reminder serve"]
    share = ours["per_second"] / ceiling["per_second"]
    print(f"\nwebhook benchmark, {args.db}; {machine()}\n")
    print(
        table(
            [
                "server",
                "requests",
                "s",
                "req/s",
                "p50 ms",
                "p99 ms",
                "known/unknown p99 ms",
                "server CPU ms/req",
                "HTTP",
            ],
            [
                [
                    label,
                    r["requests"],
                    r["seconds"],
                    r["per_second"],
                    r["p50_ms"],
                    r["p99_ms"],
                    f"{r['known_p99_ms']}/{r['unknown_p99_ms']}",
                    r["server_cpu_ms_per_request"],
                    " ".join(f"{code}x{n}" for code, n in sorted(r["statuses"].items())),
                ]
                for label, r in results.items()
            ],
        )
    )
    print(
        f"\nours / hello-world: {share:.0%} of its req/s"
        f" ({against(share, SHARE_TARGET, at_most=False)} vs >= 50%),"
        f" p99 {ours['p99_ms']} ms ({against(ours['p99_ms'], P99_TARGET_MS)} vs < 50 ms);"
        f"\nanswers queued by status {stored}, sent to the fake Twilio: {answered}."
    )
    print(
        f"steady {steady['offered_per_second']:.0f} req/s offered for {args.steady_seconds:.0f} s:"
        f" {steady['answered_per_second']} answered a second, p50 {steady['p50_ms']} ms,"
        f" p99 {steady['p99_ms']} ms ({against(steady['p99_ms'], P99_TARGET_MS)} vs < 50 ms),"
        f" max {steady['max_ms']} ms, server CPU {steady['server_cpu_ms_per_request']} ms/req"
        f" (vs <= {CPU_TARGET_MS} ms)"
    )
    save_json(
        args.json,
        {"db": args.db, "results": results, "share": round(share, 3), "steady": steady},
    )


if __name__ == "__main__":
    main()
