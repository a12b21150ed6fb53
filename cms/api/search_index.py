"""The API's full-text index (Whoosh): one document per published article, searched only within the caller's layers.

Vietnamese readers type with or without tone marks, so title and body are analysed by a folding analyzer: each
token is folded (NFD, marks dropped, đ→d, lower case) while keeping its offsets in the original text. The folded
terms are what is indexed and queried; the stored original is what snippets highlight. "nghi quyet" and
"nghị quyết" both find "Nghị quyết", and the snippet shows "<mark>Nghị</mark> <mark>quyết</mark>".

whoosh-reloaded (2.7.5, maintained fork, same `whoosh` import) is used instead of whoosh 2.7.4, whose unmaintained
sources raise SyntaxWarnings on import on current Pythons.

The index is written when a layer is built (`update_layer`, called by the build queue after publish, unpublish
and move) and can be rebuilt from live pages (`rebuild_index`). Writers in different processes wait for Whoosh's
file lock, so concurrent builds never interleave.
"""

from __future__ import annotations

import html
import logging
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from whoosh import index
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.qparser import AndGroup, QueryParser
from whoosh.query import Require, Term
from whoosh.writing import CLEAR

from site_builder.model import Article, LayerId

try:
    from site_builder.text import fold, html_to_text
except ImportError:  # the shared text helpers are optional; the API keeps a twin of `fold`
    from ._text import fold, html_to_text

logger = logging.getLogger("sotay.api.search")

WRITE_TIMEOUT_S = 120
SNIPPET_CHARS = 220
_QUERY_JUNK = re.compile(r"[^\w\s\"*]+")


class FoldFilter(Filter):
    """Replace each token's text by its folded form; start/end characters still point into the original."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = fold(token.text)
            yield token


def folding_analyzer():
    # No stop words and no minimum length: English stop lists drop Vietnamese syllables ("an" of "an ninh").
    return RegexTokenizer(r"\w+(?:[.,]\w+)*") | LowercaseFilter() | FoldFilter()


def make_schema() -> Schema:
    analyzer = folding_analyzer()
    return Schema(
        page_id=ID(stored=True, unique=True),
        layer=ID(stored=True),
        # One indexed field (title twice, summary, body): an AND of plain posting lists is far cheaper in Whoosh
        # than an AND of per-field unions. Title and body are stored for display and snippets only.
        content=TEXT(analyzer=analyzer),
        title=STORED(),
        body=STORED(),
        unit=STORED(),
        published=STORED(),
        published_ts=NUMERIC(int, bits=64, stored=True),
        url=STORED(),
        kind=ID(stored=True),
    )


_SCHEMA = make_schema()


def index_dir() -> Path:
    from django.conf import settings

    return Path(settings.SOTAY_VAR_DIR) / "search"


_lock = threading.Lock()
_open: dict[str, index.Index] = {}
_searchers: dict[str, object] = {}


def open_index(directory: Path | None = None) -> index.Index:
    """The index in `directory` (default: var/search), created empty on first use."""
    directory = Path(directory or index_dir())
    key = str(directory)
    with _lock:
        if key not in _open:
            directory.mkdir(parents=True, exist_ok=True)
            if not index.exists_in(directory):
                index.create_in(directory, _SCHEMA)
            _open[key] = index.open_dir(directory)
        return _open[key]


def _document(article: Article) -> dict:
    text = html_to_text(article.body_html)
    body = f"{article.summary}\n{text}" if article.summary else text
    title = unicodedata.normalize("NFC", article.title)
    body = unicodedata.normalize("NFC", body)
    return {
        "page_id": str(article.id),
        "layer": article.layer.prefix,
        "content": f"{title}\n{title}\n{body}",
        "title": title,
        "body": body,
        "unit": article.unit_name,
        "published": article.published_at.isoformat(),
        "published_ts": int(article.published_at.timestamp()),
        "url": f"/{article.layer.prefix}/a/{article.id}/",
        "kind": article.kind,
    }


def update_layer(layer: LayerId, articles: list[Article], *, directory: Path | None = None) -> int:
    """Replace every document of `layer` by `articles` (the layer's live pages) in one commit."""
    ix = open_index(directory)
    writer = ix.writer(timeout=WRITE_TIMEOUT_S)
    try:
        writer.delete_by_term("layer", layer.prefix)
        for article in articles:
            writer.add_document(**_document(article))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    logger.info("search index: %s now has %d documents", layer.prefix, len(articles))
    return len(articles)


def add_articles(articles: Iterable[Article], *, directory: Path | None = None) -> int:
    """Add many articles in one writer (used by the full rebuild and the benchmark)."""
    ix = open_index(directory)
    writer = ix.writer(timeout=WRITE_TIMEOUT_S, limitmb=256)
    count = 0
    try:
        for article in articles:
            writer.update_document(**_document(article))
            count += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return count


def rebuild_index(*, directory: Path | None = None) -> int:
    """Drop the index and index every live article of every layer again."""
    from site_builder.export import all_layers, export_layer

    ix = open_index(directory)
    writer = ix.writer(timeout=WRITE_TIMEOUT_S)
    writer.commit(mergetype=CLEAR)
    count = add_articles((a for layer in all_layers() for a in export_layer(layer)), directory=directory)
    logger.info("search index rebuilt: %d documents", count)
    return count


def _searcher(ix: index.Index):
    key = str(ix.storage.folder)
    with _lock:
        current = _searchers.get(key)
        if current is None:
            current = ix.searcher()
        elif not current.up_to_date():
            # Not Searcher.refresh(): its reused segment readers keep the old deletions, so an unpublished page
            # would still be found. The old searcher is dropped, not closed, as another thread may be using it.
            current = ix.searcher()
        _searchers[key] = current
        return current


def parse_query(q: str):
    text = fold(unicodedata.normalize("NFC", _QUERY_JUNK.sub(" ", q))).strip()
    if not text or not re.search(r"\w", text):
        return None
    parser = QueryParser("content", schema=_SCHEMA, group=AndGroup)
    return parser.parse(text)


def search_layers(layers: list[LayerId], q: str, *, limit: int = 20, directory: Path | None = None) -> list[dict]:
    """Best matches of `q` among documents of `layers` only.

    Each layer is searched on its own (`Require(query, layer)`: the layer is part of the query, so Whoosh only
    ever visits that layer's documents) and the per-layer top lists are merged by score; scores come from one
    index, so they compare. Nothing outside the layers is scored, counted or returned, and no result list is
    filtered after paging. Per-layer lists are cached per index generation: the province layer, which every
    member reads, is ranked once per query and process, not once per member.
    """
    query = parse_query(q)
    if query is None or not layers:
        return []
    limit = max(1, min(limit, 50))
    ix = open_index(directory)
    searcher = _searcher(ix)
    folder = str(ix.storage.folder)
    merged = [hit for layer in dict.fromkeys(layers) for hit in _layer_hits(searcher, folder, layer, query, limit)]
    merged.sort(key=lambda hit: (-hit[0], -hit[1]))
    terms = list(dict.fromkeys(text for _field, text in query.iter_all_terms()))
    # Stored fields (with the body, for the snippet) are read only for the hits actually returned.
    return [_result(searcher.stored_fields(docnum), terms) for _score, docnum in merged[:limit]]


def _result(fields: dict, terms: list[str]) -> dict:
    return {
        "title": fields["title"],
        "url": fields["url"],
        "snippet": make_snippet(fields["body"], terms),
        "unit": fields["unit"],
        "published": fields["published"],
        "kind": fields.get("kind"),
        "layer": fields["layer"],
    }


_RESULTS_CACHE_SIZE = 4096
_results: OrderedDict[tuple, list] = OrderedDict()


def _layer_hits(searcher, folder: str, layer: LayerId, query, limit: int) -> list[tuple[float, int]]:
    """(score, document number) of the layer's best matches; numbers are valid for this index generation."""
    key = (folder, searcher.ixreader.generation(), layer.prefix, repr(query), limit)
    with _lock:
        cached = _results.get(key)
        if cached is not None:
            _results.move_to_end(key)
            return cached
    hits = searcher.search(Require(query, Term("layer", layer.prefix)), limit=limit, optimize=False)
    found = [(hit.score, hit.docnum) for hit in hits]
    with _lock:
        _results[key] = found
        while len(_results) > _RESULTS_CACHE_SIZE:
            _results.popitem(last=False)
    return found


def search(member, q: str, limit: int = 20) -> list[dict]:
    """Search across exactly the layers the member may read (nothing for an inactive member)."""
    from cms.org.selectors import layers_for

    return search_layers(layers_for(member), q, limit=limit)


def make_snippet(text: str, terms: list[str]) -> str:
    """HTML excerpt of the original `text` around the first match, matches in <mark>, the rest escaped.

    Whoosh's highlighter re-analyses the whole body for every hit (5 ms each); folding keeps character positions
    for NFC Vietnamese, so the folded text is searched and the same span of the original is shown instead.
    """
    folded = fold(text)
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


def document_count(directory: Path | None = None) -> int:
    return open_index(directory).doc_count()


def reset_cache() -> None:
    """Forget open indexes and searchers (tests point SOTAY_VAR_DIR somewhere new)."""
    with _lock:
        for searcher in _searchers.values():
            searcher.close()
        _searchers.clear()
        _open.clear()
        _results.clear()
