"""Publish built layers to a store: new blobs first, the signed manifest last, garbage after a grace period.

An interrupted publish (killed process, lost network) leaves the head manifest untouched, so readers keep the
previous version whole; the blobs already sent are found by the next publish and not sent again.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from deploy import layout
from deploy.filetypes import IMMUTABLE, REVALIDATE, content_type_for
from deploy.layout import Manifest
from deploy.serve import manifest_cache, presigned_url_for  # noqa: F401  (part of this module's contract)
from deploy.stores import LocalStore, Store
from layerformat.manifest import ManifestError
from layerformat.model import TIERS, LayerId
from layerformat.signing import signature_valid

log = logging.getLogger(__name__)

# A reader that fetched the previous manifest just before a publish still needs its blobs for a while.
DEFAULT_GRACE_S = 24 * 3600


class PublishError(Exception):
    """The layer cannot be published as it is; the store still serves the previous version."""


@dataclass
class PublishStats:
    uploaded: int = 0
    skipped: int = 0
    deleted: int = 0

    def __add__(self, other: PublishStats) -> PublishStats:
        return PublishStats(self.uploaded + other.uploaded, self.skipped + other.skipped,
                            self.deleted + other.deleted)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def read_layer(layer_dir: Path, public_key: Ed25519PublicKey | None = None) -> tuple[Manifest, bytes]:
    """The layer's manifest and signature as built; with a key, refuse a layer whose signature fails."""
    try:
        raw = (layer_dir / layout.HEAD).read_bytes()
        sig = (layer_dir / layout.SIG).read_bytes()
    except FileNotFoundError as exc:
        raise PublishError(f"{layer_dir}: thiếu {Path(exc.filename).name}") from exc
    try:
        manifest = Manifest.parse(raw)
    except ManifestError as exc:
        raise PublishError(f"{layer_dir}: {exc}") from exc
    if public_key is not None and not signature_valid(raw, sig, public_key):
        raise PublishError(f"{layer_dir}: chữ ký manifest không khớp")

    def read_part(path: str, _entry: dict) -> bytes | None:
        try:
            return (layer_dir / path).read_bytes()
        except FileNotFoundError:
            return None

    try:
        return manifest.with_parts(read_part), sig
    except ManifestError as exc:
        raise PublishError(f"{layer_dir}: {exc}") from exc


def published_version(store: Store, layer: str) -> int:
    """The version readers get from `store` for `layer` (0 when it holds none): a build must go above it."""
    head_raw = store.get(layout.head_key(layer))
    return Manifest.parse(head_raw).version if head_raw is not None else 0


def publish_layer(layer_dir: Path, store: Store, *, grace_s: float = DEFAULT_GRACE_S,
                  public_key: Ed25519PublicKey | None = None, workers: int = 8,
                  on_upload: Callable[[str], None] | None = None,
                  now: datetime | None = None, gc_unchanged: bool = False) -> PublishStats:
    """Send one built layer directory to `store` and make it the version readers get.

    A layer that is already published as it is costs one read; its garbage waits for its next change or for
    `gc_unchanged` (the nightly `sotay publish --gc`), so re-publishing a whole province stays cheap.
    """
    layer_dir = Path(layer_dir)
    manifest, sig = read_layer(layer_dir, public_key)
    layer = manifest.layer
    if isinstance(store, LocalStore) and layer_dir.resolve() == store.path_for(layer).resolve():
        # The default store is the site directory the builder writes: the layer is already in place.
        return PublishStats(0, len(manifest.blob_keys()), 0)
    head_raw = store.get(layout.head_key(layer))
    if head_raw == manifest.raw:
        deleted = collect_garbage(store, layer, grace_s=grace_s, now=now, head=manifest) if gc_unchanged else 0
        return PublishStats(0, len(manifest.blob_keys()), deleted)
    if head_raw is not None:
        _refuse_rollback(layer, Manifest.parse(head_raw), manifest)

    existing = {obj.key for obj in store.list(layout.blobs_prefix(layer))}
    pending: dict[str, tuple[str, dict]] = {}
    for path, entry in sorted(manifest.files.items()):
        key = layout.blob_key(layer, path, entry["sha256"])
        if key not in existing:
            pending.setdefault(key, (path, entry))
    skipped = len(manifest.blob_keys()) - len(pending)
    log.info("%s v%d: %d new blobs, %d already in %s", layer, manifest.version, len(pending), skipped,
             store.describe())

    def send(key: str, path: str, entry: dict) -> None:
        _upload_blob(store, key, layer_dir / path, entry)
        if on_upload:
            on_upload(key)

    _run_parallel(send, ((k, p, e) for k, (p, e) in pending.items()), workers)

    # The signature and the versioned copy go first: the head names a version whose signature is already there.
    sig_key = layout.manifest_key(layer, manifest.version) + ".sig"
    for key, data, cache in (
        (sig_key, sig, IMMUTABLE),
        (layout.manifest_key(layer, manifest.version), manifest.raw, IMMUTABLE),
        (layout.head_key(layer), manifest.raw, REVALIDATE),
    ):
        store.put(key, data, content_type=content_type_for(key), cache_control=cache)
        if on_upload:
            on_upload(key)
    manifest_cache.forget(store, layer)
    deleted = collect_garbage(store, layer, grace_s=grace_s, now=now, head=manifest)
    return PublishStats(len(pending) + 3, skipped, deleted)


def _refuse_rollback(layer: str, current: Manifest, new: Manifest) -> None:
    if new.layer != current.layer:
        raise PublishError(f"{layer}: manifest thuộc lớp khác ({new.layer})")
    if new.version <= current.version:
        raise PublishError(
            f"{layer}: phiên bản {new.version} không mới hơn phiên bản đang phát hành {current.version}"
        )


def _upload_blob(store: Store, key: str, path: Path, entry: dict) -> None:
    """Check the file against its manifest entry, then send it: a wrong blob name would poison every reader."""
    digest = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    except FileNotFoundError as exc:
        raise PublishError(f"thiếu tệp {path}") from exc
    if size != entry["length"] or digest.hexdigest() != entry["sha256"]:
        raise PublishError(f"tệp {path} khác với manifest (sha256 hoặc độ dài)")
    store.put_file(key, path, content_type=content_type_for(key), cache_control=IMMUTABLE,
                   sha256=entry["sha256"])


def _run_parallel(fn: Callable[..., None], jobs: Iterator[tuple], workers: int) -> None:
    """Run `fn(*job)` on a pool; stop at the first failure and re-raise it."""
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(fn, *job) for job in jobs]
        done, not_done = wait(futures, return_when=FIRST_EXCEPTION)
        for future in not_done:
            future.cancel()
        for future in done:
            exc = future.exception()
            if exc is not None:
                raise exc


def collect_garbage(store: Store, layer: str, *, grace_s: float = DEFAULT_GRACE_S,
                    now: datetime | None = None, head: Manifest | None = None) -> int:
    """Delete blobs and old manifests of `layer` that no live version refers to any more.

    A version stays live while it is the head, or for `grace_s` after the next version replaced it; a blob
    nobody refers to is kept for `grace_s` after it was written (a publish may be on its way to naming it).
    """
    now = now or datetime.now(UTC)
    if head is None:
        raw = store.get(layout.head_key(layer))
        if raw is None:
            return 0
        head = _whole(store, Manifest.parse(raw))
    versions: dict[int, datetime] = {}
    for obj in store.list(layout.manifests_prefix(layer)):
        version = layout.version_of_manifest_key(obj.key)
        if version is not None:
            versions[version] = obj.modified

    live = {head.version}
    ordered = sorted(v for v in versions if v <= head.version)
    for older, newer in zip(ordered, ordered[1:], strict=False):
        if (now - versions[newer]).total_seconds() < grace_s:
            live.add(older)
    for version, written in versions.items():  # sent by a publish that never wrote its head
        if version > head.version and (now - written).total_seconds() < grace_s:
            live.add(version)

    referenced = set(head.blob_keys())
    for version in live - {head.version}:
        raw = store.get(layout.manifest_key(layer, version))
        if raw is not None:
            referenced |= _whole(store, Manifest.parse(raw)).blob_keys()

    doomed = [obj.key for obj in store.list(layout.blobs_prefix(layer))
              if obj.key not in referenced and (now - obj.modified).total_seconds() >= grace_s]
    for version in set(versions) - live:
        key = layout.manifest_key(layer, version)
        doomed += [key, key + ".sig"]
    if not doomed:
        return 0
    deleted = store.delete(doomed)
    log.info("%s: deleted %d objects no live version refers to", layer, deleted)
    return deleted


def _whole(store: Store, manifest: Manifest) -> Manifest:
    """A stored manifest with its parts read from the store; a version whose parts are gone keeps only what
    its head lists (its other blobs are then past saving anyway)."""
    try:
        return manifest.with_parts(manifest.store_reader(store))
    except ManifestError:
        log.warning("%s v%d: manifest parts missing in %s", manifest.layer, manifest.version, store.describe())
        return manifest


def find_layers(site_dir: Path, unit: str | None = None) -> list[Path]:
    """Built layer directories under `site_dir/u/` (live symlinks included), optionally of one unit only."""
    site_dir = Path(site_dir)
    found = []
    for dirpath, dirs, _files in os.walk(site_dir / "u", followlinks=False):
        here = Path(dirpath)
        for name in sorted(dirs):
            if name in TIERS and (here / name / layout.HEAD).is_file():
                layer_id = LayerId.parse((here / name).relative_to(site_dir).as_posix())
                if unit is None or layer_id.unit_code == unit:
                    found.append(here / name)
        # A layer is a leaf: its own sub-directories are pages, and sub-units sit beside it, not inside.
        dirs[:] = sorted(d for d in dirs if d not in TIERS and not d.startswith("."))
    return sorted(found)


def publish_site(site_dir: Path, store: Store, unit: str | None = None, *, layer_workers: int = 4,
                 **kwargs) -> PublishStats:
    """Publish every built layer of the site (or of one unit), a few layers at a time.

    Layers are independent (each has its own head), so one that fails leaves the others published; the first
    failure is raised once the layers already under way have finished.
    """
    total = PublishStats()
    with ThreadPoolExecutor(max_workers=max(1, layer_workers)) as pool:
        futures = [pool.submit(publish_layer, layer_dir, store, **kwargs) for layer_dir in find_layers(site_dir, unit)]
        failure: BaseException | None = None
        for future in futures:
            exc = future.exception()
            if exc is not None:
                if failure is None:
                    failure = exc  # raised below, so the command reports it
                else:
                    log.error("publishing another layer failed too: %s", exc)
            else:
                total = total + future.result()
    if failure is not None:
        raise failure
    return total
