"""Content types and cache headers by file type, shared by the stores, the gate and the nginx config.

The same rules are written once more in `deploy/nginx/sotay.conf` for files served from disk; the tests
check that both agree, so a reader gets the same headers whichever way a layer is served.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import PurePosixPath

# Our own table first: the system's /etc/mime.types differs between machines and knows nothing of Pagefind.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".opus": "audio/ogg",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".wasm": "application/wasm",
    ".pagefind": "application/octet-stream",
    ".pf_fragment": "application/octet-stream",
    ".pf_index": "application/octet-stream",
    ".pf_meta": "application/octet-stream",
    ".pf_filter": "application/octet-stream",
    ".gz": "application/gzip",
    ".sig": "text/plain; charset=utf-8",
    # files attached to articles (a resolution's full text)
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xls": "application/vnd.ms-excel",
}

# Immutable: the name changes when the content does (blobs, versioned manifests, hashed asset names).
IMMUTABLE = "private, max-age=31536000, immutable"
# Revalidate every time: the name stays, the content changes with each publish.
REVALIDATE = "private, no-cache"

_EXT = re.compile(r"^\.[a-z0-9_]{1,12}$")
# mkdocs-material: assets/stylesheets/main.6f8fc17f.min.css, assets/javascripts/bundle.f1a2b3c4.min.js;
# Pagefind: pagefind/fragment/vi_3d2f1a0.pf_fragment, pagefind/index/vi_9a8b7c6.pf_index, wasm.vi.pagefind
_HASHED = re.compile(r"(\.[0-9a-f]{8,}\.(min\.)?(css|js)$)|(_[0-9a-f]{7,}\.pf_(fragment|index|meta|filter)$)")
# Files named the same across versions that tell a reader what changed: never served stale.
_MUTABLE_NAMES = {"manifest.json", "manifest.json.sig", "feed.json", "pagefind-entry.json"}


def extension(path: str) -> str:
    """Lower-case last suffix of `path` if it is a plain one (`.html`, `.pf_index`), else ''."""
    suffix = PurePosixPath(path).suffix.lower()
    return suffix if _EXT.match(suffix) else ""


def content_type_for(path: str) -> str:
    ext = extension(path)
    if ext in CONTENT_TYPES:
        return CONTENT_TYPES[ext]
    guessed, _ = mimetypes.guess_type("x" + ext) if ext else (None, None)
    return guessed or "application/octet-stream"


def is_hashed_name(path: str) -> bool:
    """True when the file's own name carries its content hash, so its URL can be cached for a year."""
    return bool(_HASHED.search(path))


def cache_control_for_path(path: str) -> str:
    """Cache-Control for a layer file requested by its path (`/u/<layer>/<path>`)."""
    name = PurePosixPath(path).name
    if name in _MUTABLE_NAMES:
        return REVALIDATE
    return IMMUTABLE if is_hashed_name(path) else REVALIDATE


REDIRECTABLE = {".opus", ".ogg", ".oga", ".mp3", ".m4a", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".ico"}


def must_stay_same_origin(path: str) -> bool:
    """True for files served at `/u/<layer>/<path>` itself, never by a redirect to storage.

    A page, a stylesheet or a script served through a redirect would resolve its relative links against the
    storage URL, and Pagefind finds its index next to `pagefind.js` (`import.meta.url`) and fetches its chunks
    with fetch(), which across origins needs CORS. Only audio and images, which the browser loads by element
    and never resolves links in, are redirected: they are the large files worth sending straight from storage.
    """
    return extension(path) not in REDIRECTABLE
