"""Reads for giao việc. Every rule is here, so a view cannot forget one.

- A task of unit U is seen by its assignees (while they may still read and U is in their chain) and by the
  committee of U, who manage it.
- A plan issued by U is read like layer (U, committee): by committee members of U and of the units below U.
  A unit's report is filled by that unit's leaders (bí thư, phó bí thư) and read by the committees above it.
- Work calendar entries are read like layer (U, tier).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from cms.org.models import COMMITTEE_ROLES, Level, Member, UnitPage
from cms.org.selectors import can_read_layer, may_still_read, unit_chain

from .models import Assignment, Commitment, Plan, PlanTarget, TargetStatus, Task, WorkEntry

ISSUING_LEVELS = (Level.PROVINCE, Level.DISTRICT, Level.BASE)
STEP = 4  # treebeard's path step


def manages_unit(member: Member | None, unit: UnitPage) -> bool:
    """Gives tasks, reviews commitments, keeps the work calendar of `unit`: its committee members."""
    return may_still_read(member) and member.unit_id == unit.pk and member.role in COMMITTEE_ROLES


def leads_unit(member: Member | None, unit: UnitPage) -> bool:
    """Issues plans from `unit` and fills `unit`'s reports: its bí thư and phó bí thư."""
    return may_still_read(member) and member.unit_id == unit.pk and member.is_leader


def can_see_task(member: Member | None, task: Task) -> bool:
    if manages_unit(member, task.unit):
        return True
    return (can_read_layer(member, task.unit.layer("all"))
            and Assignment.objects.filter(task=task, member=member).exists())


def visible_task(member: Member | None, pk: int) -> Task | None:
    task = Task.objects.select_related("unit").filter(pk=pk).first() if pk < 2**31 else None
    return task if task is not None and can_see_task(member, task) else None


def my_assignments(member: Member | None, *, include_done: bool = False) -> QuerySet[Assignment]:
    """The member's tasks, soonest deadline first; none once they may no longer read."""
    if not may_still_read(member):
        return Assignment.objects.none()
    # The member's units are the prefixes of their unit's tree path: no query to list them.
    path = member.unit.path
    chain = [path[:end] for end in range(STEP, len(path) + 1, STEP)]
    rows = Assignment.objects.filter(member=member, task__cancelled=False, task__unit__path__in=chain)
    if not include_done:
        rows = rows.filter(done_at__isnull=True)
    return rows.select_related("task", "task__unit").order_by("task__due_at", "pk")


def reports_to_fill(member: Member | None) -> QuerySet[PlanTarget]:
    """Plan reports the member's unit still owes (pending or returned), for its leaders."""
    if not (may_still_read(member) and member.is_leader):
        return PlanTarget.objects.none()
    return (PlanTarget.objects.filter(unit_id=member.unit_id)
            .exclude(status=TargetStatus.SUBMITTED).select_related("plan", "plan__unit").order_by("due_at"))


def my_work(member: Member | None, *, now: datetime | None = None) -> list[dict]:
    """"Việc của tôi": open tasks and owed plan reports in one list, ordered by deadline."""
    now = now or timezone.now()
    items = []
    for a in my_assignments(member)[:100]:
        t = a.task
        items.append({"kind": "task", "id": t.pk, "assignment": a.pk, "title": t.title, "due_at": t.due_at,
                      "late": t.due_at < now, "percent": a.percent, "unit": t.unit.title,
                      "body": t.body, "url": f"/viec/{t.pk}/"})
    for target in reports_to_fill(member)[:50]:
        p = target.plan
        items.append({"kind": "plan", "id": p.pk, "assignment": None, "title": p.title, "due_at": target.due_at,
                      "late": target.due_at < now, "percent": None, "unit": p.unit.title, "body": p.body,
                      "returned": target.status == TargetStatus.RETURNED, "note": target.return_note,
                      "url": f"/ke-hoach/{p.pk}/"})
    items.sort(key=lambda i: i["due_at"])
    return items


def task_progress(task: Task, *, now: datetime | None = None) -> list[dict]:
    """Who has the task, how far each one is, who is late (deadline passed, not done)."""
    now = now or timezone.now()
    rows = []
    for a in task.assignments.select_related("member").order_by("member__full_name"):
        rows.append({"member": a.member_id, "full_name": a.member.full_name, "percent": a.percent,
                     "reported_at": a.reported_at, "done": a.done_at is not None,
                     "late": a.done_at is None and task.due_at < now})
    return rows


def unit_tasks(unit: UnitPage) -> QuerySet[Task]:
    return Task.objects.filter(unit=unit, cancelled=False).order_by("due_at")


def late_assignments(unit: UnitPage, *, now: datetime | None = None) -> QuerySet[Assignment]:
    now = now or timezone.now()
    return (Assignment.objects.filter(task__unit=unit, task__cancelled=False, task__due_at__lt=now,
                                      done_at__isnull=True)
            .select_related("task", "member").order_by("task__due_at"))


# --- plans -------------------------------------------------------------------------------------------------

def can_read_plan(member: Member | None, plan: Plan) -> bool:
    return can_read_layer(member, plan.unit.layer("committee"))


def visible_plan(member: Member | None, pk: int) -> Plan | None:
    plan = Plan.objects.select_related("unit").filter(pk=pk).first() if pk < 2**31 else None
    if plan is None:
        return None
    if can_read_plan(member, plan):
        return plan
    # A cell's leader without a committee tier above still fills the report sent to their unit.
    if member is not None and leads_unit(member, member.unit) and PlanTarget.objects.filter(
            plan=plan, unit_id=member.unit_id).exists():
        return plan
    return None


def visible_plans(member: Member | None) -> QuerySet[Plan]:
    if not may_still_read(member):
        return Plan.objects.none()
    chain = [u.pk for u in unit_chain(member)]
    q = Q(targets__unit_id=member.unit_id) if member.is_leader else Q(pk__in=[])
    if member.is_committee:
        q |= Q(unit__in=chain)
    return Plan.objects.filter(q).distinct().select_related("unit").order_by("-created_at")


def target_of(plan: Plan, unit: UnitPage) -> PlanTarget | None:
    return PlanTarget.objects.filter(plan=plan, unit=unit).first()


def overseen_unit(member: Member | None, plan: Plan, code: str | None) -> UnitPage | None:
    """The unit whose part of the plan the member may see in the roll-up: their own unit (a committee member),
    or one below it named by `code`; the plan must have been issued at or above it."""
    if not (may_still_read(member) and member.is_committee and can_read_plan(member, plan)):
        return None
    unit = member.unit
    if code:
        unit = UnitPage.objects.filter(code=code[:32], path__startswith=member.unit.path).first()
    if unit is None or not (unit.path.startswith(plan.unit.path) or plan.unit.path.startswith(unit.path)):
        return None
    return plan.unit if plan.unit.path.startswith(unit.path) else unit


# --- commitments and work calendars ----------------------------------------------------------------------

def my_commitments(member: Member, year: int | None = None) -> QuerySet[Commitment]:
    rows = Commitment.objects.filter(member=member).prefetch_related("reports")
    return rows.filter(year=year) if year else rows


def unit_commitments(unit: UnitPage, year: int) -> QuerySet[Commitment]:
    return (Commitment.objects.filter(member__unit=unit, year=year)
            .select_related("member").prefetch_related("reports").order_by("member__full_name", "kind"))


def visible_work_entries(member: Member | None, start: datetime, end: datetime) -> QuerySet[WorkEntry]:
    if not may_still_read(member):
        return WorkEntry.objects.none()
    chain = [u.pk for u in unit_chain(member)]
    return (WorkEntry.objects.filter(unit__in=chain, tier__in=member.tiers, starts_at__gte=start, starts_at__lt=end)
            .select_related("unit").order_by("starts_at"))
