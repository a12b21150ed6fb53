"""Ed25519 keys and signed manifests.

Layout at a layer root: `manifest.json` (canonical JSON: sorted keys, no spaces, UTF-8) and `manifest.json.sig`
(base64 Ed25519 signature of the exact manifest bytes). The public key is published at
`<site_dir>/keys/signing.pub` (base64 of the raw 32 bytes) so readers and `sotay verify` can check layers.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

log = logging.getLogger(__name__)

ENV_KEY = "SOTAY_SIGNING_KEY"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"
PUBLIC_KEY_PATH = "keys/signing.pub"


class KeyFormatError(ValueError):
    """A key could not be read (bad base64, wrong length)."""


def canonical_json(data: Any) -> bytes:
    """The one byte form that gets signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _decode_raw(text: str | bytes, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyFormatError(f"{what}: not base64") from exc
    if len(raw) != 32:
        raise KeyFormatError(f"{what}: expected 32 bytes, got {len(raw)}")
    return raw


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """The signing key: `$SOTAY_SIGNING_KEY` (base64 raw 32 bytes) if set, else the file at `path`.

    A missing file is created (mode 0600, parent directories 0700) with a fresh key, so a development
    checkout signs out of the box; production sets the environment variable or provisions the file.
    """
    env = os.environ.get(ENV_KEY)
    if env:
        return Ed25519PrivateKey.from_private_bytes(_decode_raw(env, ENV_KEY))
    path = Path(path)
    if path.exists():
        return Ed25519PrivateKey.from_private_bytes(_decode_raw(path.read_bytes(), str(path)))
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return load_or_create_key(path)
    with os.fdopen(fd, "wb") as fh:
        fh.write(base64.b64encode(raw) + b"\n")
    log.warning("Created a new signing key at %s", path)
    return key


def public_key_b64(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """Base64 of the raw 32-byte public key."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def load_public_key(key: Ed25519PublicKey | bytes | str | Path) -> Ed25519PublicKey:
    """The public key from a key object, a key file's content, or (str or Path) the path of a key file.

    The content may be base64 of the raw 32 bytes (`keys/signing.pub`), the 32 raw bytes or PEM. A key that
    cannot be read raises KeyFormatError (a ValueError); a missing file raises OSError.
    """
    if isinstance(key, Ed25519PublicKey):
        return key
    if isinstance(key, str | Path):
        key = Path(key).read_bytes()
    if len(key) == 32:
        return Ed25519PublicKey.from_public_bytes(key)
    if key.lstrip().startswith(b"-----BEGIN"):
        try:
            loaded = serialization.load_pem_public_key(key)
        except ValueError as exc:
            raise KeyFormatError("không đọc được khóa công khai") from exc
        if not isinstance(loaded, Ed25519PublicKey):
            raise KeyFormatError("khóa công khai không phải Ed25519")
        return loaded
    try:
        return Ed25519PublicKey.from_public_bytes(_decode_raw(key, "public key"))
    except KeyFormatError as exc:
        raise KeyFormatError("không đọc được khóa công khai") from exc


def read_public_key(path: Path) -> Ed25519PublicKey:
    return load_public_key(Path(path))


def write_public_key(site_dir: Path, key: Ed25519PrivateKey) -> Path:
    """Publish the public key at `<site_dir>/keys/signing.pub`; rewritten only when it changed."""
    path = Path(site_dir) / PUBLIC_KEY_PATH
    content = (public_key_b64(key) + "\n").encode("ascii")
    if not path.exists() or path.read_bytes() != content:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(content)
        os.replace(tmp, path)
    return path


def sign_manifest(manifest: dict[str, Any], key: Ed25519PrivateKey) -> tuple[bytes, bytes]:
    """Return (manifest.json bytes, manifest.json.sig bytes) for `manifest`."""
    body = canonical_json(manifest)
    return body, base64.b64encode(key.sign(body)) + b"\n"


def signature_valid(manifest_bytes: bytes, signature_file: bytes, public_key: Ed25519PublicKey) -> bool:
    """True iff `signature_file` (base64) is a valid signature of exactly `manifest_bytes`."""
    try:
        signature = base64.b64decode(signature_file.strip(), validate=True)
        public_key.verify(signature, manifest_bytes)
    except (binascii.Error, ValueError, InvalidSignature):
        return False
    return True
