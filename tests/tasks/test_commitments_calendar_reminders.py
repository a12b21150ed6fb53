"""Yearly commitments, work calendars and the personal calendar (reader and iCalendar), deadline reminders."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from cms.tasks.models import Assignment, TaskReminderSent
from cms.tasks.reminders import send_due_reminders, send_task_reminders_task
from tests.meetings.test_push import PushService

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_a_member_registers_the_secretary_approves_the_member_reports_the_secretary_comments(tree, as_member):
    member, secretary = as_member("dv.x1"), as_member("bt.x1")
    year = timezone.localdate().year
    first = member.post("/api/commitments", {"year": year, "kind": "directive", "text": "Vận động 5 hộ trồng rừng"},
                        format="json").json()
    early = member.post(f"/api/commitments/{first['id']}/reports",
                        {"client_id": str(uuid.uuid4()), "text": "Đã vận động 2 hộ"}, format="json")
    assert early.status_code == 400 and early.json()["detail"] == "Bản đăng ký chưa được duyệt."
    assert as_member("dv.x2").post(f"/api/commitments/{first['id']}/review", {"approve": True},
                                   format="json").status_code == 404
    back = secretary.post(f"/api/commitments/{first['id']}/review", {"approve": False}, format="json")
    assert back.status_code == 400 and "lý do" in back.json()["detail"]
    back = secretary.post(f"/api/commitments/{first['id']}/review",
                          {"approve": False, "comment": "Ghi rõ số hộ, thời gian"}, format="json").json()
    assert back["status_label"] == "Cần sửa lại"
    member.post("/api/commitments", {"year": year, "kind": "directive",
                                     "text": "Vận động 5 hộ trồng rừng trước tháng 6"}, format="json")
    approved = secretary.post(f"/api/commitments/{first['id']}/review", {"approve": True}, format="json").json()
    assert approved["status"] == "approved" and approved["text"].endswith("trước tháng 6")
    key = str(uuid.uuid4())
    for _ in range(2):
        sent = member.post(f"/api/commitments/{first['id']}/reports", {"client_id": key, "text": "Đã vận động 3 hộ"},
                           format="json")
        assert sent.status_code == 201
    reports = sent.json()["reports"]
    assert len(reports) == 1
    commented = secretary.post(f"/api/commitments/{first['id']}/reports/{reports[0]['id']}/comment",
                               {"comment": "Tốt, tiếp tục"}, format="json").json()
    assert commented["reports"][0]["comment"] == "Tốt, tiếp tục"
    unit = secretary.get("/api/commitments", {"unit": "1", "year": year}).json()
    assert [(c["member"]["full_name"], c["status"]) for c in unit] == [("Đảng viên dv.x1", "approved")]
    assert member.get("/api/commitments", {"unit": "1"}).status_code == 403


def test_the_personal_calendar_combines_meetings_deadlines_and_the_committees_work_calendar(tree, as_member):
    from cms.meetings.models import Meeting

    soon = timezone.now() + timedelta(days=2)
    Meeting.objects.create(unit=tree["x1"], title="Sinh hoạt chi bộ tháng 12", starts_at=soon)
    as_member("bt.x1").post("/api/tasks", {"title": "Thu đảng phí", "whole_unit": True,
                                           "due_at": (soon + timedelta(days=1)).isoformat()}, format="json")
    district = as_member("bt.dt")
    for title, tier in (("Giao ban Thường trực Huyện ủy", "committee"), ("Hội nghị sơ kết quý", "all")):
        assert district.post("/api/work-calendar", {"title": title, "tier": tier, "place": "Hội trường",
                                                     "starts_at": soon.isoformat()}, format="json").status_code == 201
    assert as_member("dv.x1").post("/api/work-calendar", {"title": "X", "starts_at": soon.isoformat()},
                                   format="json").status_code == 403
    member = as_member("dv.x1")
    mine = {(e["kind"], e["title"]) for e in member.get("/api/my-calendar").json()}
    assert mine == {("meeting", "Sinh hoạt chi bộ tháng 12"), ("deadline", "Hạn: Thu đảng phí"),
                    ("work", "Hội nghị sơ kết quý")}
    committee = {e["title"] for e in as_member("cuv.x1").get("/api/my-calendar").json() if e["kind"] == "work"}
    assert committee == {"Giao ban Thường trực Huyện ủy", "Hội nghị sơ kết quý"}
    assert {e["title"] for e in as_member("dv.y1").get("/api/work-calendar").json()} == set()

    url = member.post("/api/calendar/token").json()["url"].split("testserver", 1)[1]
    events = Calendar.from_ical(member.get(url).content).walk("VEVENT")
    assert {str(e["SUMMARY"]) for e in events} == {"Sinh hoạt chi bộ tháng 12", "Hạn: Thu đảng phí",
                                                   "Hội nghị sơ kết quý"}


def test_deadline_reminders_arrive_once_through_web_push(tree, as_member):
    service = PushService()
    try:
        as_member("bt.x1").post("/api/tasks", {"title": "Nộp bài thu hoạch", "members": [tree["dv.x1"].pk],
                                               "due_at": (timezone.now() + timedelta(hours=60)).isoformat()},
                                format="json")
        as_member("dv.x1").post("/api/push/subscriptions", service.subscription("dv"), format="json")
        first = send_due_reminders()
        assert (first.claimed, first.delivered) == (1, 1)
        assert service.received[0]["payload"]["title"] == "Còn ba ngày: Nộp bài thu hoạch"
        assert send_due_reminders().claimed == 0
        assert send_task_reminders_task.enqueue().return_value["claimed"] == 0
        last = send_due_reminders(now=timezone.now() + timedelta(hours=50))
        assert (last.claimed, last.delivered) == (1, 1)
        assert service.received[-1]["payload"]["title"] == "Sắp đến hạn: Nộp bài thu hoạch"
        assert TaskReminderSent.objects.count() == 2 and len(service.received) == 2
        Assignment.objects.update(percent=100, done_at=timezone.now())
        assert send_due_reminders(now=timezone.now() + timedelta(hours=59)).claimed == 0
    finally:
        service.server.shutdown()
