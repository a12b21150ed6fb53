"""Wagtail admin of notices: "Nguồn tin" (feeds per unit, with their last error), "Thông báo khẩn" (send,
and who has seen it, rolled up), "Bài gửi lên cấp trên" (send up, approve, return)."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import GroupPagePermission, Page
from wagtail.permission_policies.base import BasePermissionPolicy

from cms.api.selectors import oversight_unit
from cms.api.services import ServiceError
from cms.org.models import UnitPage
from cms.org.selectors import member_of

from . import services, submissions
from .models import FeedSource, Notice, Submission, SubmissionStatus, Tier
from .rollup import not_seen_members, seen_rollup
from .selectors import can_send, sent_notices

# --- Nguồn tin -----------------------------------------------------------------------------------------------


def board_units(user):
    """Units whose news the user edits: those where one of their groups may add pages, and the units below."""
    if user.is_superuser:
        return UnitPage.objects.all()
    paths = list(GroupPagePermission.objects.filter(group__user=user, permission__codename="add_page")
                 .values_list("page__path", flat=True))
    if not paths:
        return UnitPage.objects.none()
    return UnitPage.objects.filter(reduce(or_, (Q(path__startswith=p) for p in paths)))


class FeedPermissionPolicy(BasePermissionPolicy):
    """Editors (Ban Biên tập) configure the feeds of the units they edit; superusers every feed."""

    def user_has_permission(self, user, action):
        return user.is_active and (user.is_superuser or board_units(user).exists())

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and board_units(user).filter(pk=instance.unit_id).exists()

    def instances_user_has_permission_for(self, user, action):
        return FeedSource.objects.filter(unit__in=board_units(user))

    def users_with_permission(self, action):
        return get_user_model().objects.filter(Q(is_superuser=True) | Q(groups__page_permissions__isnull=False))


class FeedSourceForm(WagtailAdminModelForm):
    class Meta:
        model = FeedSource
        fields = ["unit", "name", "url", "active"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if for_user is not None:
            self.fields["unit"].queryset = board_units(for_user).order_by("path")


class _Scoped:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}


class FeedIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().filter(unit__in=board_units(self.request.user)).select_related("unit")


class FeedCreateView(_Scoped, CreateView):
    pass


class FeedEditView(_Scoped, EditView):
    def get_object(self, queryset=None):
        source = super().get_object(queryset)
        if not board_units(self.request.user).filter(pk=source.unit_id).exists():
            raise PermissionDenied
        return source


class FeedSourceViewSet(ModelViewSet):
    model = FeedSource
    form_fields = ["unit", "name", "url", "active"]
    list_display = ["name", "unit", "url", "last_checked_at", "items_taken", "status"]
    icon = "globe"
    menu_label = gettext_lazy("Nguồn tin")
    add_to_admin_menu = True
    menu_order = 250
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = FeedIndexView
    add_view_class = FeedCreateView
    edit_view_class = FeedEditView

    def get_form_class(self, for_update=False):
        return FeedSourceForm


# --- Thông báo khẩn ------------------------------------------------------------------------------------------


class NoticeForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Tiêu đề"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Nội dung"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000)
    tier = forms.ChoiceField(label=gettext_lazy("Gửi đến"), choices=Tier.choices, initial=Tier.ALL)


def notices_page(request: HttpRequest) -> HttpResponse:
    top = oversight_unit(request.user)
    if top is None:
        raise PermissionDenied(_("Chỉ cấp ủy viên mới gửi và theo dõi được thông báo khẩn."))
    member = member_of(request.user)
    sender = member is not None and can_send(member, member.unit)
    form = NoticeForm(request.POST or None) if sender else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            notice = services.send_notice(by=member, **form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã gửi thông báo “%(title)s”.") % {"title": notice.title})
            return redirect("sotay_notice_seen", pk=notice.pk)
    rows = []
    for notice in sent_notices(top)[:50]:
        data = seen_rollup(notice, notice.unit)["units"][0]
        rows.append({"notice": notice, "seen": data["seen"], "total": data["total"]})
    return render(request, "notices/admin/notices.html", {
        "page_title": _("Thông báo khẩn"), "header_icon": "warning", "form": form, "rows": rows, "unit": top})


def notice_seen_page(request: HttpRequest, pk: int) -> HttpResponse:
    from .views import rollup_root

    notice = get_object_or_404(Notice.objects.select_related("unit"), pk=pk)
    try:
        root = rollup_root(request.user, notice, request.GET.get("unit"))
    except Exception as exc:  # noqa: BLE001 - DRF's PermissionDenied carries the Vietnamese message
        raise PermissionDenied(str(getattr(exc, "detail", exc))) from exc
    data = seen_rollup(notice, root)
    rows = [r for r in data["units"] if r["depth"] <= 1]
    for row in rows:
        row["pct"] = round(100 * row["seen"] / row["total"], 1) if row["total"] else 0
    return render(request, "notices/admin/seen.html", {
        "page_title": _("Đã xem thông báo"), "header_icon": "warning", "notice": notice, "data": data,
        "rows": rows, "unit": root, "not_seen": not_seen_members(notice, root, limit=200)})


# --- Gửi lên cấp trên ----------------------------------------------------------------------------------------


def submit_page(request: HttpRequest, page_id: int) -> HttpResponse:
    page = get_object_or_404(Page, pk=page_id).specific
    if not submissions.can_submit(request.user, page):
        raise PermissionDenied(_("Bạn không gửi được bài này lên cấp trên."))
    district = submissions.district_of(page.get_parent().specific)
    if request.method == "POST":
        try:
            submissions.submit_up(by=request.user, page=page, note=request.POST.get("note", ""))
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã gửi bài lên %(unit)s.") % {"unit": district.title})
            return redirect("sotay_submissions")
    return render(request, "notices/admin/submit.html", {
        "page_title": _("Gửi lên cấp trên"), "header_icon": "upload", "page": page, "district": district})


def submissions_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        submission = get_object_or_404(Submission, pk=request.POST.get("submission") or 0)
        try:
            if request.POST.get("action") == "approve":
                copy = submissions.approve(by=request.user, submission=submission)
                messages.success(request, _("Đã duyệt và đăng “%(title)s”.") % {"title": copy.title})
            else:
                submissions.send_back(by=request.user, submission=submission, comment=request.POST.get("comment", ""))
                messages.success(request, _("Đã trả lại bài kèm ý kiến."))
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect("sotay_submissions")
    rows = [{"s": s, "decide": s.status == SubmissionStatus.PENDING and submissions.can_decide(request.user, s)}
            for s in submissions.submissions_for(request.user)]
    return render(request, "notices/admin/submissions.html", {
        "page_title": _("Bài gửi lên cấp trên"), "header_icon": "upload", "rows": rows})
