"""Plans sent down the line: fan-out, reports by the units' leaders, totals up the tree, late units, XLSX laid
out like the form, sending a report back, forwarding with an earlier deadline."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from cms.tasks.models import PlanAttachment, PlanTarget

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def report(client, plan: dict, values: dict, *, client_id: str | None = None):
    body = {"client_id": client_id or str(uuid.uuid4()), "values": values}
    return client.post(f"/api/plans/{plan['id']}/report", body, format="json")


def test_a_district_plan_reaches_every_unit_below_and_the_totals_add_up(tree, deputy, as_member, issue):
    plan = issue()
    assert set(PlanTarget.objects.filter(plan_id=plan["id"]).values_list("unit__code", flat=True)) == {
        "hs", "x1", "x2"}
    assert report(as_member("bt.x1"), plan, {"f1": "12", "f2": "5", "f3": "Tốt", "f4": ""}).status_code == 200
    assert report(as_member("pbt.x2"), plan, {"f1": "7", "f2": "3", "f3": "Đạt"}).status_code == 200
    rollup = as_member("bt.dt").get(f"/api/plans/{plan['id']}/rollup").json()
    rows = {r["code"]: r for r in rollup["units"]}
    assert rows["dt"]["totals"]["f1"] == 19 and rows["dt"]["totals"]["f2"] == 8
    assert rows["dt"]["totals"]["f3"] == {"Tốt": 1, "Đạt": 1, "Chưa đạt": 0}
    assert (rows["dt"]["reached"], rows["dt"]["reported"], rows["dt"]["late"]) == (3, 2, 0)
    assert rows["hs"]["totals"]["f1"] == 19 and rows["hs"]["status"] == "pending"
    # The base's committee sees its own subtree, a cell's member sees no roll-up at all.
    base = as_member("cuv.hs").get(f"/api/plans/{plan['id']}/rollup").json()
    assert base["unit"]["code"] == "hs" and {r["code"] for r in base["units"]} == {"hs", "x1", "x2"}
    assert as_member("dv.x1").get(f"/api/plans/{plan['id']}/rollup").status_code in (403, 404)
    assert as_member("bt.y1").get(f"/api/plans/{plan['id']}").status_code == 404


def test_a_report_is_checked_against_the_form_and_a_replay_changes_nothing(tree, as_member, issue):
    plan = issue()
    cell = as_member("bt.x1")
    wrong = report(cell, plan, {"f1": "mười", "f2": "5", "f3": "Tốt"})
    assert wrong.status_code == 400 and wrong.json()["detail"] == "Mục “Số hộ được vận động” phải là một số."
    missing = report(cell, plan, {"f1": "1", "f3": "Tốt"})
    assert missing.status_code == 400 and "Số đảng viên tham gia" in missing.json()["detail"]
    bad_choice = report(cell, plan, {"f1": "1", "f2": "1", "f3": "Xuất sắc"})
    assert bad_choice.status_code == 400
    assert not PlanTarget.objects.filter(status="submitted").exists()
    key = str(uuid.uuid4())
    assert report(cell, plan, {"f1": "4", "f2": "2", "f3": "Tốt"}, client_id=key).status_code == 200
    assert report(cell, plan, {"f1": "4", "f2": "2", "f3": "Tốt"}, client_id=key).status_code == 200
    assert PlanTarget.objects.get(unit__code="x1").values["f1"] == 4
    assert as_member("dv.x1").get(f"/api/plans/{plan['id']}").status_code == 404  # not the cell's leader
    assert report(as_member("cuv.x1"), plan, {"f1": "1", "f2": "1", "f3": "Tốt"}).status_code == 403


def test_an_attachment_travels_with_the_report(tree, as_member, issue):
    plan = issue()
    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 bien ban", content_type="application/pdf")
    body = {"client_id": str(uuid.uuid4()), "f1": "3", "f2": "1", "f3": "Đạt", "f5": upload}
    answer = as_member("bt.x1").post(f"/api/plans/{plan['id']}/report", body, format="multipart")
    assert answer.status_code == 200, answer.json()
    assert PlanAttachment.objects.get().name == "bien-ban.pdf"


def test_late_units_the_xlsx_like_the_form_and_a_report_sent_back(tree, as_member, issue):
    plan = issue()
    assert report(as_member("bt.x1"), plan, {"f1": "12", "f2": "5", "f3": "Tốt", "f4": "Thiếu dụng cụ"}
                  ).status_code == 200
    PlanTarget.objects.filter(plan_id=plan["id"], unit__code="x2").update(due_at=timezone.now() - timedelta(days=1))
    district = as_member("bt.dt")
    rollup = district.get(f"/api/plans/{plan['id']}/rollup").json()
    assert [u["code"] for u in rollup["late_units"]] == ["x2"]
    xlsx = district.get(f"/api/plans/{plan['id']}/rollup?format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A2"].value == "45-KH/HU — Kế hoạch ra quân Ngày Chủ nhật xanh"
    header = [c.value for c in sheet[5]]
    assert header[6:] == ["Số hộ được vận động", "Số đảng viên tham gia", "Mức độ hoàn thành: Tốt",
                          "Mức độ hoàn thành: Đạt", "Mức độ hoàn thành: Chưa đạt", "Khó khăn, kiến nghị"]
    lines = {row[0].strip(): row for row in sheet.iter_rows(min_row=6, values_only=True)}
    assert lines["Đảng bộ huyện Đại Từ"][6] == 12
    assert lines["Chi bộ xóm Đồng Tâm"][1] == "Đã báo cáo" and lines["Chi bộ xóm Đồng Tâm"][11] == "Thiếu dụng cụ"

    refused = as_member("cuv.dt").post(f"/api/plans/{plan['id']}/return", {"unit": "x1", "note": "Sai số"},
                                       format="json")
    assert refused.status_code == 403
    back = district.post(f"/api/plans/{plan['id']}/return", {"unit": "x1", "note": "Số hộ chưa khớp"}, format="json")
    assert back.status_code == 200
    mine = as_member("bt.x1").get("/api/tasks/mine").json()
    assert [(i["kind"], i["returned"], i["note"]) for i in mine] == [("plan", True, "Số hộ chưa khớp")]
    rows = {r["code"]: r for r in district.get(f"/api/plans/{plan['id']}/rollup").json()["units"]}
    assert rows["dt"]["reported"] == 0 and rows["dt"]["totals"]["f1"] == 0


def test_a_base_forwards_a_plan_sent_to_it_with_its_own_deadline(tree, as_member, issue):
    plan = issue(levels=["base"], in_days=10)
    assert set(PlanTarget.objects.filter(plan_id=plan["id"]).values_list("unit__code", flat=True)) == {"hs"}
    from cms.org.services import create_member
    from tests.factories import PASSWORD

    create_member(username="bt.hs", full_name="Bí thư xã", unit=tree["hs"], role="secretary", password=PASSWORD)
    base = as_member("bt.hs")
    too_late = (timezone.now() + timedelta(days=12)).isoformat()
    assert base.post(f"/api/plans/{plan['id']}/forward", {"due_at": too_late}, format="json").status_code == 400
    own = (timezone.now() + timedelta(days=5)).isoformat()
    assert base.post(f"/api/plans/{plan['id']}/forward", {"due_at": own}, format="json").status_code == 200
    cells = PlanTarget.objects.filter(plan_id=plan["id"], unit__level="cell")
    assert set(cells.values_list("unit__code", flat=True)) == {"x1", "x2"}
    assert all(t.due_at < PlanTarget.objects.get(plan_id=plan["id"], unit__code="hs").due_at for t in cells)
    assert as_member("bt.x1").post(f"/api/plans/{plan['id']}/forward", {"due_at": own},
                                   format="json").status_code == 400  # a cell has no units below


def test_only_leaders_of_a_district_province_or_base_issue_plans(tree, as_member):
    body = {"title": "Kế hoạch", "due_at": (timezone.now() + timedelta(days=3)).isoformat(),
            "form": [{"label": "Số", "kind": "number"}]}
    assert as_member("cuv.dt").post("/api/plans", body, format="json").status_code == 403
    assert as_member("bt.x1").post("/api/plans", body, format="json").status_code == 403
    empty = as_member("bt.dt").post("/api/plans", {**body, "form": [{"label": "Chọn", "kind": "choice"}]},
                                    format="json")
    assert empty.status_code == 400 and "hai lựa chọn" in empty.json()["detail"]
