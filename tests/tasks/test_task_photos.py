"""A progress report with phone photos sent from the phone's outbox: a retry after a dropped answer (the same
client_id, the same photo) stores neither the report nor its photo a second time."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from cms.tasks.models import Assignment, ProgressReport, ReportPhoto

from .conftest import progress

pytestmark = pytest.mark.django_db


def phone_photo() -> io.BytesIO:
    """What the reader uploads: a JPEG already shrunk on the phone to 1280 px."""
    data = io.BytesIO()
    Image.new("RGB", (1280, 960), (30, 120, 60)).save(data, "JPEG", quality=80)
    data.name = "anh-1.jpg"
    data.seek(0)
    return data


def stored_files() -> set[Path]:
    folder = Path(settings.MEDIA_ROOT) / "tasks"
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def test_a_repeated_upload_with_the_same_key_stores_the_report_and_its_photo_once(tree, as_member, assign):
    task = assign(members=[tree["dv.x1"].pk])
    phone = as_member("dv.x1")
    report = progress(60, "Đã vận động được một hộ, ảnh buổi gặp.")
    before = stored_files()
    for _ in range(3):  # the outbox sends again when the answer was lost
        answer = phone.post(f"/api/tasks/{task['id']}/reports", {**report, "photos": [phone_photo()]},
                            format="multipart")
        assert answer.status_code == 201, answer.json()
    assert ProgressReport.objects.count() == 1
    assert ReportPhoto.objects.count() == 1
    assert len(stored_files() - before) == 1  # no orphan image file either
    assert Assignment.objects.get(member=tree["dv.x1"]).percent == 60
    shown = phone.get(f"/api/tasks/{task['id']}").json()["reports"]
    assert [(r["percent"], len(r["photos"])) for r in shown] == [(60, 1)]
    other = phone.post(f"/api/tasks/{task['id']}/reports", {**report, "text": "Khác", "photos": [phone_photo()]},
                       format="multipart")
    assert other.status_code == 409 and ReportPhoto.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("SOTAY_DATABASE_URL", "").startswith("postgres"),
                    reason="needs concurrent writers: SQLite serialises them")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_report_arriving_twice_at_once_is_stored_once(tree):
    """Two copies of one upload racing (the phone retried while the first was still being stored): PostgreSQL's
    unique key lets one in, the other is answered with it. SQLite serialises writers, so it runs on PostgreSQL."""
    import threading
    import uuid
    from datetime import timedelta

    from django.db import connection, connections
    from django.utils import timezone

    from cms.tasks import services

    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers")
    task = services.assign_task(by=tree["bt.x1"], title="Phát quang đường xóm", whole_unit=True,
                                due_at=timezone.now() + timedelta(days=3))
    client_id, when = uuid.uuid4(), timezone.now()
    start = threading.Barrier(2)
    stored, errors = [], []

    def upload() -> None:
        try:
            start.wait()
            stored.append(services.report_progress(member=tree["dv.x1"], task=task, percent=50, text="Một nửa.",
                                                   client_id=client_id, client_time=when,
                                                   images=[phone_photo()]).pk)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(stored) == 2 and stored[0] == stored[1]
    assert ProgressReport.objects.count() == 1 and ReportPhoto.objects.count() == 1
