"""Demo giao việc: a plan of the Đại Từ district committee with a report form, sent to its bases and cells, some
reported and some late; tasks of chi bộ xóm Đồng Tâm (lb1) with progress; a week of the district's work calendar.

Connected to `cms.publishing.events.demo_loaded`. Loading the demo again adds nothing (client UUIDs are fixed).
"""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from cms.org.models import LEADER_ROLES, Level, Member, UnitPage

from .models import Assignment, Plan, PlanTarget, ProgressReport, TargetStatus, Task, WorkEntry
from .plans import clean_form

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NAMESPACE = uuid.UUID("0b3e6f5a-1d7c-4a8e-9f2b-6c5d4e3a2b10")
FORM = [
    {"label": "Số hộ gia đình được vận động", "kind": "number"},
    {"label": "Số đảng viên tham gia", "kind": "number"},
    {"label": "Mức độ hoàn thành", "kind": "choice", "choices": ["Hoàn thành tốt", "Hoàn thành", "Chưa hoàn thành"]},
    {"label": "Khó khăn, kiến nghị", "kind": "text"},
    {"label": "Ảnh, biên bản kèm theo", "kind": "file"},
]


def _leader(unit: UnitPage) -> Member | None:
    return Member.objects.filter(unit=unit, role__in=LEADER_ROLES).order_by("-role").first()


def add_demo_tasks(sender=None, units: dict | None = None, **kwargs) -> int:
    units = units or {u.code: u for u in UnitPage.objects.all()}
    district, cell = units.get("dt"), units.get("lb1")
    created = 0
    if district is not None:
        created += _demo_plan(district)
        _work_calendar(district)
    if cell is not None:
        created += _demo_tasks(cell)
    return created


def _demo_plan(district: UnitPage) -> int:
    client_id = uuid.uuid5(NAMESPACE, f"{district.code}/plan")
    if Plan.objects.filter(client_id=client_id).exists():
        return 0
    now = timezone.now()
    plan = Plan.objects.create(
        client_id=client_id, unit=district, code="45-KH/HU", created_by=_leader(district),
        title="Kế hoạch ra quân “Ngày Chủ nhật xanh” quý IV",
        body=("Các chi bộ, đảng bộ cơ sở vận động nhân dân ra quân vệ sinh đường làng, ngõ xóm; báo cáo số hộ "
              "tham gia, số đảng viên tham gia và mức độ hoàn thành."),
        due_at=now + timedelta(days=6), levels=[Level.BASE, Level.CELL], form=clean_form(FORM))
    below = UnitPage.objects.filter(path__startswith=district.path, depth__gt=district.depth,
                                    level__in=[Level.BASE, Level.CELL]).order_by("path")
    targets = [PlanTarget(plan=plan, unit=u, due_at=plan.due_at) for u in below]
    PlanTarget.objects.bulk_create(targets)
    choices = FORM[2]["choices"]
    for i, target in enumerate(PlanTarget.objects.filter(plan=plan).select_related("unit").order_by("unit__path")):
        if target.unit.level == Level.CELL and i % 3 != 2:
            target.status, target.submitted_at = TargetStatus.SUBMITTED, now - timedelta(hours=i)
            target.submitted_by = _leader(target.unit)
            target.values = {"f1": 20 + 3 * i, "f2": 8 + i % 5, "f3": choices[i % 2], "f4": ""}
            target.client_id = uuid.uuid5(NAMESPACE, f"{target.unit.code}/report")
        elif target.unit.level == Level.CELL:
            # This cell's base forwarded the plan with an earlier deadline, already passed: it is late.
            target.due_at, target.forwarded_by = now - timedelta(days=1), target.unit.get_parent().specific
        target.save()
    return 1


def _demo_tasks(cell: UnitPage) -> int:
    first = uuid.uuid5(NAMESPACE, f"{cell.code}/task/1")
    if Task.objects.filter(client_id=first).exists():
        return 0
    leader = _leader(cell)
    members = list(Member.objects.filter(unit=cell).order_by("pk"))
    today = timezone.localdate()
    whole = Task.objects.create(
        client_id=first, unit=cell, whole_unit=True, created_by=leader,
        title="Mỗi đảng viên vận động hai hộ gia đình tham gia ngày Chủ nhật xanh",
        body="Thực hiện nghị quyết buổi sinh hoạt chi bộ tháng trước; báo cáo kết quả tại buổi sinh hoạt tới.",
        due_at=datetime.combine(today + timedelta(days=2), time(17, 0), TZ))
    late = Task.objects.create(
        client_id=uuid.uuid5(NAMESPACE, f"{cell.code}/task/2"), unit=cell, created_by=leader,
        title="Hoàn thành thu đảng phí quý IV", body="Nộp về đảng ủy xã kèm danh sách.",
        due_at=datetime.combine(today - timedelta(days=1), time(17, 0), TZ))
    Assignment.objects.bulk_create([Assignment(task=whole, member=m) for m in members])
    if members:
        Assignment.objects.create(task=late, member=members[-1], percent=50)
    for i, assignment in enumerate(Assignment.objects.filter(task=whole).order_by("pk")[:3]):
        percent = (100, 60, 30)[i]
        at = timezone.now() - timedelta(hours=5 - i)
        ProgressReport.objects.create(client_id=uuid.uuid5(NAMESPACE, f"{cell.code}/report/{i}"),
                                      assignment=assignment, percent=percent, client_time=at,
                                      text=("Đã vận động được hai hộ tham gia." if percent == 100
                                            else "Đã gặp một hộ, hẹn cuối tuần."))
        assignment.percent, assignment.reported_at = percent, at
        assignment.done_at = at if percent == 100 else None
        assignment.save()
    return 2


def _work_calendar(district: UnitPage) -> None:
    if WorkEntry.objects.filter(unit=district).exists():
        return
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    rows = [(0, time(8), "Giao ban Thường trực Huyện ủy", "Phòng họp số 1", "committee"),
            (2, time(14), "Kiểm tra công tác xây dựng Đảng tại xã La Bằng", "UBND xã La Bằng", "committee"),
            (4, time(8), "Hội nghị sơ kết kế hoạch ra quân Ngày Chủ nhật xanh", "Hội trường Huyện ủy", "all")]
    WorkEntry.objects.bulk_create([
        WorkEntry(unit=district, title=title, starts_at=datetime.combine(monday + timedelta(days=d), at, TZ),
                  place=place, lead="Đồng chí Bí thư Huyện ủy", tier=tier, created_by=_leader(district))
        for d, at, title, place, tier in rows
    ])
