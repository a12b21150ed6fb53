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
from .selectors import escalated_from, feedback_pages, feedback_paths, is_committee, oversight_unit, reportable_pages
from .services import ServiceError, close_feedback, escalate_feedback, reply_to_feedback


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


def _with_paths(items: list[Feedback]) -> list[Feedback]:
    """Attach the route ("Chi bộ A → Đảng ủy xã B") and the article's title and reader address to each item."""
    paths, pages = feedback_paths(items), feedback_pages(items)
    for f in items:
        f.route = " → ".join(u["name"] for u in paths.get(f.pk, [])) or f.unit.title
        f.article = pages.get(f.page_id)
    return items


def _inbox(unit: UnitPage):
    related = Feedback.objects.select_related("member", "unit", "origin_unit")
    return related.filter(unit=unit), related.filter(escalated_from(unit))


def feedback_inbox(request: HttpRequest) -> HttpResponse:
    """What members sent to the committee (from its own unit or escalated from below), open threads first;
    below it, what this committee escalated further, to follow read-only."""
    unit = _overseen_unit(request)
    addressed, escalated = _inbox(unit)
    return render(request, "api/admin/feedback_inbox.html", {
        "page_title": _("Góp ý gửi cấp ủy"), "header_icon": "mail", "unit": unit,
        "items": _with_paths(list(addressed.order_by("status", "-updated")[:200])),
        "escalated": _with_paths(list(escalated.order_by("status", "-updated")[:200])),
    })


def feedback_thread(request: HttpRequest, pk: int) -> HttpResponse:
    """One thread; the committee it is addressed to replies, closes or escalates it through the same services
    as the API; committees it passed through on its way up see it read-only."""
    unit = _overseen_unit(request)
    addressed, escalated = _inbox(unit)
    feedback = get_object_or_404(addressed | escalated, pk=pk)
    member = member_of(request.user)
    can_act = is_committee(member) and member.unit_id == feedback.unit_id
    if request.method == "POST":
        if not can_act:
            raise PermissionDenied(_("Chỉ cấp ủy của đơn vị nhận góp ý mới làm được việc này."))
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
    _with_paths([feedback])
    return render(request, "api/admin/feedback_thread.html", {
        "page_title": feedback.get_kind_display(), "header_icon": "mail", "feedback": feedback,
        "replies": feedback.replies.select_related("author"), "can_act": can_act,
        "can_escalate": can_act and feedback.unit.parent_unit is not None,
    })
