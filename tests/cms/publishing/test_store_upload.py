"""With an S3 store configured, a publish reaches the bucket by itself: the upload is the build's last stage, a
failed upload leaves the bucket's previous version readable and is queued again, and the admin tells the editor
where their publish is."""

from __future__ import annotations

import socket

import pytest

from cms.publishing.build_status import FAILED, LIVE, QUEUED, publish_status
from cms.publishing.models import LayerBuild
from cms.publishing.tasks import MAX_ATTEMPTS, build_layer_task, retry_delay
from deploy import layout
from deploy.layout import Manifest
from deploy.serve import manifest_cache
from site_builder.errors import BuildError
from tests.deploy.conftest import bucket, s3_endpoint, s3_store  # noqa: F401  (fixtures)
from tests.factories import publish

pytestmark = pytest.mark.django_db
LAYER = "u/tn/dt/all"


def _store_settings(bucket_name: str, endpoint: str, **options) -> dict:
    return {"BACKEND": "deploy.stores.S3Store",
            "OPTIONS": {"bucket": bucket_name, "endpoint_url": endpoint, **options}}


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def bucket_version(store) -> int | None:
    raw = store.get(layout.head_key(LAYER))
    return Manifest.parse(raw).version if raw is not None else None


def builds_queued() -> list:
    """Layer builds waiting in the queue (Wagtail queues tasks of its own too)."""
    return [r for r in build_layer_task.get_backend().results if r.task.func is build_layer_task.func]


@pytest.fixture
def on_s3(settings, s3_endpoint, s3_store):  # noqa: F811
    settings.SOTAY_STORE = _store_settings(s3_store.bucket, s3_endpoint)
    manifest_cache.clear()
    return s3_store


def test_a_publish_reaches_the_bucket_and_a_member_reads_it_through_the_gate(on_s3, tree, login,
                                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = publish(tree["dt"], "Nghị quyết gửi lên kho", body="<p>Toàn văn nghị quyết.</p>")
    assert bucket_version(on_s3) == LayerBuild.objects.get(layer=LAYER).live_version
    response = login("dv.x1").get(f"/{LAYER}/a/{page.pk}/")
    assert response.status_code == 200 and response["X-Accel-Redirect"].startswith("/_s3/")
    # The object nginx is sent to is the page as built, with its title.
    key = response["X-Accel-Redirect"].split(f"/{on_s3.bucket}/", 1)[1].split("?", 1)[0]
    assert "Nghị quyết gửi lên kho" in on_s3.get(key).decode()
    status = publish_status(page)
    assert status.state == LIVE and status.text.startswith("Đã đến đảng viên lúc")
    assert f"(phiên bản {status.version})" in status.text


def test_a_failed_upload_keeps_the_previous_version_and_is_queued_again(
        on_s3, settings, tree, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = publish(tree["dt"], "Bài thứ nhất", body="<p>Đã lên kho.</p>")
    before = bucket_version(on_s3)
    # The store stops answering; the queue is a table again (it can wait before a retry).
    working = settings.SOTAY_STORE
    settings.SOTAY_STORE = _store_settings(on_s3.bucket, _closed_port_url(), max_attempts=1)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        second = publish(tree["dt"], "Bài thứ hai", body="<p>Chưa lên kho.</p>")
    assert [r.args for r in builds_queued()] == [[LAYER]]
    with pytest.raises(BuildError) as failure:
        build_layer_task.call(LAYER)
    assert failure.value.stage == "upload"

    assert bucket_version(on_s3) == before  # members still get the previous version, whole
    retry = builds_queued()[-1]
    assert retry.args == [LAYER, 2, False] and retry.task.run_after is not None
    row = LayerBuild.objects.get(layer=LAYER)
    assert row.failed_stage == "upload" and "upload" in row.error and row.retry_at == retry.task.run_after
    status = publish_status(second)
    assert status.state == FAILED and "thử lại lúc" in status.help and "phiên bản trước" in status.help
    assert publish_status(first).state == LIVE  # its own publish did reach members

    # The store answers again: the retry takes the layer there, with a newer version.
    settings.SOTAY_STORE = working
    manifest_cache.clear()
    build_layer_task.call(LAYER, 2)
    assert bucket_version(on_s3) > before
    assert publish_status(second).state == LIVE
    client = login("dv.x1")
    assert client.get(f"/{LAYER}/a/{second.pk}/").status_code == 200


def test_retries_wait_longer_each_time_and_stop(settings):
    delays = [retry_delay(n).total_seconds() for n in range(1, MAX_ATTEMPTS)]
    assert delays == sorted(delays) and delays[0] >= 1 and delays[-1] <= 600
    from cms.publishing.tasks import schedule_retry

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    assert schedule_retry(LAYER, MAX_ATTEMPTS) is None
    assert builds_queued() == []


def test_a_page_waiting_for_its_build_says_so(settings, tree):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    page = publish(tree["dt"], "Bài đang chờ", body="<p>Chờ dựng.</p>")
    assert publish_status(page).state == QUEUED
    assert publish_status(page).text == "Đang chờ dựng"


def test_a_machine_restored_from_an_older_backup_publishes_above_what_the_bucket_holds(
        on_s3, settings, tree, login, django_capture_on_commit_callbacks):
    """The bucket got publishes after the last backup; the restored machine knows older versions only. Its
    next publish still reaches members: the new version goes above the bucket's, never refused as a rollback."""
    import shutil

    with django_capture_on_commit_callbacks(execute=True):
        publish(tree["dt"], "Bài trước khi máy hỏng", body="<p>Đã lên kho.</p>")
        publish(tree["dt"], "Bài thứ hai trước khi máy hỏng", body="<p>Đã lên kho.</p>")
    served = bucket_version(on_s3)
    assert served >= 2
    # The new machine: the site and build directories as an old backup had them (here: none at all).
    shutil.rmtree(settings.SOTAY_SITE_DIR, ignore_errors=True)
    shutil.rmtree(settings.SOTAY_BUILD_DIR, ignore_errors=True)
    with django_capture_on_commit_callbacks(execute=True):
        page = publish(tree["dt"], "Bài sau khi phục hồi", body="<p>Vẫn đến được đảng viên.</p>")
    assert bucket_version(on_s3) == served + 1 == LayerBuild.objects.filter(layer=LAYER).latest("pk").live_version
    assert login("dv.x1").get(f"/{LAYER}/a/{page.pk}/").status_code == 200
