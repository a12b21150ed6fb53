"""The committee's admin page "Giao việc, kế hoạch" and the demo content of giao việc."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from cms.tasks.demo import add_demo_tasks
from cms.tasks.models import Assignment, Plan, PlanTarget, ProgressReport, Task, WorkEntry
from cms.tasks.plans import rollup
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_demo_plan_has_reports_and_late_units_and_the_cell_has_tasks_with_progress(tree):
    units = {"dt": tree["dt"], "lb1": tree["x1"]}
    assert add_demo_tasks(units=units) == 3
    assert add_demo_tasks(units=units) == 0  # loading the demo again adds nothing
    plan = Plan.objects.get()
    targets = PlanTarget.objects.filter(plan=plan)
    assert targets.filter(status="submitted").exists()
    assert targets.filter(status="pending", due_at__lt=timezone.now()).exists()
    top = next(r for r in rollup(plan, tree["dt"])["units"] if r["code"] == "dt")
    assert top["reported"] >= 1 and top["late"] >= 1 and top["totals"]["f1"] > 0
    assert Task.objects.filter(unit=tree["x1"]).count() == 2
    assert ProgressReport.objects.exists() and Assignment.objects.filter(percent=100).exists()
    assert WorkEntry.objects.filter(unit=tree["dt"]).count() == 3


def test_the_admin_page_shows_the_plans_totals_and_late_tasks_to_a_committee_only(tree):
    add_demo_tasks(units={"dt": tree["dt"], "lb1": tree["x1"]})
    district = Client()
    assert district.login(username="bt.dt", password=PASSWORD)
    page = district.get("/admin/giao-viec/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Kế hoạch ra quân “Ngày Chủ nhật xanh” quý IV" in text and "Tải Excel (XLSX) theo mẫu báo cáo" in text
    assert "Số hộ gia đình được vận động" in text and "Đơn vị quá hạn chưa báo cáo" in text
    cell = Client()
    assert cell.login(username="bt.x1", password=PASSWORD)
    assert "Hoàn thành thu đảng phí quý IV" in cell.get("/admin/giao-viec/").content.decode()
    member = Client()
    assert member.login(username="dv.x1", password=PASSWORD)
    assert member.get("/admin/giao-viec/").status_code in (302, 403)


def test_the_reader_pages_of_giao_viec_open_for_a_member_and_ask_a_stranger_to_log_in(tree):
    member = Client()
    assert member.login(username="dv.x1", password=PASSWORD)
    for path in ("/viec/giao/", "/viec/1/", "/ke-hoach/", "/ke-hoach/1/", "/cam-ket/", "/lich/"):
        page = member.get(path)
        assert page.status_code == 200 and "Sổ tay đảng viên" in page.content.decode(), path
        assert Client().get(path).status_code == 302, path
    home = member.get("/").content.decode()
    script = re.search(r'src="(/r/reader\.js\?v=[0-9a-f]+)"', home).group(1)  # the shell's scripts in one file
    assert 'id="tasks-home"' in home and "Việc của tôi" in member.get(script).content.decode()
