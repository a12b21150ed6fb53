"""Find the stored object behind a member's request for `/u/<layer>/<path>`.

The gate (the API's access check) calls `resolve` after it has decided the member may read the layer, then
either tells nginx where the object is (X-Accel-Redirect or the `X-Sotay-Blob` header of `auth_request`), or
redirects to `presigned_url_for(...)`. Manifests are cached for a couple of seconds: an old cached manifest only
points at blobs that garbage collection keeps for a whole grace period. A path the cached manifest does not
have (a just-published article) makes the gate read the head again, at most four times a second per layer, so a new
article is readable as soon as its version is in the store.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from posixpath import normpath

from deploy import layout
from deploy.filetypes import REVALIDATE, cache_control_for_path, content_type_for, must_stay_same_origin
from deploy.layout import Manifest
from deploy.stores import Store
from layerformat.manifest import ManifestError
from layerformat.model import LayerId

MANIFEST_TTL_S = 2.0
MISS_REFRESH_S = 0.25  # a miss re-reads the head only if the cached one is older than this
PARTS_KEPT = 2048  # manifest parts kept in memory (about 25 kB each at most)


class NotInLayer(LookupError):
    """The layer has no such file (or is not published): the gate answers 404."""


@dataclass(frozen=True)
class Resolved:
    key: str  # object key in the store
    content_type: str
    cache_control: str  # for the response at the member-facing URL
    same_origin: bool  # serve at /u/<layer>/<path> itself, never by redirect


class ManifestCache:
    def __init__(self, ttl_s: float = MANIFEST_TTL_S) -> None:
        self.ttl_s = ttl_s
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], tuple[float, Manifest | None]] = {}
        self._parts: dict[str, bytes] = {}

    def get(self, store: Store, layer: str, *, max_age_s: float | None = None) -> Manifest | None:
        cache_key = (store.describe(), layer)
        with self._lock:
            hit = self._entries.get(cache_key)
        if hit and time.monotonic() - hit[0] < (self.ttl_s if max_age_s is None else max_age_s):
            return hit[1]
        raw = store.get(layout.head_key(layer))
        manifest = Manifest.parse(raw) if raw is not None else None
        with self._lock:
            self._entries[cache_key] = (time.monotonic(), manifest)
        return manifest

    def part_reader(self, store: Store, manifest: Manifest):
        """Reads manifest parts from their blobs, keeping them by blob key: a blob never changes."""

        def read(path: str, entry: dict) -> bytes | None:
            key = layout.blob_key(manifest.layer, path, entry["sha256"])
            with self._lock:
                data = self._parts.get(key)
            if data is None:
                data = store.get(key)
                if data is not None:
                    with self._lock:
                        if len(self._parts) >= PARTS_KEPT:
                            self._parts.pop(next(iter(self._parts)))
                        self._parts[key] = data
            return data

        return read

    def forget(self, store: Store, layer: str) -> None:
        with self._lock:
            self._entries.pop((store.describe(), layer), None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._parts.clear()


manifest_cache = ManifestCache()


def resolve(store: Store, layer_prefix: str, path: str, *, cache: ManifestCache | None = None) -> Resolved:
    """The object that holds `path` of the layer's current version (`a/12/` means `a/12/index.html`)."""
    layer = LayerId.parse(layer_prefix).prefix
    path = path.lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    if normpath(path) != path or path.startswith("../"):
        raise NotInLayer(path)
    cache = cache or manifest_cache
    manifest = cache.get(store, layer)
    if manifest is None or (path not in (layout.HEAD, layout.SIG) and _entry(cache, store, manifest, path) is None):
        manifest = cache.get(store, layer, max_age_s=MISS_REFRESH_S)  # published since it was cached?
    if manifest is None:
        raise NotInLayer(f"{layer} chưa được phát hành")
    if path in (layout.HEAD, layout.SIG):
        # Both names resolve through the same head read, so a reader never pairs a manifest with another
        # version's signature even while a publish is switching versions.
        key = layout.manifest_key(layer, manifest.version) + (".sig" if path == layout.SIG else "")
        return Resolved(key, content_type_for(path), REVALIDATE, True)
    entry = _entry(cache, store, manifest, path)
    if entry is None:
        raise NotInLayer(path)
    return Resolved(layout.blob_key(layer, path, entry["sha256"]), content_type_for(path),
                    cache_control_for_path(path), must_stay_same_origin(path))


def _entry(cache: ManifestCache, store: Store, manifest: Manifest, path: str) -> dict | None:
    try:
        return manifest.entry(path, cache.part_reader(store, manifest))
    except ManifestError as exc:
        raise NotInLayer(f"{path}: {exc}") from exc


def presigned_url_for(store: Store, layer_prefix: str, path: str, expires_s: int = 300, *,
                      cache: ManifestCache | None = None) -> str:
    """A short-lived URL of the blob holding `path`, with the Content-Type of the file's own name."""
    presign = getattr(store, "presign", None)
    if presign is None:
        raise TypeError(f"{store.describe()} cannot sign URLs; serve the file through the gate instead")
    found = resolve(store, layer_prefix, path, cache=cache)
    # The object itself was stored with a year-long Cache-Control: a blob's content never changes.
    return presign(found.key, expires_s=expires_s, content_type=found.content_type)


@dataclass(frozen=True)
class GateAnswer:
    """What the gate view answers once access is granted: a status and headers, no body."""

    status: int
    headers: dict[str, str]


def gate_answer(store: Store, layer_prefix: str, path: str, *, expires_s: int = 300,
                accel_prefix: str = "/_s3/", local_accel_prefix: str = "/_store/",
                cache: ManifestCache | None = None) -> GateAnswer:
    """How a granted request for `/u/<layer>/<path>` is served from `store` behind nginx.

    Pages, styles, scripts and JSON stay at their own URL (X-Accel-Redirect to an internal nginx location
    that fetches the presigned URL, or the local file), because their relative links resolve against it;
    audio, images and index chunks are redirected (302) to a short-lived presigned URL, so large files go
    straight from storage to the member. Raises NotInLayer for a path the layer does not have.
    """
    found = resolve(store, layer_prefix, path, cache=cache)
    common = {"Cache-Control": found.cache_control, "Content-Type": found.content_type}
    presign = getattr(store, "presign", None)
    if presign is None:
        return GateAnswer(200, {**common, "X-Accel-Redirect": local_accel_prefix + found.key})
    url = presign(found.key, expires_s=expires_s, content_type=found.content_type)
    if not found.same_origin:
        # The redirect itself must not outlive the URL it points to.
        return GateAnswer(302, {"Location": url, "Cache-Control": f"private, max-age={max(0, expires_s - 30)}"})
    return GateAnswer(200, {**common, "X-Accel-Redirect": accel_redirect_target(url, accel_prefix)})


def accel_redirect_target(url: str, accel_prefix: str = "/_s3/") -> str:
    """`https://host/bucket/key?sig` → `/_s3/bucket/key?sig` for nginx's internal S3 location."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return accel_prefix + parts.path.lstrip("/") + ("?" + parts.query if parts.query else "")
