"""Roman numerals and ordinals: "khóa XIII" is "khóa mười ba", "lần thứ IV" and "thứ 4" are "thứ tư".

Roman numerals are only read after words that take them (khóa, lần thứ, Đại hội, quý, chương …), because a bare
"I" or "V" in a sentence is more often a letter than a number.
"""

from __future__ import annotations

import re

from site_builder.speech.rules.base import Rule, spaced
from site_builder.speech.rules.numbers import cardinal, ordinal, roman_to_int

_ROMAN_CONTEXT = (
    r"lần thứ|thứ|khóa|khoá|đại hội|quý|chương|phần|mục|thế kỷ|kỳ|phụ lục|giai đoạn|đợt|tập|quân khu|"
    r"hạng|loại|trung ương|cấp độ|vùng|khu vực|tiết"
)


def _spoken(context: str, value: int) -> str:
    return ordinal(value) if context.lower().endswith("thứ") else cardinal(value)


def _roman_in_context(match: re.Match[str]) -> str:
    value = roman_to_int(match["r"])
    if value is None:
        return match.group(0)
    return f"{match['ctx']} {_spoken(match['ctx'], value)}"


def _ordinal(match: re.Match[str]) -> str:
    return f"{match['ctx']} {ordinal(int(match['n']))}"


def _bare_roman(match: re.Match[str]) -> str:
    value = roman_to_int(match.group(0))
    return match.group(0) if value is None else spaced(cardinal(value))


RULES = (
    Rule(
        "roman numeral after its word",
        rf"(?P<ctx>\b(?i:{_ROMAN_CONTEXT}))\s+(?P<r>[IVXLC]+)(?![\w])",
        _roman_in_context,
    ),
    Rule("ordinal", r"(?P<ctx>\b(?i:thứ))\s+(?P<n>\d+)(?![\d\w]|[.,/]\d)", _ordinal),
)

# A multi-letter Roman numeral anywhere ("Chương trình XII", headings "PHẦN II") is still a number.
BARE_ROMAN = Rule("bare roman numeral", r"(?<![\w])[IVX]{2,}(?![\w])", _bare_roman)
