"""`sotay verify s3://bucket/[prefix/]u/<unit path>/<tier>`: download a published layer and check it.

The layer's head version is downloaded as a directory, laid out as the builder lays out a layer, and checked by
the builder's own verifier (layerformat.verify): signature, expiry, no rollback below a version the caller
already trusts, every file's length and SHA-256. The same download serves as an offline copy (`--out DIR`).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from deploy import layout
from deploy.layout import Manifest, ManifestError
from deploy.stores import S3Store, Store, default_endpoint_url
from layerformat.model import LayerId
from layerformat.verify import DirSource, Problem, SeenVersions, verify_source


def parse_s3_url(url: str) -> tuple[str, str, str]:
    """`s3://bucket/pre/fix/u/tn/dh/all/` → (bucket, store prefix, layer prefix)."""
    if not url.startswith("s3://"):
        raise ValueError(f"không phải địa chỉ s3://: {url}")
    bucket, _, rest = url[len("s3://"):].partition("/")
    parts = [p for p in rest.split("/") if p]
    if "u" not in parts or not bucket:
        raise ValueError(f"địa chỉ không chỉ tới một lớp (u/…/all|committee): {url}")
    start = parts.index("u")
    layer = LayerId.parse("/".join(parts[start:])).prefix
    return bucket, "/".join(parts[:start]), layer


def verify_s3(url: str, public_key: Ed25519PublicKey | bytes | str | Path, *, endpoint_url: str | None = None,
              region: str | None = None, min_version: int | None = None, now: datetime | None = None,
              out_dir: Path | None = None, store: Store | None = None) -> list[Problem]:
    """Problems found with the layer at `url` (the builder's `Problem`s); empty when it is whole and genuine."""
    bucket, prefix, layer = parse_s3_url(url)
    if store is None:
        store = S3Store(bucket, region=region, endpoint_url=endpoint_url, prefix=prefix)
    return verify_store_layer(store, layer, layout.load_public_key(public_key), min_version=min_version,
                              now=now, out_dir=out_dir)


def verify_store_layer(store: Store, layer: str, public_key: Ed25519PublicKey, *, min_version: int | None = None,
                       now: datetime | None = None, out_dir: Path | None = None) -> list[Problem]:
    """Download the layer's current version as a directory, then run the reader's checks on it."""
    with tempfile.TemporaryDirectory(prefix="sotay-verify-") as tmp:
        target = Path(out_dir) if out_dir else Path(tmp) / layer
        if not download_layer(store, layer, target):
            return [Problem("no_manifest", layer, layout.HEAD)]
        seen = SeenVersions(None)
        if min_version is not None:
            seen.versions[layer] = min_version
        return verify_source(DirSource(target), public_key, layer=layer, seen=seen, now=now)


def download_layer(store: Store, layer: str, target: Path) -> bool:
    """Write the layer's head version into `target` as the builder lays a layer out; False if unpublished.

    Files are written as stored, right or wrong: judging them is the verifier's job. A missing blob is left
    out, so it shows up as a missing file.
    """
    raw = store.get(layout.head_key(layer))
    if raw is None:
        return False
    target.mkdir(parents=True, exist_ok=True)
    (target / layout.HEAD).write_bytes(raw)
    try:
        manifest = Manifest.parse(raw)
    except ManifestError:
        return True  # the verifier reports the broken manifest
    sig = store.get(layout.manifest_key(layer, manifest.version) + ".sig")
    if sig is not None:
        (target / layout.SIG).write_bytes(sig)

    def fetch(item: tuple[str, dict[str, Any]]) -> None:
        path, entry = item
        data = store.get(layout.blob_key(layer, path, entry["sha256"]))
        if data is not None:
            dest = target / path
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(fetch, sorted(manifest.files.items())))
        # The parts just written list the rest; a part that does not match is the verifier's to report.
        listed = dict(manifest.files)
        for part in manifest.part_paths():
            try:
                listed.update(manifest.read_part(part, lambda p, _e: (target / p).read_bytes()
                                                 if (target / p).is_file() else None))
            except ManifestError:
                continue
        list(pool.map(fetch, sorted((p, e) for p, e in listed.items() if p not in manifest.files)))
    return True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sotay verify", description="Kiểm tra một lớp đã phát hành lên S3.")
    parser.add_argument("url", help="s3://bucket/u/<đơn vị>/<all|committee>")
    parser.add_argument("--public-key", "--key", dest="public_key", default=None,
                        help="tệp khóa công khai Ed25519; mặc định <thư mục site>/keys/signing.pub")
    parser.add_argument("--endpoint-url", default=default_endpoint_url())
    parser.add_argument("--region", default=None)
    parser.add_argument("--min-version", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None, help="lưu bản sao của lớp vào thư mục này")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.public_key is None:
        from deploy.cli import default_site_dir

        args.public_key = default_site_dir() / "keys" / "signing.pub"
    try:
        key = layout.load_public_key(Path(args.public_key))
        parse_s3_url(args.url)
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    problems = verify_s3(args.url, key, endpoint_url=args.endpoint_url, region=args.region,
                         min_version=args.min_version, out_dir=args.out)
    if args.json:
        out = {"ok": not problems, "layers": [parse_s3_url(args.url)[2]],
               "problems": [{**asdict(p), "message": p.message} for p in problems]}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    else:
        for problem in problems:
            sys.stdout.write(f"{problem.layer}: {problem.message}\n")
        sys.stdout.write("Hợp lệ.\n" if not problems else f"{len(problems)} lỗi.\n")
    return 0 if not problems else 1
