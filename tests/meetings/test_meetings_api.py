"""A secretary schedules, members answer, the secretary marks attendance and posts minutes: through the API."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from cms.meetings.models import Attendance, Meeting, MeetingResponse
from tests.factories import publish

from .conftest import mark

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_secretary_schedules_with_material_and_members_of_the_cell_see_it(tree, as_member, schedule):
    material = publish(tree["x1"], "Tài liệu sinh hoạt tháng 12", kind="meeting")
    meeting = schedule(agenda=[{"title": "Học tập nghị quyết", "material": material.pk}, {"title": "Việc khác"}],
                       online_link="https://meet.jit.si/dongtam")
    assert meeting["agenda"][0]["material"] == {"id": material.pk, "title": material.title,
                                                "url": material.reader_path()}
    home = as_member("dv.x1").get("/api/meetings").json()
    assert [m["id"] for m in home] == [meeting["id"]]
    assert home[0]["can_manage"] is False and home[0]["online_link"] == "https://meet.jit.si/dongtam"
    assert as_member("dv.x2").get("/api/meetings").json() == []
    missing = as_member("dv.x2").get(f"/api/meetings/{meeting['id']}")
    assert missing.status_code == 404 and missing.json()["detail"] == "Không tìm thấy cuộc họp."


def test_a_member_cannot_schedule_and_materials_must_be_readable_by_everyone(tree, as_member):
    body = {"kind": "regular", "title": "Họp", "starts_at": (timezone.now() + timedelta(days=1)).isoformat()}
    refused = as_member("dv.x1").post("/api/meetings", body, format="json")
    assert refused.status_code == 403 and "bí thư" in refused.json()["detail"]
    committee_only = publish(tree["x1"], "Tài liệu cho chi ủy", kind="meeting", tier="committee")
    other_cell = publish(tree["x2"], "Tài liệu chi bộ khác", kind="meeting")
    for page in (committee_only, other_cell):
        answer = as_member("bt.x1").post("/api/meetings", {**body, "agenda": [{"title": "Đọc", "material": page.pk}]},
                                         format="json")
        assert answer.status_code == 400 and "Tài liệu" in answer.json()["detail"]
    assert not Meeting.objects.exists()


def test_committee_meetings_are_seen_by_the_committee_only(tree, as_member, schedule):
    meeting = schedule("cuv.x1", kind="committee", tier="committee", title="Họp chi ủy")
    assert [m["id"] for m in as_member("bt.x1").get("/api/meetings").json()] == [meeting["id"]]
    assert as_member("dv.x1").get(f"/api/meetings/{meeting['id']}").status_code == 404
    # A chi ủy viên schedules committee meetings, not the whole cell's.
    refused = as_member("cuv.x1").post("/api/meetings", {"kind": "regular", "title": "Sinh hoạt",
                                                         "starts_at": meeting["starts_at"]}, format="json")
    assert refused.status_code == 403


def test_replaying_a_schedule_creates_nothing_new(tree, as_member):
    body = {"client_id": str(uuid.uuid4()), "kind": "regular", "title": "Sinh hoạt thường kỳ",
            "starts_at": "2027-01-06T19:30:00+07:00", "repeat_day": 6, "repeat_count": 3}
    first = as_member("bt.x1").post("/api/meetings", body, format="json").json()
    again = as_member("bt.x1").post("/api/meetings", body, format="json").json()
    assert [m["id"] for m in again] == [m["id"] for m in first]
    assert Meeting.objects.count() == 3
    # Tết Đinh Mùi moves February's meeting to Thursday 11 February 2027, same hour.
    assert [m["starts_at"][:16] for m in first] == ["2027-01-06T19:30", "2027-02-11T19:30", "2027-03-06T19:30"]
    assert first[1]["moved_from"] == "2027-02-06"


def test_answers_need_a_reason_to_be_excused_and_the_newest_answer_wins(tree, as_member, schedule):
    meeting = schedule()
    client = as_member("dv.x1")
    url = f"/api/meetings/{meeting['id']}/response"
    now = timezone.now()
    no_reason = client.post(url, {"client_id": str(uuid.uuid4()), "answer": "excused",
                                  "client_time": now.isoformat()}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["detail"] == "Hãy ghi lý do xin vắng."
    later = {"client_id": str(uuid.uuid4()), "answer": "excused", "reason": "Đi làm xa",
             "client_time": now.isoformat()}
    earlier = {"client_id": str(uuid.uuid4()), "answer": "attend",
               "client_time": (now - timedelta(hours=1)).isoformat()}
    assert client.post(url, later, format="json").json()["my_answer"] == {"answer": "excused", "reason": "Đi làm xa"}
    # An older answer queued offline arrives afterwards: it does not undo the newer one.
    assert client.post(url, earlier, format="json").json()["my_answer"]["answer"] == "excused"
    assert client.post(url, later, format="json").status_code == 200
    reused = client.post(url, {**later, "answer": "attend"}, format="json")
    assert reused.status_code == 409
    assert MeetingResponse.objects.count() == 1
    assert as_member("dv.x2").post(url, later, format="json").status_code == 404


def test_attendance_marks_count_once_and_the_newest_mark_wins(tree, as_member, schedule):
    meeting = schedule(in_hours=-1)
    secretary = as_member("bt.x1")
    url = f"/api/meetings/{meeting['id']}/attendance"
    roster = secretary.get(url).json()["roster"]
    assert {r["full_name"] for r in roster} == {f"Đảng viên {u}" for u in ("dv.x1", "dv2.x1", "cuv.x1", "bt.x1")}
    batch = [mark(tree["dv.x1"].pk, "absent", minutes_ago=10), mark(tree["dv.x1"].pk, "online", minutes_ago=5),
             mark(tree["dv2.x1"].pk, "present", minutes_ago=5)]
    assert secretary.post(url, {"marks": batch}, format="json").json() == {"stored": 3, "duplicates": 0,
                                                                           "superseded": 0}
    # The connection dropped after the server had it: the phone sends the same batch again.
    assert secretary.post(url, {"marks": batch}, format="json").json()["duplicates"] == 3
    assert dict(Attendance.objects.values_list("member__user__username", "mark")) == {"dv.x1": "online",
                                                                                      "dv2.x1": "present"}
    stale = mark(tree["dv2.x1"].pk, "absent", minutes_ago=30)
    assert secretary.post(url, {"marks": [stale]}, format="json").json()["superseded"] == 1
    conflicting = {**batch[2], "mark": "absent"}
    answer = secretary.post(url, {"marks": [conflicting]}, format="json")
    assert answer.status_code == 409 and answer.json()["conflicts"] == [batch[2]["client_id"]]
    outsider = secretary.post(url, {"marks": [mark(tree["dv.x2"].pk, "present")]}, format="json")
    assert outsider.status_code == 403 and "thành phần" in outsider.json()["detail"]
    assert as_member("dv.x1").post(url, {"marks": batch}, format="json").status_code == 403
    assert as_member("dv.x1").get(url).status_code == 403
    assert Meeting.objects.get(pk=meeting["id"]).held_at is not None
    counts = secretary.get(url).json()["counts"]
    assert (counts["attended"], counts["online"], counts["present"]) == (2, 1, 1)


def test_marks_wait_for_the_meeting(tree, as_member, schedule):
    meeting = schedule(in_hours=30)
    answer = as_member("bt.x1").post(f"/api/meetings/{meeting['id']}/attendance",
                                     {"marks": [mark(tree["dv.x1"].pk, "present")]}, format="json")
    assert answer.status_code == 400 and "Chưa đến giờ họp" in answer.json()["detail"]


def _photo(width: int = 4000, height: int = 3000) -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(data, "JPEG", quality=95)
    data.seek(0)
    data.name = "bien-ban.jpg"
    return data


def test_minutes_with_a_phone_photo_resized_and_the_committee_part_for_the_committee(tree, as_member, schedule):
    meeting = schedule(in_hours=-2)
    url = f"/api/meetings/{meeting['id']}/minutes"
    answer = as_member("bt.x1").post(url, {"text": "Chi bộ họp đủ nội dung.", "resolution": "Nghị quyết tháng.",
                                           "committee_text": "Phân công nhân sự.", "photos": [_photo()]},
                                     format="multipart")
    assert answer.status_code == 201, answer.json()
    photo = answer.json()["minutes"]["photos"][0]
    assert (photo["width"], photo["height"]) == (1080, 810)
    member_view = as_member("dv.x1").get(f"/api/meetings/{meeting['id']}").json()["minutes"]
    assert member_view["resolution"] == "Nghị quyết tháng." and "committee_text" not in member_view
    committee_view = as_member("cuv.x1").get(f"/api/meetings/{meeting['id']}").json()["minutes"]
    assert committee_view["committee_text"] == "Phân công nhân sự."
    image = as_member("dv.x1").get(photo["url"])
    assert image.status_code == 200 and Image.open(io.BytesIO(b"".join(image.streaming_content))).width == 1080
    assert as_member("dv.x2").get(photo["url"]).status_code == 404
    not_image = io.BytesIO(b"not an image")
    not_image.name = "x.jpg"
    refused = as_member("bt.x1").post(url, {"text": "Sửa", "photos": [not_image]}, format="multipart")
    assert refused.status_code == 400 and refused.json()["detail"] == "Tệp gửi lên không phải là ảnh."
    assert as_member("dv.x1").get(f"/api/meetings/{meeting['id']}").json()["minutes"]["text"] == (
        "Chi bộ họp đủ nội dung.")


def test_rating_is_for_held_meetings_by_the_secretary(tree, as_member, schedule):
    coming, held = schedule(), schedule(in_hours=-3)
    secretary = as_member("bt.x1")
    assert secretary.post(f"/api/meetings/{coming['id']}/rating", {"quality": "good"}, format="json").status_code == 400
    assert secretary.post(f"/api/meetings/{held['id']}/rating", {"quality": "good"},
                          format="json").json()["quality"] == "good"
    assert as_member("cuv.x1").post(f"/api/meetings/{held['id']}/rating", {"quality": "poor"},
                                    format="json").status_code == 403


def test_the_schedule_form_offers_materials_everyone_called_may_read(tree, as_member):
    """The picker lists the cell's and its ancestors' articles of tier "all" (committee ones too for a committee
    meeting), meeting materials first; another cell's material is never offered, and a member gets no list."""
    own = publish(tree["x1"], "Tài liệu sinh hoạt chi bộ tháng 12", kind="meeting")
    province = publish(tree["tn"], "Nghị quyết Đại hội Đảng bộ tỉnh", kind="resolution", document_code="01-NQ/ĐH",
                       issuing_body="Đại hội Đảng bộ tỉnh", issue_date=timezone.localdate())
    other = publish(tree["x2"], "Tài liệu của chi bộ bên cạnh", kind="meeting")
    committee = publish(tree["x1"], "Dự thảo nhận xét đảng viên", kind="meeting", tier="committee")
    secretary = as_member("bt.x1")
    offered = secretary.get("/api/meetings/materials").json()
    ids = [m["id"] for m in offered]
    assert own.pk in ids and province.pk in ids and other.pk not in ids and committee.pk not in ids
    assert offered[0]["kind"] == "meeting" and offered[0]["title"] == own.title
    assert committee.pk in [m["id"] for m in secretary.get("/api/meetings/materials?tier=committee").json()]
    assert as_member("dv.x1").get("/api/meetings/materials").status_code == 403


def test_the_schedule_page_is_a_form_for_those_who_schedule_and_a_sentence_for_others(tree, client):
    from tests.factories import PASSWORD

    assert client.login(username="bt.x1", password=PASSWORD)
    assert 'id="schedule-form"' in client.get("/sinh-hoat/").content.decode()
    client.logout()
    assert client.login(username="dv.x1", password=PASSWORD)
    page = client.get("/sinh-hoat/").content.decode()
    assert 'id="schedule-form"' not in page and "mới xếp lịch họp" in page
