"""The operator's texts under [messages]: English's keys, and a table per other language
([messages.es]) that falls back to them, except for the crisis text and the sender's name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import BeforeValidator, ConfigDict, Field, model_validator

from reminder.config_values import KeyedError, Section

# A language table under [messages] is named by the language's code: [messages.es], [messages.pt].
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


def _locale(value: object) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(str(value))
    except (UnknownLocaleError, ValueError):
        raise ValueError(
            f"{value!r} is not a locale Babel knows, e.g. en_US, es_MX, de_AT"
        ) from None
    return str(value)


LocaleName = Annotated[str, BeforeValidator(_locale)]


class LanguageMessages(Section):
    """The operator's texts in one language; a key left out takes the [messages] value, except
    the crisis text, which is never sent in another language by default (see Messages.texts)."""

    sender_name: str | None = Field(None, min_length=1, max_length=40)
    help_contact: str | None = Field(None, max_length=80)
    crisis_text: str | None = Field(None, min_length=1, max_length=300)
    locale: LocaleName | None = None
    flu_advice: str | None = Field(None, min_length=1, max_length=300)


@dataclass(frozen=True)
class Texts:
    """What the renderer puts in every message of one language."""

    sender_name: str | None  # None: the language's own default name (its words.j2)
    help_contact: str
    crisis_text: str | None  # None: no crisis text in this language (a start-up error if used)
    locale: str
    flu_advice: str | None = None  # None: the language's own default advice (its words.j2)


class Messages(Section):
    """The operator's texts; these keys are English's (the default language), and a table per
    other language ([messages.es]) holds that language's."""

    model_config = ConfigDict(extra="allow", frozen=True)
    __pydantic_extra__: dict[str, LanguageMessages] = Field(init=False)  # type: ignore[assignment]

    sender_name: str = Field("Your care team", min_length=1, max_length=40)
    help_contact: str = Field("", max_length=80)
    # Sent at once to a patient whose reply mentions self-harm, whatever the hour.
    crisis_text: str = Field(
        "If you are thinking about harming yourself, please call or text 988 (Suicide & Crisis "
        "Lifeline) or your local emergency number now. You are not alone.",
        min_length=1,
        max_length=300,
    )
    locale: LocaleName = "en_GB"
    # Added to a check-in answer when the flu-like score reaches triage.flu_advice_score.
    flu_advice: str = Field(
        "Flu-like symptoms often ease with time. Ask your doctor whether a pain or fever "
        "reliever around the injection, or injecting in the evening, could help.",
        min_length=1,
        max_length=300,
    )

    @model_validator(mode="before")
    @classmethod
    def _only_language_tables(cls, data: object) -> object:
        # extra="allow" is for the language tables only: a mistyped key is still refused.
        if isinstance(data, dict):
            for key in data:
                if key not in cls.model_fields and not LANGUAGE_CODE.match(str(key)):
                    raise KeyedError(
                        str(key),
                        "unknown key (a language's table is named by its code: [messages.es])",
                    )
        return data

    def texts(self, language: str) -> Texts:
        """The texts for messages in ``language``: its table's, else these keys'. English takes
        these keys; another language's crisis text is its own or None (never English unasked),
        and so is its sender name while [messages] keeps the built-in English one."""
        own = (self.__pydantic_extra__ or {}).get(language) or LanguageMessages()
        english = language == "en"
        # The built-in default name is English words: another language then says it its own way.
        named = english or "sender_name" in self.model_fields_set
        return Texts(
            sender_name=own.sender_name or (self.sender_name if named else None),
            help_contact=own.help_contact if own.help_contact is not None else self.help_contact,
            crisis_text=own.crisis_text or (self.crisis_text if english else None),
            locale=own.locale or (self.locale if english else language),
            # The built-in advice is English words: another language gives its own (words.j2).
            flu_advice=own.flu_advice
            or (self.flu_advice if english or "flu_advice" in self.model_fields_set else None),
        )
