"""Reading numbers the way a Northern Vietnamese newsreader does.

Cardinals follow the spoken rules rather than a digit-by-digit mapping: 21 is "hai mươi mốt", 24 "hai mươi tư",
15 "mười lăm", 105 "một trăm linh năm", and an inner group below a hundred keeps its "không trăm"
(2024 is "hai nghìn không trăm hai mươi tư"), which is how years and amounts are read on the radio.
"""

from __future__ import annotations

import re

from site_builder.speech.rules.base import Rule

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_SCALES = ("", "nghìn", "triệu")
_BILLION = 10**9


def _tens_and_units(tens: int, units: int, after_hundreds: bool) -> list[str]:
    if tens == 0:
        if units == 0:
            return []
        return ["linh", DIGITS[units]] if after_hundreds else [DIGITS[units]]
    words = ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if units == 0:
        return words
    if units == 5:
        return [*words, "lăm"]
    if tens >= 2 and units == 1:
        return [*words, "mốt"]
    if tens >= 2 and units == 4:
        return [*words, "tư"]
    return [*words, DIGITS[units]]


def _group(value: int, full: bool) -> list[str]:
    """Read 0 < value < 1000; `full` says a higher group precedes, so "không trăm" must be spoken."""
    hundreds, rest = divmod(value, 100)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    return words + _tens_and_units(rest // 10, rest % 10, after_hundreds=bool(words))


def _below_billion(value: int, full: bool) -> list[str]:
    groups: list[int] = []
    while value:
        value, group = divmod(value, 1000)
        groups.append(group)
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words += _group(group, full=full or bool(words))
        if _SCALES[index]:
            words.append(_SCALES[index])
    return words


def cardinal(value: int) -> str:
    """Spoken form of a non-negative integer: 97250 -> "chín mươi bảy nghìn hai trăm năm mươi"."""
    if value < 0:
        return "âm " + cardinal(-value)
    if value == 0:
        return DIGITS[0]
    billions, rest = divmod(value, _BILLION)
    words: list[str] = []
    if billions:
        words += [cardinal(billions), "tỷ"]
    words += _below_billion(rest, full=bool(billions))
    return " ".join(words)


def ordinal(value: int) -> str:
    """The word after "thứ": "nhất" and "tư" replace "một" and "bốn"."""
    return {1: "nhất", 4: "tư"}.get(value, cardinal(value))


def month_name(value: int) -> str:
    """Month 4 is "tháng tư", never "tháng bốn"."""
    return "tư" if value == 4 else cardinal(value)


def day_name(value: int) -> str:
    """Days 1 to 10 of a month are said with "mùng"."""
    return f"mùng {cardinal(value)}" if 1 <= value <= 10 else cardinal(value)


def digits(text: str) -> str:
    """Read every digit on its own, as for telephone numbers."""
    return " ".join(DIGITS[int(ch)] for ch in text if ch.isdigit())


def fraction_digits(text: str) -> str:
    """The part after "phẩy": short parts without a leading zero read as a number, the rest digit by digit."""
    if len(text) <= 2 and not text.startswith("0"):
        return cardinal(int(text))
    return digits(text)


_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman_to_int(text: str) -> int | None:
    """Value of a well-formed upper-case Roman numeral, or None (so "XIIII" or "IC" stay untouched)."""
    if not text or not _ROMAN.fullmatch(text):
        return None
    total = 0
    for index, char in enumerate(text):
        value = _ROMAN_VALUES[char]
        following = _ROMAN_VALUES[text[index + 1]] if index + 1 < len(text) else 0
        total += -value if value < following else value
    return total


# A written number: Vietnamese groups thousands with "." and writes decimals with ",".
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+\.\d+|\d+"
_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")


def read_number(text: str) -> str:
    """Spoken form of one written number matched by NUMBER."""
    if _GROUPED.fullmatch(text):
        whole, _, fraction = text.partition(",")
        spoken = cardinal(int(whole.replace(".", "")))
        return f"{spoken} phẩy {fraction_digits(fraction)}" if fraction else spoken
    if "," in text:
        whole, fraction = text.split(",")
        return f"{cardinal(int(whole))} phẩy {fraction_digits(fraction)}"
    if "." in text:
        # "4.0" (Industry 4.0), "2.5": not a thousands group, so read as a dotted name.
        whole, fraction = text.split(".")
        return f"{cardinal(int(whole))} chấm {digits(fraction)}"
    return cardinal(int(text))


def _number(match: re.Match[str]) -> str:
    return read_number(match.group(0))


def _percent(match: re.Match[str]) -> str:
    return f"{read_number(match.group(1))} phần trăm"


def _range(match: re.Match[str]) -> str:
    return f"{read_number(match.group(1))} đến {read_number(match.group(2))}"


def _fraction(match: re.Match[str]) -> str:
    return f"{read_number(match.group(1))} trên {read_number(match.group(2))}"


_NOT_AFTER = r"(?<![\d.,/\w])"
_NOT_BEFORE = r"(?![\d/\w]|[.,]\d)"

RULES = (
    # "#12", "№ 5": a number sign is said only before a number; markdown-like "##" before words is dropped later.
    Rule("number sign", r"(?:№|#)\s*(?=\d)", " số "),
    # "2021 - 2025", "2021-2025", "từ 5-7 người", "5–7%": a span of numbers.
    Rule(
        "range",
        _NOT_AFTER + rf"({NUMBER})\s*[-–—]\s*({NUMBER})" + _NOT_BEFORE,
        _range,
    ),
    Rule("percent", _NOT_AFTER + rf"({NUMBER})\s*%", _percent),
    Rule("per mille", _NOT_AFTER + rf"({NUMBER})\s*‰", lambda m: f"{read_number(m.group(1))} phần nghìn"),
    # "8/63 tỉnh": what is left of a slash between numbers once dates and codes are read is a ratio.
    Rule("ratio", _NOT_AFTER + rf"({NUMBER})\s*/\s*({NUMBER})" + _NOT_BEFORE, _fraction),
    Rule("number", _NOT_AFTER + rf"(?:{NUMBER})" + _NOT_BEFORE, _number),
)

# Whatever digits survive every rule (inside words such as "H5N1") are read one by one, so nothing is skipped.
LEFTOVER_DIGITS = Rule("leftover digits", r"\d+", lambda m: f" {cardinal(int(m.group(0)))} ")
