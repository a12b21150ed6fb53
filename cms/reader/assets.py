"""URLs and sources of the shell's files, versioned by content.

Each URL carries `?v=<hash of the file>` so a phone keeps a file until it changes; the service worker's
version is the hash of everything it precaches, so a new deployment installs a new worker that fetches
exactly the new files and drops the old cache.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from functools import lru_cache
from pathlib import Path

import rcssmin
import rjsmin
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static

THEME_ASSETS = Path(settings.BASE_DIR) / "themes" / "reader" / "assets" / "sotay"
SHARED = ("fold.js", "search.js", "receipts.js")
STATIC = {
    "css": "reader/reader.css",
    "shell": "reader/shell.js",
    "verify": "reader/verify.js",
    "meetings": "reader/meetings.js",
    "offline": "reader/offline.js",
    "meetings_css": "reader/meetings.css",
    "tasks": "reader/tasks.js",
    "commitments": "reader/commitments.js",
    "notices": "reader/notices.js",
    "notices_css": "reader/notices.css",
    "learning": "reader/learning.js",
    "learning_css": "reader/learning.css",
    "nacl": "reader/vendor/nacl.min.js",
    "icon192": "reader/icons/icon-192.png",
    "icon512": "reader/icons/icon-512.png",
}
# The shell page's scripts, in the order it runs them, delivered as one file: one request instead of six on
# 3G, and one compression context, where what the scripts have in common (their small helpers) compresses
# away. Each keeps a failure to itself, as separate scripts would (the error is still reported).
SHELL_BUNDLE = ("verify", "receipts", "shell", "meetings", "tasks", "notices")
BUNDLE_NAME = "reader.js"
# Every reader page's styles (the shell's, the meetings' and the notices') as one minified file.
CSS_BUNDLE = ("css", "meetings_css", "notices_css")
CSS_BUNDLE_NAME = "reader.css"
SW_SOURCE = "reader/sw.js"
SHELL_ROUTES = ("/", "/tim-kiem/", "/chua-doc/", "/xem-sau/", "/gop-y/", "/luu-tru/", "/tai-ve/")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def _static_bytes(path: str) -> bytes:
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(path)
    return Path(found).read_bytes()


@lru_cache(maxsize=1)
def _bundle() -> bytes:
    parts = []
    for key in SHELL_BUNDLE:
        source = shared_source(f"{key}.js") if f"{key}.js" in SHARED else _static_bytes(STATIC[key])
        parts.append(b"try{\n" + source + b"\n}catch(e){setTimeout(function(){throw e})}\n")
    # Without comments and indentation (rjsmin renames nothing): 26.2 → 20.1 kB in brotli, a quarter of the
    # home's first view over 3G. The sources stay as written; only what is sent is minified.
    return rjsmin.jsmin(b"".join(parts).decode("utf-8")).encode("utf-8")


@lru_cache(maxsize=1)
def _css_bundle() -> bytes:
    return rcssmin.cssmin(b"\n".join(_static_bytes(STATIC[key]) for key in CSS_BUNDLE).decode("utf-8")).encode("utf-8")


def bundle_body(name: str) -> bytes:
    return _css_bundle() if name == CSS_BUNDLE_NAME else _bundle()


@lru_cache(maxsize=8)
def bundle_encoded(coding: str, digest: str, name: str = BUNDLE_NAME) -> bytes:
    """A bundle compressed once at the strongest level (as the layers' files are), not per request."""
    body = bundle_body(name)
    if coding == "br":
        import brotli

        return brotli.compress(body, quality=11)
    return gzip.compress(body, 9, mtime=0)


@lru_cache(maxsize=1)
def _urls() -> dict[str, str]:
    urls = {key: f"{static(path)}?v={_digest(_static_bytes(path))}" for key, path in STATIC.items()}
    for name in SHARED:
        urls[name.removesuffix(".js")] = f"/r/{name}?v={_digest((THEME_ASSETS / name).read_bytes())}"
    urls["bundle"] = f"/r/{BUNDLE_NAME}?v={_digest(_bundle())}"
    urls["css"] = f"/r/{CSS_BUNDLE_NAME}?v={_digest(_css_bundle())}"
    urls["manifest"] = "/manifest.webmanifest"
    return urls


def shell_urls() -> dict[str, str]:
    """Versioned URLs of the shell's CSS, scripts and icons, by short name (`css`, `shell`, `fold`, ...)."""
    if settings.DEBUG:
        _urls.cache_clear()  # edits show up without a restart while developing
        _bundle.cache_clear()
        _css_bundle.cache_clear()
    return _urls()


def bundle_digest(name: str = BUNDLE_NAME) -> str:
    return _digest(bundle_body(name))


def shared_source(name: str) -> bytes | None:
    if name in (BUNDLE_NAME, CSS_BUNDLE_NAME):
        return bundle_body(name)
    if name not in SHARED:
        return None
    return (THEME_ASSETS / name).read_bytes()


def public_key() -> str:
    """The province's Ed25519 public key (base64), as /keys/signing.pub publishes it."""
    from cms.publishing.keys import public_key as installation_public_key

    return installation_public_key()  # never a key of this machine's own that readers would not trust


def service_worker_source() -> bytes:
    """sw.js with its precache list and a version that changes whenever any shell file does."""
    urls = shell_urls()
    precache = [*SHELL_ROUTES[:1], *(urls[k] for k in ("css", "shell", "verify", "fold", "search", "receipts",
                                                       "meetings", "meetings_css", "tasks", "offline",
                                                       "bundle")),
                urls["icon192"], urls["manifest"]]
    body = _static_bytes(SW_SOURCE)
    version = _digest(json.dumps(precache).encode() + body)
    prelude = (
        f"var SOTAY_VERSION = {json.dumps(version)};\n"
        f"var SOTAY_PRECACHE = {json.dumps(precache)};\n"
        f"var SOTAY_SHELL_ROUTES = {json.dumps(list(SHELL_ROUTES))};\n"
        f"var SOTAY_IMPORTS = {json.dumps([urls['nacl'], urls['verify']])};\n"
        f"var SOTAY_PUBLIC_KEY = {json.dumps(public_key())};\n"
    )
    return prelude.encode() + body
