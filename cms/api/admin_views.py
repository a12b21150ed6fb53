"""Wagtail admin views for committee members: read rates as a bar chart (no JavaScript) and the feedback inbox."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from wagtail.models import Page

from cms.org.models import UnitPage
from cms.org.selectors import member_of

from .models import Feedback
from .reports import ReportError, base_sentence, page_report
from .selectors import is_committee, oversight_unit, reportable_pages
from .services import ServiceError, close_feedback, escalate_feedback, reply_to_feedback


def _committee_member(request: HttpRequest):
    member = member_of(request.user)
    if not is_committee(member):
        raise PermissionDenied(_("Chỉ cấp ủy viên mới xem được báo cáo đọc."))
    return member


def _overseen_unit(request: HttpRequest):
    unit = oversight_unit(request.user)
    if unit is None:
        raise PermissionDenied(_("Chỉ cấp ủy viên mới xem được báo cáo đọc."))
    return unit


def report_index(request: HttpRequest) -> HttpResponse:
    unit = _overseen_unit(request)
    pages = list(
        reportable_pages(request.user, unit).order_by("-first_published_at", "-pk")
        .values("pk", "title", "first_published_at", "path")[:50]
    )
    owners = dict(UnitPage.objects.filter(path__in={p["path"][:-Page.steplen] for p in pages})
                  .values_list("path", "title"))
    for page in pages:
        page["owner"] = owners.get(page["path"][:-Page.steplen], "")
    return render(request, "api/admin/report_index.html", {
        "page_title": _("Tỷ lệ đọc"), "header_icon": "table", "pages": pages, "unit": unit,
    })


def report_page(request: HttpRequest, page_id: int) -> HttpResponse:
    _overseen_unit(request)
    focus = (request.GET.get("unit") or "")[:32] or None
    try:
        report = page_report(request.user, page_id, unit_code=focus)
    except ReportError as exc:
        raise PermissionDenied(str(exc)) from exc
    code = report["unit"]["code"]
    top = report["units"][0]
    rows = [r for r in report["units"] if r["code"] == code or r["parent"] == code]
    for row in rows:
        row["opened_pct"] = round(row["opened_rate"] * 100, 1)
        row["completed_pct"] = round(row["completed_rate"] * 100, 1)
    parent = next((r["parent"] for r in report["units"] if r["code"] == code), None)
    return render(request, "api/admin/report_page.html", {
        "page_title": _("Tỷ lệ đọc: %(title)s") % {"title": report["page"]["title"]}, "header_icon": "table",
        "report": report, "rows": rows, "top": top, "parent": parent, "base_sentence": base_sentence(report),
    })


def feedback_inbox(request: HttpRequest) -> HttpResponse:
    """What members sent to the caller's committee, open threads first."""
    member = _committee_member(request)
    items = (
        Feedback.objects.filter(unit_id=member.unit_id).select_related("member").order_by("status", "-updated")[:200]
    )
    return render(request, "api/admin/feedback_inbox.html", {
        "page_title": _("Góp ý gửi cấp ủy"), "header_icon": "mail", "items": items, "unit": member.unit,
    })


def feedback_thread(request: HttpRequest, pk: int) -> HttpResponse:
    """One thread; the committee replies, closes or escalates it through the same services as the API."""
    member = _committee_member(request)
    feedback = get_object_or_404(Feedback.objects.select_related("member", "unit"), pk=pk, unit_id=member.unit_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "reply":
                reply_to_feedback(feedback=feedback, author=member, body=request.POST.get("body", ""))
                messages.success(request, _("Đã gửi trả lời."))
            elif action == "close":
                close_feedback(feedback=feedback, by=member)
                messages.success(request, _("Đã đóng góp ý."))
            elif action == "escalate":
                escalate_feedback(feedback=feedback, by=member)
                messages.success(request, _("Đã chuyển lên cấp ủy cấp trên."))
                return redirect("sotay_feedback_inbox")
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect("sotay_feedback_thread", pk=pk)
    return render(request, "api/admin/feedback_thread.html", {
        "page_title": feedback.get_kind_display(), "header_icon": "mail", "feedback": feedback,
        "replies": feedback.replies.select_related("author"),
        "page": Page.objects.filter(pk=feedback.page_id).first() if feedback.page_id else None,
    })
