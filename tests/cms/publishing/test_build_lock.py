"""Two builds of one layer never run at once, on whatever machines the workers are: the lock is PostgreSQL's, and
a layer published again while it is building is built once more afterwards, with a higher version."""

from __future__ import annotations

import os
import threading
import time

import pytest

from cms.publishing.build import build_one
from cms.publishing.locks import layer_lock, layer_lock_held
from cms.publishing.models import LayerBuild
from layerformat.model import LayerId
from tests.factories import publish

ON_PG = os.environ.get("SOTAY_DATABASE_URL", "").startswith("postgres")
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True),
              pytest.mark.skipif(not ON_PG, reason="the cluster-wide lock is PostgreSQL's")]
LAYER = LayerId.parse("u/tn/dt/all")


def test_a_build_waits_for_the_layer_lock_another_session_holds(tree):
    first = publish(tree["dt"], "Thông báo thứ nhất", body="<p>Nội dung.</p>")
    assert first.live
    before = LayerBuild.objects.get(layer=LAYER.prefix).live_version
    done = threading.Event()

    def build():
        try:
            build_one(LAYER.prefix)
        finally:
            from django.db import connection

            connection.close()
            done.set()

    with layer_lock(LAYER):
        assert layer_lock_held(LAYER)
        worker = threading.Thread(target=build)
        worker.start()
        assert not done.wait(1.0), "the build ran while another session held the layer's lock"
        assert LayerBuild.objects.get(layer=LAYER.prefix).live_version == before
    assert done.wait(60)
    worker.join()
    assert LayerBuild.objects.get(layer=LAYER.prefix).live_version == before + 1
    assert not layer_lock_held(LAYER)


def test_a_publish_during_a_build_is_built_afterwards_with_the_next_version(tree, settings):
    publish(tree["dt"], "Bài đầu tiên", body="<p>Nội dung.</p>")
    version = LayerBuild.objects.get(layer=LAYER.prefix).live_version
    in_render, finish = threading.Event(), threading.Event()
    results: dict[str, dict] = {}
    ended: dict[str, float] = {}

    def hold_in_render(stage, _done, _total):
        if stage == "render":
            in_render.set()
            finish.wait(30)

    def slow_build():
        try:
            results["slow"] = build_one(LAYER.prefix, progress=hold_in_render)
            ended["slow"] = time.monotonic()
        finally:
            from django.db import connection

            connection.close()

    worker = threading.Thread(target=slow_build)
    worker.start()
    assert in_render.wait(30)
    # The editor publishes while the slow build renders: that publish's build waits for it, then builds.
    threading.Timer(1.0, finish.set).start()
    page = publish(tree["dt"], "Bài đăng trong lúc dựng", body="<p>Bài mới.</p>")
    waited_until = time.monotonic()
    worker.join(60)
    assert results["slow"]["version"] == version + 1
    assert ended["slow"] <= waited_until
    row = LayerBuild.objects.get(layer=LAYER.prefix)
    assert row.live_version == version + 2
    feed = (settings.SOTAY_SITE_DIR / LAYER.prefix / "feed.json").read_text("utf-8")
    assert "Bài đăng trong lúc dựng" in feed and page.live


def test_a_task_left_running_by_a_dead_worker_goes_back_to_the_queue(db):
    from django.utils import timezone
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from cms.publishing.cluster import announce_alive, requeue_orphans

    def running(worker_id: str) -> DBTaskResult:
        return DBTaskResult.objects.create(
            status=TaskResultStatus.RUNNING, worker_ids=[worker_id], started_at=timezone.now(),
            args_kwargs={"args": [LAYER.prefix], "kwargs": {}}, backend_name="default", run_after=timezone.now(),
            task_path="cms.publishing.tasks.build_layer_task")

    alive = announce_alive("worker-on-machine-a")
    try:
        kept, orphan = running("worker-on-machine-a"), running("worker-killed-on-machine-b")
        assert requeue_orphans() == 1
        orphan.refresh_from_db()
        kept.refresh_from_db()
        assert orphan.status == TaskResultStatus.READY and orphan.started_at is None
        assert kept.status == TaskResultStatus.RUNNING
    finally:
        alive.release()
    # Once machine a's worker is gone too, its task is queued again as well.
    assert requeue_orphans() == 1
