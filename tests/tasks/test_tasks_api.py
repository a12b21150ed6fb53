"""Tasks given by a cell's committee, "Việc của tôi", progress reports that arrive once, who is late."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from cms.tasks.models import Assignment, ProgressReport, ReportPhoto

from .conftest import progress

pytestmark = pytest.mark.django_db


def test_a_task_for_the_whole_cell_reaches_every_member_and_no_one_else(tree, as_member, assign):
    task = assign(whole_unit=True)
    assert task["progress"] and {r["full_name"] for r in task["progress"]} == {
        "Đảng viên dv.x1", "Đảng viên dv2.x1", "Đảng viên cuv.x1", "Đảng viên bt.x1"}
    mine = as_member("dv.x1").get("/api/tasks/mine").json()
    assert [(i["kind"], i["title"]) for i in mine] == [("task", task["title"])]
    assert as_member("dv.x2").get("/api/tasks/mine").json() == []
    assert as_member("dv.x2").get(f"/api/tasks/{task['id']}").status_code == 404
    member_view = as_member("dv.x1").get(f"/api/tasks/{task['id']}").json()
    assert member_view["progress"] is None and member_view["mine"]["percent"] == 0


def test_my_tasks_are_ordered_by_deadline(tree, as_member, assign):
    later = assign(title="Nộp bài thu hoạch", members=[tree["dv.x1"].pk], in_days=9)
    sooner = assign(title="Thu đảng phí", members=[tree["dv.x1"].pk, tree["dv2.x1"].pk], in_days=2)
    mine = as_member("dv.x1").get("/api/tasks/mine").json()
    assert [i["id"] for i in mine] == [sooner["id"], later["id"]]
    assert [i["id"] for i in as_member("dv2.x1").get("/api/tasks/mine").json()] == [sooner["id"]]


def test_only_the_cells_committee_gives_tasks_and_only_to_its_own_members(tree, as_member):
    body = {"title": "Việc", "due_at": (timezone.now() + timedelta(days=2)).isoformat(), "whole_unit": True}
    refused = as_member("dv.x1").post("/api/tasks", body, format="json")
    assert refused.status_code == 403 and "cấp ủy" in refused.json()["detail"]
    stranger = as_member("bt.x1").post("/api/tasks", {**body, "whole_unit": False, "members": [tree["dv.x2"].pk]},
                                       format="json")
    assert stranger.status_code == 400 and "không phải đảng viên" in stranger.json()["detail"]
    nobody = as_member("bt.x1").post("/api/tasks", {**body, "whole_unit": False}, format="json")
    assert nobody.status_code == 400 and "chọn người thực hiện" in nobody.json()["detail"]
    assert not Assignment.objects.exists()


def test_a_replayed_progress_report_is_stored_once_and_a_reused_id_is_refused(tree, as_member, assign):
    task = assign(members=[tree["dv.x1"].pk])
    phone = as_member("dv.x1")
    report = progress(40, "Đã gặp một hộ.")
    for _ in range(3):  # the outbox sends again after a cut connection
        assert phone.post(f"/api/tasks/{task['id']}/reports", report, format="json").status_code == 201
    assert ProgressReport.objects.count() == 1
    assert Assignment.objects.get(member=tree["dv.x1"]).percent == 40
    reused = phone.post(f"/api/tasks/{task['id']}/reports", {**report, "percent": 90}, format="json")
    assert reused.status_code == 409 and reused.json()["conflicts"] == [report["client_id"]]
    assert Assignment.objects.get(member=tree["dv.x1"]).percent == 40
    other = as_member("dv2.x1").post(f"/api/tasks/{task['id']}/reports", progress(10), format="json")
    assert other.status_code == 404


def test_the_latest_report_by_the_phones_clock_sets_the_progress(tree, as_member, assign):
    task = assign(members=[tree["dv.x1"].pk])
    phone = as_member("dv.x1")
    newer = {**progress(100, "Xong."), "client_time": timezone.now().isoformat()}
    older = {**progress(50, "Được nửa."), "client_time": (timezone.now() - timedelta(hours=3)).isoformat()}
    assert phone.post(f"/api/tasks/{task['id']}/reports", newer, format="json").status_code == 201
    assert phone.post(f"/api/tasks/{task['id']}/reports", older, format="json").status_code == 201
    row = Assignment.objects.get(member=tree["dv.x1"])
    assert row.percent == 100 and row.done_at is not None
    assert phone.get("/api/tasks/mine").json() == []  # done: off the list


def test_report_photos_are_resized_and_shown_to_the_member_and_the_committee_only(tree, as_member, assign):
    task = assign(members=[tree["dv.x1"].pk, tree["dv2.x1"].pk])
    big = io.BytesIO()
    Image.new("RGB", (3000, 2000), (200, 30, 30)).save(big, "JPEG")
    big.name = "anh.jpg"
    big.seek(0)
    body = {**progress(70, "Ảnh buổi ra quân"), "photos": [big]}
    answer = as_member("dv.x1").post(f"/api/tasks/{task['id']}/reports", body, format="multipart")
    assert answer.status_code == 201, answer.json()
    photo = ReportPhoto.objects.get()
    assert (photo.width, photo.height) == (1080, 720)
    url = answer.json()["reports"][0]["photos"][0]["url"]
    assert as_member("dv.x1").get(url).status_code == 200
    assert as_member("bt.x1").get(url)["Content-Type"] == "image/jpeg"
    assert as_member("dv2.x1").get(url).status_code == 404
    not_image = io.BytesIO(b"not an image")
    not_image.name = "x.jpg"
    refused = as_member("dv.x1").post(f"/api/tasks/{task['id']}/reports", {**progress(80), "photos": [not_image]},
                                      format="multipart")
    assert refused.status_code == 400 and refused.json()["detail"] == "Tệp gửi lên không phải là ảnh."
    assert ProgressReport.objects.count() == 1


def test_the_secretary_sees_who_is_late(tree, as_member, assign):
    task = assign(members=[tree["dv.x1"].pk, tree["dv2.x1"].pk], in_days=1)
    as_member("dv2.x1").post(f"/api/tasks/{task['id']}/reports", progress(100, "Xong"), format="json")
    from cms.tasks.models import Task

    Task.objects.filter(pk=task["id"]).update(due_at=timezone.now() - timedelta(hours=1))
    late = as_member("bt.x1").get("/api/tasks/late").json()
    assert [(r["full_name"], r["percent"]) for r in late] == [("Đảng viên dv.x1", 0)]
    rows = {r["full_name"]: r["late"] for r in as_member("bt.x1").get(f"/api/tasks/{task['id']}").json()["progress"]}
    assert rows == {"Đảng viên dv.x1": True, "Đảng viên dv2.x1": False}
    assert as_member("dv.x1").get("/api/tasks/late").status_code == 403
    mine = as_member("dv.x1").get("/api/tasks/mine").json()
    assert mine[0]["late"] is True


def test_a_task_links_to_a_resolution_of_the_units_chain(tree, as_member, assign):
    from tests.factories import publish

    resolution = publish(tree["hs"], "Nghị quyết Đảng bộ xã về nông thôn mới", kind="resolution",
                         document_code="05-NQ/ĐU")
    task = assign(whole_unit=True, resolution=resolution.pk)
    assert as_member("dv.x1").get(f"/api/tasks/{task['id']}").json()["resolution"]["title"] == resolution.title
    elsewhere = publish(tree["dn"], "Nghị quyết xã khác", kind="resolution", document_code="07-NQ/ĐU")
    refused = as_member("bt.x1").post("/api/tasks", {"title": "Việc", "whole_unit": True, "resolution": elsewhere.pk,
                                                      "due_at": (timezone.now() + timedelta(days=2)).isoformat()},
                                      format="json")
    assert refused.status_code == 400 and "Nghị quyết" in refused.json()["detail"]


def test_replaying_a_task_creates_nothing_more(tree, as_member):
    body = {"title": "Thu đảng phí", "client_id": str(uuid.uuid4()), "whole_unit": True,
            "due_at": (timezone.now() + timedelta(days=2)).isoformat()}
    first = as_member("bt.x1").post("/api/tasks", body, format="json").json()
    second = as_member("bt.x1").post("/api/tasks", body, format="json").json()
    assert first["id"] == second["id"] and Assignment.objects.filter(task_id=first["id"]).count() == 4


def test_a_member_who_lost_access_sees_no_tasks(tree, as_member, assign):
    assign(whole_unit=True)
    phone = as_member("dv.x1")
    member = tree["dv.x1"]
    member.status = "expelled"
    member.save()
    assert phone.get("/api/tasks/mine").status_code == 403
