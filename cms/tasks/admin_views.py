"""Wagtail admin "Giao việc": a committee's plans with the roll-up of their reports, and who is late on tasks."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cms.org.selectors import member_of

from .plans import rollup
from .selectors import late_assignments, overseen_unit, visible_plan, visible_plans


def tasks_page(request: HttpRequest) -> HttpResponse:
    member = member_of(request.user)
    if member is None or not member.is_committee:
        raise PermissionDenied(_("Chỉ cấp ủy viên mới xem được mục giao việc."))
    plans = list(visible_plans(member)[:50])
    chosen = None
    data = None
    pk = request.GET.get("plan", "")
    if pk.isdigit():
        chosen = visible_plan(member, int(pk))
    elif plans:
        chosen = plans[0]
    if chosen is not None:
        unit = overseen_unit(member, chosen, request.GET.get("unit"))
        if unit is not None:
            data = rollup(chosen, unit)
            for row in data["units"]:
                row["pct"] = round(100 * row["reported"] / row["reached"], 1) if row["reached"] else 0
    return render(request, "tasks/admin/tasks.html", {
        "page_title": _("Giao việc"), "header_icon": "tasks", "plans": plans, "plan": chosen, "data": data,
        "late": list(late_assignments(member.unit)[:200]),
    })
