"""Jinja2 rendering of outgoing messages: sandboxed, StrictUndefined, a template per kind and channel.

Times in a message context are stored as ISO 8601 UTC strings; the filters below show them in the
patient's own zone (``tz`` in the context), so no message ever shows a UTC time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from reminder.regimen import SITE_LABELS

_PACKAGED = Path(__file__).parent / "templates"
_SOURCE_TREE = Path(__file__).parent.parent / "templates"


def default_templates_dir() -> Path:
    """The templates shipped in the wheel, or the repository's templates/ in an editable install."""
    return _PACKAGED if _PACKAGED.is_dir() else _SOURCE_TREE


class RenderError(Exception):
    """A template is missing or refers to something the context does not have; never retried."""


@dataclass(frozen=True)
class Rendered:
    subject: str | None
    body: str


def _local(context: Context, value: str) -> datetime:
    # str() makes a missing value or zone fail as "'at' is undefined", naming what the context lacks.
    return datetime.fromisoformat(str(value)).astimezone(ZoneInfo(str(context.resolve("tz"))))


@pass_context
def hm(context: Context, value: str) -> str:
    """19:30"""
    return f"{_local(context, value):%H:%M}"


@pass_context
def day(context: Context, value: str) -> str:
    """Sat 7 Mar"""
    local = _local(context, value)
    return f"{local:%a} {local.day} {local:%b}"


def site_label(value: str | None) -> str:
    return SITE_LABELS.get(value or "", "any site you have not used recently")


def volume(value: float) -> str:
    """0.25 mL, 0.5 mL, 1 mL: the figure printed on the syringe, without trailing zeros."""
    return f"{float(value):g} mL"


class Renderer:
    """Picks ``{channel}/{language}/{kind}.txt.j2``, falling back to ``{channel}/{kind}.txt.j2``."""

    def __init__(self, templates_dir: Path | None = None) -> None:
        self.templates_dir = templates_dir or default_templates_dir()
        self._env = SandboxedEnvironment(
            loader=FileSystemLoader(str(self.templates_dir)),
            # Templates are read once per process (a restart picks up an edit): checking the files
            # on every render was a quarter of a send's CPU in the outbox.
            auto_reload=False,
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.filters.update(hm=hm, day=day, site=site_label, volume=volume)

    def render(
        self, channel: str, template: str, language: str, context: dict[str, Any]
    ) -> Rendered:
        names = [f"{channel}/{language}/{template}.txt.j2", f"{channel}/{template}.txt.j2"]
        try:
            compiled = self._env.select_template(names)
        except TemplateNotFound:
            raise RenderError(f"no template {names[-1]} in {self.templates_dir}") from None
        # An answer to a text that said several things has a part for each, in one message.
        parts = context.get("parts") or [{}]
        shared = {k: v for k, v in context.items() if k != "parts"}
        bodies: list[str] = []
        subject = None
        for index, part in enumerate(parts):
            try:
                # One render gives both: email templates name their subject with {% set subject %}.
                module = compiled.make_module(shared | part | {"first": index == 0})
                body = str(module)
            except Exception as exc:  # a template fault is the operator's to fix, not a crash
                raise RenderError(f"{compiled.name}: {exc}") from exc
            subject = subject or getattr(module, "subject", None)
            bodies.append(" ".join(body.split()) if channel == "sms" else body.strip("\n"))
        return Rendered(subject=subject, body=(" " if channel == "sms" else "\n\n").join(bodies))
