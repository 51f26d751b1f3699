"""The seams of ARCHITECTURE.md, checked on the source: one clock, and pure cores that stay pure."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "reminder"
PURE_CORES = [
    "retry.py",
    "regimen.py",
    "replies.py",
    "reading.py",
    "durations.py",
    "lexicon/__init__.py",
    "lexicon/en.py",
    "triage.py",
    "screening.py",
    "supply.py",
    "labs.py",
]
CLOCK_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("date", "today"),
    ("datetime", "today"),
}


def sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def clock_calls(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
            continue
        call = (node.value.id, node.attr)
        if call in CLOCK_CALLS or call in {("time", "time"), ("time", "monotonic")}:
            found.append(f"{node.value.id}.{node.attr} (line {node.lineno})")
    return found


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_nothing_but_the_clock_module_reads_the_time(path: Path) -> None:
    if path.name == "clock.py":
        return
    assert clock_calls(ast.parse(path.read_text(encoding="utf-8"))) == []


def test_the_check_itself_finds_a_call_to_datetime_now() -> None:
    assert clock_calls(ast.parse("from datetime import datetime\nx = datetime.now()\n")) != []


@pytest.mark.parametrize("name", PURE_CORES)
def test_pure_cores_import_only_the_standard_library_and_each_other(name: str) -> None:
    tree = ast.parse((PACKAGE / name).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    allowed_local = {
        "reminder." + core.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        for core in PURE_CORES
    }
    outside = {
        module
        for module in imported
        if module.split(".")[0] not in sys.stdlib_module_names and module not in allowed_local
    }
    assert outside == set()
    assert not {"sqlite3", "socket", "smtplib", "urllib", "http"} & {
        m.split(".")[0] for m in imported
    }
