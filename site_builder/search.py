"""Index stage: per-layer Pagefind search over a tone-folded copy of every article.

Pagefind folds tone marks but not đ→d, so it indexes a folded copy (see `text.fold`) while the original
title and summary travel as Pagefind meta for display. Pagefind re-indexes a whole directory each time
(≈5.8 s and 590 MB for 5,000 pages), so a layer keeps two segments, like an LSM tree:

- `pagefind-recent/`: articles not yet compacted, re-indexed on every publish that touches them;
- `pagefind-archive/`: rebuilt only on compaction (asked for, recent past `recent_max`, or an archived
  article changed or was unpublished: its old text must leave the index at once, not at the next compaction).

The reader merges the segments listed in `search.json` (Pagefind `mergeIndex`); empty ones are not written,
because Pagefind's JavaScript refuses an index without pages.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import shutil
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from layerformat import text
from layerformat.fsutil import write_if_changed
from layerformat.model import Article
from layerformat.text import fold, html_to_text
from site_builder import pages
from site_builder.errors import BuildError

log = logging.getLogger(__name__)

SEGMENTS = ("recent", "archive")
STATE_FILE = "search-state.json"
SEARCH_JSON = "search.json"
RECENT_MAX = 400  # compact when the recent segment grows past this many pages
RECENT_KEEP = 100  # newest pages left in recent after a compaction: they are the ones still being edited
# Pagefind's ready-made UIs; the reader has its own (it must fold the query first).
_UNUSED_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-highlight.js",
)
ProgressFn = Callable[[str, int, int], None]


@dataclass
class IndexStats:
    recent_pages: int = 0
    archive_pages: int = 0
    recent_rebuilt: bool = False
    archive_rebuilt: bool = False
    compacted: bool = False


def segment_dir(site: Path, segment: str) -> Path:
    return site / f"pagefind-{segment}"


def search_source(article: Article) -> str:
    """The page Pagefind reads: folded text to match, original title/summary as meta to show."""

    def attr(kind: str, key: str, value: str) -> str:
        return f'<span data-pagefind-{kind}="{key}[data-v]" data-v="{escape(value)}"></span>'

    words = " ".join([article.title, article.summary, *article.meta.values(), html_to_text(article.body_html)])
    return "".join(
        [
            '<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body>',
            attr("meta", "title", article.title),
            attr("meta", "summary", pages.summary_of(article)),
            attr("meta", "date", pages.vn_date(article.published_at)),
            attr("meta", "kind", pages.KIND_LABELS[article.kind]),
            attr("meta", "unit", article.unit_name),
            attr("filter", "kind", article.kind),
            attr("sort", "published", article.published_at.isoformat()),
            f"<main data-pagefind-body>{escape(fold(words))}</main></body></html>",
        ]
    )


# Changes when the code that turns an article into its search page changes, so old pages are redone.
_CODE = hashlib.sha256(b"".join(Path(m.__file__).read_bytes() for m in (sys.modules[__name__], pages, text)))


def article_fingerprint(article: Article) -> str:
    """Cheap identity of everything `search_source` reads, so unchanged articles are not re-extracted."""
    digest = _CODE.copy()
    for part in (
        str(article.id), article.kind, article.title, article.summary, article.body_html, article.unit_name,
        article.published_at.isoformat(), json.dumps(article.meta, sort_keys=True, ensure_ascii=False),
    ):  # fmt: skip
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def _load_state(path: Path) -> dict[str, dict[str, str]] | None:
    try:
        state = json.loads(path.read_text("utf-8"))
        return {segment: dict(state[segment]) for segment in SEGMENTS}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def plan_segments(
    articles: list[Article],
    fingerprints: dict[str, str],
    old: dict[str, dict[str, str]] | None,
    *,
    compact: bool,
    recent_max: int,
    recent_keep: int,
) -> tuple[dict[str, list[str]], bool]:
    """Decide which article ids go in which segment; return (plan, compacting)."""
    ids = [str(a.id) for a in pages.newest_first(articles)]
    old_archive = (old or {}).get("archive", {})
    archive_intact = old is not None and all(fingerprints.get(i) == fp for i, fp in old_archive.items())
    recent = [i for i in ids if i not in old_archive]
    if archive_intact and not compact and len(recent) <= recent_max:
        return {"recent": recent, "archive": [i for i in ids if i in old_archive]}, False
    return {"recent": ids[:recent_keep], "archive": ids[recent_keep:]}, True


def index_layer(
    articles: list[Article],
    *,
    work_dir: Path,
    compact: bool = False,
    recent_max: int | None = None,
    recent_keep: int | None = None,
    progress: ProgressFn | None = None,
) -> IndexStats:
    """Bring the search segments in `work_dir/site` up to date with `articles`.

    `recent_max` and `recent_keep` default to RECENT_MAX and RECENT_KEEP (read at call time)."""
    recent_max = RECENT_MAX if recent_max is None else recent_max
    recent_keep = RECENT_KEEP if recent_keep is None else recent_keep
    site, state_path = work_dir / "site", work_dir / STATE_FILE
    fingerprints = {str(a.id): article_fingerprint(a) for a in articles}
    old = _load_state(state_path)
    state_path.unlink(missing_ok=True)
    plan, compacting = plan_segments(
        articles, fingerprints, old, compact=compact, recent_max=recent_max, recent_keep=recent_keep
    )
    stats = IndexStats(len(plan["recent"]), len(plan["archive"]), compacted=compacting and old is not None)
    new_state = {seg: {i: fingerprints[i] for i in plan[seg]} for seg in SEGMENTS}
    todo = [
        seg
        for seg in SEGMENTS
        if old is None or new_state[seg] != old[seg] or bool(plan[seg]) != segment_dir(site, seg).is_dir()
    ]
    _sync_sources(work_dir / "search-src", {str(a.id): a for a in articles}, new_state, old)
    if todo:
        _run(_write_segments(work_dir, site, {seg: bool(plan[seg]) for seg in todo}, progress))
    stats.recent_rebuilt = "recent" in todo
    stats.archive_rebuilt = "archive" in todo
    listing = [{"path": f"pagefind-{seg}/", "pages": len(plan[seg])} for seg in SEGMENTS if plan[seg]]
    write_if_changed(site / SEARCH_JSON, json.dumps({"segments": listing}, separators=(",", ":")).encode())
    state_path.write_text(json.dumps(new_state), "utf-8")
    return stats


def _sync_sources(
    root: Path,
    articles: dict[str, Article],
    wanted: dict[str, dict[str, str]],
    old: dict[str, dict[str, str]] | None,
) -> None:
    """Make `root/<segment>/a/<id>/index.html` hold exactly the wanted pages, redoing only changed ones.

    Pages moving between segments (a compaction) are renamed, not extracted again."""
    old = old or {seg: {} for seg in SEGMENTS}
    where = {i: (seg, fp) for seg in SEGMENTS for i, fp in old[seg].items()}

    def page(seg: str, article_id: str) -> Path:
        return root / seg / "a" / article_id / "index.html"

    for seg in SEGMENTS:
        for article_id, fp in wanted[seg].items():
            old_seg, old_fp = where.get(article_id, (None, None))
            if old_seg not in (None, seg) and old_fp == fp and page(old_seg, article_id).exists():
                page(seg, article_id).parent.parent.mkdir(parents=True, exist_ok=True)
                shutil.rmtree(page(seg, article_id).parent, ignore_errors=True)
                os.rename(page(old_seg, article_id).parent, page(seg, article_id).parent)
                where[article_id] = (seg, fp)
    for seg in SEGMENTS:
        folder = root / seg / "a"
        for name in os.listdir(folder) if folder.is_dir() else []:
            if name not in wanted[seg]:
                shutil.rmtree(folder / name)
        for article_id, fp in wanted[seg].items():
            path = page(seg, article_id)
            if where.get(article_id) == (seg, fp) and path.exists():
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(search_source(articles[article_id]), "utf-8")


async def _write_segments(work_dir: Path, site: Path, segments: dict[str, bool], progress: ProgressFn | None) -> None:
    from pagefind.service import PagefindService

    service = await PagefindService().launch()
    try:
        for done, (seg, has_pages) in enumerate(segments.items()):
            target = segment_dir(site, seg)
            tmp = work_dir / f"tmp-pagefind-{seg}"
            shutil.rmtree(tmp, ignore_errors=True)
            if has_pages:
                index = await service.create_index({"force_language": "vi"})
                result = await index.add_directory(str(work_dir / "search-src" / seg))
                log.debug("pagefind %s: %s", seg, result)
                await index.write_files(output_path=str(tmp))
                for name in _UNUSED_FILES:
                    (tmp / name).unlink(missing_ok=True)
            shutil.rmtree(target, ignore_errors=True)
            if has_pages:
                tmp.rename(target)
            if progress:
                progress("index", done + 1, len(segments))
    finally:
        await service.close()


def _run(coro: object) -> None:
    """Run a coroutine to completion, also from code that already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        try:
            asyncio.run(coro)  # type: ignore[arg-type]
        except BuildError:
            raise
        except Exception as exc:  # Pagefind reports its failures as bare Exceptions
            raise BuildError("index", f"Pagefind: {exc}") from exc
        return
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            _run(coro)
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread
            errors.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
