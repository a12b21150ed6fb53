"""Fallback twins of `site_builder.text.fold` and `html_to_text`, used only where that module is absent."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

_LETTERS = str.maketrans({"đ": "d", "Đ": "d", "Ð": "d"})


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()
