"""Search snippets: an excerpt of the original text around the match, the matched words in <mark>."""

from __future__ import annotations

import html
import re

from layerformat.text import fold

SNIPPET_CHARS = 220


def make_snippet(text: str, terms: list[str], *, folded: str | None = None) -> str:
    """HTML excerpt of the original `text` around the first match, matches in <mark>, the rest escaped.

    Folding keeps character positions for NFC Vietnamese, so the folded text (`folded`, which the index keeps
    beside the body, or folded here) is searched and the same span of the original is shown.
    """
    folded = fold(text) if folded is None else folded
    words = sorted((t for t in terms if t and not t.isspace()), key=len, reverse=True)
    if len(folded) != len(text) or not words:
        return _plain_snippet(text)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)")
    # Centre on the words as typed, together, where they occur so; else on the first matching word.
    phrase = re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, terms)) + r"(?!\w)") if len(terms) > 1 else None
    first = (phrase.search(folded) if phrase else None) or pattern.search(folded)
    if first is None:
        return _plain_snippet(text)
    start = max(0, first.start() - SNIPPET_CHARS // 4)
    if start:
        start = text.find(" ", start, first.start()) + 1 or start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        end = text.rfind(" ", first.end(), end) if text.rfind(" ", first.end(), end) > 0 else end
    parts, pos = [], start
    for match in pattern.finditer(folded, start, end):
        parts += [html.escape(text[pos:match.start()], quote=False),
                  "<mark>", html.escape(text[match.start():match.end()], quote=False), "</mark>"]
        pos = match.end()
    parts.append(html.escape(text[pos:end], quote=False))
    return ("… " if start else "") + "".join(parts).strip() + (" …" if end < len(text) else "")


def _plain_snippet(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
    return html.escape(text, quote=False)
