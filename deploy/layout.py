"""How a layer is laid out in a store, and how its signed manifest is read.

Under the layer prefix `u/<unit path>/<tier>/` a store holds:

- `_blobs/<sha256><ext>`: every file of every live version, named by content, so a file that did not change
  is never sent again and a blob never changes once written;
- `_manifests/<version>.json` and `.json.sig`: each published manifest and its signature, immutable;
- `manifest.json`: the head, a copy of the current version's manifest. Writing it is the single step that
  switches readers to a new version, so it is written last; until then readers see the previous version whole.
  A large layer's head lists most files through manifest parts (`layerformat.manifest`), which are stored
  as blobs like any other file; `Manifest.entry` and `Manifest.with_parts` read them through the head.

Everything of a layer lives under its prefix, so one access check (or one signed cookie for the prefix)
gates all of it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from deploy.filetypes import extension
from layerformat import manifest as manifests
from layerformat.manifest import ManifestError
from layerformat.model import LayerId
from layerformat.signing import load_public_key  # noqa: F401  (deploy.cli and deploy.verify_s3 read it here)

HEAD = "manifest.json"
SIG = "manifest.json.sig"


def head_key(layer: str) -> str:
    return f"{layer}/{HEAD}"


def manifests_prefix(layer: str) -> str:
    return f"{layer}/_manifests/"


def manifest_key(layer: str, version: int) -> str:
    # Zero-padded so that listing order is version order.
    return f"{layer}/_manifests/{version:012d}.json"


def blobs_prefix(layer: str) -> str:
    return f"{layer}/_blobs/"


def blob_key(layer: str, path: str, sha256: str) -> str:
    """The blob of one file; the extension is kept so a type can be told from the key alone (nginx, S3)."""
    return f"{layer}/_blobs/{sha256}{extension(path)}"


def version_of_manifest_key(key: str) -> int | None:
    name = key.rsplit("/", 1)[-1]
    if not name.endswith(".json") or not name[:-5].isdigit():
        return None
    return int(name[:-5])


@dataclass(frozen=True)
class Manifest:
    raw: bytes
    layer: str
    version: int
    built_at: str
    expires: str
    files: dict[str, dict[str, Any]]  # the head's own list, or every file after `with_parts`
    parts: dict[str, list] = field(default_factory=dict)  # the head's rule for which part lists a path
    head_files: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: bytes) -> Manifest:
        """The head as stored: its own files only (call `with_parts` or `entry` for the rest)."""
        try:
            data = json.loads(raw)
            layer = LayerId.parse(data["layer"]).prefix
            files = {str(p): {"sha256": str(e["sha256"]), "length": int(e["length"])}
                     for p, e in data["files"].items()}
            parts = {str(top): [str(rule[0]), int(rule[1])] for top, rule in (data.get("parts") or {}).items()}
            return cls(raw, layer, int(data["version"]), str(data.get("built_at", "")),
                       str(data.get("expires", "")), files, parts, files)
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
            raise ManifestError(f"manifest không hợp lệ: {exc}") from exc

    def _head(self) -> dict[str, Any]:
        return {"layer": self.layer, "files": self.head_files, "parts": self.parts}

    def part_paths(self) -> list[str]:
        return manifests.part_paths({"files": self.head_files})

    def read_part(self, part: str, read: Callable[[str, dict], bytes | None]) -> dict[str, dict[str, Any]]:
        """The entries of one part; `read(path, entry)` returns its bytes (None when absent)."""
        data = read(part, self.head_files[part])
        if data is None:
            raise ManifestError(f"thiếu phần manifest {part}")
        try:
            return manifests.parse_part(self._head(), part, data)
        except ManifestError as exc:
            raise ManifestError(f"phần manifest không khớp: {exc}") from exc

    def with_parts(self, read: Callable[[str, dict], bytes | None]) -> Manifest:
        """The same manifest with every part's entries in `files`."""
        files = dict(self.head_files)
        for part in self.part_paths():
            files.update(self.read_part(part, read))
        return Manifest(self.raw, self.layer, self.version, self.built_at, self.expires, files, self.parts,
                        self.head_files)

    def entry(self, path: str, read: Callable[[str, dict], bytes | None]) -> dict[str, Any] | None:
        """The entry of one file, reading only the part that lists it."""
        part = manifests.part_of(path, self.parts)
        if part is None or path in self.files:
            return self.files.get(path)
        if part not in self.head_files:
            return None
        return self.read_part(part, read).get(path)

    def blob_keys(self) -> set[str]:
        return {blob_key(self.layer, p, e["sha256"]) for p, e in self.files.items()}

    def store_reader(self, store: Any) -> Callable[[str, dict], bytes | None]:
        """A part reader for `with_parts`/`entry` that fetches parts from their blobs in `store`."""
        return lambda path, entry: store.get(blob_key(self.layer, path, entry["sha256"]))
