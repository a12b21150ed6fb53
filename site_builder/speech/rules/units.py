"""Units written after numbers ("50.000đ", "12 km²", "3,5 ha") are said in full."""

from __future__ import annotations

import re

from site_builder.speech.rules.base import Rule, spaced

UNITS = {
    "km²": "ki lô mét vuông",
    "km2": "ki lô mét vuông",
    "m²": "mét vuông",
    "m2": "mét vuông",
    "m³": "mét khối",
    "m3": "mét khối",
    "km": "ki lô mét",
    "cm": "xăng ti mét",
    "mm": "mi li mét",
    "m": "mét",
    "ha": "héc ta",
    "kg": "ki lô gam",
    "tr.đ": "triệu đồng",
    "trđ": "triệu đồng",
    "tr": "triệu",
    "đ": "đồng",
    "VNĐ": "đồng",
    "VND": "đồng",
    "USD": "đô la mỹ",
    "°C": "độ xê",
    "MW": "mê ga oát",
    "kWh": "ki lô oát giờ",
    "km/h": "ki lô mét một giờ",
}

_KEYS = "|".join(re.escape(k) for k in sorted(UNITS, key=len, reverse=True))


def _unit(match: re.Match[str]) -> str:
    return match["num"] + spaced(UNITS[match["unit"]])


RULES = (
    Rule("unit after number", rf"(?P<num>\d)\s?(?P<unit>{_KEYS})(?![\w²³])", _unit),
    # "5,8 tấn/ha", "người/km²": the unit after a rate's slash has no number of its own.
    Rule("unit after slash", rf"(?<=/)(?P<unit>{_KEYS})(?![\w²³])", lambda m: UNITS[m["unit"]]),
)
