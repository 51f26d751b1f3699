"""The start-up check of languages: every template of every language compiles, each language has
every template English has, and every language people read has its templates and crisis text.

``run``, ``worker``, ``serve`` and ``tick`` refuse to start on the first fault, with one line
naming the file and line (a syntax error) or the template and language (a missing translation):
found at start, a fault cannot turn into a failed message, or an English one, at 3 a.m.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from jinja2 import TemplateError, TemplateSyntaxError
from sqlalchemy.engine import Engine

from reminder.config import ConfigError, Settings
from reminder.models import Contact, Patient
from reminder.render import (
    REFERENCE_LANGUAGE,
    Renderer,
    RenderError,
    default_templates_dir,
)

# What the renderer itself reads from a language's words.j2.
WORDS = ("site_names", "site_codes", "volume_unit", "sender_name", "flu_advice")


class LanguageError(ConfigError):
    """A template or a language's text is broken or missing; the message is one line."""


def reference_templates() -> list[str]:
    """Every template the shipped English set has, relative to its folder: what each language needs."""
    folder = default_templates_dir() / REFERENCE_LANGUAGE
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*.j2"))


# Template folders already checked in this process, by their files and modification times: a
# process that runs many ticks (a test, a replayed scenario) compiles them once, and an edit is
# still seen.
_CHECKED: dict[tuple[tuple[str, int], ...], list[str]] = {}


def check_templates(renderer: Renderer) -> list[str]:
    """Compile every template of every language; returns the languages. LanguageError on the
    first missing or broken one."""
    files = tuple(
        (str(path), path.stat().st_mtime_ns)
        for root in renderer.roots
        for path in sorted(Path(root).rglob("*"))
        if path.is_file()
    )
    if files in _CHECKED:
        return _CHECKED[files]
    languages = _check_templates(renderer)
    _CHECKED[files] = languages
    return languages


def _check_templates(renderer: Renderer) -> list[str]:
    for root in renderer.roots:
        for channel in ("sms", "email", "web"):
            if (root / channel).is_dir():
                raise LanguageError(
                    f"{root / channel}: templates are per language now: move {channel}/ into"
                    f" {root / REFERENCE_LANGUAGE}/ (or the language it is written in)"
                )
    languages = renderer.languages()
    if REFERENCE_LANGUAGE not in languages:
        raise LanguageError(f"{renderer.templates_dir}: no {REFERENCE_LANGUAGE}/ template folder")
    needed = reference_templates()
    for language in languages:
        try:
            env = renderer.environment(language)
            words = env.globals["words"]
            for word in WORDS:
                if not hasattr(words, word):
                    raise LanguageError(f"{language}/words.j2: {word} is not set")
            names = set(env.list_templates(extensions=["j2"]))
            for name in needed:
                if name not in names:
                    raise LanguageError(
                        f"{renderer.templates_dir / language / name}: missing: template {name}"
                        f" has no {language!r} translation"
                    )
            for name in sorted(names):
                env.get_template(name)
        except TemplateSyntaxError as exc:
            where = exc.filename or f"{language}/{exc.name}"
            raise LanguageError(f"{where}:{exc.lineno}: {exc.message}") from None
        except TemplateError as exc:
            raise LanguageError(f"{language}: {exc.message}") from None
        except RenderError as exc:
            raise LanguageError(str(exc).splitlines()[0]) from None
    return languages


def languages_in_use(engine: Engine) -> dict[str, str]:
    """Each language someone reads, with who: "patients" when a patient does, else "contacts"."""
    used: dict[str, str] = {}
    with engine.connect() as connection:
        for table, who in ((Contact, "contacts"), (Patient, "patients")):
            column = sa.column("language")
            query = sa.select(column).select_from(sa.table(table.__tablename__)).distinct()
            for (language,) in connection.execute(query):
                used[str(language)] = who
    return used


def check_languages(settings: Settings, engine: Engine, renderer: Renderer | None = None) -> None:
    """The whole start-up check; LanguageError names the first fault in one line."""
    renderer = renderer or renderer_for(settings)
    shipped = check_templates(renderer)
    for language, who in sorted(languages_in_use(engine).items()):
        if language not in shipped:
            raise LanguageError(
                f"{renderer.templates_dir}: no {language}/ folder, and {who} read {language!r}"
            )
        if who == "patients" and settings.messages.texts(language).crisis_text is None:
            raise LanguageError(missing_crisis_text(language))


def missing_crisis_text(language: str) -> str:
    return (
        f"messages.{language}.crisis_text is not set: a patient who reads {language!r} and writes"
        " of self-harm needs the crisis line in their language (set [messages."
        f"{language}] crisis_text in the config)"
    )


def renderer_for(settings: Settings) -> Renderer:
    directory = settings.file.templates_dir
    return Renderer(Path(directory) if directory else None, settings.messages)
