"""Read-rate report inside the Wagtail admin: recent pages, then one page's rates as a bar chart (no JavaScript)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cms.org.selectors import member_of

from .reports import ReportError, page_report
from .selectors import is_committee, readable_pages


def _committee_member(request: HttpRequest):
    member = member_of(request.user)
    if not is_committee(member):
        raise PermissionDenied(_("Chỉ cấp ủy viên mới xem được báo cáo đọc."))
    return member


def report_index(request: HttpRequest) -> HttpResponse:
    member = _committee_member(request)
    pages = readable_pages(member).order_by("-first_published_at").values("pk", "title", "first_published_at")[:50]
    return render(request, "api/admin/report_index.html", {
        "page_title": _("Tỷ lệ đọc"), "header_icon": "table", "pages": pages, "unit": member.unit,
    })


def report_page(request: HttpRequest, page_id: int) -> HttpResponse:
    member = _committee_member(request)
    focus = request.GET.get("unit") or member.unit.code
    try:
        report = page_report(member, page_id, unit_code=focus[:32])
    except ReportError as exc:
        raise PermissionDenied(str(exc)) from exc
    rows = [r for r in report["units"] if r["code"] == report["unit"]["code"] or r["parent"] == report["unit"]["code"]]
    for row in rows:
        row["opened_pct"] = round(row["opened_rate"] * 100, 1)
        row["completed_pct"] = round(row["completed_rate"] * 100, 1)
    return render(request, "api/admin/report_page.html", {
        "page_title": _("Tỷ lệ đọc: %(title)s") % {"title": report["page"]["title"]}, "header_icon": "table",
        "report": report, "rows": rows, "focus": focus, "own_unit": member.unit.code,
    })
