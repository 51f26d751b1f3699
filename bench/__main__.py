"""Run every benchmark once, one after the other, and keep what they printed in one file.

    .venv/bin/python -m bench [--out bench/last-run.txt] [--only tick import ...]

Each benchmark runs in a process of its own with its default arguments, so one's memory and
caches do not colour the next; the file holds each one's output under its command line, with
the machine's load before it started. bench/README.md quotes the file of the last full run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.report import machine

BENCHMARKS = {
    "tick": "bench.tick",
    "import": "bench.csv_import",
    "dispatch": "bench.dispatch",
    "webhook": "bench.webhook",
    "burst": "bench.burst",
    "memory": "bench.memory",
    "baseline": "bench.baseline",
    "report": "bench.clinician_report",
}


def run(name: str, out: Path) -> int:
    """Run one benchmark, echoing its output and appending it to ``out``; return its exit status."""
    command = [sys.executable, "-m", BENCHMARKS[name]]
    started = time.perf_counter()
    with out.open("a", encoding="utf-8") as log:
        log.write(f"\n## {name}: {' '.join(command[1:])}\n")
        log.write(f"started {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load {os.getloadavg()}\n\n")
        log.flush()
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as process:
            assert process.stdout is not None
            for line in process.stdout:
                sys.stdout.write(line)
                log.write(line)
        log.write(
            f"\n({name} took {time.perf_counter() - started:.0f} s, exit {process.returncode})\n"
        )
    return process.returncode


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/last-run.txt"))
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), default=list(BENCHMARKS))
    args = parser.parse_args(argv)
    args.out.write_text(
        f"# python -m bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}\n",
        encoding="utf-8",
    )
    failed = [name for name in args.only if run(name, args.out) != 0]
    if failed:
        sys.exit(f"failed: {', '.join(failed)} (see {args.out})")


if __name__ == "__main__":
    main()
