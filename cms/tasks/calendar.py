"""The tasks app's entries in a member's personal calendar (registered in `cms.api.calendar`): the deadlines
of their open tasks and of the plan reports their unit owes, and the work calendars of their committees."""

from __future__ import annotations

from datetime import datetime, timedelta

from cms.api.calendar import Entry

from .selectors import my_assignments, reports_to_fill, visible_work_entries


def deadline_entries(member, start: datetime, end: datetime) -> list[Entry]:
    found = [
        Entry(uid=f"task-{a.task_id}-{a.pk}@sotay", kind="deadline", title=f"Hạn: {a.task.title}",
              starts_at=a.task.due_at, description=f"{a.task.unit.title} · đã làm {a.percent}%",
              url=f"/viec/{a.task_id}/", alarm_before=timedelta(days=1))
        for a in my_assignments(member).filter(task__due_at__gte=start, task__due_at__lt=end)[:200]
    ]
    found += [
        Entry(uid=f"plan-{t.plan_id}-{t.unit_id}@sotay", kind="deadline", title=f"Hạn báo cáo: {t.plan.title}",
              starts_at=t.due_at, description=t.plan.unit.title, url=f"/ke-hoach/{t.plan_id}/",
              alarm_before=timedelta(days=1))
        for t in reports_to_fill(member).filter(due_at__gte=start, due_at__lt=end)[:200]
    ]
    return found


def work_calendar_entries(member, start: datetime, end: datetime) -> list[Entry]:
    return [
        Entry(uid=f"work-{w.pk}@sotay", kind="work", title=w.title, starts_at=w.starts_at, ends_at=w.ends_at,
              place=w.place, description=f"Lịch công tác {w.unit.title}" + (f" · chủ trì: {w.lead}" if w.lead else ""))
        for w in visible_work_entries(member, start, end)[:300]
    ]
