"""Printing figures: aligned tables, each figure beside its target, and optional JSON."""

from __future__ import annotations

import json
import os
import platform
import resource
from collections.abc import Sequence
from pathlib import Path


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True))
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def against(value: float, target: float, *, at_most: bool = True) -> str:
    """'ok' when the figure meets its target, else by how much it misses (as a factor)."""
    met = value <= target if at_most else value >= target
    if met:
        return "ok"
    factor = value / target if at_most else target / value if value else float("inf")
    return f"missed {factor:.1f}x"


def machine() -> str:
    """The interpreter, the cores and the load: other work on the machine moves the figures."""
    load = ", ".join(f"{figure:.2f}" for figure in os.getloadavg())
    return (
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores,"
        f" load average {load}"
    )


def peak_rss_mb() -> float:
    """This process's peak resident set, in MB (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def save_json(path: Path | None, payload: object) -> None:
    if path is not None:
        path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
        print(f"figures written to {path}")
