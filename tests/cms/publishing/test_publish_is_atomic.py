"""A publish and the build it queues commit together; a publish the database refuses says so in Vietnamese."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from cms.publishing.models import NewsPage
from tests.cms.publishing.test_workflow import BODY

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _publish(client, unit, title: str):
    return client.post(f"/admin/pages/add/publishing/newspage/{unit.pk}/",
                       {"title": title, "slug": "tin-xuat-ban", "tier": "all", "summary": "", "body": BODY,
                        "action-publish": "1"})


def test_the_build_is_queued_in_the_publish_itself(tree, login, settings):
    settings.TASKS = DB_QUEUE
    response = _publish(login("bbt.dt"), tree["dt"], "Tin xuất bản")
    assert response.status_code == 302
    page = NewsPage.objects.get(title="Tin xuất bản")
    assert page.live
    queued = DBTaskResult.objects.filter(task_path__endswith="build_layer_task")
    assert [r.args_kwargs["args"] for r in queued] == [["u/tn/dt/all"]]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the refusal is made with an SQLite trigger")
def test_a_refused_queue_leaves_the_page_unpublished_and_says_so_in_vietnamese(tree, login, settings):
    settings.TASKS = DB_QUEUE
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TRIGGER refuse BEFORE INSERT ON {DBTaskResult._meta.db_table} "
                       "BEGIN SELECT RAISE(ABORT, 'database is locked'); END")
    response = _publish(login("bbt.dt"), tree["dt"], "Tin không lên")
    assert response.status_code == 503
    text = response.content.decode()
    assert "Chưa lưu được" in text and "Traceback" not in text and "OperationalError" not in text
    assert not NewsPage.objects.filter(title="Tin không lên", live=True).exists()
    assert not NewsPage.objects.filter(title="Tin không lên").exists()  # nothing half-saved either
