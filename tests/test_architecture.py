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
    "reply_text.py",
    "interpret.py",
    "reading.py",
    "facts.py",
    "site_reading.py",
    "answer_reading.py",
    "phq_reading.py",
    "dose_reading.py",
    "durations.py",
    "lexicon/__init__.py",
    "lexicon/en.py",
    "lexicon/en_context.py",
    "lexicon/en_phrases.py",
    "lexicon/en_symptoms.py",
    "lexicon/de_crisis.py",
    "lexicon/es_crisis.py",
    "lexicon/fr_crisis.py",
    "lexicon/es_phq.py",
    "lexicon/de_phq.py",
    "lexicon/fr_phq.py",
    "triage/__init__.py",
    "triage/values.py",
    "triage/rules.py",
    "triage/words.py",
    "triage/wording.py",
    "screening.py",
    "supply.py",
    "labs.py",
    "kinds.py",
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


# Modules that write message rows; they queue through reminder/queue.py and never send.
PRODUCERS = [
    "planner.py",
    "conversation.py",
    "answer_message.py",
    "escalation.py",
    "notices.py",
    "care.py",
    *sorted(path.name for path in PACKAGE.glob("*_replies.py")),
]
SEND_PIPELINE = {"reminder.outbox", "reminder.leases", "reminder.outcomes", "reminder.pacing"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def local_imports(path: Path) -> set[str]:
    """The reminder modules a file imports (``from reminder import x`` counts as reminder.x)."""
    known = {module_name(source) for source in sources()}
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found & known


def reached_from(name: str) -> set[str]:
    """Every reminder module that importing ``name`` (a path under reminder/) imports in turn."""
    paths = {module_name(source): source for source in sources()}
    reached: set[str] = set()
    waiting = [module_name(PACKAGE / name)]
    while waiting:
        for module in local_imports(paths[waiting.pop()]) - reached:
            reached.add(module)
            waiting.append(module)
    return reached


@pytest.mark.parametrize("name", PRODUCERS)
def test_producers_queue_rows_and_never_import_the_send_pipeline(name: str) -> None:
    assert reached_from(name) & SEND_PIPELINE == set()


def test_the_check_itself_sees_that_the_daemon_reaches_the_outbox() -> None:
    assert "reminder.outbox" in reached_from("daemon.py")
    assert "reminder.queue" in reached_from("planner.py")


# A transport sees only what it sends: what it needs travels on Outgoing, never from the database.
DATABASE = ("reminder.db", "sqlalchemy", "sqlmodel")
TRANSPORTS = sorted((PACKAGE / "transports").glob("*.py"))


def database_imports(tree: ast.AST) -> set[str]:
    """The database modules a source imports (``from reminder import db`` counts as reminder.db)."""
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {
        module
        for module in imported
        if any(module == banned or module.startswith(f"{banned}.") for banned in DATABASE)
    }


@pytest.mark.parametrize("path", TRANSPORTS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_transports_import_no_database(path: Path) -> None:
    assert database_imports(ast.parse(path.read_text(encoding="utf-8"))) == set()
    assert "reminder.db" not in reached_from(str(path.relative_to(PACKAGE)))


def test_the_check_itself_finds_a_transport_reading_the_database() -> None:
    source = (
        "from reminder.db import session_scope\n"
        "from reminder import db\n"
        "import sqlalchemy as sa\n"
        "def send():\n"
        "    from sqlmodel import Session\n"
    )
    assert database_imports(ast.parse(source)) == {
        "reminder.db",
        "reminder.db.session_scope",
        "sqlalchemy",
        "sqlmodel",
        "sqlmodel.Session",
    }
    assert database_imports(ast.parse("from reminder.transports import Outgoing\n")) == set()
    assert "reminder.db" in reached_from("outbox.py")
