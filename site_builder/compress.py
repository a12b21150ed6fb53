"""Precompressed siblings of a layer's text files: `index.html.gz` and `index.html.br` next to `index.html`.

nginx sends them as they are (`gzip_static`, `brotli_static`) and the dev gate does the same
(`cms/publishing/views.py`), so no server compresses a layer file per request, and brotli at a quality no
server would spend per request makes pages and the theme's CSS and JS a fifth smaller than gzip level 5.
The siblings are ordinary layer files: hashed into the manifest, signed, hard-linked between versions.

A sibling is written only when it is missing or older than its file, so an incremental build compresses the
pages it rendered and nothing else.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import brotli

from layerformat.manifest import COMPRESSED_SUFFIXES, is_sibling
from layerformat.manifest import SIBLING_SUFFIXES as SIBLINGS

MIN_LENGTH = 512  # gzip_min_length: below this the headers cost more than compression saves
# The theme's CSS and JS are compressed once per theme version: the best brotli can do (0.3 s for Material's
# 138 kB CSS). Pages are rendered on every publish, thousands per layer on a full build: quality 5 (1 ms for
# an 11 kB article, 3.5 kB; quality 11 takes 25 ms for 3.2 kB).
BROTLI_QUALITY_ASSETS = 11
BROTLI_QUALITY_PAGES = 5
GZIP_LEVEL = 9


_THEME_CACHE: dict[tuple[str, str], bytes] = {}  # (sha256, suffix) → bytes: every layer carries the same theme


def _packed(data: bytes, suffix: str, quality: int, *, theme: bool) -> bytes:
    key = (hashlib.sha256(data).hexdigest(), suffix) if theme else None
    if key is not None and key in _THEME_CACHE:
        return _THEME_CACHE[key]
    packed = gzip.compress(data, GZIP_LEVEL, mtime=0) if suffix == ".gz" else brotli.compress(data, quality=quality)
    if key is not None:
        _THEME_CACHE[key] = packed
    return packed


@dataclass
class CompressStats:
    written: int = 0
    kept: int = 0
    removed: int = 0


def is_compressible(name: str) -> bool:
    """True for a file type that gets precompressed siblings (when it is large enough)."""
    return name.endswith(COMPRESSED_SUFFIXES)


def compress_site(site: Path) -> CompressStats:
    """Write missing or stale `.gz`/`.br` siblings under `site`; drop siblings whose file is gone."""
    stats = CompressStats()
    for dirpath, _dirs, names in os.walk(site):
        present = set(names)
        top = Path(dirpath).relative_to(site).parts[:1]
        quality = BROTLI_QUALITY_ASSETS if top == ("assets",) else BROTLI_QUALITY_PAGES
        for name in names:
            path = Path(dirpath, name)
            if is_sibling(name):
                if name[:-3] not in present or path.with_name(name[:-3]).stat().st_size < MIN_LENGTH:
                    path.unlink()
                    stats.removed += 1
                continue
            if not is_compressible(name):
                continue
            info = path.stat()
            if info.st_size < MIN_LENGTH:
                continue
            data = None
            for suffix in SIBLINGS:
                sibling = path.with_name(name + suffix)
                if name + suffix in present and sibling.stat().st_mtime_ns >= info.st_mtime_ns:
                    stats.kept += 1
                    continue
                data = path.read_bytes() if data is None else data
                packed = _packed(data, suffix, quality, theme=top == ("assets",))
                tmp = sibling.with_name(f".{sibling.name}.tmp")
                tmp.write_bytes(packed)
                os.replace(tmp, sibling)
                stats.written += 1
    return stats
