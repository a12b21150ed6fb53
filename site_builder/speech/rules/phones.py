"""Telephone numbers are read digit by digit, in the groups they are written in.

"0208.3855.123" read as a number would be "hai trăm linh tám chấm …"; a caller needs "không hai không tám, ba tám
năm năm, một hai ba". A number is a telephone number when a word such as "điện thoại" or "hotline" announces it,
or when it starts with 0 and has the ten or eleven digits of a Vietnamese subscriber number.
"""

from __future__ import annotations

import re

from site_builder.speech.rules.base import Rule, spaced
from site_builder.speech.rules.numbers import digits

_ANNOUNCING = r"điện thoại|ĐT|SĐT|đt|sđt|hotline|Hotline|đường dây nóng|số máy|fax|Fax|Zalo|zalo"
_PHONE_BODY = r"\+?\(?\d[\d .()-]{5,}\d"


def _groups(text: str) -> str:
    plus = "cộng " if text.lstrip().startswith("+") else ""
    groups = [g for g in re.split(r"[ .()-]+", text.replace("+", "")) if g]
    if len(groups) == 1 and len(groups[0]) >= 9:
        # Written without separators: pause where a subscriber number is usually grouped (4-3-3).
        number = groups[0]
        groups = [number[:4], number[4:7], number[7:]]
    return spaced(plus + ", ".join(digits(group) for group in groups))


_SAID_AS = {"đt": "điện thoại", "sđt": "số điện thoại", "hotline": "đường dây nóng"}


def _announced(match: re.Match[str]) -> str:
    context = _SAID_AS.get(match["ctx"].lower(), match["ctx"])
    return f"{context}{match['sep']}{_groups(match['phone'])}"


def _subscriber(match: re.Match[str]) -> str:
    count = sum(ch.isdigit() for ch in match.group(0))
    return _groups(match.group(0)) if count in (10, 11) else match.group(0)


RULES = (
    Rule(
        "announced phone",
        rf"(?P<ctx>(?<![\w])(?i:{_ANNOUNCING}))(?P<sep>\s*[:.]?\s*)(?P<phone>{_PHONE_BODY})(?![\d])",
        _announced,
    ),
    Rule("subscriber number", r"(?<![\w.,/-])0\d{2,3}(?:[ .]?\d{3,4}){2}(?![\w.,/-]\d|\d)", _subscriber),
)
