"""The layer manifest: what a layer version contains, when it was built and until when it may be trusted."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FORMAT = 1
_CHUNK = 1 << 20


class ManifestError(ValueError):
    """The manifest is not valid JSON or lacks a required field."""


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
    layer: str, version: int, files: dict[str, tuple[str, int]], built_at: datetime, expires: datetime
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "layer": layer,
        "version": version,
        "built_at": iso(built_at),
        "expires": iso(expires),
        "files": {path: {"sha256": sha, "length": length} for path, (sha, length) in sorted(files.items())},
    }


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
    try:
        parse_iso(manifest["expires"])
        parse_iso(manifest["built_at"])
    except ValueError as exc:
        raise ManifestError(f"bad timestamp: {exc}") from exc
    for path, entry in manifest["files"].items():
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("sha256"), str)
            or not isinstance(entry.get("length"), int)
            or path.startswith("/")
            or ".." in path.split("/")
        ):
            raise ManifestError(f"bad file entry {path!r}")
    return manifest
