"""`sotay verify s3://bucket/[prefix/]u/<unit path>/<tier>`: download a published layer and check it.

The check is the reader's: the head manifest's signature, its expiry, no rollback below a version the caller
already trusts, and every file's length and SHA-256. The layer is rebuilt as a directory on the way, so the
same download serves as an offline copy of the layer (`--out DIR`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from deploy import layout
from deploy.layout import Manifest, ManifestError
from deploy.stores import S3Store, Store
from site_builder.model import LayerId


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
              out_dir: Path | None = None, store: Store | None = None) -> list[str]:
    """Problems found with the layer at `url`; an empty list means it is whole and genuine."""
    bucket, prefix, layer = parse_s3_url(url)
    if store is None:
        store = S3Store(bucket, region=region, endpoint_url=endpoint_url, prefix=prefix)
    return verify_store_layer(store, layer, layout.load_public_key(public_key), min_version=min_version,
                              now=now, out_dir=out_dir)


def verify_store_layer(store: Store, layer: str, public_key: Ed25519PublicKey, *, min_version: int | None = None,
                       now: datetime | None = None, out_dir: Path | None = None) -> list[str]:
    raw = store.get(layout.head_key(layer))
    if raw is None:
        return [f"{layer}: chưa được phát hành (không có manifest.json)"]
    try:
        manifest = Manifest.parse(raw)
    except ManifestError as exc:
        return [f"{layer}: {exc}"]
    sig = store.get(layout.manifest_key(layer, manifest.version) + ".sig")
    problems = list(_check_manifest(layer, manifest, sig, public_key, min_version, now or datetime.now(UTC)))
    if problems:
        return problems  # an unsigned manifest says nothing about which files are right

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(out_dir) if out_dir else Path(tmp)
        target.mkdir(parents=True, exist_ok=True)

        def fetch(item: tuple[str, dict[str, Any]]) -> str | None:
            return _fetch_file(store, layer, item[0], item[1], target)

        with ThreadPoolExecutor(max_workers=8) as pool:
            problems += [p for p in pool.map(fetch, sorted(manifest.files.items())) if p]
        (target / layout.HEAD).write_bytes(raw)
        (target / layout.SIG).write_bytes(sig or b"")
    return problems


def _check_manifest(layer: str, manifest: Manifest, sig: bytes | None, key: Ed25519PublicKey,
                    min_version: int | None, now: datetime) -> Iterator[str]:
    if sig is None:
        yield f"{layer}: thiếu chữ ký của phiên bản {manifest.version}"
    elif not layout.signature_ok(manifest.raw, sig, key):
        yield f"{layer}: chữ ký manifest không hợp lệ"
    if manifest.layer != layer:
        yield f"{layer}: manifest thuộc lớp khác ({manifest.layer})"
    if min_version is not None and manifest.version < min_version:
        yield f"{layer}: phiên bản {manifest.version} cũ hơn phiên bản đã biết {min_version} (quay lui)"
    try:
        expires = datetime.fromisoformat(manifest.expires)
    except ValueError:
        yield f"{layer}: manifest không có hạn dùng hợp lệ"
        return
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    if expires < now:
        yield f"{layer}: manifest đã hết hạn lúc {manifest.expires}"


def _fetch_file(store: Store, layer: str, path: str, entry: dict[str, Any], target: Path) -> str | None:
    data = store.get(layout.blob_key(layer, path, entry["sha256"]))
    if data is None:
        return f"{layer}/{path}: thiếu tệp"
    if len(data) != entry["length"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
        return f"{layer}/{path}: nội dung khác với manifest"
    dest = target / path
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
    return None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sotay verify", description="Kiểm tra một lớp đã phát hành lên S3.")
    parser.add_argument("url", help="s3://bucket/u/<đơn vị>/<all|committee>")
    parser.add_argument("--public-key", required=True, help="tệp khóa công khai Ed25519")
    parser.add_argument("--endpoint-url", default=os.environ.get("AWS_ENDPOINT_URL_S3"))
    parser.add_argument("--region", default=None)
    parser.add_argument("--min-version", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None, help="lưu bản sao của lớp vào thư mục này")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    problems = verify_s3(args.url, Path(args.public_key), endpoint_url=args.endpoint_url, region=args.region,
                         min_version=args.min_version, out_dir=args.out)
    if args.json:
        sys.stdout.write(json.dumps({"ok": not problems, "problems": problems}, ensure_ascii=False) + "\n")
    else:
        for problem in problems:
            sys.stdout.write(problem + "\n")
        sys.stdout.write("Hợp lệ.\n" if not problems else f"{len(problems)} lỗi.\n")
    return 0 if not problems else 1
