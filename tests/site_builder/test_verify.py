"""`sotay verify`: an untouched layer passes; every kind of tampering is named, file by file, in Vietnamese."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from layerformat.signing import read_public_key, sign_manifest
from layerformat.verify import CallableSource, main, verify_layer, verify_source
from tests.site_builder.conftest import PROVINCE, Site, make_article, resolution
from tests.site_builder.test_pipeline import DISTRICT


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A site with two signed layers, built once; each test gets its own copy."""
    from layerformat.signing import load_or_create_key

    root = tmp_path_factory.mktemp("published")
    site = Site(root, load_or_create_key(root / "signing.key"))
    site.build([resolution(1), make_article(2)])
    site.build([make_article(7, layer=DISTRICT)], layer=DISTRICT)
    return site


@pytest.fixture
def copy(published, tmp_path):
    """A plain-directory copy of the published site (symlinks resolved), safe to tamper with."""
    target = tmp_path / "site"
    for layer in (PROVINCE, DISTRICT):
        shutil.copytree(published.layer(layer), target / layer.prefix, symlinks=False)
    shutil.copytree(published.dir / "keys", target / "keys")
    return target


@pytest.fixture
def public(published):
    return read_public_key(published.dir / "keys" / "signing.pub")


def messages(problems) -> list[str]:
    return [p.message for p in problems]


def test_untouched_layer_passes(copy, public):
    assert verify_layer(copy / PROVINCE.prefix, public) == []


def test_changed_file_is_named(copy, public):
    page = copy / PROVINCE.prefix / "a" / "1" / "index.html"
    page.write_text(page.read_text("utf-8").replace("Nghị quyết", "Quyết định"), "utf-8")
    assert messages(verify_layer(copy / PROVINCE.prefix, public)) == ["Tệp bị sửa: a/1/index.html"]


def test_missing_file_is_named(copy, public):
    (copy / PROVINCE.prefix / "feed.json").unlink()
    assert messages(verify_layer(copy / PROVINCE.prefix, public)) == ["Thiếu tệp: feed.json"]


def test_added_file_is_named(copy, public):
    (copy / PROVINCE.prefix / "a" / "99").mkdir()
    (copy / PROVINCE.prefix / "a" / "99" / "index.html").write_text("<p>tin giả</p>")
    assert messages(verify_layer(copy / PROVINCE.prefix, public)) == [
        "Tệp lạ, không có trong manifest: a/99/index.html"
    ]


def test_edited_manifest_fails_the_signature(copy, public):
    path = copy / PROVINCE.prefix / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["expires"] = "2099-01-01T00:00:00Z"
    path.write_text(json.dumps(manifest, sort_keys=True, separators=(",", ":")))
    [problem] = verify_layer(copy / PROVINCE.prefix, public)
    assert problem.kind == "signature" and problem.path == "manifest.json"


def test_manifest_signed_with_another_key_is_refused(copy, public):
    layer = copy / PROVINCE.prefix
    manifest = json.loads((layer / "manifest.json").read_text())
    body, signature = sign_manifest(manifest, Ed25519PrivateKey.generate())
    (layer / "manifest.json").write_bytes(body)
    (layer / "manifest.json.sig").write_bytes(signature)
    assert [p.kind for p in verify_layer(layer, public)] == ["signature"]


def test_missing_signature_is_refused(copy, public):
    (copy / PROVINCE.prefix / "manifest.json.sig").unlink()
    assert [p.kind for p in verify_layer(copy / PROVINCE.prefix, public)] == ["signature"]


def test_older_version_than_seen_is_a_rollback(copy, public, tmp_path):
    seen = tmp_path / "seen.json"
    seen.write_text(json.dumps({PROVINCE.prefix: 5}))
    problems = verify_layer(copy / PROVINCE.prefix, public, seen_versions=seen)
    assert messages(problems) == ["Phiên bản cũ hơn bản đã thấy (1 < 5): manifest.json"]


def test_seen_versions_are_remembered(published, copy, public, tmp_path):
    seen = tmp_path / "seen.json"
    assert verify_layer(published.layer(), public, seen_versions=seen) == []
    assert json.loads(seen.read_text())[PROVINCE.prefix] == 1


def test_expired_manifest_is_refused(copy, public):
    later = datetime.now(UTC) + timedelta(days=31)
    [problem] = verify_layer(copy / PROVINCE.prefix, public, now=later)
    assert problem.kind == "expired" and problem.message.startswith("Manifest đã hết hạn lúc ")


def test_layer_served_under_another_layers_path_is_refused(copy, public):
    swapped = copy / "u" / "tn" / "committee"
    shutil.copytree(copy / PROVINCE.prefix, swapped)
    assert messages(verify_layer(swapped, public)) == [
        "Manifest thuộc lớp u/tn/all, không phải lớp này: manifest.json"
    ]


def test_any_store_can_be_verified_through_callables(copy, public):
    root = copy / PROVINCE.prefix
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    files["a/2/index.html"] = b"changed"

    def read(path: str) -> bytes:
        if path not in files:
            raise FileNotFoundError(path)
        return files[path]

    problems = verify_source(CallableSource(read, lambda: list(files)), public, layer=PROVINCE.prefix)
    assert messages(problems) == ["Tệp bị sửa: a/2/index.html"]


def test_cli_passes_a_whole_site_and_prints_a_summary(copy, tmp_path, capsys):
    assert main([str(copy), "--seen", str(tmp_path / "seen.json")]) == 0
    assert "Đã kiểm tra 2 lớp" in capsys.readouterr().out


def test_cli_names_the_tampered_file_and_exits_1(copy, tmp_path, capsys):
    (copy / DISTRICT.prefix / "a" / "7" / "index.html").write_text("sửa")
    assert main([str(copy), "--seen", str(tmp_path / "seen.json")]) == 1
    assert "u/tn/dt/all: Tệp bị sửa: a/7/index.html" in capsys.readouterr().out


def test_cli_json_output(copy, tmp_path, capsys):
    (copy / PROVINCE.prefix / "index.html").unlink()
    assert main([str(copy / PROVINCE.prefix), "--seen", "", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False and out["layers"] == [PROVINCE.prefix]
    assert out["problems"] == [
        {"kind": "missing", "layer": "u/tn/all", "path": "index.html", "detail": "", "message": "Thiếu tệp: index.html"}
    ]


def test_cli_catches_a_rollback_across_runs(site, tmp_path, capsys):
    seen = tmp_path / "seen.json"
    site.build([make_article(1)])
    old = tmp_path / "old" / "u" / "tn" / "all"
    shutil.copytree(site.layer(), old, symlinks=False)
    site.build([make_article(1), make_article(2)])
    assert main([str(site.dir), "--seen", str(seen)]) == 0
    # Version 1, served again in place of version 2, is caught.
    assert main([str(old), "--seen", str(seen), "--public-key", str(site.dir / "keys" / "signing.pub")]) == 1
    assert "Phiên bản cũ hơn bản đã thấy (1 < 2)" in capsys.readouterr().out


def test_cli_without_layers_or_key_exits_2(tmp_path, copy, capsys, monkeypatch):
    monkeypatch.delenv("SOTAY_SIGNING_KEY_FILE", raising=False)
    monkeypatch.delenv("SOTAY_SIGNING_KEY", raising=False)
    assert main([str(tmp_path / "nowhere")]) == 2
    shutil.rmtree(copy / "keys")
    assert main([str(copy), "--seen", ""]) == 2
    assert "khóa công khai" in capsys.readouterr().err


def test_cli_names_the_key_option_as_every_command_does(site, tmp_path):
    site.build([make_article(1)])
    key = str(site.dir / "keys" / "signing.pub")
    # --public-key as in `sotay publish` and `sotay verify s3://…`; --key still works for older scripts.
    assert main([str(site.layer()), "--seen", "", "--public-key", key]) == 0
    assert main([str(site.layer()), "--seen", "", "--key", key]) == 0
    assert main([str(tmp_path), "--seen", ""]) == 2
