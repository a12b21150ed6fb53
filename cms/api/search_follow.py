"""Each web node keeps its own search index and brings it up to what the store publishes, within seconds.

The index (SQLite FTS5, `search_index.py`) is a file on the node's disk; the build that changes a layer runs on some
worker, maybe on another machine. So every node follows the published versions instead of waiting to be told:
`LayerBuild.live_version` is written only once a build's upload to the store succeeded, so it is the version
members get from the bucket. A thread of each web process (`start_follower`) asks for those versions every
`FOLLOW_INTERVAL_S` — one indexed query over one row per layer — and re-indexes each layer whose version is newer
than the one its index holds (`layer_version`, written in the same transaction as the layer's documents), from
the layer's live pages in the database (`export_layer`, the same function the builder exports from). Only
changed pages are written (`update_layer` compares per-page fingerprints). A non-blocking file lock lets one
process of a node do the work while the others keep answering from the same file.

A fresh node, or one whose disk was lost, rebuilds its index with `sotay rebuild-search-index` (or simply
starts: the follower finds every layer newer than nothing). Why the database and not the bucket's files: see
docs/architecture.md, "Beyond one machine".
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from pathlib import Path

from layerformat.model import LayerId

logger = logging.getLogger("sotay.api.search")

FOLLOW_INTERVAL_S = 2.0


def published_versions() -> dict[str, int]:
    """The version of every layer the store serves, by layer prefix."""
    from cms.publishing.models import LayerBuild

    return dict(LayerBuild.objects.filter(live_version__isnull=False).values_list("layer", "live_version"))


def indexed_versions(directory: Path | None = None) -> dict[str, int]:
    """The version of every layer this node's index holds, by layer prefix."""
    from .search_index import indexed_versions as held

    return held(directory)


def follow_published(*, directory: Path | None = None, wait: bool = False) -> list[str]:
    """Re-index every layer whose published version is newer than this node's index; returns their prefixes.

    Without `wait`, returns at once (nothing done) while another process of the node is at it."""
    from cms.publishing.export import export_layer

    from .search_index import index_dir, update_layer

    directory = Path(directory or index_dir())
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".follow.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return []
        published = published_versions()
        indexed = indexed_versions(directory)
        stale = sorted(prefix for prefix, version in published.items() if indexed.get(prefix, 0) < version)
        for prefix in stale:
            layer = LayerId.parse(prefix)
            # The version is stored with the layer's documents: a crash mid-way redoes only the rest.
            update_layer(layer, export_layer(layer), directory=directory, version=published[prefix])
        if stale:
            logger.info("search index follows %d newer layer versions: %s", len(stale), ", ".join(stale[:5]))
        return stale


def rebuild_from_published(*, directory: Path | None = None) -> int:
    """Index every layer again and remember the versions that were published when it started."""
    from .search_index import index_dir, rebuild_index

    directory = Path(directory or index_dir())
    versions = published_versions()  # read first: the index then holds at least these versions
    return rebuild_index(directory=directory, versions=versions)


_started = threading.Event()


def start_follower(interval: float = FOLLOW_INTERVAL_S) -> None:
    """Start this process's follower thread once (on the first search it answers)."""
    if _started.is_set():
        return
    _started.set()

    def run() -> None:
        from django.db import close_old_connections

        while True:
            try:
                follow_published()
            except Exception:  # noqa: BLE001 - keep following; the next round tries again
                logger.exception("search index could not follow the published layers")
            finally:
                close_old_connections()
            time.sleep(interval)

    threading.Thread(target=run, daemon=True, name="search-follower").start()
