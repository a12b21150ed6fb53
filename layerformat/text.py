"""Text helpers shared by every search index: tone folding and HTML-to-text.

Vietnamese readers often type without tone marks, so every index stores a folded copy of the text and every
query is folded the same way (Pagefind in the browser uses the JavaScript twin in
`themes/reader/assets/sotay/fold.js`; keep the two in step).
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

# đ/Đ are letters of their own, not d plus a mark, so NFD leaves them alone. U+00D0 (Icelandic eth) is kept
# here because legacy Vietnamese encodings often used it for Đ.
_LETTERS = str.maketrans({"đ": "d", "Đ": "d", "Ð": "d"})
_SPACES = re.compile(r"\s+")


class _FoldTable(dict):
    """Per-character folds, computed on first sight: texts use a few hundred distinct characters, so
    `str.translate` with this table folds a long document in C instead of a Python loop per character."""

    def __missing__(self, code: int) -> str:
        char = chr(code).translate(_LETTERS)
        folded = "".join(c for c in unicodedata.normalize("NFD", char) if unicodedata.category(c) != "Mn").lower()
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Fold Vietnamese text for search: "Nghị quyết Đảng" -> "nghi quyet dang".

    NFD splits tone and vowel marks off their letters; nonspacing marks (category Mn) are dropped. Done per
    character, which equals doing it on the whole string: the marks removed are exactly the ones NFD
    would reorder.
    """
    return text.translate(_FOLD)


_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr "
    "li main nav ol p pre section table td th tr ul".split()
)
_SKIP_TAGS = frozenset({"script", "style", "template", "noscript"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed to single spaces."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return _SPACES.sub(" ", "".join(parser.parts)).strip()


def shorten(text: str, limit: int = 200) -> str:
    """Cut `text` at a word boundary to at most `limit` characters, adding an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:") + "…"
