"""The committees' monthly roll-up (JSON, CSV, XLSX) and the member's private iCalendar feed."""

from __future__ import annotations

import io
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar
from openpyxl import load_workbook

from cms.meetings.demo import add_demo_meetings
from cms.meetings.models import Attendance, Meeting, Minutes

from .conftest import mark

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_district_rollup_counts_each_mark_once_and_names_cells_without_meetings(tree, as_member, schedule):
    meeting = schedule(in_hours=-1)
    url = f"/api/meetings/{meeting['id']}/attendance"
    batch = [mark(tree["dv.x1"].pk, "present"), mark(tree["dv2.x1"].pk, "online"), mark(tree["bt.x1"].pk, "absent")]
    for _replay in range(3):
        assert as_member("bt.x1").post(url, {"marks": batch}, format="json").status_code == 200
    month = timezone.localdate(timezone.now() - timezone.timedelta(hours=1)).strftime("%Y-%m")
    district = as_member("cuv.dt")
    with CaptureQueriesContext(connection) as queries:
        data = district.get("/api/meetings/rollup", {"month": month}).json()
    assert len(queries) <= 8  # session, user, member, units, one aggregate: not a query per unit
    rows = {r["code"]: r for r in data["units"]}
    assert set(rows) == {"dt", "hs", "x1", "x2"}
    assert (rows["x1"]["held"], rows["x1"]["present"], rows["x1"]["online"], rows["x1"]["absent"]) == (1, 1, 1, 1)
    assert rows["x1"]["attendance_rate"] == round(2 / 3, 4)
    assert rows["dt"]["held"] == 1 and rows["dt"]["present"] == 1 and rows["hs"]["online"] == 1
    assert data["cells_not_held"] == ["x2"] and data["cells_no_minutes"] == ["x1"]
    assert as_member("dv.x1").get("/api/meetings/rollup").status_code == 403
    outside = as_member("cuv.dt").get("/api/meetings/rollup", {"unit": "y1", "month": month})
    assert outside.status_code == 403 and outside.json()["detail"] == "Đơn vị này không thuộc phạm vi của bạn."
    assert as_member("cuv.dt").get("/api/meetings/rollup", {"month": "11-2026"}).status_code == 400

    csv_body = as_member("cuv.dt").get("/api/meetings/rollup", {"month": month, "format": "csv"})
    text = csv_body.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Mã đơn vị,Đơn vị,Số cuộc đến hạn,Đã họp,Chưa họp")
    assert "Chi bộ xóm Đồng Tâm" in text
    xlsx = as_member("cuv.dt").get("/api/meetings/rollup", {"month": month, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    x1 = next(r for r in values if r[0] == "x1")
    assert x1[3] == 1 and x1[5] == 1 and x1[6] == 1


def test_calendar_feed_is_valid_private_and_revocable(tree, as_member, schedule):
    meeting = schedule(place="Nhà văn hóa xóm Đồng Tâm", agenda=[{"title": "Học tập nghị quyết"}])
    schedule("cuv.x1", kind="committee", tier="committee", title="Họp chi ủy")
    client = as_member("dv.x1")
    url = client.post("/api/calendar/token").json()["url"]
    path = url.split("testserver", 1)[1]
    answer = client.logout() or as_member("dv.x2").get(path)  # no session needed: the token is the key
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(answer.content)
    zones = calendar.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Asia/Ho_Chi_Minh"]
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [meeting["title"]]  # not the committee's meeting
    start = events[0].decoded("DTSTART")
    assert str(start.tzinfo) == "Asia/Ho_Chi_Minh"
    assert start == Meeting.objects.get(pk=meeting["id"]).starts_at.replace(microsecond=0)
    assert "Học tập nghị quyết" in str(events[0]["DESCRIPTION"])
    assert str(events[0]["LOCATION"]) == "Nhà văn hóa xóm Đồng Tâm"
    new_url = as_member("dv.x1").post("/api/calendar/token").json()["url"]
    assert as_member("dv.x2").get(path).status_code == 404  # the old URL stopped working
    assert as_member("dv.x2").get(new_url.split("testserver", 1)[1]).status_code == 200
    assert as_member("dv.x1").delete("/api/calendar/token").status_code == 204
    assert as_member("dv.x2").get(new_url.split("testserver", 1)[1]).status_code == 404


def test_demo_gives_every_cell_a_past_meeting_with_minutes_and_a_coming_one(tree):
    assert add_demo_meetings() == 6  # three cells
    assert add_demo_meetings() == 0
    now = timezone.now()
    for cell in ("x1", "x2", "y1"):
        meetings = Meeting.objects.filter(unit=tree[cell]).order_by("starts_at")
        past, coming = list(meetings)
        assert past.starts_at < now < coming.starts_at and past.held_at and past.quality
        assert Minutes.objects.filter(meeting=past).exists()
        assert Attendance.objects.filter(meeting=past).count() == tree[cell].members.count()
        assert coming.starts_at.astimezone(timezone.get_current_timezone()).day >= 25 or coming.moved_from
    assert uuid.UUID(str(Meeting.objects.first().client_id))


def test_admin_rollup_page_shows_the_district_its_cells_and_exports(tree, as_member, schedule, client):
    meeting = schedule(in_hours=-1)
    as_member("bt.x1").post(f"/api/meetings/{meeting['id']}/attendance",
                            {"marks": [mark(tree["dv.x1"].pk, "present")]}, format="json")
    month = timezone.localdate(timezone.now() - timezone.timedelta(hours=1)).strftime("%Y-%m")
    assert client.login(username="bt.dt", password="Matkhau-2026")
    page = client.get("/admin/sinh-hoat/", {"month": month})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Đảng bộ huyện Đại Từ" in html and 'data-unit="hs"' in html and 'data-unit="x1"' not in html
    below = client.get("/admin/sinh-hoat/", {"month": month, "unit": "hs"}).content.decode()
    assert 'data-unit="x1"' in below and 'data-unit="x2"' in below and "x2" in below.split("chưa họp")[1]
    assert f"/api/meetings/rollup?format=xlsx&amp;unit=hs&amp;month={month}" in below
    refused = client.get("/admin/sinh-hoat/", {"unit": "y1"})  # Wagtail sends a refusal back to the dashboard
    assert (refused.status_code, refused.url) == (302, "/admin/")
