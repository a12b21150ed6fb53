"""The API's full-text index: SQLite FTS5 in one file per node, one document per published article, searched only
within the caller's layers.

Vietnamese readers type with or without tone marks, so the indexed text is folded (NFD, marks dropped, đ→d,
lower case) and so is every query: "nghi quyet" and "nghị quyết" both find "Nghị quyết". Title and body are
stored in their original form for display, beside the folded body the snippets are cut from (`snippets.py`).

Layer-scoped terms. Every indexed term carries its layer: "Nghị quyết" in layer `u/tn/dt/all` is indexed as
`tn.dt.all~nghi` and `tn.dt.all~quyet`. A member's query is built only from the terms of the layers they may
read, so another layer's document cannot match, be scored or be counted — a filter that is part of the query,
never applied after paging. It is also what keeps search fast: a term's posting list holds one layer's
documents, not the whole province's, so ranking work grows with what the member can read. Each layer is
searched on its own (BM25, FTS5's `bm25()`) and the per-layer top lists are merged by score; those lists are
cached per index generation, so the province layer, which every member reads, is ranked once per query and
process.

Why FTS5 and not Whoosh, which the design first named: matching and ranking in C cost a third of Whoosh's pure
Python on the same 20,000 articles and queries (docs/architecture.md, "Search in C"), and one SQLite file gives
atomic writes, a rebuild that readers never see half-done, and the layer versions in the same transaction as
the documents they describe.

The index is written when a layer is built (`update_layer`, on publishing's `layer_built` signal, connected in
`ApiConfig.ready`, after publish, unpublish and move), by the node's follower (`search_follow.py`), and can be
rebuilt from live pages (`rebuild_index`, `sotay rebuild-search-index`). Writers in different processes take
SQLite's write lock in turn (WAL: readers are never blocked).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from pathlib import Path

from layerformat.fsutil import locked
from layerformat.model import Article, LayerId
from layerformat.text import fold, html_to_text

from .snippets import make_snippet

logger = logging.getLogger("sotay.api.search")

WRITE_TIMEOUT_S = 120
MAX_QUERY_TERMS = 8
INDEX_FILE = "index.sqlite3"
# Bump when the tables change: a node that finds another format starts empty and its follower indexes again.
INDEX_FORMAT = 1
# Bump when `_document` changes what it makes of an article: every print changes, so every page is written
# again at its layer's next build.
DOCUMENT_FORMAT = 1
# Words are letters and digits; "12.450" and "90,14" stay whole. No stop words and no minimum length: English
# stop lists would drop Vietnamese syllables ("an" of "an ninh").
_WORD = re.compile(r"\w+(?:[.,]\w+)*")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS doc (
    id INTEGER PRIMARY KEY,  -- the page's id, also the rowid of its terms
    layer TEXT NOT NULL,
    print TEXT NOT NULL,     -- the article's fingerprint when it was written
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    folded TEXT NOT NULL,
    unit TEXT NOT NULL,
    published TEXT NOT NULL,
    url TEXT NOT NULL,
    kind TEXT
);
CREATE INDEX IF NOT EXISTS doc_layer ON doc (layer);
CREATE TABLE IF NOT EXISTS layer_version (layer TEXT PRIMARY KEY, version INTEGER NOT NULL);
-- Words are already folded and scoped: only spaces separate them, "tn.dt.all~12.450" is one token.
CREATE VIRTUAL TABLE IF NOT EXISTS terms USING fts5 (
    words, tokenize = "unicode61 remove_diacritics 0 tokenchars '~._,'"
);
"""
_TABLES = ("meta", "doc", "layer_version", "terms")


def words(text: str) -> list[str]:
    """Folded words of `text`, in order."""
    return _WORD.findall(fold(unicodedata.normalize("NFC", text)))


def layer_key(layer: LayerId) -> str:
    return ".".join((*layer.unit_path, layer.tier))


def index_dir() -> Path:
    from django.conf import settings

    return Path(settings.SOTAY_VAR_DIR) / "search"


# --- connections ---------------------------------------------------------------------------------------------

_lock = threading.Lock()
_local = threading.local()
_every: list[sqlite3.Connection] = []  # every connection opened, for reset_cache
_epoch = [0]  # bumped by reset_cache: every thread then opens its connections again


def _connection(directory: Path | None) -> tuple[sqlite3.Connection, str]:
    """This thread's connection to the index in `directory` (default: var/search), created on first use."""
    folder = str(Path(directory or index_dir()).resolve())
    per_thread = getattr(_local, "connections", None)
    # A forked worker never uses its parent's handles; after reset_cache every handle is opened again.
    if per_thread is None or _local.owner != (os.getpid(), _epoch[0]):
        per_thread = _local.connections = {}
        _local.owner = (os.getpid(), _epoch[0])
    conn = per_thread.get(folder)
    if conn is None:
        conn = per_thread[folder] = _open(Path(folder))
        with _lock:
            _every.append(conn)
    return conn, folder


def _open(folder: Path) -> sqlite3.Connection:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / INDEX_FILE
    conn = sqlite3.connect(path, timeout=WRITE_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA synchronous=NORMAL")  # the index can always be made again from the published layers
    # Switching to WAL does not wait for other connections: whoever opens the file first switches it, alone.
    with locked(folder / ".open.lock"):
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode=WAL")
            _drop_whoosh_files(folder)  # a new file: any older index here is of no further use
        if _format(conn) != INDEX_FORMAT:  # read first: a writer at work (a rebuild) does not hold up the open
            with _writing(conn):
                if _format(conn) != INDEX_FORMAT:
                    for table in _TABLES:
                        conn.execute(f"DROP TABLE IF EXISTS {table}")
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    conn.execute("INSERT INTO meta VALUES ('format', ?), ('generation', 0)", [INDEX_FORMAT])
    return conn


def _format(conn: sqlite3.Connection) -> int | None:
    known = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
    return _meta(conn, "format") if known else None


def _meta(conn: sqlite3.Connection, key: str) -> int | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def _drop_whoosh_files(folder: Path) -> None:
    """A node upgraded from the Whoosh index: its files are of no further use (the new index fills itself up)."""
    for pattern in ("_MAIN_*.toc", "MAIN_*.seg", "MAIN_WRITELOCK", ".create.lock", "versions.json"):
        for path in folder.glob(pattern):
            path.unlink(missing_ok=True)
    shutil.rmtree(folder / "layers", ignore_errors=True)


class _writing:
    """One write transaction, taken at once so that two writers never deadlock upgrading a read lock."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        _end_left_open(self.conn)
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind, *_rest) -> None:
        self.conn.execute("COMMIT" if kind is None else "ROLLBACK")


def _end_left_open(conn: sqlite3.Connection) -> None:
    """A transaction a failed COMMIT left open on this thread's connection would refuse every later BEGIN."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")


# --- writing -------------------------------------------------------------------------------------------------

def _document(article: Article) -> tuple:
    """The `doc` row of an article, without its print, and its scoped words."""
    text = html_to_text(article.body_html)
    title = unicodedata.normalize("NFC", article.title)
    body = unicodedata.normalize("NFC", f"{article.summary}\n{text}" if article.summary else text)
    key = layer_key(article.layer)
    # The title twice: a word in the title weighs more than one in the body.
    scoped = " ".join(f"{key}~{word}" for word in words(title) * 2 + words(body))
    row = (article.id, article.layer.prefix, title, body, fold(body), article.unit_name,
           article.published_at.isoformat(), f"/{article.layer.prefix}/a/{article.id}/", article.kind)
    return row, scoped


def _print(article: Article) -> str:
    # Every field of the article counts (more than `_document` reads): a print that changes for a field the
    # document does not use only rewrites that one document.
    return article.fingerprint("search", DOCUMENT_FORMAT)


def _put(conn: sqlite3.Connection, article: Article, fingerprint: str) -> None:
    (pid, layer, *fields), scoped = _document(article)
    conn.execute("DELETE FROM terms WHERE rowid = ?", [pid])
    conn.execute("INSERT INTO terms (rowid, words) VALUES (?, ?)", [pid, scoped])
    conn.execute("INSERT OR REPLACE INTO doc (id, layer, print, title, body, folded, unit, published, url, kind)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [pid, layer, fingerprint, *fields])


def _remove(conn: sqlite3.Connection, pid: int) -> None:
    conn.execute("DELETE FROM terms WHERE rowid = ?", [pid])
    conn.execute("DELETE FROM doc WHERE id = ?", [pid])


def _changed(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")


def update_layer(layer: LayerId, articles: list[Article], *, directory: Path | None = None,
                 version: int | None = None) -> int:
    """Make the index hold exactly `articles` (the layer's live pages) for `layer`, in one transaction.

    Only pages that are new, changed or gone are written: a publish in a layer of thousands of articles
    touches one document, not all of them (each row keeps the article's print). `version`, when given, is
    remembered as the layer's indexed version in the same transaction. Returns the number of documents
    written or deleted.
    """
    conn, _folder = _connection(directory)
    prints = {a.id: _print(a) for a in articles}
    with _writing(conn):
        known = dict(conn.execute("SELECT id, print FROM doc WHERE layer = ?", [layer.prefix]))
        changed = [a for a in articles if known.get(a.id) != prints[a.id]]
        gone = [pid for pid in known if pid not in prints]
        for pid in gone:
            _remove(conn, pid)
        for article in changed:
            _put(conn, article, prints[article.id])
        if changed or gone:
            _changed(conn)
        if version is not None:
            conn.execute("INSERT OR REPLACE INTO layer_version VALUES (?, ?)", [layer.prefix, version])
    if changed or gone:
        logger.info("search index: %s: %d written, %d removed, %d in all", layer.prefix, len(changed), len(gone),
                    len(prints))
    return len(changed) + len(gone)


def add_articles(articles: Iterable[Article], *, directory: Path | None = None) -> int:
    """Add (or replace) many articles in one transaction (the benchmark's bulk load)."""
    conn, _folder = _connection(directory)
    with _writing(conn):
        count = _add(conn, articles)
        _changed(conn)
    _compact(conn)
    return count


def _add(conn: sqlite3.Connection, articles: Iterable[Article]) -> int:
    count = 0
    for article in articles:
        _put(conn, article, _print(article))
        count += 1
    return count


def _compact(conn: sqlite3.Connection) -> None:
    """After a bulk write: merge FTS5's segments and fold the write-ahead log into the file."""
    conn.execute("INSERT INTO terms (terms) VALUES ('optimize')")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def rebuild_index(*, directory: Path | None = None, versions: Mapping[str, int] | None = None) -> int:
    """Index every live article of every layer again, in one transaction: searches answer from the old index
    until it commits. `versions` (layer prefix → version) become the indexed versions."""
    from cms.publishing.export import all_layers, export_layer

    conn, _folder = _connection(directory)
    with _writing(conn):
        for table in ("doc", "terms", "layer_version"):
            conn.execute(f"DELETE FROM {table}")
        count = _add(conn, (a for layer in all_layers() for a in export_layer(layer)))
        conn.executemany("INSERT INTO layer_version VALUES (?, ?)", sorted((versions or {}).items()))
        _changed(conn)
    _compact(conn)
    logger.info("search index rebuilt: %d documents", count)
    return count


def indexed_versions(directory: Path | None = None) -> dict[str, int]:
    """The published version of every layer this index holds, by layer prefix."""
    conn, _folder = _connection(directory)
    return dict(conn.execute("SELECT layer, version FROM layer_version"))


def document_count(directory: Path | None = None) -> int:
    conn, _folder = _connection(directory)
    return conn.execute("SELECT count(*) FROM doc").fetchone()[0]


# --- searching -----------------------------------------------------------------------------------------------

def query_words(q: str) -> list[str]:
    """The distinct folded words of what the member typed (operators and symbols are plain separators)."""
    return list(dict.fromkeys(words(q)))[:MAX_QUERY_TERMS]


def search_layers(layers: list[LayerId], q: str, *, limit: int = 20, directory: Path | None = None) -> list[dict]:
    """Best matches of `q` (every word must occur) among the documents of `layers` only."""
    terms = query_words(q)
    if not terms or not layers:
        return []
    limit = max(1, min(limit, 50))
    conn, folder = _connection(directory)
    _end_left_open(conn)
    conn.execute("BEGIN")  # one snapshot for the generation, the matches and the documents
    try:
        generation = _meta(conn, "generation")
        merged = sorted(hit for layer in dict.fromkeys(layers)
                        for hit in _layer_hits(conn, folder, generation, layer, terms, limit))[:limit]
        ids = [pid for _score, _neg, pid in merged]
        marks = ",".join("?" * len(ids))
        rows = {row[0]: row for row in conn.execute(
            f"SELECT id, title, body, folded, unit, published, url, kind, layer FROM doc WHERE id IN ({marks})", ids)}
    finally:
        conn.execute("COMMIT")
    # Snippets are cut only for the hits actually returned.
    return [_result(rows[pid], terms) for pid in ids if pid in rows]


def _result(row: tuple, terms: list[str]) -> dict:
    _pid, title, body, folded, unit, published, url, kind, layer = row
    return {"title": title, "url": url, "snippet": make_snippet(body, terms, folded=folded), "unit": unit,
            "published": published, "kind": kind, "layer": layer}


_RESULTS_CACHE_SIZE = 4096
_results: OrderedDict[tuple, list] = OrderedDict()


def _layer_hits(conn: sqlite3.Connection, folder: str, generation: int, layer: LayerId, terms: list[str],
                limit: int) -> list[tuple[float, int, int]]:
    """(BM25 score, lower is better; minus the page id; page id) of the layer's best matches, newer pages first
    among equal scores."""
    key = (folder, generation, layer.prefix, tuple(terms), limit)
    with _lock:
        cached = _results.get(key)
        if cached is not None:
            _results.move_to_end(key)
            return cached
    scope = layer_key(layer)
    match = " AND ".join(f'"{scope}~{word}"' for word in terms)  # words never hold a quote
    found = [(score, -pid, pid) for score, pid in conn.execute(
        "SELECT bm25(terms) AS score, rowid FROM terms WHERE terms MATCH ? ORDER BY score, rowid DESC LIMIT ?",
        [match, limit])]
    with _lock:
        _results[key] = found
        while len(_results) > _RESULTS_CACHE_SIZE:
            _results.popitem(last=False)
    return found


def search(member, q: str, limit: int = 20) -> list[dict]:
    """Search across exactly the layers the member may read (nothing for an inactive member)."""
    from cms.org.selectors import layers_for

    return search_layers(layers_for(member), q, limit=limit)


def reset_cache() -> None:
    """Close every connection and forget cached results (tests point SOTAY_VAR_DIR somewhere new)."""
    with _lock:
        for conn in _every:
            conn.close()
        _every.clear()
        _results.clear()
        _epoch[0] += 1
