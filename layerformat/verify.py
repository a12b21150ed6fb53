"""`sotay verify PATH`: check signed layers the way a reader does (the TUF checks).

A layer fails when a file was changed, is missing or was added, when its manifest was edited or signed by
another key, when it is older than a version already seen (rollback), or when it has expired (freeze).
The checks read through a `LayerSource`, so a layer in object storage can be verified by passing a source
that reads from the bucket (`CallableSource(read=..., list_files=...)`) instead of `DirSource`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from layerformat.errors import error_text
from layerformat.fsutil import write_atomic
from layerformat.manifest import (
    ManifestError,
    bytes_digest,
    file_digest,
    parse_iso,
    parse_manifest,
    parse_part,
    part_of,
    part_paths,
)
from layerformat.model import TIERS, LayerId
from layerformat.signing import (
    MANIFEST,
    PUBLIC_KEY_PATH,
    SIGNATURE,
    load_or_create_key,
    read_public_key,
    signature_valid,
)

MESSAGES = {
    "changed": "Tệp bị sửa: {path}",
    "missing": "Thiếu tệp: {path}",
    "added": "Tệp lạ, không có trong manifest: {path}",
    "no_manifest": "Không có manifest: {path}",
    "signature": "Chữ ký không hợp lệ (manifest bị sửa hoặc ký bằng khóa khác): {path}",
    "bad_manifest": "Manifest hỏng ({detail}): {path}",
    "wrong_layer": "Manifest thuộc lớp {detail}, không phải lớp này: {path}",
    "rollback": "Phiên bản cũ hơn bản đã thấy ({detail}): {path}",
    "expired": "Manifest đã hết hạn lúc {detail}: {path}",
}


@dataclass(frozen=True)
class Problem:
    kind: str  # a key of MESSAGES
    layer: str
    path: str  # file inside the layer
    detail: str = ""

    @property
    def message(self) -> str:
        return MESSAGES[self.kind].format(path=self.path, detail=self.detail)


class LayerSource(Protocol):
    """Read access to one layer's files, by path relative to the layer root."""

    def read(self, path: str) -> bytes:
        """The file's bytes; FileNotFoundError when it does not exist."""

    def digest(self, path: str) -> tuple[str, int]:
        """(sha256 hex, length); FileNotFoundError when it does not exist."""

    def list_files(self) -> Iterable[str]:
        """Every file in the layer."""


@dataclass
class DirSource:
    root: Path

    def read(self, path: str) -> bytes:
        return (self.root / path).read_bytes()

    def digest(self, path: str) -> tuple[str, int]:
        full = self.root / path
        if not full.is_file():
            raise FileNotFoundError(path)
        return file_digest(full)

    def list_files(self) -> Iterator[str]:
        for dirpath, _dirs, files in os.walk(self.root):
            for name in files:
                yield (Path(dirpath) / name).relative_to(self.root).as_posix()


@dataclass
class CallableSource:
    """Adapter for any store: `read(path) -> bytes` (FileNotFoundError if absent), `list_files()`."""

    read_file: Callable[[str], bytes]
    list_all: Callable[[], Iterable[str]]

    def read(self, path: str) -> bytes:
        return self.read_file(path)

    def digest(self, path: str) -> tuple[str, int]:
        return bytes_digest(self.read_file(path))

    def list_files(self) -> Iterable[str]:
        return self.list_all()


class SeenVersions:
    """Highest manifest version seen per layer, kept in a small JSON file to catch rollbacks."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.versions: dict[str, int] = {}
        if path is not None and path.exists():
            try:
                self.versions = {k: int(v) for k, v in json.loads(path.read_text("utf-8")).items()}
            except (ValueError, AttributeError):
                self.versions = {}

    def record(self, layer: str, version: int) -> None:
        self.versions[layer] = max(version, self.versions.get(layer, 0))

    def save(self) -> None:
        if self.path is not None:
            write_atomic(self.path, json.dumps(self.versions, sort_keys=True, indent=1).encode())


def verify_source(
    source: LayerSource,
    public_key: Ed25519PublicKey,
    *,
    layer: str,
    seen: SeenVersions | None = None,
    now: datetime | None = None,
) -> list[Problem]:
    """All problems of one layer; `layer` is where it was found (`u/tn/all`), checked against the manifest."""
    try:
        body = source.read(MANIFEST)
    except FileNotFoundError:
        return [Problem("no_manifest", layer, MANIFEST)]
    try:
        signature = source.read(SIGNATURE)
    except FileNotFoundError:
        signature = b""
    if not signature_valid(body, signature, public_key):
        return [Problem("signature", layer, MANIFEST)]  # nothing in an unsigned manifest can be trusted
    try:
        manifest = parse_manifest(body)
    except ManifestError as exc:
        return [Problem("bad_manifest", layer, MANIFEST, str(exc))]
    problems = _check_freshness(manifest, layer, seen, now or datetime.now(UTC))
    listed: dict[str, Any] = dict(manifest["files"])
    broken = set()
    for part in part_paths(manifest):
        try:
            listed.update(parse_part(manifest, part, source.read(part)))
        except FileNotFoundError:
            broken.add(part)  # reported as missing below
        except ManifestError:
            broken.add(part)  # reported as changed below; the files it lists cannot be checked
    for path, entry in sorted(listed.items()):
        try:
            sha, length = source.digest(path)
        except FileNotFoundError:
            problems.append(Problem("missing", layer, path))
            continue
        if (sha, length) != (entry["sha256"], entry["length"]):
            problems.append(Problem("changed", layer, path))
    rule = manifest.get("parts") or {}
    for path in sorted(set(source.list_files()) - set(listed) - {MANIFEST, SIGNATURE}):
        if part_of(path, rule) not in broken:
            problems.append(Problem("added", layer, path))
    return problems


def _check_freshness(manifest: dict, layer: str, seen: SeenVersions | None, now: datetime) -> list[Problem]:
    problems = []
    if layer and manifest["layer"] != layer:
        problems.append(Problem("wrong_layer", layer, MANIFEST, manifest["layer"]))
    version = manifest["version"]
    if seen is not None:
        highest = seen.versions.get(manifest["layer"], 0)
        if version < highest:
            problems.append(Problem("rollback", layer, MANIFEST, f"{version} < {highest}"))
        seen.record(manifest["layer"], version)
    expires = parse_iso(manifest["expires"])
    if expires <= now:
        problems.append(Problem("expired", layer, MANIFEST, manifest["expires"]))
    return problems


def layer_name(layer_dir: Path) -> str:
    """`u/tn/dh/all` for a layer directory found under a site's `u/`, '' when the path does not say."""
    parts = Path(os.path.abspath(layer_dir)).parts
    if "u" not in parts:
        return ""
    start = len(parts) - 1 - parts[::-1].index("u")
    try:
        return LayerId.parse("/".join(parts[start:])).prefix
    except ValueError:
        return ""


def verify_layer(
    layer_dir: Path,
    public_key: Ed25519PublicKey,
    *,
    seen_versions: Path | None = None,
    now: datetime | None = None,
) -> list[Problem]:
    """Verify one layer directory; `seen_versions` is the rollback memory file (updated when given)."""
    seen = SeenVersions(seen_versions) if seen_versions is not None else None
    problems = verify_source(DirSource(Path(layer_dir)), public_key, layer=layer_name(layer_dir), seen=seen, now=now)
    if seen is not None:
        seen.save()
    return problems


def find_layers(site_dir: Path) -> list[Path]:
    """Every live layer under `<site_dir>/u/`, in path order."""
    found = []
    for dirpath, dirs, _files in os.walk(Path(site_dir) / "u", followlinks=False):
        here = Path(dirpath)
        for name in sorted(dirs):
            if name in TIERS and (here / name / MANIFEST).exists():
                found.append(here / name)
        dirs[:] = sorted(d for d in dirs if d not in TIERS and not d.startswith("."))
    # Live layers are symlinks, which os.walk lists among dirs but never enters; the loop above saw them.
    return sorted(found)


# Remote layers: scheme -> "module:function" taking the URL and returning [(layer name, LayerSource)].
# The deploy package registers its object stores here (e.g. "s3": "deploy.verify:s3_sources").
REMOTE_OPENERS: dict[str, str] = {}


def default_seen_path() -> Path:
    return Path(os.environ.get("SOTAY_VAR_DIR", "var")) / "verify-seen.json"


def _site_root(path: Path) -> Path | None:
    """The site directory a local PATH belongs to: PATH itself if it holds `u/`, else the parent of `u`."""
    path = Path(os.path.abspath(path))
    if (path / "u").is_dir():
        return path
    for parent in path.parents:
        if parent.name == "u":
            return parent.parent
    return None


def _find_key(args: argparse.Namespace, site: Path | None) -> Ed25519PublicKey | None:
    if args.public_key:
        return read_public_key(Path(args.public_key))
    if site is not None and (site / PUBLIC_KEY_PATH).exists():
        return read_public_key(site / PUBLIC_KEY_PATH)
    key_file = os.environ.get("SOTAY_SIGNING_KEY_FILE")
    if (key_file and Path(key_file).exists()) or os.environ.get("SOTAY_SIGNING_KEY"):
        return load_or_create_key(Path(key_file or "")).public_key()
    return None


def _open(target: str) -> tuple[list[tuple[str, LayerSource]], Path | None]:
    scheme = target.split("://", 1)[0] if "://" in target else ""
    if scheme:
        if scheme not in REMOTE_OPENERS:
            raise LookupError(f"Chưa hỗ trợ kiểm tra {scheme}://")
        module, _, func = REMOTE_OPENERS[scheme].partition(":")
        return getattr(importlib.import_module(module), func)(target), None
    path = Path(target)
    site = _site_root(path)
    if (path / MANIFEST).exists():
        return [(layer_name(path), DirSource(path))], site
    if (path / "u").is_dir():
        return [(layer_name(p), DirSource(p)) for p in find_layers(path)], site
    raise LookupError(f"Không tìm thấy lớp nào ở {target}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="sotay verify", description="Kiểm tra chữ ký và nội dung các lớp đã xuất bản."
    )
    parser.add_argument("path", help="thư mục một lớp (…/u/tn/all) hoặc thư mục site (chứa u/)")
    # --public-key, as in `sotay verify s3://…` and `sotay publish`; --key is kept for older scripts.
    parser.add_argument("--public-key", "--key", dest="public_key",
                        help="khóa công khai base64; mặc định <site>/keys/signing.pub")
    parser.add_argument(
        "--seen", default=str(default_seen_path()), help="tệp ghi phiên bản cao nhất đã thấy; '' để bỏ qua"
    )
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    args = parser.parse_args(argv)
    try:
        layers, site = _open(args.path)
        key = _find_key(args, site)
    except FileNotFoundError as exc:
        sys.stderr.write(f"Không tìm thấy {exc.filename}: kiểm tra đường dẫn lớp và --public-key.\n")
        return 2
    except LookupError as exc:
        sys.stderr.write(f"{exc}.\n")
        return 2
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"Không kiểm tra được: {error_text(exc)}\n")
        return 2
    if key is None:
        sys.stderr.write("Không tìm thấy khóa công khai: dùng --public-key TỆP\n")
        return 2
    seen = SeenVersions(Path(args.seen)) if args.seen else None
    problems: list[Problem] = []
    for name, source in layers:
        problems += verify_source(source, key, layer=name, seen=seen)
    if seen is not None:
        seen.save()
    _report(args.json, [name for name, _ in layers], problems)
    return 1 if problems or not layers else 0


def _report(as_json: bool, names: list[str], problems: list[Problem]) -> None:
    if as_json:
        out = {
            "ok": not problems and bool(names),
            "layers": names,
            "problems": [{**asdict(p), "message": p.message} for p in problems],
        }
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        return
    for problem in problems:
        sys.stdout.write(f"{problem.layer or '?'}: {problem.message}\n")
    bad = len({p.layer for p in problems})
    if problems:
        sys.stdout.write(f"Phát hiện {len(problems)} sai lệch ở {bad}/{len(names)} lớp.\n")
    elif names:
        sys.stdout.write(f"Đã kiểm tra {len(names)} lớp: chữ ký và nội dung đều khớp.\n")
    else:
        sys.stdout.write("Không có lớp nào để kiểm tra.\n")
