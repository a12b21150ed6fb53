"""Layers on disk: immutable version directories and an atomically swapped live symlink.

    <site_dir>/u/tn/dh/all              -> ../../../.versions/u/tn/dh/all/8   (symlink, the live layer)
    <site_dir>/.versions/u/tn/dh/all/8/  manifest.json, manifest.json.sig, index.html, a/12/index.html, ...
    <site_dir>/.versions/u/tn/dh/all/7/  the previous version, kept for readers mid-download

A new version is assembled in a staging directory beside the others, signed, renamed to its number and then
the live symlink is replaced with rename(2): a reader sees the old layer or the new one, never half of
either, and a failed build leaves the live layer as it was. Versions live outside `u/` so the gate (which
only serves `u/...`) never exposes them. Files unchanged since the live version are hard-linked from it, so
keeping a version costs only its changed files.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from layerformat.fsutil import fsync_dir, write_atomic
from layerformat.manifest import PARTS_DIR, ManifestError, file_digest, parse_manifest, split_manifest, with_parts
from layerformat.model import LayerId
from layerformat.signing import MANIFEST, SIGNATURE, sign_manifest

log = logging.getLogger(__name__)

VERSIONS = ".versions"
RECORD_FILE = "publish-state.json"
_CHUNK = 1 << 20


def live_path(site_dir: Path, layer: LayerId) -> Path:
    return Path(site_dir) / layer.prefix


def versions_root(site_dir: Path, layer: LayerId) -> Path:
    return Path(site_dir) / VERSIONS / layer.prefix


def read_live_manifest(site_dir: Path, layer: LayerId, *, parts: bool = True) -> dict[str, Any] | None:
    """The live version's manifest with its parts merged into `files` (only the head with `parts=False`);
    None when there is no live version or it cannot be read."""
    root = live_path(site_dir, layer)
    try:
        # Resolve the live symlink once, so head and parts come from the same version.
        root = Path(os.path.realpath(root))
        head = parse_manifest((root / MANIFEST).read_bytes())
        return with_parts(head, lambda part: (root / part).read_bytes()) if parts else head
    except (OSError, ManifestError):
        return None


def next_version(site_dir: Path, layer: LayerId, work_dir: Path | None = None, floor: int = 0) -> int:
    """One more than any version this layer ever had here, or than `floor`, so versions only grow (readers
    reject rollback).

    The work dir remembers the last version published from it, so a wiped or restored site dir does not
    restart the count; `floor` is the version a store already serves (a machine restored from a backup older
    than the bucket's newest publish goes on above it)."""
    live = read_live_manifest(site_dir, layer, parts=False)
    highest = max(live["version"] if live else 0, floor)
    if work_dir is not None:
        try:
            highest = max(highest, int(json.loads((work_dir / RECORD_FILE).read_text("utf-8"))["version"]))
        except (OSError, ValueError, KeyError, TypeError):
            pass
    root = versions_root(site_dir, layer)
    if root.is_dir():
        highest = max([highest, *(int(p.name) for p in root.iterdir() if p.name.isdigit())])
    return highest + 1


@dataclass
class StagedLayer:
    """A signed, complete version directory that is not live yet."""

    layer: LayerId
    version: int
    path: Path
    manifest: dict[str, Any]
    record: dict[str, list]  # per file: [work size, work mtime_ns, sha256, inode, size, mtime_ns]
    digests: dict[str, tuple[str, int]] = field(default_factory=dict)
    files_copied: int = 0
    files_linked: int = 0
    bytes: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def _copy_hashing(src: Path, dest: Path) -> tuple[str, int]:
    digest, length = hashlib.sha256(), 0
    with open(src, "rb") as fin, open(dest, "wb") as fout:
        while chunk := fin.read(_CHUNK):
            digest.update(chunk)
            fout.write(chunk)
            length += len(chunk)
    return digest.hexdigest(), length


def _load_record(work_dir: Path, live_dir: Path, live: dict | None) -> dict[str, list]:
    """What we know about the live version's files, if it is still the one we published from here."""
    try:
        record = json.loads((work_dir / RECORD_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not live or record.get("version") != live["version"] or record.get("target") != str(live_dir.resolve()):
        return {}
    return record.get("files") or {}


def _reusable(rel: str, src_stat: os.stat_result, src: Path, prev_dir: Path, known: list | None) -> str | None:
    """sha256 of `rel` if the live version's copy is byte-identical to `src` and may be hard-linked."""
    if not known:
        return None
    work_size, work_mtime, sha, ino, size, mtime = known
    try:
        prev = os.stat(os.path.join(prev_dir, rel))
    except OSError:
        return None
    if (prev.st_ino, prev.st_size, prev.st_mtime_ns) != (ino, size, mtime):
        return None  # the live file was touched since we published it: never spread that
    if (src_stat.st_size, src_stat.st_mtime_ns) == (work_size, work_mtime):
        return sha
    if src_stat.st_size == size and file_digest(src)[0] == sha:
        return sha  # rewritten with the same bytes (e.g. 404.html on every build)
    return None


def stage_version(
    layer: LayerId,
    source: Path,
    *,
    site_dir: Path,
    work_dir: Path,
    key: Ed25519PrivateKey,
    expires_days: int,
    now: datetime,
    version_floor: int = 0,
) -> StagedLayer:
    """Assemble and sign the next version of `layer` from the files under `source` (the sign stage)."""
    root = versions_root(site_dir, layer)
    root.mkdir(parents=True, exist_ok=True)
    for stale in root.glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    version = next_version(site_dir, layer, work_dir, version_floor)
    live = read_live_manifest(site_dir, layer, parts=False)  # only its version is compared with the record
    prev_dir = live_path(site_dir, layer)
    known = _load_record(work_dir, prev_dir, live)
    return _signed_staging(
        layer, root, version, lambda staged: _fill(staged, source, prev_dir, known), key=key,
        expires_days=expires_days, now=now,
    )


def _signed_staging(
    layer: LayerId,
    root: Path,
    version: int,
    fill: Callable[[StagedLayer], None],
    *,
    key: Ed25519PrivateKey,
    expires_days: int,
    now: datetime,
) -> StagedLayer:
    """A staging directory for `version`, filled by `fill`, then given its signed manifest; removed on failure."""
    staging = root / f".staging-{version}-{os.getpid()}"
    staging.mkdir()
    staged = StagedLayer(layer, version, staging, {}, {})
    try:
        fill(staged)
        head, parts = split_manifest(layer.prefix, version, staged.digests, now, now + timedelta(days=expires_days))
        if parts:
            (staging / PARTS_DIR).mkdir()
        for part, data in parts.items():
            (staging / part).write_bytes(data)
            staged.bytes += len(data)
        every = {path: {"sha256": sha, "length": length} for path, (sha, length) in staged.digests.items()}
        staged.manifest = {**head, "files": {**every, **head["files"]}, "head_files": head["files"]}
        body, signature = sign_manifest(head, key)
        (staging / MANIFEST).write_bytes(body)
        (staging / SIGNATURE).write_bytes(signature)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staged


def restage_live(
    layer: LayerId, *, site_dir: Path, work_dir: Path, key: Ed25519PrivateKey, expires_days: int, now: datetime,
    version_floor: int = 0,
) -> StagedLayer:
    """The live layer's files, unchanged, as a new version with a fresh expiry (the nightly re-sign).

    The caller must have verified the live layer first: every file is hard-linked as it is and listed with
    the digests of the live manifest."""
    live = read_live_manifest(site_dir, layer)
    if live is None:
        raise FileNotFoundError(f"{layer}: no live layer to re-sign")
    root = versions_root(site_dir, layer)
    version = next_version(site_dir, layer, work_dir, version_floor)
    prev_dir = live_path(site_dir, layer)
    known = _load_record(work_dir, prev_dir, live)

    def link_live(staged: StagedLayer) -> None:
        for rel, entry in live["files"].items():
            if rel.startswith(PARTS_DIR + "/"):
                continue  # written anew with the new head
            dest = staged.path / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.link(os.path.join(prev_dir, rel), dest)
            staged.digests[rel] = (entry["sha256"], entry["length"])
            staged.files_linked += 1
            staged.bytes += entry["length"]
            if rel in known:
                staged.record[rel] = known[rel]

    return _signed_staging(layer, root, version, link_live, key=key, expires_days=expires_days, now=now)


def _walk(root: Path, prefix: str = "") -> Iterator[tuple[str, os.DirEntry]]:
    """(relative path, entry) of every file under `root`, sorted; scandir keeps this cheap for 10,000 files."""
    with os.scandir(root) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            rel = prefix + entry.name
            if entry.is_symlink():
                raise ValueError(f"symlink in layer output: {rel}")
            if entry.is_dir():
                yield from _walk(Path(entry.path), rel + "/")
            else:
                yield rel, entry


def _fill(staged: StagedLayer, source: Path, prev_dir: Path, known: dict[str, list]) -> None:
    """Copy or hard-link every file of `source` into the staging dir, recording its digest."""
    made: set[str] = set()
    for rel, entry in _walk(source):
        if rel in (MANIFEST, SIGNATURE) or rel.startswith(PARTS_DIR + "/"):
            continue
        dest = os.path.join(staged.path, rel)
        parent = os.path.dirname(dest)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        src_stat = entry.stat()
        previous = known.get(rel)
        sha = _reusable(rel, src_stat, Path(entry.path), prev_dir, previous)
        if sha is not None:
            os.link(os.path.join(prev_dir, rel), dest)
            staged.digests[rel] = (sha, src_stat.st_size)
            staged.files_linked += 1
            # A hard link is the live file itself: its inode, size and mtime were just checked to be these.
            staged.record[rel] = [src_stat.st_size, src_stat.st_mtime_ns, sha, *previous[3:]]
        else:
            staged.digests[rel] = _copy_hashing(Path(entry.path), Path(dest))
            staged.files_copied += 1
            dest_stat = os.stat(dest)
            staged.record[rel] = [
                src_stat.st_size, src_stat.st_mtime_ns, staged.digests[rel][0],
                dest_stat.st_ino, dest_stat.st_size, dest_stat.st_mtime_ns,
            ]  # fmt: skip
        staged.bytes += staged.digests[rel][1]


def swap_live(staged: StagedLayer, *, site_dir: Path, work_dir: Path) -> Path:
    """Make `staged` the live layer in one rename."""
    root = versions_root(site_dir, staged.layer)
    final = root / str(staged.version)
    os.rename(staged.path, final)
    staged.path = final
    live = live_path(site_dir, staged.layer)
    live.parent.mkdir(parents=True, exist_ok=True)
    if live.exists() and not live.is_symlink():
        # A layer published by hand as a plain directory: move it aside first (not atomic, happens once).
        os.rename(live, root / f"legacy-{time.time_ns()}")
    tmp_link = live.with_name(f".{live.name}.{os.getpid()}.tmp")
    tmp_link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(final, live.parent), tmp_link)
    os.replace(tmp_link, live)
    fsync_dir(live.parent)
    record = {"version": staged.version, "target": str(final.resolve()), "files": staged.record}
    write_atomic(work_dir / RECORD_FILE, json.dumps(record).encode())
    return live


def prune_versions(site_dir: Path, layer: LayerId, *, keep: int = 2, background: bool = False) -> int:
    """Retire versions older than the newest `keep` (never the live one); returns how many.

    They are renamed into a `.trash-*` dir at once and deleted there, in a background thread when asked: the new
    version is already live, and deleting a version costs one unlink per file (seconds on big layers)."""
    root = versions_root(site_dir, layer)
    live = Path(os.path.realpath(live_path(site_dir, layer)))
    current = int(live.name) if live.name.isdigit() else -1
    numbered = sorted((int(p.name) for p in root.iterdir() if p.name.isdigit()), reverse=True)
    doomed = [root / str(n) for n in numbered[keep:] if n != current] + list(root.glob("legacy-*"))
    # Each call gets its own trash dir, so a deleting thread never races a later rename; leftovers of a
    # process that died mid-delete are swept along.
    trash = root / f".trash-{time.time_ns()}"
    trash.mkdir()
    for path in doomed:
        os.rename(path, trash / path.name)
    sweep = sorted(root.glob(".trash-*"))
    if background:
        thread = threading.Thread(target=_delete_all, args=(sweep,), daemon=True)
        thread.start()
        _PRUNING.append(thread)
    else:
        _delete_all(sweep)
    return len(doomed)


_PRUNING: list[threading.Thread] = []


def wait_for_pruning(timeout: float | None = None) -> None:
    """Wait for background deletions of old versions (a command about to exit, a test about to clean up).

    Not required for correctness: a deletion cut short by exit is swept by the next prune."""
    while _PRUNING:
        _PRUNING.pop().join(timeout)


def _delete_all(paths: list[Path]) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def write_layer_dir(
    layer_dir: Path,
    layer: str,
    files: dict[str, bytes],
    *,
    version: int,
    key: Ed25519PrivateKey,
    now: datetime,
    expires: datetime,
) -> Path:
    """A signed layer written in place from its files' bytes, as the builder lays one out (manifest parts, head,
    signature) but without versions: for benchmarks and tests that make layers without rendering them."""
    digests = {path: (hashlib.sha256(data).hexdigest(), len(data)) for path, data in files.items()}
    head, parts = split_manifest(layer, version, digests, now, expires)
    for path, data in {**files, **parts}.items():
        target = Path(layer_dir) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    body, signature = sign_manifest(head, key)
    (Path(layer_dir) / MANIFEST).write_bytes(body)
    (Path(layer_dir) / SIGNATURE).write_bytes(signature)
    return Path(layer_dir)

