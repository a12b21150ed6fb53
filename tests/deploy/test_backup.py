"""`sotay backup` then `sotay restore` brings back the database, uploaded files, the key and the layers."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from deploy.backup import main_backup, main_restore


@pytest.fixture
def isolated_paths(settings, tmp_path):
    """This test replaces whole directories: give it its own instead of the session's."""
    settings.SOTAY_SITE_DIR = tmp_path / "var" / "site"
    settings.SOTAY_STORE = {"BACKEND": "deploy.stores.LocalStore", "OPTIONS": {"root": str(settings.SOTAY_SITE_DIR)}}
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    settings.SOTAY_SIGNING_KEY_FILE = tmp_path / "var" / "keys" / "signing.key"
    settings.SOTAY_VAR_DIR = tmp_path / "var"
    return settings


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_brings_back_members_files_and_layers(tree, isolated_paths, make_layer, sample_files, tmp_path,
                                                       capsys):
    from cms.org.models import Member

    site = Path(isolated_paths.SOTAY_SITE_DIR)
    versions = site / ".versions" / "u" / "tn" / "all" / "3"
    layer_dir = make_layer(sample_files(3), layer="u/tn/all", site_dir=tmp_path / "built")
    versions.parent.mkdir(parents=True)
    layer_dir.rename(versions)
    (site / "u" / "tn").mkdir(parents=True)
    (site / "u" / "tn" / "all").symlink_to("../../.versions/u/tn/all/3")
    media = Path(isolated_paths.MEDIA_ROOT) / "documents" / "09-NQ-TU.pdf"
    media.parent.mkdir(parents=True)
    media.write_bytes(b"%PDF-1.4 nghi quyet")
    key = Path(isolated_paths.SOTAY_SIGNING_KEY_FILE)
    key.parent.mkdir(parents=True)
    key.write_bytes(b"c2VjcmV0LWtleS1ieXRlcy1mb3ItdGhlLXRlc3QtMDA=\n")
    members = sorted(Member.objects.values_list("pk", flat=True))
    archive = tmp_path / "backup.tar.gz"

    assert main_backup(["--out", str(archive)]) == 0
    assert archive.stat().st_mode & 0o077 == 0  # the archive holds the signing key
    with tarfile.open(archive) as tar:
        info = json.load(tar.extractfile("backup.json"))
        assert any(name.startswith("database/db.") for name in tar.getnames())
    assert info["format"] == 1 and info["store"] == "local"

    Member.objects.filter(pk=members[0]).delete()
    media.unlink()
    (site / "u" / "tn" / "all").unlink()
    key.unlink()

    assert main_restore([str(archive)]) == 0

    assert sorted(Member.objects.values_list("pk", flat=True)) == members
    assert media.read_bytes() == b"%PDF-1.4 nghi quyet"
    assert key.exists()
    live = site / "u" / "tn" / "all"
    assert live.is_symlink()
    assert (live / "a" / "1" / "index.html").read_bytes() == sample_files(3)["a/1/index.html"]
    assert "Đã phục hồi" in capsys.readouterr().out


def test_restore_of_a_damaged_archive_changes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(b"not a tar file")

    assert main_restore([str(bad)]) == 1
    assert "Phục hồi thất bại" in capsys.readouterr().err


def _archive(path: Path, members: list[tuple[str, str | None, bytes]]) -> Path:
    """A tar.gz of (name, symlink target or None, content)."""
    import io

    with tarfile.open(path, "w:gz") as tar:
        for name, link, content in members:
            info = tarfile.TarInfo(name)
            if link is not None:
                info.type, info.linkname = tarfile.SYMTYPE, link
                tar.addfile(info)
            else:
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
    return path


def test_restore_without_extraction_filters_keeps_layer_symlinks(tmp_path, monkeypatch):
    """Debian 12's python3 (3.11.2) has no tarfile filters; the live-layer symlinks must still come back."""
    from deploy.backup import _extract

    monkeypatch.delattr(tarfile, "tar_filter")
    archive = _archive(tmp_path / "ok.tar.gz", [
        ("store/.versions/u/tn/all/3/index.html", None, b"<h1>Tin</h1>"),
        ("store/u/tn/all", "../../.versions/u/tn/all/3", b""),
    ])
    dest = tmp_path / "out"
    dest.mkdir()
    with tarfile.open(archive, "r:gz") as tar:
        _extract(tar, dest)
    assert (dest / "store/u/tn/all/index.html").read_bytes() == b"<h1>Tin</h1>"


@pytest.mark.parametrize("member", [
    ("../evil", None, b"x"),
    ("/tmp/evil", None, b"x"),
    ("store/u/x", "../../../../etc/passwd", b""),
])
def test_restore_without_extraction_filters_refuses_members_outside(tmp_path, monkeypatch, member):
    from deploy.backup import BackupError, _extract

    monkeypatch.delattr(tarfile, "tar_filter")
    archive = _archive(tmp_path / "bad.tar.gz", [member])
    dest = tmp_path / "out"
    dest.mkdir()
    with tarfile.open(archive, "r:gz") as tar, pytest.raises(BackupError, match="ra ngoài"):
        _extract(tar, dest)
    assert not (tmp_path / "evil").exists()
