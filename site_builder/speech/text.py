"""What to read aloud from an article: its title, then the text of its body, one block per line."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose end is a pause in speech; their text becomes a sentence of its own.
_BLOCKS = frozenset(
    "p div section article header footer aside blockquote h1 h2 h3 h4 h5 h6 li dt dd tr table ul ol dl "
    "figcaption caption pre address details summary".split()
)
_CELLS = frozenset({"td", "th"})
# Elements that are never read: code, media, and whatever a screen reader would skip.
_SILENT = frozenset({"script", "style", "noscript", "template", "svg", "math", "iframe", "audio", "video", "object"})
_END_PUNCTUATION = re.compile(r"[.!?…:;]$")


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._silent_depth = 0

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SILENT:
            self._silent_depth += 1
        elif tag in _BLOCKS or tag == "br":
            self._flush()
        elif tag in _CELLS:
            self._current.append(", ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SILENT:
            self._silent_depth = max(0, self._silent_depth - 1)
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._silent_depth:
            self._current.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def _sentence(text: str) -> str:
    text = text.strip(" ,")
    return text if _END_PUNCTUATION.search(text) else text + "."


def text_for_speech(title: str, body_html: str) -> str:
    """Plain text of an article for reading aloud, not yet normalised.

    The title comes first; every block (paragraph, heading, list item, table row) becomes one line ending in
    punctuation, so the voice pauses where a reader's eye would.
    """
    extractor = _Extractor()
    extractor.feed(body_html or "")
    extractor.close()
    lines = [" ".join(title.split())] if title and title.strip() else []
    lines += [block for block in extractor.blocks if block.strip(" ,")]
    return "\n".join(_sentence(line) for line in lines if line.strip(" ,"))
