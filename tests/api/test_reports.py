"""Reports: read rates rolled up the caller's subtree, who has not read yet, CSV and XLSX exports."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from tests.factories import PASSWORD, publish

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC).isoformat()


def read(client, page, *events):
    batch = [{"client_id": str(uuid.uuid4()), "page": page.pk, "event": e, "client_time": NOW} for e in events]
    assert client.post("/api/receipts", {"events": batch}, format="json").status_code == 200


@pytest.fixture
def province_news(tree, as_member):
    page = publish(tree["tn"], "Nghị quyết Đại hội Đảng bộ tỉnh")
    read(as_member("dv.x1"), page, "opened", "completed")
    read(as_member("cuv.x1"), page, "opened")
    read(as_member("dv.x2"), page, "opened", "completed")
    read(as_member("dv.y1"), page, "opened", "completed")
    return page


def rows(report) -> dict[str, dict]:
    return {row["code"]: row for row in report["units"]}


def test_cell_secretary_sees_rates_and_who_has_not_read(tree, province_news, as_member):
    report = as_member("bt.x1").get(f"/api/reports/pages/{province_news.pk}").json()
    assert list(rows(report)) == ["x1"]
    x1 = rows(report)["x1"]
    assert (x1["members"], x1["opened"], x1["completed"]) == (4, 2, 1)
    assert x1["opened_rate"] == 0.5 and x1["completed_rate"] == 0.25
    unread = {m["username"]: m["opened"] for m in report["unread"]}
    assert unread == {"dv2.x1": False, "cuv.x1": True, "bt.x1": False}


def test_rates_roll_up_the_tree(tree, province_news, as_member):
    report = rows(as_member("cuv.dt").get(f"/api/reports/pages/{province_news.pk}").json())
    assert set(report) == {"dt", "hs", "x1", "x2"}  # nothing from the other district
    assert (report["hs"]["members"], report["hs"]["opened"], report["hs"]["completed"]) == (7, 3, 2)
    assert (report["dt"]["members"], report["dt"]["opened"], report["dt"]["completed"]) == (10, 3, 2)
    province = rows(as_member("cuv.tn").get(f"/api/reports/pages/{province_news.pk}").json())
    assert (province["tn"]["members"], province["tn"]["completed"]) == (15, 3)
    assert province["pl"]["completed"] == 1


def test_committee_tier_pages_count_committee_members_only(tree, as_member):
    page = publish(tree["x1"], "Dự kiến nhân sự", tier="committee")
    read(as_member("cuv.x1"), page, "opened", "completed")
    x1 = rows(as_member("bt.x1").get(f"/api/reports/pages/{page.pk}").json())["x1"]
    assert (x1["members"], x1["completed"]) == (2, 1)


def test_members_and_other_units_see_no_report(tree, province_news, as_member):
    assert as_member("dv.x1").get(f"/api/reports/pages/{province_news.pk}").status_code == 403
    cell_page = publish(tree["x2"], "Tin chi bộ Tân Sơn")
    reply = as_member("bt.x1").get(f"/api/reports/pages/{cell_page.pk}")
    assert reply.status_code == 403 and "không có quyền" in reply.json()["detail"]
    assert as_member("bt.x1").get(f"/api/reports/pages/{province_news.pk}?unit=x2").status_code == 403
    assert as_member("cuv.hs").get(f"/api/reports/pages/{province_news.pk}?unit=x2").status_code == 200
    assert as_member("bt.x1").get("/api/reports/pages/987654").status_code == 403


def test_export_csv_opens_in_excel_with_vietnamese(tree, province_news, as_member):
    reply = as_member("cuv.hs").get(f"/api/reports/pages/{province_news.pk}?format=csv")
    assert reply.status_code == 200 and reply["Content-Type"].startswith("text/csv")
    assert "attachment" in reply["Content-Disposition"]
    text = reply.content.decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[1][:3] == ["Mã đơn vị", "Tên đơn vị", "Cấp"]
    assert table[2][0] == "hs" and table[2][3:6] == ["7", "3", "2"]


def test_export_xlsx(tree, province_news, as_member):
    reply = as_member("cuv.hs").get(f"/api/reports/pages/{province_news.pk}?format=xlsx")
    assert reply.status_code == 200
    book = load_workbook(io.BytesIO(reply.content))
    sheet = book["Tỷ lệ đọc"]
    assert sheet["A3"].value == "hs" and sheet["F3"].value == 2
    assert [c.value for c in book["Chưa đọc xong"][1]] == ["Tên đăng nhập", "Họ và tên", "Vai trò", "Đơn vị", "Đã mở"]


def test_export_of_a_forbidden_report_is_an_error_not_a_file(tree, province_news, as_member):
    reply = as_member("dv.x1").get(f"/api/reports/pages/{province_news.pk}?format=csv")
    assert reply.status_code == 403 and "detail" in reply.json()


def test_admin_shows_a_bar_chart_to_a_secretary_who_edits(tree, province_news, client, password):
    assert client.login(username="bt.x1", password=password)  # cell secretaries sit on their board
    index = client.get("/admin/ty-le-doc/")
    assert index.status_code == 200 and "Nghị quyết Đại hội Đảng bộ tỉnh" in index.content.decode()
    page = client.get(f"/admin/ty-le-doc/{province_news.pk}/").content.decode()
    assert "sotay-bar" in page and "width: 25.0%" in page and "width: 50.0%" in page
    assert "Đảng viên dv2.x1" in page and f"/api/reports/pages/{province_news.pk}?format=xlsx" in page


def test_admin_report_is_refused_to_editors_off_the_committee(tree, province_news, client, password):
    assert client.login(username="bbt.dt", password=password)
    assert client.get(f"/admin/ty-le-doc/{province_news.pk}/").status_code in (302, 403)


# --- roll-ups over the whole subtree, the base of the rates, the province administrator ----------------------

@pytest.fixture
def administrator(tree, django_user_model):
    """The province's system administrator, as the demo makes them: a superuser with a member record at the top."""
    from cms.org.services import create_member

    admin = create_member(username="admin", full_name="Quản trị hệ thống", unit=tree["tn"], password=PASSWORD)
    admin.user.is_superuser = admin.user.is_staff = True
    admin.user.save()
    return admin


def test_a_district_lists_unread_members_of_every_cell_below(tree, province_news, as_member):
    report = as_member("cuv.dt").get(f"/api/reports/pages/{province_news.pk}").json()
    unread = {m["username"]: m["unit"]["code"] for m in report["unread"]}
    # dv.x1, dv.x2 completed; everyone else below Đại Từ has not, wherever they sit.
    assert unread == {"dv2.x1": "x1", "cuv.x1": "x1", "bt.x1": "x1", "dv.hs": "hs", "cuv.hs": "hs",
                      "bbt.dt": "dt", "cuv.dt": "dt", "bt.dt": "dt"}
    assert report["unread_total"] == 8
    assert report["base"] == {"eligible": 10, "exempt": 0, "no_smartphone": 0}
    assert report["unread"][0]["unit"]["name"] == "Đảng bộ huyện Đại Từ"  # listed unit by unit, top first


def test_the_administrator_is_never_counted_or_listed(tree, province_news, administrator, as_member):
    report = as_member("cuv.tn").get(f"/api/reports/pages/{province_news.pk}").json()
    assert rows(report)["tn"]["members"] == 15
    assert "admin" not in {m["username"] for m in report["unread"]}


def test_the_province_administrator_sees_the_whole_province(tree, province_news, administrator, client):
    client.force_login(administrator.user)
    report = client.get(f"/api/reports/pages/{province_news.pk}").json()
    assert set(rows(report)) == {"tn", "dt", "hs", "x1", "x2", "pl", "dn", "y1"}
    assert rows(report)["tn"]["completed"] == 3 and report["unread_total"] == 12
    cell_page = publish(tree["y1"], "Tài liệu sinh hoạt tháng 3 chi bộ Làng Lớn")
    assert set(rows(client.get(f"/api/reports/pages/{cell_page.pk}").json())) == {"y1"}


def test_an_administrator_without_a_party_record_sees_reports_too(tree, province_news, django_user_model, client):
    client.force_login(django_user_model.objects.create_superuser("quantri", password=PASSWORD))
    report = client.get(f"/api/reports/pages/{province_news.pk}?unit=hs").json()
    assert report["unit"]["code"] == "hs" and report["base"]["eligible"] == 7


def test_a_committee_sees_pages_published_below_it(tree, as_member):
    page = publish(tree["x1"], "Tài liệu sinh hoạt chi bộ Đồng Tâm", kind="meeting")
    read(as_member("dv.x1"), page, "opened", "completed")
    report = as_member("cuv.dt").get(f"/api/reports/pages/{page.pk}").json()
    assert set(rows(report)) == {"x1"} and rows(report)["x1"]["completed"] == 1
    assert as_member("bt.y1").get(f"/api/reports/pages/{page.pk}").status_code == 403


def test_the_admin_report_says_what_the_rates_are_counted_on(tree, province_news, administrator, client):
    client.force_login(administrator.user)
    menu = client.get("/admin/").content.decode()  # the sidebar is JSON: its labels are \u-escaped
    assert '"name": "sotay-read-rates"' in menu and '"name": "sotay-feedback"' in menu
    index = client.get("/admin/ty-le-doc/").content.decode()
    assert "Nghị quyết Đại hội Đảng bộ tỉnh" in index
    page = client.get(f"/admin/ty-le-doc/{province_news.pk}/?unit=dt").content.decode()
    assert ("Cơ sở tính: 10 đảng viên đang sinh hoạt, không kể 0 miễn sinh hoạt và 0 không có điện thoại thông minh."
            in page)
    assert "Chưa đọc xong (8)" in page and "Đảng bộ xã Hùng Sơn" in page


def test_a_committee_member_off_every_board_opens_the_reports_in_the_admin(tree, province_news, client, password):
    assert client.login(username="cuv.x1", password=password)  # chi ủy viên: neither secretary nor editor
    index = client.get("/admin/ty-le-doc/")
    assert index.status_code == 200 and "Nghị quyết Đại hội Đảng bộ tỉnh" in index.content.decode()
    assert client.get(f"/admin/ty-le-doc/{province_news.pk}/").status_code == 200
    assert client.get("/admin/members/", follow=True).content.decode().count("Đảng viên dv.x1") == 0


def test_rates_are_counted_on_eligible_members_and_say_so(tree, province_news, as_member):
    """Members exempt from meetings today and members without a smartphone leave the base, and the report
    names how many were left out; an exemption that ended or has not started yet counts as nothing."""
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    Member = type(tree["dv2.x1"])
    Member.objects.filter(pk=tree["dv2.x1"].pk).update(exempt_from=today - timedelta(days=30),
                                                        exempt_reason="Đi làm ăn xa")
    Member.objects.filter(pk=tree["dv.hs"].pk).update(no_smartphone=True)
    Member.objects.filter(pk=tree["cuv.hs"].pk).update(exempt_from=today - timedelta(days=60),
                                                        exempt_until=today - timedelta(days=1))
    client = as_member("cuv.dt")
    report = client.get(f"/api/reports/pages/{province_news.pk}").json()
    assert report["base"] == {"eligible": 8, "exempt": 1, "no_smartphone": 1}
    x1 = rows(report)["x1"]
    assert (x1["members"], x1["completed"], x1["completed_rate"]) == (3, 1, round(1 / 3, 4))
    assert rows(report)["hs"]["members"] == 5 and rows(report)["dt"]["members"] == 8
    assert {"dv2.x1", "dv.hs"}.isdisjoint(m["username"] for m in report["unread"])
    exported = client.get(f"/api/reports/pages/{province_news.pk}?format=csv").content.decode("utf-8-sig")
    assert ("Cơ sở tính: 8 đảng viên đang sinh hoạt, không kể 1 miễn sinh hoạt và 1 không có điện thoại "
            "thông minh.") in exported
