"""Wagtail admin: the committees' roll-up of meetings, as a table with bars (no JavaScript) and exports."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cms.api.selectors import oversight_unit
from cms.org.models import UnitPage

from .rollup import rollup
from .serializers import default_month
from .views import MONTH_RE


def rollup_page(request: HttpRequest) -> HttpResponse:
    top = oversight_unit(request.user)
    if top is None:
        raise PermissionDenied(_("Chỉ cấp ủy viên mới xem được tổng hợp sinh hoạt."))
    month = request.GET.get("month") or default_month()
    if not MONTH_RE.match(month):
        month = default_month()
    unit = top
    code = (request.GET.get("unit") or "")[:32]
    if code:
        unit = UnitPage.objects.filter(code=code, path__startswith=top.path).first()
        if unit is None:
            raise PermissionDenied(_("Đơn vị này không thuộc phạm vi của bạn."))
    data = rollup(unit, month)
    rows = [r for r in data["units"] if r["depth"] <= 1]  # the unit and the level right below it
    for row in rows:
        row["held_pct"] = round(100 * row["held"] / row["due"], 1) if row["due"] else 0
        row["rate_pct"] = round(100 * row["attendance_rate"], 1) if row["attendance_rate"] is not None else None
    parent = unit.get_parent().specific if unit.pk != top.pk else None
    return render(request, "meetings/admin/rollup.html", {
        "page_title": _("Sinh hoạt chi bộ"), "header_icon": "date", "data": data, "rows": rows, "unit": unit,
        "month": month, "parent": parent,
    })
