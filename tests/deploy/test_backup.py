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
