"""The answers of the giao việc API, built from models for one member (what they may see of each thing)."""

from __future__ import annotations

from cms.org.models import Member

from .models import Assignment, Commitment, Plan, PlanTarget, ProgressReport, Task
from .selectors import leads_unit, manages_unit, overseen_unit, target_of, task_progress


def _report(task: Task, report: ProgressReport) -> dict:
    return {"id": report.pk, "member": report.assignment.member.full_name, "text": report.text,
            "percent": report.percent, "client_time": report.client_time,
            "photos": [{"url": f"/api/tasks/{task.pk}/photos/{p.pk}", "width": p.width, "height": p.height}
                       for p in report.photos.all()]}


def task(member: Member, task: Task) -> dict:
    manager = manages_unit(member, task.unit)
    mine = Assignment.objects.filter(task=task, member=member).first()
    reports = ProgressReport.objects.filter(assignment__task=task).select_related("assignment__member") \
        .prefetch_related("photos").order_by("-client_time")
    if not manager:
        reports = reports.filter(assignment__member=member)
    resolution = None
    if task.resolution_id and task.resolution and task.resolution.live:
        page = task.resolution.specific
        resolution = {"id": page.pk, "title": page.title,
                      "url": page.reader_path() if hasattr(page, "reader_path") else ""}
    return {
        "id": task.pk, "client_id": task.client_id, "unit": {"code": task.unit.code, "name": task.unit.title},
        "title": task.title, "body": task.body, "due_at": task.due_at, "whole_unit": task.whole_unit,
        "cancelled": task.cancelled, "resolution": resolution, "meeting": task.meeting_id, "can_manage": manager,
        "mine": {"percent": mine.percent, "done": mine.done_at is not None, "reported_at": mine.reported_at}
        if mine else None,
        "progress": task_progress(task) if manager else None,
        "reports": [_report(task, r) for r in reports[:100]],
    }


def commitment(c: Commitment) -> dict:
    return {"id": c.pk, "member": {"id": c.member_id, "full_name": c.member.full_name}, "year": c.year,
            "kind": c.kind, "kind_label": str(c.get_kind_display()), "text": c.text, "status": c.status,
            "status_label": str(c.get_status_display()), "comment": c.comment,
            "reports": [{"id": r.pk, "text": r.text, "comment": r.comment, "created_at": r.created_at}
                        for r in c.reports.all()]}


def plan(member: Member, plan: Plan) -> dict:
    own: PlanTarget | None = target_of(plan, member.unit)
    fills = own is not None and leads_unit(member, member.unit)
    return {
        "id": plan.pk, "code": plan.code, "title": plan.title, "body": plan.body, "due_at": plan.due_at,
        "unit": {"code": plan.unit.code, "name": plan.unit.title}, "form": plan.form, "levels": plan.levels,
        "my_report": {"status": own.status, "due_at": own.due_at, "values": own.values,
                      "return_note": own.return_note, "submitted_at": own.submitted_at} if own else None,
        "can_fill": fills,
        "can_forward": fills and member.unit.level != "cell",
        "oversees": overseen_unit(member, plan, None) is not None,
        "can_return": leads_unit(member, plan.unit),
    }
