"""Turn written Vietnamese party and state texts into what a newsreader would say.

The rules run in a fixed order because later ones rely on earlier ones having consumed their part:
document codes contain dates and abbreviations ("13/2023/NĐ-CP"), telephone numbers look like grouped
numbers, and whatever digits are left at the end are plain numbers. The result has no digits at all,
so espeak-ng never falls back to reading characters one by one.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable

from site_builder.speech.rules import abbreviations, codes, dates, numbers, ordinals, phones, symbols, units
from site_builder.speech.rules.base import Rule

logger = logging.getLogger(__name__)

PIPELINE: tuple[Rule, ...] = (
    *codes.RULES,
    *phones.RULES,
    *dates.RULES,
    *ordinals.RULES,
    *abbreviations.RULES,
    *units.RULES,
    *numbers.RULES,
    ordinals.BARE_ROMAN,
    abbreviations.SPELL_ACRONYMS,
    numbers.LEFTOVER_DIGITS,
    *symbols.RULES,
    *symbols.TIDY,
)

_DIGIT = re.compile(r"\d")
_BARE_LINE_END = re.compile(r"(?<![.!?;:,\s])[ \t]*(?:\r?\n)+")


def prepare(text: str) -> str:
    """Unify code points and typography so every rule sees one spelling of each character."""
    text = unicodedata.normalize("NFC", text).translate(symbols.TYPOGRAPHY)
    # A line break is a pause even when the line has no full stop (titles, list items).
    text = _BARE_LINE_END.sub(". ", text.strip())
    return " ".join(text.split())


def apply_rules(text: str, rules: Iterable[Rule] = PIPELINE) -> str:
    for rule in rules:
        text = rule.apply(text)
    return text


def normalize(text: str) -> str:
    """Spoken Vietnamese for `text`, lower-case, on one line, without digits.

    >>> normalize("UBND xã")
    'ủy ban nhân dân xã'
    """
    spoken = apply_rules(prepare(text)).lower()
    if _DIGIT.search(spoken):  # unreachable by construction; guards a future rule that emits digits
        logger.warning("digits survived normalisation: %r", spoken)
        spoken = numbers.LEFTOVER_DIGITS.apply(spoken)
    return " ".join(spoken.split())
