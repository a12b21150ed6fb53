"""With `SOTAY_MEDIA_BUCKET`, uploaded media live in the bucket: a worker on another machine, whose disk holds no
upload, builds the photo and the resolution's file into the signed layer (docs/scaling.md, adding a machine)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cms.publishing import demo_media
from tests.factories import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_in_bucket(settings, s3_endpoint, bucket, tmp_path):
    """A worker machine: its own empty disk, media in the bucket."""
    settings.STORAGES = {
        "default": {"BACKEND": "storages.backends.s3.S3Storage",
                    "OPTIONS": {"bucket_name": bucket, "location": "media", "endpoint_url": s3_endpoint,
                                "file_overwrite": False, "querystring_auth": True}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "no-media-here"
    settings.SOTAY_SITE_DIR = tmp_path / "site"
    settings.SOTAY_BUILD_DIR = tmp_path / "build"
    settings.SOTAY_STORE = {"BACKEND": "deploy.stores.LocalStore", "OPTIONS": {"root": str(settings.SOTAY_SITE_DIR)}}
    return bucket


def test_a_photo_and_a_file_in_the_bucket_reach_the_layer_built_elsewhere(media_in_bucket, s3_endpoint, tree,
                                                                           django_capture_on_commit_callbacks):
    import boto3
    from django.conf import settings

    from layerformat.manifest import with_parts

    photo = demo_media.make_image("Hội nghị Huyện ủy", size=(1000, 600))
    document = demo_media.make_document("Toàn văn Nghị quyết 05-NQ/HU", "nghi-quyet-05.pdf", b"%PDF-1.4\n%%EOF\n")
    keys = [o["Key"] for o in boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(
        Bucket=media_in_bucket, Prefix="media/")["Contents"]]
    assert any(k.startswith("media/original_images/") for k in keys) and any(k.endswith(".pdf") for k in keys)
    assert not Path(settings.MEDIA_ROOT).exists()  # nothing of the uploads on this machine's disk

    body = f"<p>Hội nghị thông qua nghị quyết.</p>{demo_media.image_embed(photo, 'Toàn cảnh hội nghị')}"
    with django_capture_on_commit_callbacks(execute=True):
        page = publish(tree["dt"], "Nghị quyết 05-NQ/HU về chuyển đổi số", kind="resolution", body=body,
                       document_code="05-NQ/HU", document=document)

    root = Path(settings.SOTAY_SITE_DIR) / "u/tn/dt/all"
    head = json.loads((root / "manifest.json").read_text("utf-8"))
    files = with_parts(head, lambda part: (root / part).read_bytes())["files"]
    mine = sorted(p.split("/")[2] for p in files if p.startswith(f"a/{page.pk}/") and "/index.html" not in p)
    assert mine == ["files", "img", "img"]  # the file and the photo at two widths, signed with the page
    pdf = next(p for p in files if p.startswith(f"a/{page.pk}/files/"))
    assert (root / pdf).read_bytes().startswith(b"%PDF")
    fetched = Path(settings.SOTAY_BUILD_DIR) / "media"  # the worker's copies, fetched from the bucket once
    copies = sorted(p.relative_to(fetched).parts[0] for p in fetched.rglob("*") if p.is_file())
    assert copies == ["documents", "original_images"]


def test_media_to_bucket_copies_the_first_machines_uploads_once(media_in_bucket, s3_endpoint, settings, tmp_path):
    import io

    import boto3
    from django.core.management import call_command

    disk = tmp_path / "media"
    (disk / "original_images").mkdir(parents=True)
    (disk / "original_images" / "hoi-nghi.jpg").write_bytes(b"\xff\xd8 anh")
    (disk / "documents").mkdir()
    (disk / "documents" / "nghi-quyet-05.pdf").write_bytes(b"%PDF-1.4 nghi quyet")
    settings.MEDIA_ROOT = disk
    out = io.StringIO()
    call_command("media_to_bucket", stdout=out)
    assert "Đã chép 2 tệp lên kho; 0 tệp đã có sẵn." in out.getvalue()
    s3 = boto3.client("s3", endpoint_url=s3_endpoint)
    body = s3.get_object(Bucket=media_in_bucket, Key="media/documents/nghi-quyet-05.pdf")["Body"].read()
    assert body == b"%PDF-1.4 nghi quyet"
    again = io.StringIO()
    call_command("media_to_bucket", stdout=again)  # after an interruption: nothing is copied twice
    assert "Đã chép 0 tệp lên kho; 2 tệp đã có sẵn." in again.getvalue()


def test_media_to_bucket_without_a_media_bucket_says_so(settings, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(CommandError, match="SOTAY_MEDIA_BUCKET"):
        call_command("media_to_bucket")


def test_the_settings_file_puts_media_in_the_bucket_as_an_operator_runs_it(s3_endpoint, bucket, tmp_path):
    import os
    import subprocess
    import sys

    import boto3

    media = tmp_path / "var" / "media" / "documents"
    media.mkdir(parents=True)
    (media / "ke-hoach.pdf").write_bytes(b"%PDF-1.4 ke hoach")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOTAY_", "DJANGO_"))}
    env.update(DJANGO_SETTINGS_MODULE="cms.settings.dev", SOTAY_VAR_DIR=str(tmp_path / "var"),
               SOTAY_MEDIA_BUCKET=bucket, SOTAY_STORE_ENDPOINT_URL=s3_endpoint, SOTAY_SPEECH="0")
    sotay = str(Path(sys.executable).with_name("sotay"))
    done = subprocess.run([sotay, "media-to-bucket"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Đã chép 1 tệp lên kho" in done.stdout
    s3 = boto3.client("s3", endpoint_url=s3_endpoint)
    assert s3.get_object(Bucket=bucket, Key="media/documents/ke-hoach.pdf")["Body"].read() == b"%PDF-1.4 ke hoach"
