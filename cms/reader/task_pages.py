"""Pages of giao việc in the reader: giving a task, a task's progress, plans and a plan's report and roll-up.

Like the meeting pages they are empty frames drawn by tasks.js from /api/tasks… and /api/plans…: the API applies
every access rule, and the reader imports nothing of the tasks app.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from .meeting_pages import _page


@require_safe
def assign_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "reader/task_assign.html")


@require_safe
def task_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, "reader/task.html", task_id=pk)


@require_safe
def plans_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "reader/plans.html")


@require_safe
def plan_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, "reader/plan.html", plan_id=pk)


@require_safe
def commitments_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "reader/commitments.html")


@require_safe
def calendar_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "reader/my_calendar.html")
