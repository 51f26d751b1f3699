"""One labelled reply of the corpus: the prompt it answers, the text, and the reading expected."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    prompt: str
    text: str
    expected: dict[str, Any] = field(default_factory=dict)

    def __init__(self, prompt: str, text: str, **expected: Any) -> None:
        object.__setattr__(self, "prompt", prompt)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "expected", expected)
