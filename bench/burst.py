"""`python -m bench.burst`: a burst of inbound texts at the default pacing, beside pacing off.

A real `reminder serve` (uvicorn, one process) runs on a scratch database with
``transport.sms = "twilio"``, answering through the real Twilio client to the fast local fake of
bench/dispatch.py. A burst of signed inbound texts (default 500, every one from an enrolled
patient, so every one is stored and answered) arrives at once: one keep-alive connection per
concurrent sender (default 100), 127.0.0.1 only. It is run twice, with
``twilio.messages_per_second`` at its default (1) and at 0 (pacing off), and prints, for each, how
many texts were stored, p50/p99/max time to the 200, the HTTP statuses (a request not answered
within Twilio's 15 s counts as "timeout", a dropped connection as "dropped") and how many answers
had reached the fake when the burst ended. The webhook must not wait on pacing: the two runs should
answer their 200s alike, and the paced one sends its answers one a second afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from bench.dispatch import fake_twilio
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
from bench.report import machine, save_json, table
from bench.webhook import exchange, free_port, percentile, server, signed_requests
from tests.fake_twilio import AUTH_TOKEN, twilio_toml

TARGET_P99_MS = 1000.0  # "stored and answered 200 within 1 s"
TWILIO_GIVES_UP_SECONDS = 15.0  # a webhook not answered by then counts as failed at Twilio


async def _burst(port: int, texts: list[bytes], concurrency: int) -> dict:
    """Send every text, ``concurrency`` connections at once; a request not answered within
    Twilio's 15 s, or whose connection drops, counts as lost (Twilio would retry or give up)."""
    pending = iter(texts)
    latencies: list[float] = []
    statuses: dict[str, int] = {}

    async def sender() -> None:
        connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        for raw in pending:
            started = time.perf_counter()
            try:
                if connection is None:
                    connection = await asyncio.open_connection("127.0.0.1", port)
                reader, writer = connection
                status = await asyncio.wait_for(
                    exchange(reader, writer, raw), TWILIO_GIVES_UP_SECONDS
                )
                said = str(status)
                latencies.append(time.perf_counter() - started)
            except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
                said = "timeout" if isinstance(exc, TimeoutError) else "dropped"
                if connection is not None:
                    connection[1].close()
                connection = None
            statuses[said] = statuses.get(said, 0) + 1
        if connection is not None:
            connection[1].close()

    started = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(concurrency)))
    return {
        "requests": len(texts),
        "seconds": round(time.perf_counter() - started, 2),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies, default=0.0) * 1000, 1),
        "statuses": statuses,
    }


def burst(db: str, pacing: float, args: argparse.Namespace) -> dict:
    """One burst against a fresh `reminder serve` on a fresh database."""
    rows = generate_rows(args.patients, args.seed)
    with (
        scratch_database(db, f"burst{int(pacing)}", args.postgres_url) as database,
        tempfile.TemporaryDirectory(prefix="bench-burst-") as name,
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
            twilio_toml(fake.base_url, messages_per_second=pacing, extra='log_level = "WARNING"'),
            encoding="utf-8",
        )
        environment = dict(
            os.environ,
            DATABASE_URL=database.url,
            REMINDER_CONFIG=str(config),
            TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        )
        port = free_port()
        command = [sys.executable, "-m", "reminder.cli", "serve", "--host", "127.0.0.1"]
        command += ["--port", str(port)]
        with server(command, port, environment, folder / "serve.log"):
            # Every text from a known patient (signed_requests alternates; keep the known ones).
            texts = [
                request
                for group, request in signed_requests(args.texts * 2, phones, port, "burst")
                if group == "known"
            ]
            result = asyncio.run(_burst(port, texts, args.concurrency))
            result["answers_at_end"] = fake.stats()["count"]
            time.sleep(args.settle)
            result["answers_after_settle"] = fake.stats()["count"]
        with database.engine.connect() as connection:
            result["stored"] = connection.execute(
                sa.text("SELECT count(*) FROM inboundmessage")
            ).scalar_one()
            result["queued_answers"] = connection.execute(
                sa.text("SELECT count(*) FROM message WHERE kind = 'reply'")
            ).scalar_one()
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.burst", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--texts", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--patients", type=int, default=500)
    parser.add_argument("--settle", type=float, default=3.0, help="seconds to wait after")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    quiet_logging()
    databases = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    results = []
    for db in databases:
        for pacing in (1.0, 0.0):
            print(f"{db}: {args.texts} texts, {args.concurrency} at once, {pacing}/s", flush=True)
            result = burst(db, pacing, args)
            result.update(db=db, pacing=pacing)
            print(f"  {result}", flush=True)
            results.append(result)
    print(f"\ninbound burst benchmark; {machine()}\n")
    print(
        table(
            [
                "db",
                "pacing msg/s",
                "texts",
                "stored",
                "p50 ms",
                "p99 ms",
                "max ms",
                "s",
                "HTTP",
                "answers sent by end / +settle",
            ],
            [
                [
                    r["db"],
                    "off" if not r["pacing"] else f"{r['pacing']:g}",
                    r["requests"],
                    r["stored"],
                    r["p50_ms"],
                    r["p99_ms"],
                    r["max_ms"],
                    r["seconds"],
                    " ".join(f"{code}x{n}" for code, n in sorted(r["statuses"].items())),
                    f"{r['answers_at_end']} / {r['answers_after_settle']}",
                ]
                for r in results
            ],
        )
    )
    worst = max(r["p99_ms"] if r["statuses"].get("200") == r["requests"] else 1e9 for r in results)
    if worst >= 1e9:
        print("\nsome texts got no 200 within Twilio's 15 s (see HTTP)")
    else:
        verdict = "met" if worst < TARGET_P99_MS else f"missed {worst / TARGET_P99_MS:.1f}x"
        print(f"\nworst p99 to the 200: {worst} ms ({verdict} vs < {TARGET_P99_MS:g} ms)")
    save_json(args.json, {"results": results})


if __name__ == "__main__":
    main()
