"""The layer manifest: what a layer version contains, when it was built and until when it may be trusted.

A large layer lists thousands of files (5,000 articles: 1.3 MB of sha256 values that do not compress), far
too much for a phone to fetch before its first view. So the signed `manifest.json` (the head) lists the
layer's top-level and theme files directly, and the rest through *parts*: small JSON files under
`manifest/` that the head lists like any other file, with their sha256. A reader verifies the head's
signature, then fetches and checks only the parts it needs (TUF's snapshot → targets pattern):

    manifest.json   {"format": 2, "layer", "version", "built_at", "expires",
                     "files": {"index.html": {...}, "feed.json": {...}, "manifest/a-3.json": {...}, ...},
                     "parts": {"a": ["id", 256], "audio": ["fnv1a", 4]}, "sizes": {"a": 4410233, ...}}
    manifest/a-3.json   {"layer": "u/tn/all", "files": {"a/812/index.html": {...}, ...}}

Which part lists a path is a pure function of the path and the head's `parts` rule (`part_of`, mirrored in
the reader's verify.js): `a/<id>/…` by article id in buckets of 256 ids (new articles land in the newest
bucket, so a publish rewrites one small part and a reader opening recent articles fetches one part), other
large directories by an FNV-1a hash of the path. Parts carry no version: an unchanged part keeps its bytes
and its hash from version to version, and a phone keeps it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FORMAT = 2
PARTS_DIR = "manifest"
ARTICLE_BUCKET = 256  # article ids per part of `a/`
PART_ENTRIES = 256  # files per hashed part, about 25 kB
PART_MIN_FILES = 64  # a directory with fewer files stays in the head
HEAD_DIRS = ("assets",)  # the theme: every page needs it, so it stays in the head
# The build's precompressed siblings (`x.br`, `x.gz`, site_builder/compress.py) are listed apart, in parts of their
# own that a reader never fetches (it hashes the decoded bytes against `x`'s entry): in the head they were half of
# its entries (46 of 92 in the demo province layer), which every phone fetched for every layer on its first view.
# The rule's key starts with a dot, so no top-level directory can match it and readers that only know directory
# rules ignore it.
SIBLINGS_PART = ".siblings"
# The types nginx's gzip_types lists (deploy/nginx/sotay.conf); Pagefind's files are compressed already.
COMPRESSED_SUFFIXES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map")
SIBLING_SUFFIXES = (".gz", ".br")


def is_sibling(path: str) -> bool:
    """True for a precompressed copy (`x.html.gz`, `x.css.br`) of another layer file."""
    return path.endswith(SIBLING_SUFFIXES) and path[:-3].endswith(COMPRESSED_SUFFIXES)
_CHUNK = 1 << 20


class ManifestError(ValueError):
    """A manifest (head or part) that cannot be read: not JSON, a required field missing, or not matching
    what its head says. The one manifest error of the project: builder, verifier, S3 publisher and gate raise it."""


def file_digest(path: Path) -> tuple[str, int]:
    """(sha256 hex, length) of a file, read in chunks so audio files don't fill memory."""
    digest = hashlib.sha256()
    length = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            length += len(chunk)
    return digest.hexdigest(), length


def bytes_digest(data: bytes) -> tuple[str, int]:
    return hashlib.sha256(data).hexdigest(), len(data)


def iso(moment: datetime) -> str:
    """UTC timestamp to the second, e.g. 2025-01-26T01:02:03Z."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def make_manifest(
    layer: str,
    version: int,
    files: dict[str, tuple[str, int]],
    built_at: datetime,
    expires: datetime,
    parts: Mapping[str, list] | None = None,
) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "layer": layer,
        "version": version,
        "built_at": iso(built_at),
        "expires": iso(expires),
        "files": {path: {"sha256": sha, "length": length} for path, (sha, length) in sorted(files.items())},
    }
    if parts:
        manifest["parts"] = {top: list(rule) for top, rule in sorted(parts.items())}
    return manifest


def fnv1a(text: str) -> int:
    """32-bit FNV-1a of the UTF-8 bytes: a hash the reader's JavaScript computes the same way."""
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def part_of(path: str, parts: Mapping[str, list]) -> str | None:
    """The part that lists `path` under the head's rule `parts`; None when the head lists it itself."""
    siblings = parts.get(SIBLINGS_PART)
    if siblings and is_sibling(path):
        return f"{PARTS_DIR}/{SIBLINGS_PART}-{fnv1a(path) % siblings[1]}.json"
    top, sep, rest = path.partition("/")
    rule = parts.get(top) if sep else None
    if not rule:
        return None
    kind, size = rule
    if kind == "id":
        ident = rest.split("/", 1)[0]
        return f"{PARTS_DIR}/{top}-{int(ident) // size}.json" if ident.isascii() and ident.isdigit() else None
    if kind == "fnv1a":
        return f"{PARTS_DIR}/{top}-{fnv1a(path) % size}.json"
    return None


def part_rule(files: Mapping[str, Any]) -> dict[str, list]:
    """How to split these files: `a/` by article id always, other big directories by hash."""
    counts: dict[str, int] = {}
    siblings = 0
    for path in files:
        if is_sibling(path):
            siblings += 1
            continue
        top, sep, _rest = path.partition("/")
        if sep and top not in HEAD_DIRS and top != PARTS_DIR:
            counts[top] = counts.get(top, 0) + 1
    rule: dict[str, list] = {}
    for top, count in counts.items():
        if top == "a":
            rule[top] = ["id", ARTICLE_BUCKET]
        elif count >= PART_MIN_FILES:
            buckets = 1
            while buckets * PART_ENTRIES < count:
                buckets *= 2
            rule[top] = ["fnv1a", buckets]
    if siblings:
        buckets = 1
        while buckets * PART_ENTRIES < siblings:
            buckets *= 2
        rule[SIBLINGS_PART] = ["fnv1a", buckets]
    return rule


def split_manifest(
    layer: str,
    version: int,
    files: dict[str, tuple[str, int]],
    built_at: datetime,
    expires: datetime,
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """(head manifest, {part path: part bytes}) for a layer version whose files are `files`."""
    from layerformat.signing import canonical_json

    rule = part_rule(files)
    head: dict[str, tuple[str, int]] = {}
    listed: dict[str, dict[str, dict[str, Any]]] = {}
    # Bytes per parted directory: a reader deciding whether to keep a layer's search index for offline use
    # need not fetch the parts to learn its size.
    sizes: dict[str, int] = {}
    for path, (sha, length) in files.items():
        if path.startswith(PARTS_DIR + "/"):
            raise ManifestError(f"{path}: {PARTS_DIR}/ is reserved for manifest parts")
        part = part_of(path, rule)
        if part is None:
            head[path] = (sha, length)
        else:
            listed.setdefault(part, {})[path] = {"sha256": sha, "length": length}
            if not part.startswith(f"{PARTS_DIR}/{SIBLINGS_PART}-"):  # never downloaded for offline reading
                top = path.partition("/")[0]
                sizes[top] = sizes.get(top, 0) + length
    blobs = {part: canonical_json({"layer": layer, "files": entries}) for part, entries in listed.items()}
    head.update({part: bytes_digest(data) for part, data in blobs.items()})
    manifest = make_manifest(layer, version, head, built_at, expires, rule)
    if rule:
        manifest["sizes"] = dict(sorted(sizes.items()))
    return manifest, blobs


def part_paths(manifest: Mapping[str, Any]) -> list[str]:
    """The parts a head lists (empty for a layer without parts)."""
    head = manifest.get("head_files", manifest["files"])
    return sorted(path for path in head if path.startswith(PARTS_DIR + "/"))


def parse_part(head: Mapping[str, Any], part: str, data: bytes) -> dict[str, dict[str, Any]]:
    """The entries of one part, after checking it is the part the signed head lists under that name."""
    entry = head.get("head_files", head["files"]).get(part)
    if entry is None:
        raise ManifestError(f"{part}: not a part of this manifest")
    if bytes_digest(data) != (entry["sha256"], entry["length"]):
        raise ManifestError(f"{part}: does not match the signed manifest")
    try:
        body = json.loads(data.decode("utf-8"))
        files = body["files"]
        if body["layer"] != head["layer"] or not isinstance(files, dict):
            raise ValueError("wrong layer")
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ManifestError(f"{part}: bad part ({exc})") from exc
    rule = head.get("parts") or {}
    for path, item in files.items():
        if part_of(path, rule) != part:
            raise ManifestError(f"{part}: lists {path}, which belongs elsewhere")
        _check_entry(path, item)
    return files


def with_parts(head: dict[str, Any], read: Callable[[str], bytes]) -> dict[str, Any]:
    """The whole manifest: the head with every part's entries merged into `files` (the head's own list
    stays under `head_files`). `read(path)` returns a part's bytes; a part that does not match raises
    ManifestError."""
    files = dict(head["files"])
    for part in part_paths(head):
        files.update(parse_part(head, part, read(part)))
    return {**head, "files": files, "head_files": head["files"]}


def parse_manifest(data: bytes) -> dict[str, Any]:
    """Decode and shape-check a manifest; raise ManifestError when it cannot be trusted structurally."""
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"not JSON: {exc}") from exc
    if not isinstance(manifest, dict):
        raise ManifestError("not an object")
    for name, kind in (("layer", str), ("version", int), ("built_at", str), ("expires", str), ("files", dict)):
        if not isinstance(manifest.get(name), kind):
            raise ManifestError(f"missing or bad field {name!r}")
    rule = manifest.get("parts", {})
    if not isinstance(rule, dict) or not all(
        isinstance(r, list) and len(r) == 2 and r[0] in ("id", "fnv1a") and isinstance(r[1], int) and r[1] > 0
        for r in rule.values()
    ):
        raise ManifestError("bad field 'parts'")
    try:
        parse_iso(manifest["expires"])
        parse_iso(manifest["built_at"])
    except ValueError as exc:
        raise ManifestError(f"bad timestamp: {exc}") from exc
    for path, entry in manifest["files"].items():
        _check_entry(path, entry)
    return manifest


def _check_entry(path: str, entry: Any) -> None:
    if (
        not isinstance(entry, dict)
        or not isinstance(entry.get("sha256"), str)
        or not isinstance(entry.get("length"), int)
        or path.startswith("/")
        or ".." in path.split("/")
    ):
        raise ManifestError(f"bad file entry {path!r}")
