"""Publishing layers behaves the same on the local directory store and on S3."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deploy import layout
from deploy.publish import PublishError, collect_garbage, find_layers, publish_layer, publish_site
from deploy.serve import NotInLayer, resolve
from layerformat.signing import signature_valid


def read_path(store, layer: str, path: str) -> bytes:
    """What a member gets for /u/<layer>/<path>: the gate's lookup, then the object."""
    return store.get(resolve(store, layer, path).key)


def test_full_publish_makes_every_file_readable(any_store, make_layer, public_key, sample_files):
    files = sample_files()
    stats = publish_layer(make_layer(files), any_store, public_key=public_key)

    # blobs, the manifest part that lists a/…, signature, versioned manifest, head
    assert stats.uploaded == len(files) + 1 + 3
    assert stats.skipped == 0
    for path, data in files.items():
        assert read_path(any_store, "u/tn/dh/all", path) == data
    assert read_path(any_store, "u/tn/dh/all", "a/3/") == files["a/3/index.html"]


def test_republish_without_change_uploads_nothing(any_store, make_layer, sample_files):
    layer_dir = make_layer()
    publish_layer(layer_dir, any_store)

    again = publish_layer(layer_dir, any_store)

    assert again.uploaded == 0
    assert again.deleted == 0
    assert again.skipped == len(sample_files()) + 1


def test_new_version_sends_only_changed_files(any_store, make_layer, sample_files):
    files = sample_files()
    publish_layer(make_layer(files), any_store)
    files["a/2/index.html"] = "<h1>Nghị quyết số 2-NQ/TU (sửa đổi)</h1>".encode()

    stats = publish_layer(make_layer(files, version=2), any_store)

    assert stats.uploaded == 2 + 3  # the page and the manifest part that lists it
    assert stats.skipped == len(files) - 1
    assert read_path(any_store, "u/tn/dh/all", "a/2/index.html") == files["a/2/index.html"]
    head = layout.Manifest.parse(any_store.get("u/tn/dh/all/manifest.json"))
    assert head.version == 2


def test_manifest_and_signature_resolve_to_the_same_version(any_store, make_layer, public_key):
    layer_dir = make_layer()
    publish_layer(layer_dir, any_store)

    manifest = read_path(any_store, "u/tn/dh/all", "manifest.json")
    sig = read_path(any_store, "u/tn/dh/all", "manifest.json.sig")

    assert manifest == (layer_dir / "manifest.json").read_bytes()
    assert signature_valid(manifest, sig, public_key)


def test_older_version_is_refused_and_current_stays(any_store, make_layer, sample_files):
    publish_layer(make_layer(version=5), any_store)

    with pytest.raises(PublishError, match="không mới hơn"):
        publish_layer(make_layer(sample_files(tag="cũ"), version=4), any_store)

    assert layout.Manifest.parse(any_store.get("u/tn/dh/all/manifest.json")).version == 5


def test_file_that_differs_from_its_manifest_is_not_published(any_store, make_layer, sample_files):
    publish_layer(make_layer(), any_store)
    layer_dir = make_layer(sample_files(tag="mới"), version=2)
    (layer_dir / "a/1/index.html").write_text("sửa tay sau khi ký", encoding="utf-8")

    with pytest.raises(PublishError, match="khác với manifest"):
        publish_layer(layer_dir, any_store)

    assert layout.Manifest.parse(any_store.get("u/tn/dh/all/manifest.json")).version == 1


def test_badly_signed_layer_is_refused(any_store, make_layer, public_key):
    layer_dir = make_layer()
    (layer_dir / "manifest.json.sig").write_bytes(b"AAAA" * 22)

    with pytest.raises(PublishError, match="chữ ký"):
        publish_layer(layer_dir, any_store, public_key=public_key)

    assert any_store.get("u/tn/dh/all/manifest.json") is None


def test_old_blobs_are_kept_for_the_grace_period_then_deleted(any_store, make_layer, sample_files):
    files = sample_files()
    publish_layer(make_layer(files), any_store)
    old_key = resolve(any_store, "u/tn/dh/all", "a/1/index.html").key
    files["a/1/index.html"] = "<h1>Bản mới</h1>".encode()

    kept = publish_layer(make_layer(files, version=2), any_store, grace_s=3600)
    assert kept.deleted == 0
    assert any_store.get(old_key) is not None  # a reader holding version 1 can still open the page

    later = datetime.now(UTC) + timedelta(hours=2)
    deleted = collect_garbage(any_store, "u/tn/dh/all", grace_s=3600, now=later)

    assert deleted == 4  # the old page's blob, its manifest part, version 1's manifest and signature
    assert any_store.get(old_key) is None
    assert read_path(any_store, "u/tn/dh/all", "a/1/index.html") == files["a/1/index.html"]


def test_unknown_path_is_not_found(any_store, make_layer):
    publish_layer(make_layer(), any_store)

    with pytest.raises(NotInLayer):
        resolve(any_store, "u/tn/dh/all", "a/999/index.html")
    with pytest.raises(NotInLayer):
        resolve(any_store, "u/tn/dh/all", "../committee/index.html")
    with pytest.raises(NotInLayer):
        resolve(any_store, "u/tn/xx/all", "index.html")


def test_publish_site_takes_every_layer_or_one_unit(any_store, make_layer, tmp_path, sample_files):
    site = tmp_path / "site"
    for layer in ("u/tn/all", "u/tn/committee", "u/tn/dh/all", "u/tn/dh/xpl/all"):
        make_layer(sample_files(3, tag=layer), layer=layer, site_dir=site)

    assert [p.relative_to(site).as_posix() for p in find_layers(site, unit="dh")] == ["u/tn/dh/all"]
    one = publish_site(site, any_store, unit="dh")
    rest = publish_site(site, any_store)

    assert one.uploaded == len(sample_files(3)) + 1 + 3
    assert rest.uploaded == 3 * (len(sample_files(3)) + 1 + 3)
    assert rest.skipped == len(sample_files(3)) + 1
    assert read_path(any_store, "u/tn/dh/xpl/all", "index.html").startswith("<h1>Trang chủ".encode())


def test_live_layer_symlinks_are_published(any_store, make_layer, tmp_path, sample_files):
    """The builder keeps each version in its own directory and points the live layer at it with a symlink."""
    site = tmp_path / "site"
    version_dir = make_layer(sample_files(2), layer="u/tn/all", site_dir=tmp_path / "versions" / "7")
    (site / "u/tn").mkdir(parents=True)
    (site / "u/tn/all").symlink_to(version_dir)

    stats = publish_site(site, any_store)

    assert stats.uploaded == len(sample_files(2)) + 1 + 3
    assert read_path(any_store, "u/tn/all", "a/1/index.html") == sample_files(2)["a/1/index.html"]


def test_nightly_gc_collects_garbage_of_unchanged_layers(any_store, make_layer, sample_files):
    files = sample_files()
    publish_layer(make_layer(files), any_store)
    files["a/1/index.html"] = "<h1>Bản mới</h1>".encode()
    layer_dir = make_layer(files, version=2)
    publish_layer(layer_dir, any_store, grace_s=3600)
    later = datetime.now(UTC) + timedelta(hours=2)

    daytime = publish_layer(layer_dir, any_store, grace_s=3600, now=later)
    nightly = publish_layer(layer_dir, any_store, grace_s=3600, now=later, gc_unchanged=True)

    assert (daytime.uploaded, daytime.deleted) == (0, 0)
    assert (nightly.uploaded, nightly.deleted) == (0, 4)
