"""Symbols espeak-ng would skip or read oddly, and the final tidy-up of spaces and punctuation."""

from __future__ import annotations

import re

from site_builder.speech.rules.base import Rule, spaced

# Units and counted things: "đồng/người/năm" is a rate ("mỗi"); elsewhere a slash lists alternatives
# ("xã/phường/thị trấn") and is read as a short pause.
_RATE_WORDS = frozenset(
    "trăm đồng triệu tỷ nghìn ha héc ta tấn tạ kg gam mét vuông khối km người lượt hộ khẩu suất".split()
    + "tháng năm ngày giờ".split()
)

TYPOGRAPHY = str.maketrans(
    {
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",
        "\u00ad": "",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u201c": '"',
        "\u201d": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u00ab": '"',
        "\u00bb": '"',
    }
)


def _slash(match: re.Match[str]) -> str:
    left = match["left"]
    if left.lower() in _RATE_WORDS:
        return f"{left} mỗi "
    return f"{left}, "


RULES = (
    Rule("percent", r"%", spaced("phần trăm")),
    Rule("slash between words", r"(?P<left>\w+)\s*/\s*(?=\w)", _slash),
    Rule("ampersand", r"&", spaced("và")),
    Rule("plus", r"\+", spaced("cộng")),
    Rule("equals", r"=", spaced("bằng")),
    Rule("at", r"@", spaced("a còng")),
    Rule("degree", r"°", spaced("độ")),
    # A dash between spaces, brackets and list marks are pauses; a dash inside a word ("Mác-Lênin") is not.
    Rule("spaced dash", r"\s-+\s|^\s*-+\s*|\s-+$", ", "),
    Rule("word dash", r"(?<=\w)-+(?=\w)", " "),
    Rule("brackets", r"[()\[\]{}]", ", "),
    Rule("ellipsis", r"\.{2,}", "."),
    Rule("quotes and marks", r"[\"'`*_~^|<>\\•·▪●■►✓§¶#№]", " "),
    Rule("leftover slash or dash", r"[/-]", " "),
)

TIDY = (
    Rule("space before punctuation", r"\s+([,.;:!?])", r"\1"),
    Rule("repeated commas", r",(?:\s*,)+", ","),
    Rule("comma before stop", r",\s*([.;:!?])", r"\1"),
    Rule("stop after stop", r"([.;:!?])(?:\s*[,.])+", r"\1"),
    Rule("leading punctuation", r"^[\s,.;:]+", ""),
    Rule("trailing comma", r"[\s,]+$", ""),
    Rule("space after punctuation", r"([,;:!?])(?=\w)", r"\1 "),
    Rule("spaces", r"\s+", " "),
)
