"""The shape every normalisation rule shares: a named pattern and what to say instead."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

Replacement = Callable[[re.Match[str]], str] | str


@dataclass(frozen=True)
class Rule:
    """One rewrite, applied to the whole text; the name shows up in debugging output and test failures."""

    name: str
    pattern: str
    replacement: Replacement
    flags: int = 0
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "compiled", re.compile(self.pattern, self.flags))

    def apply(self, text: str) -> str:
        return self.compiled.sub(self.replacement, text)


def spaced(words: str) -> str:
    """Pad a replacement with spaces so it never glues onto its neighbours; the tidy-up pass collapses them."""
    return f" {words} "
