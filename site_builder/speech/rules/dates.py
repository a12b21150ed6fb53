"""Dates and times: "26/01/2022" is "ngày hai mươi sáu tháng một năm hai nghìn không trăm hai mươi hai".

The press writes day and month with a dash ("chiều 5-7"), administrative texts with a slash ("28/6"), and
both leave out the words "ngày", "tháng", "năm" that a listener needs; these rules put them back.
"""

from __future__ import annotations

import re

from site_builder.speech.rules.base import Rule, spaced
from site_builder.speech.rules.numbers import cardinal, day_name, month_name

# Words after which "d-m" is a date, not a range ("chiều 5-7" is the fifth of July).
_PRESS_CONTEXT = r"ngày|sáng|chiều|tối|trưa|đêm|hôm|rạng sáng|dịp|kỷ niệm|lễ"
# Words after which "d/m" is a ratio, not a date ("đạt 8/10 chỉ tiêu").
_RATIO_WORDS = frozenset({"đạt", "có", "được", "chiếm", "gồm", "trong", "lệ", "số", "trên"})
_START = r"(?<![\d/.,:-])"
_END = r"(?![\d/]|[.,:-]\d)"


def _is_date(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


def _spoken_date(day: int, month: int, year: str | None) -> str:
    words = f"ngày {day_name(day)} tháng {month_name(month)}"
    return words + (f" năm {cardinal(int(year))}" if year else "")


def _full_date(match: re.Match[str]) -> str:
    day, month = int(match["d"]), int(match["m"])
    if not _is_date(day, month):
        return match.group(0)
    return spaced(_spoken_date(day, month, match["y"]))


def _month_year(match: re.Match[str]) -> str:
    month = int(match["m"])
    if not 1 <= month <= 12:
        return match.group(0)
    return spaced(f"tháng {month_name(month)} năm {cardinal(int(match['y']))}")


def _quarter_year(match: re.Match[str]) -> str:
    quarter = {"I": 1, "II": 2, "III": 3, "IV": 4}.get(match["q"].upper()) or int(match["q"])
    return spaced(f"quý {cardinal(quarter)} năm {cardinal(int(match['y']))}")


def _press_date(match: re.Match[str]) -> str:
    day, month = int(match["d"]), int(match["m"])
    if not _is_date(day, month):
        return match.group(0)
    context = match["ctx"]
    date = _spoken_date(day, month, match["y"])
    if context.lower() in ("ngày", "hôm"):
        date = date.removeprefix("ngày ")
    return spaced(f"{context} {date}")


def _descending_pair(match: re.Match[str]) -> str:
    """A pair such as "30-4" or "8-8" cannot be a range (ranges go up), so it is a day and a month."""
    day, month = int(match["d"]), int(match["m"])
    if day < month or not _is_date(day, month):
        return match.group(0)
    return spaced(_spoken_date(day, month, None))


def _bracketed_date(match: re.Match[str]) -> str:
    day, month = int(match["d"]), int(match["m"])
    if not _is_date(day, month):
        return match.group(0)
    return f"{match['ctx']}, {_spoken_date(day, month, None)},"


def _listed_date(match: re.Match[str]) -> str:
    day, month = int(match["d"]), int(match["m"])
    if not _is_date(day, month):
        return match.group(0)
    return f"{match['prev']}{_spoken_date(day, month, None)}"


def _previous_word(match: re.Match[str]) -> str:
    before = match.string[max(0, match.start() - 40) : match.start()].split()
    return before[-1].lower() if before else ""


def _day_month(match: re.Match[str]) -> str:
    day, month = int(match["d"]), int(match["m"])
    if not _is_date(day, month) or (not match["pre"] and _previous_word(match) in _RATIO_WORDS):
        return match.group(0)
    return spaced(_spoken_date(day, month, None))


def _clock(match: re.Match[str]) -> str:
    hours, minutes = int(match["h"]), int(match["min"] or 0)
    if hours > 24 or minutes > 59:
        return match.group(0)
    words = f"{cardinal(hours)} giờ"
    if minutes:
        words += f" {cardinal(minutes)} phút"
    if match.groupdict().get("s"):
        words += f" {cardinal(int(match['s']))} giây"
    return spaced(words)


def _month_word(match: re.Match[str]) -> str:
    month = int(match["m"])
    return f"{match['w']} {month_name(month)}" if 1 <= month <= 12 else match.group(0)


def _day_word(match: re.Match[str]) -> str:
    day = int(match["d"])
    return f"{match['w']} {day_name(day)}" if 1 <= day <= 31 else match.group(0)


_I = re.IGNORECASE
RULES = (
    Rule(
        "full date",
        r"(?:\bngày\s+)?" + _START + r"(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})" + _END,
        _full_date,
        _I,
    ),
    Rule(
        "quarter and year",
        r"\bquý\s+(?P<q>IV|I{1,3}|[1-4])\s*/\s*(?P<y>\d{4})" + _END,
        _quarter_year,
        _I,
    ),
    Rule("month and year", r"(?:\btháng\s+)?" + _START + r"(?P<m>\d{1,2})/(?P<y>\d{4})" + _END, _month_year, _I),
    Rule(
        "press date",
        rf"(?P<ctx>\b(?:{_PRESS_CONTEXT}))\s+(?P<d>\d{{1,2}})-(?P<m>\d{{1,2}})(?:-(?P<y>\d{{4}}))?" + _END,
        _press_date,
        _I,
    ),
    # "Sáng nay (5-7)": the press puts today's date in brackets.
    Rule(
        "bracketed date",
        r"(?P<ctx>\b(?:nay|qua|mai))\s*\(\s*(?P<d>\d{1,2})[-/](?P<m>\d{1,2})\s*\)",
        _bracketed_date,
        _I,
    ),
    # "dịp 30-4 và 1-5": a pair listed after a date is a date too.
    Rule(
        "listed date",
        r"(?P<prev>\btháng [^\W\d]+\s*(?:,|và|hoặc|đến)\s*)(?P<d>\d{1,2})-(?P<m>\d{1,2})" + _END,
        _listed_date,
        _I,
    ),
    Rule("descending pair", _START + r"(?P<d>\d{1,2})-(?P<m>\d{1,2})" + r"(?![\d/:%]|[.,-]\d|\s*%)", _descending_pair),
    Rule("day and month", r"(?P<pre>\bngày\s+)?" + _START + r"(?P<d>\d{1,2})/(?P<m>\d{1,2})" + _END, _day_month, _I),
    # "(03/02/1930 - 03/02/2024)": a dash between two dates is a span.
    Rule("date span", r"(?<=\S)\s+-\s+(?=ngày\b)", " đến ", _I),
    Rule("clock", _START + r"(?P<h>\d{1,2}):(?P<min>\d{2})(?::(?P<s>\d{2}))?" + _END, _clock),
    Rule("hour mark", r"(?<![\w.,])(?P<h>\d{1,2})\s?(?:h|g(?=\d))(?P<min>\d{2})?(?![\w])", _clock),
    # "tháng 8-2021": the press also joins month and year with a dash.
    Rule(
        "month and year with a dash",
        r"(?P<w>\btháng)\s+(?P<m>\d{1,2})[-.](?P<y>\d{4})" + _END,
        lambda m: _month_year(m) if 1 <= int(m["m"]) <= 12 else m.group(0),
        _I,
    ),
    Rule("month word", r"(?P<w>\btháng)\s+(?P<m>\d{1,2})" + _END, _month_word, _I),
    Rule("day word", r"(?P<w>\bngày)\s+(?P<d>\d{1,2})(?=\s+tháng\b)", _day_word, _I),
    # "từ ngày 7 đến 10-9": the first day of a span is a day of the month too.
    Rule(
        "first day of a span",
        r"(?P<w>\bngày)\s+(?P<d>\d{1,2})(?=\s*(?:,|và|đến|tới|-)\s*(?:ngày\s+)?(?:mùng\s+)?[\w]+\s+tháng\b)",
        _day_word,
        _I,
    ),
)
