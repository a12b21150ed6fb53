"""Signing keys: generated once outside git, overridable from the environment, and manifests that verify."""

from __future__ import annotations

import base64
import stat

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from layerformat.signing import (
    ENV_KEY,
    canonical_json,
    load_or_create_key,
    public_key_b64,
    read_public_key,
    sign_manifest,
    signature_valid,
    write_public_key,
)


def test_key_is_created_private_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_KEY, raising=False)
    path = tmp_path / "var" / "keys" / "signing.key"
    key = load_or_create_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert public_key_b64(load_or_create_key(path)) == public_key_b64(key)


def test_environment_key_overrides_the_file(tmp_path, monkeypatch):
    chosen = Ed25519PrivateKey.generate()
    raw = chosen.private_bytes_raw()
    monkeypatch.setenv(ENV_KEY, base64.b64encode(raw).decode())
    path = tmp_path / "signing.key"
    assert public_key_b64(load_or_create_key(path)) == public_key_b64(chosen)
    assert not path.exists()


def test_signed_manifest_verifies_only_unchanged(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_KEY, raising=False)
    key = load_or_create_key(tmp_path / "signing.key")
    body, signature = sign_manifest({"version": 2, "layer": "u/tn/all", "files": {}}, key)
    assert body == b'{"files":{},"layer":"u/tn/all","version":2}'
    public = read_public_key(write_public_key(tmp_path / "site", key))
    assert signature_valid(body, signature, public)
    assert not signature_valid(body.replace(b"2", b"3"), signature, public)
    assert not signature_valid(body, b"not base64!", public)


def test_canonical_json_is_utf8_without_escapes():
    assert canonical_json({"b": 1, "a": "Đảng"}) == '{"a":"Đảng","b":1}'.encode()
