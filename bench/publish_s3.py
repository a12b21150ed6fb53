"""`sotay bench publish-s3 [--json]`: publish a province's layers to a local S3 API server, then again unchanged.

The layers are synthesised directly in the builder's output format (signed manifest, pages, mkdocs-material
assets, Pagefind index, a few audio files), with sizes taken from built layers, so the benchmark measures the
store and the publish algorithm, not the builder. The S3 server (moto in server mode) runs in its own process
on 127.0.0.1 and keeps objects in memory, which bounds how large a province can be sent here: the default is the
generator's "small" province (3 districts, 16 base organisations, 80 cells, 2,000 articles).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from site_builder.layout import write_layer_dir

SCALES = {
    "small": {"districts": 3, "bases": 16, "cells": 80, "articles": 2000},
    "tiny": {"districts": 1, "bases": 2, "cells": 6, "articles": 150},
}
LEVEL_SHARE = {"province": 0.20, "district": 0.35, "base": 0.25, "cell": 0.20}
# Sizes measured on layers built with mkdocs-material (lunr and workers dropped) and Pagefind.
PAGE_BYTES = (14_000, 26_000)
FRAGMENT_BYTES = (900, 2_500)
AUDIO_BYTES = (450_000, 1_100_000)  # 3–6 minutes of Opus at 24 kbps
THEME_FILES = {
    "assets/javascripts/bundle.{h}.min.js": 110_000,
    "assets/stylesheets/main.{h}.min.css": 130_000,
    "assets/stylesheets/palette.{h}.min.css": 12_000,
    "assets/images/favicon.png": 1_900,
    "assets/sotay/sotay.css": 6_000,
    "assets/sotay/sotay.js": 18_000,
    "404.html": 12_000,
    "sitemap.xml": 4_000,
    "sitemap.xml.gz": 600,
    "pagefind/pagefind.js": 40_000,
    "pagefind/pagefind-ui.js": 85_000,
    "pagefind/wasm.unknown.pagefind": 55_000,
}


def _blob(rng: random.Random, size: int) -> bytes:
    return rng.randbytes(size)


def _layer_files(rng: random.Random, layer: str, n_articles: int, audio_share: float) -> dict[str, bytes]:
    theme_hash = hashlib.sha256(b"theme").hexdigest()[:8]  # the same theme in every layer
    theme_rng = random.Random(7)
    files = {name.format(h=theme_hash): _blob(theme_rng, size) for name, size in THEME_FILES.items()}
    feed = []
    for i in range(n_articles):
        article_id = rng.randrange(10**6)
        files[f"a/{article_id}/index.html"] = _blob(rng, rng.randint(*PAGE_BYTES))
        files[f"pagefind/fragment/vi_{rng.randbytes(4).hex()}.pf_fragment"] = _blob(rng, rng.randint(*FRAGMENT_BYTES))
        if rng.random() < audio_share:
            files[f"audio/{rng.randbytes(8).hex()}.opus"] = _blob(rng, rng.randint(*AUDIO_BYTES))
        feed.append({"id": article_id, "i": i})
    for _ in range(max(1, n_articles // 100)):
        files[f"pagefind/index/vi_{rng.randbytes(4).hex()}.pf_index"] = _blob(rng, 40_000)
    files[f"pagefind/pagefind.vi_{rng.randbytes(5).hex()}.pf_meta"] = _blob(rng, 2_000 + 20 * n_articles)
    files["index.html"] = _blob(rng, 20_000)
    files["feed.json"] = json.dumps({"layer": layer, "items": feed[-50:]}).encode()
    return files


def write_layer(site_dir: Path, layer: str, files: dict[str, bytes], version: int, key: Ed25519PrivateKey) -> Path:
    now = datetime.now(UTC).replace(microsecond=0)
    return write_layer_dir(site_dir / layer, layer, files, version=version, key=key, now=now,
                           expires=now + timedelta(days=30))


def synthesise_province(site_dir: Path, scale: dict[str, int], key: Ed25519PrivateKey, *, seed: int = 1,
                        audio_share: float = 0.05) -> dict[str, dict[str, bytes]]:
    """Write every layer of a province shaped like the bench generator's; return the files by layer."""
    rng = random.Random(seed)
    units = {"province": ["tn"]}
    units["district"] = [f"tn/d{i}" for i in range(scale["districts"])]
    units["base"] = [f"{units['district'][i % scale['districts']]}/b{i}" for i in range(scale["bases"])]
    units["cell"] = [f"{units['base'][i % scale['bases']]}/c{i}" for i in range(scale["cells"])]
    layers = {}
    for level, paths in units.items():
        per_unit = max(1, round(scale["articles"] * LEVEL_SHARE[level] / len(paths)))
        for path in paths:
            tiers = {"all": per_unit} if level == "cell" else {"all": per_unit, "committee": max(1, per_unit // 12)}
            for tier, n in tiers.items():
                layer = f"u/{path}/{tier}"
                layers[layer] = _layer_files(rng, layer, n, audio_share)
                write_layer(site_dir, layer, layers[layer], 1, key)
    return layers


def run(scale_name: str, workers: int, audio_share: float) -> dict:
    from deploy.publish import publish_site
    from deploy.s3server import FAKE_CREDENTIALS, running_s3_server
    from deploy.stores import S3Store

    os.environ.update(FAKE_CREDENTIALS)
    key = Ed25519PrivateKey.generate()
    with tempfile.TemporaryDirectory(prefix="sotay-bench-s3-") as tmp, running_s3_server() as endpoint:
        site = Path(tmp) / "site"
        layers = synthesise_province(site, SCALES[scale_name], key, audio_share=audio_share)
        total_bytes = sum(len(d) for files in layers.values() for d in files.values())
        store = S3Store("sotay-bench", endpoint_url=endpoint)
        store.create_private_bucket()

        started = time.perf_counter()
        full = publish_site(site, store, workers=workers)
        full_s = time.perf_counter() - started

        started = time.perf_counter()
        noop = publish_site(site, store, workers=workers)
        noop_s = time.perf_counter() - started

        # One edited article in one cell layer: the everyday publish.
        layer = next(name for name in layers if name.count("/") == 5)
        files = dict(layers[layer])
        page = next(p for p in files if p.startswith("a/"))
        files[page] = files[page][::-1]
        write_layer(site, layer, files, 2, key)
        started = time.perf_counter()
        one = publish_site(site, store, workers=workers)
        one_s = time.perf_counter() - started

    return {
        "scale": scale_name,
        "layers": len(layers),
        "files": sum(len(f) for f in layers.values()),
        "objects": full.uploaded,
        "mb": round(total_bytes / 1e6, 1),
        "workers": workers,
        "full_publish_s": round(full_s, 2),
        "objects_per_s": round(full.uploaded / full_s, 1),
        "mb_per_s": round(total_bytes / 1e6 / full_s, 1),
        "noop_publish_s": round(noop_s, 3),
        "noop_uploaded": noop.uploaded,
        "ratio": round(noop_s / full_s, 4),
        "one_article_publish_s": round(one_s, 3),
        "one_article_uploaded": one.uploaded,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sotay bench publish-s3")
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--audio-share", type=float, default=0.05, help="share of articles with audio")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.scale, args.workers, args.audio_share)
    if args.json:
        sys.stdout.write(json.dumps(result) + "\n")
    else:
        for name, value in result.items():
            sys.stdout.write(f"{name}: {value}\n")
    return 0
