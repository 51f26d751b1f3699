"""Jinja2 rendering of outgoing messages: sandboxed, StrictUndefined, a template folder per language.

The layout is ``{templates_dir}/{language}/{channel}/{kind}.txt.j2``, with ``{language}/words.j2``
for the words several templates share (site names, alert kinds, the volume unit). Each language has
its own environment rooted at its folder, so an include (``sms/reply.txt.j2``) stays in that
language, and a language without a folder is an error, never a silent English text.

A message is rendered when it is sent, in its reader's language, so a language change reaches the
messages already queued. Times in a context are ISO 8601 UTC strings; the filters write them in
the reader's zone (``tz``) and locale through Babel. The operator's texts (``sender_name``,
``help_contact``, ``crisis_text``) are the reader's language's, from config, whatever the producer
stored in the context.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import format_decimal
from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    pass_context,
)
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from reminder.config_messages import Messages

log = logging.getLogger("reminder.render")

_PACKAGED = Path(__file__).parent / "templates"
_SOURCE_TREE = Path(__file__).parent.parent / "templates"
# Every language folder must hold every template this one has.
REFERENCE_LANGUAGE = "en"
SHIPPED_LANGUAGES = ("en", "es", "de", "fr")
_LANGUAGE_FOLDER = re.compile(r"^[a-z]{2,3}$")


def default_templates_dir() -> Path:
    """The templates shipped in the wheel, or the repository's templates/ in an editable install."""
    return _PACKAGED if _PACKAGED.is_dir() else _SOURCE_TREE


def template_roots(templates_dir: Path | str | None) -> list[Path]:
    """Where templates are looked up, first match wins: the operator's folder (``templates_dir``),
    whose files take the place of the shipped ones of the same path, then the shipped ones."""
    shipped = default_templates_dir()
    if not templates_dir or Path(templates_dir).resolve() == shipped.resolve():
        return [shipped]
    return [Path(templates_dir), shipped]


def template_languages(roots: list[Path]) -> list[str]:
    """The languages the roots hold: their subfolders named by a language code."""
    return sorted(
        {
            entry.name
            for root in roots
            if root.is_dir()
            for entry in root.iterdir()
            if entry.is_dir() and _LANGUAGE_FOLDER.match(entry.name)
        }
    )


def language_loader(roots: list[Path], language: str) -> ChoiceLoader | None:
    """The loader of one language's templates over the roots, or None if no root has it."""
    folders = [root / language for root in roots if (root / language).is_dir()]
    if not _LANGUAGE_FOLDER.match(language) or not folders:
        return None
    return ChoiceLoader([FileSystemLoader(str(folder)) for folder in folders])


class RenderError(Exception):
    """A template is missing or refers to something the context does not have; never retried."""


@dataclass(frozen=True)
class Rendered:
    subject: str | None
    body: str


def _local(context: Context, value: str) -> datetime:
    # str() makes a missing value or zone fail as "'at' is undefined", naming what the context lacks.
    return datetime.fromisoformat(str(value)).astimezone(ZoneInfo(str(context.resolve("tz"))))


def _locale(context: Context) -> str:
    return str(context.resolve("locale"))


@pass_context
def hm(context: Context, value: str) -> str:
    """19:30 (or 7:30 PM where the locale writes 12-hour times)"""
    return format_time(_local(context, value), "short", locale=_locale(context))


@pass_context
def day(context: Context, value: str) -> str:
    """Thu 3 Dec, jue, 3 dic, Do., 3. Dez., jeu. 3 déc."""
    return format_skeleton("MMMEd", _local(context, value), locale=_locale(context))


@pass_context
def on_date(context: Context, value: str) -> str:
    """A calendar date (ISO 8601, no time): 30 Dec 2026, 30 dic 2026, 30.12.2026, 30 déc. 2026"""
    return format_date(date.fromisoformat(str(value)), "medium", locale=_locale(context))


@pass_context
def site_label(context: Context, value: str | None) -> str:
    names = context.resolve("words").site_names
    return str(names.get(value or "", names[""]))


@pass_context
def volume(context: Context, value: float) -> str:
    """0.25 mL, 0,5 ml, 1 ml: the figure printed on the syringe, without trailing zeros."""
    figure = format_decimal(float(value), format="0.##", locale=_locale(context))
    return f"{figure} {context.resolve('words').volume_unit}"


def _environment(loader: ChoiceLoader) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=loader,
        # Templates are read once per process (a restart picks up an edit): checking the files
        # on every render was a quarter of a send's CPU in the outbox.
        auto_reload=False,
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(hm=hm, day=day, date=on_date, site=site_label, volume=volume)
    return env


class Renderer:
    """Renders ``{language}/{channel}/{kind}.txt.j2`` with the language's texts and locale."""

    def __init__(self, templates_dir: Path | None = None, messages: Messages | None = None) -> None:
        self.roots = template_roots(templates_dir)
        self.templates_dir = self.roots[0]
        self.messages = messages or Messages()
        self._environments: dict[str, SandboxedEnvironment] = {}

    def languages(self) -> list[str]:
        return template_languages(self.roots)

    def environment(self, language: str) -> SandboxedEnvironment:
        """The language's environment, with its words.j2 loaded; RenderError if it has none."""
        env = self._environments.get(language)
        if env is None:
            loader = language_loader(self.roots, language)
            if loader is None:
                raise RenderError(f"no templates for language {language!r} in {self.templates_dir}")
            env = _environment(loader)
            try:
                env.globals["words"] = env.get_template("words.j2").module
            except Exception as exc:
                raise RenderError(f"{language}/words.j2: {exc}") from exc
            self._environments[language] = env
        return env

    def render(
        self, channel: str, template: str, language: str, context: dict[str, Any]
    ) -> Rendered:
        env = self.environment(language)
        name = f"{channel}/{template}.txt.j2"
        try:
            compiled = env.get_template(name)
        except TemplateNotFound:
            raise RenderError(f"no template {language}/{name} in {self.templates_dir}") from None
        except TemplateSyntaxError as exc:
            where = f"{language}/{exc.name or name} line {exc.lineno}"
            raise RenderError(f"{where}: {exc.message}") from exc
        # An answer to a text that said several things has a part for each, in one message.
        parts = context.get("parts") or [{}]
        shared = {k: v for k, v in context.items() if k != "parts"}
        bodies: list[str] = []
        subject = None
        for index, part in enumerate(parts):
            try:
                # One render gives both: email templates name their subject with {% set subject %}.
                values = self.context(language, shared | part | {"first": index == 0})
                module = compiled.make_module(values)
                body = str(module)
            except Exception as exc:  # a template fault is the operator's to fix, not a crash
                raise RenderError(f"{language}/{compiled.name}: {exc}") from exc
            subject = subject or getattr(module, "subject", None)
            bodies.append(" ".join(body.split()) if channel == "sms" else body.strip("\n"))
        return Rendered(subject=subject, body=(" " if channel == "sms" else "\n\n").join(bodies))

    def context(self, language: str, context: dict[str, Any]) -> dict[str, Any]:
        """The stored context with the reader's language, locale and the operator's texts in it."""
        texts = self.messages.texts(language)
        crisis_text = texts.crisis_text
        if crisis_text is None and "crisis_text" in context:
            # The start-up check and enrolment refuse a language with no crisis text; this is
            # only reached if a row was changed behind their back. A crisis line in another
            # language still beats none, so it goes, and the operator hears of it.
            log.error("messages.%s.crisis_text is not set: sending the default one", language)
            crisis_text = context["crisis_text"]
        extra = {
            "language": language,
            "locale": texts.locale,
            "sender_name": texts.sender_name
            or self.environment(language).globals["words"].sender_name,
            "help_contact": texts.help_contact,
        }
        if crisis_text is not None:
            extra["crisis_text"] = crisis_text
        if "advice" in context:
            words = self.environment(language).globals["words"]
            extra["advice"] = texts.flu_advice or words.flu_advice
        return context | extra
