"""The API's full-text index (Whoosh): one document per published article, searched only within the caller's layers.

Vietnamese readers type with or without tone marks, so the indexed text is folded (NFD, marks dropped, đ→d,
lower case) and so is every query: "nghi quyet" and "nghị quyết" both find "Nghị quyết". Title and body are
stored in their original form for display; snippets highlight the original text (see `snippets.py`).

Layer-scoped terms. Every indexed term carries its layer: "Nghị quyết" in layer `u/tn/dt/all` is indexed as
`tn.dt.all~nghi` and `tn.dt.all~quyet`. A member's query is built only from the terms of the layers they may
read, so another layer's document cannot match, be scored or be counted — a filter that is part of the query,
never applied after paging. It is also what keeps search fast: a term's posting list holds one layer's
documents, not the whole province's, so ranking work grows with what the member can read. Each layer is
searched on its own and the per-layer top lists are merged by score; those lists are cached per index
generation, so the province layer, which every member reads, is ranked once per query and process.

whoosh-reloaded (2.7.5, maintained fork, same `whoosh` import) is used instead of whoosh 2.7.4, whose unmaintained
sources raise SyntaxWarnings on import on current Pythons.

The index is written when a layer is built (`update_layer`, on publishing's `layer_built` signal, connected
in `ApiConfig.ready`, after publish, unpublish and move) and can be rebuilt from live pages (`rebuild_index`,
`sotay manage rebuild_search_index`). Writers in different processes wait for Whoosh's file lock, so
concurrent builds never interleave.
"""

from __future__ import annotations

import fcntl
import json
import logging
import re
import shutil
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from whoosh import index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.query import And, Term
from whoosh.writing import CLEAR

from layerformat.fsutil import locked, write_atomic
from layerformat.model import Article, LayerId
from layerformat.text import fold, html_to_text

from .scoring import FastBM25F
from .snippets import make_snippet

logger = logging.getLogger("sotay.api.search")

WRITE_TIMEOUT_S = 120
MAX_QUERY_TERMS = 8
# Words are letters and digits; "12.450" and "90,14" stay whole. No stop words and no minimum length: English
# stop lists would drop Vietnamese syllables ("an" of "an ninh").
_WORD = re.compile(r"\w+(?:[.,]\w+)*")


def words(text: str) -> list[str]:
    """Folded words of `text`, in order."""
    return _WORD.findall(fold(unicodedata.normalize("NFC", text)))


def layer_key(layer: LayerId) -> str:
    return ".".join((*layer.unit_path, layer.tier))


def make_schema() -> Schema:
    return Schema(
        page_id=ID(stored=True, unique=True),
        layer=ID(stored=True),
        content=TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=False),  # layer-scoped folded words
        title=STORED(),
        body=STORED(),
        unit=STORED(),
        published=STORED(),
        published_ts=NUMERIC(int, bits=64, stored=True),
        url=STORED(),
        kind=ID(stored=True),
    )


_SCHEMA = make_schema()
_lock = threading.Lock()
_open: dict[str, index.Index] = {}
_searchers: dict[str, object] = {}


def index_dir() -> Path:
    from django.conf import settings

    return Path(settings.SOTAY_VAR_DIR) / "search"


def open_index(directory: Path | None = None) -> index.Index:
    """The index in `directory` (default: var/search), created empty on first use."""
    directory = Path(directory or index_dir())
    key = str(directory)
    with _lock:
        if key not in _open:
            directory.mkdir(parents=True, exist_ok=True)
            # Another process (the build worker, another gunicorn worker) may be creating it at this moment.
            with (directory / ".create.lock").open("w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not index.exists_in(directory):
                    index.create_in(directory, _SCHEMA)
            _open[key] = index.open_dir(directory)
        return _open[key]


def _document(article: Article) -> dict:
    text = html_to_text(article.body_html)
    title = unicodedata.normalize("NFC", article.title)
    body = unicodedata.normalize("NFC", f"{article.summary}\n{text}" if article.summary else text)
    key = layer_key(article.layer)
    # The title twice: a word in the title weighs more than one in the body.
    content = " ".join(f"{key}~{word}" for word in words(title) * 2 + words(body))
    return {
        "page_id": str(article.id),
        "layer": article.layer.prefix,
        "content": content,
        "title": title,
        "body": body,
        "unit": article.unit_name,
        "published": article.published_at.isoformat(),
        "published_ts": int(article.published_at.timestamp()),
        "url": f"/{article.layer.prefix}/a/{article.id}/",
        "kind": article.kind,
    }


# Bump when `_document` changes what it makes of an article: every fingerprint changes, so every page is
# written again at its layer's next build.
DOCUMENT_FORMAT = 1
PRINTS_DIR = "layers"


def _prints_path(ix: index.Index, layer: LayerId) -> Path:
    return Path(ix.storage.folder) / PRINTS_DIR / f"{layer_key(layer)}.json"


def _read_prints(path: Path) -> dict[str, str] | None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _forget_prints(ix: index.Index) -> None:
    """Bulk writes (a rebuild) do not keep the per-layer prints: drop them, the next build compares documents."""
    shutil.rmtree(Path(ix.storage.folder) / PRINTS_DIR, ignore_errors=True)


def update_layer(layer: LayerId, articles: list[Article], *, directory: Path | None = None) -> int:
    """Make the index hold exactly `articles` (the layer's live pages) for `layer`, in one commit.

    Only pages that are new, changed or gone are written: a publish in a layer of thousands of articles
    touches one document, not all of them. What the index holds per layer is remembered as a fingerprint
    per page (`layers/<layer>.json` beside the index, written after each commit), so finding the changed
    pages costs a hash per article; without that file the stored documents are compared instead.
    Returns the number of documents written or deleted.
    """
    ix = open_index(directory)
    prints_path = _prints_path(ix, layer)
    with locked(prints_path.with_suffix(".lock")):
        # Every field of the article counts (more than `_document` reads): a print that changes for a field
        # the document does not use only rewrites that one document.
        prints = {str(a.id): a.fingerprint("search", DOCUMENT_FORMAT) for a in articles}
        known = _read_prints(prints_path)
        if known is not None:
            changed = [a for a in articles if known.get(str(a.id)) != prints[str(a.id)]]
            gone = [pid for pid in known if pid not in prints]
            documents = [_document(a) for a in changed]
        else:
            wanted = {str(a.id): _document(a) for a in articles}
            with ix.searcher() as searcher:
                current = {doc["page_id"]: doc for doc in searcher.documents(layer=layer.prefix)}
            compared = ("title", "body", "unit", "published", "url", "kind")
            documents = [doc for pid, doc in wanted.items()
                         if pid not in current or any(current[pid].get(f) != doc[f] for f in compared)]
            gone = [pid for pid in current if pid not in wanted]
        if documents or gone:
            writer = ix.writer(timeout=WRITE_TIMEOUT_S)
            try:
                for pid in gone:
                    writer.delete_by_term("page_id", pid)
                for doc in documents:
                    writer.update_document(**doc)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
        if documents or gone or known != prints:
            write_atomic(prints_path, json.dumps(prints, separators=(",", ":")).encode())
    if documents or gone:
        logger.info("search index: %s: %d written, %d removed, %d in all", layer.prefix, len(documents), len(gone),
                    len(prints))
    return len(documents) + len(gone)


def add_articles(articles: Iterable[Article], *, directory: Path | None = None) -> int:
    """Add many articles in one writer (used by the full rebuild and the benchmark)."""
    ix = open_index(directory)
    _forget_prints(ix)
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
    from cms.publishing.export import all_layers, export_layer

    ix = open_index(directory)
    _forget_prints(ix)
    writer = ix.writer(timeout=WRITE_TIMEOUT_S)
    writer.commit(mergetype=CLEAR)
    count = add_articles((a for layer in all_layers() for a in export_layer(layer)), directory=directory)
    logger.info("search index rebuilt: %d documents", count)
    return count


def _searcher(ix: index.Index):
    key = str(ix.storage.folder)
    with _lock:
        current = _searchers.get(key)
        if current is None or not current.up_to_date():
            # Not Searcher.refresh(): its reused segment readers keep the old deletions, so an unpublished page
            # would still be found. The old searcher is dropped, not closed, as another thread may be using it.
            current = ix.searcher(weighting=FastBM25F())
        _searchers[key] = current
        return current


def query_words(q: str) -> list[str]:
    """The distinct folded words of what the member typed (operators and symbols are plain separators)."""
    return list(dict.fromkeys(words(q)))[:MAX_QUERY_TERMS]


def search_layers(layers: list[LayerId], q: str, *, limit: int = 20, directory: Path | None = None) -> list[dict]:
    """Best matches of `q` (every word must occur) among the documents of `layers` only."""
    terms = query_words(q)
    if not terms or not layers:
        return []
    limit = max(1, min(limit, 50))
    ix = open_index(directory)
    searcher = _searcher(ix)
    folder = str(ix.storage.folder)
    merged = [hit for layer in dict.fromkeys(layers) for hit in _layer_hits(searcher, folder, layer, terms, limit)]
    merged.sort(key=lambda hit: (-hit[0], -hit[1]))
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


def _layer_hits(searcher, folder: str, layer: LayerId, terms: list[str], limit: int) -> list[tuple[float, int]]:
    """(score, document number) of the layer's best matches; numbers are valid for this index generation."""
    key = (folder, searcher.ixreader.generation(), layer.prefix, tuple(terms), limit)
    with _lock:
        cached = _results.get(key)
        if cached is not None:
            _results.move_to_end(key)
            return cached
    scope = layer_key(layer)
    query = And([Term("content", f"{scope}~{word}") for word in terms])
    found = [(hit.score, hit.docnum) for hit in searcher.search(query, limit=limit)]
    with _lock:
        _results[key] = found
        while len(_results) > _RESULTS_CACHE_SIZE:
            _results.popitem(last=False)
    return found


def search(member, q: str, limit: int = 20) -> list[dict]:
    """Search across exactly the layers the member may read (nothing for an inactive member)."""
    from cms.org.selectors import layers_for

    return search_layers(layers_for(member), q, limit=limit)


def document_count(directory: Path | None = None) -> int:
    return open_index(directory).doc_count()


def reset_cache() -> None:
    """Forget open indexes, searchers and cached results (tests point SOTAY_VAR_DIR somewhere new)."""
    with _lock:
        for searcher in _searchers.values():
            searcher.close()
        _searchers.clear()
        _open.clear()
        _results.clear()
