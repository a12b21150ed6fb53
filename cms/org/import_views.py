"""The admin's "Nhập đảng viên": upload the member registry's export, see the difference, confirm it.

The province administrator syncs the whole province; a secretary syncs their unit's subtree only. The uploaded
file waits in the (database-backed) session between preview and confirmation, with its SHA-256: the confirmation
applies exactly the file that was previewed, and only if its difference is still the one shown.
"""

from __future__ import annotations

import base64
import hashlib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.menu import MenuItem

from .admin_views import managed_unit
from .importing import ImportFailed, Plan, UnreadableFile, apply_plan, preview, read_table
from .models import UnitPage

SESSION_KEY = "sotay_member_import"
MAX_BYTES = 20 * 1024 * 1024
TEMPLATE = "org/member_import.html"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp xuất từ phần mềm quản lý đảng viên (CSV hoặc XLSX)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn 20 MB."))
        if not upload.name.lower().endswith((".csv", ".txt", ".tsv", ".xlsx", ".xlsm")):
            raise forms.ValidationError(_("Chỉ nhận tệp CSV hoặc XLSX."))
        return upload


def can_import(user) -> bool:
    return user.is_active and (user.is_superuser or managed_unit(user) is not None)


def import_scope(user) -> UnitPage | None:
    """None: the whole province (administrator); otherwise the unit whose subtree the user may sync."""
    if not can_import(user):
        raise PermissionDenied
    return None if user.is_superuser else managed_unit(user)


def member_import_view(request):
    scope = import_scope(request.user)
    if request.method != "POST":
        request.session.pop(SESSION_KEY, None)
        return _page(request, scope, form=UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, scope, form=form)
    upload = form.cleaned_data["file"]
    data = upload.read()
    plan, errors = _plan(data, upload.name, scope)
    if errors:
        request.session.pop(SESSION_KEY, None)
        return _page(request, scope, form=UploadForm(), errors=errors, filename=upload.name)
    digest = hashlib.sha256(data).hexdigest()
    request.session[SESSION_KEY] = {"name": upload.name, "sha256": digest,
                                    "data": base64.b64encode(data).decode("ascii")}
    return _page(request, scope, plan=plan, filename=upload.name, digest=digest)


@require_POST
def member_import_confirm(request):
    scope = import_scope(request.user)
    stored = request.session.get(SESSION_KEY)
    data = base64.b64decode(stored["data"]) if stored else b""
    digest = request.POST.get("sha256", "")
    if not stored or digest != stored["sha256"] or hashlib.sha256(data).hexdigest() != digest:
        messages.error(request, _("Không tìm thấy tệp đã xem trước. Hãy tải tệp lên lại."))
        return redirect("org_member_import")
    plan, errors = _plan(data, stored["name"], scope)
    if errors or plan.fingerprint() != request.POST.get("fingerprint"):
        # Someone changed members between the preview and the confirmation: show the difference as it is now.
        messages.warning(request, _("Dữ liệu đảng viên đã thay đổi từ lúc xem trước. Hãy xem lại phần khác biệt "
                                    "rồi xác nhận lần nữa."))
        return _page(request, scope, form=UploadForm() if errors else None, plan=plan, errors=errors,
                     filename=stored["name"], digest=digest)
    result = apply_plan(plan, by=request.user)
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("Đã cập nhật từ tệp %(name)s: thêm %(new)d, cập nhật %(changed)d đảng viên; "
                                "%(leaving)d đảng viên không có trong tệp được giữ nguyên.")
                     % {"name": stored["name"], "new": result.created, "changed": result.updated,
                        "leaving": result.leaving})
    return redirect(reverse("org_member_import"))


def _plan(data: bytes, filename: str, scope: UnitPage | None) -> tuple[Plan | None, list]:
    try:
        return preview(read_table(data, filename), scope=scope), []
    except UnreadableFile as error:
        return None, [str(error)]
    except ImportFailed as failure:
        return None, [str(e) for e in failure.errors]


def _page(request, scope, **context) -> TemplateResponse:
    return TemplateResponse(request, TEMPLATE, {"scope": scope, **context})


class ImportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_import(request.user)


def menu_item() -> MenuItem:
    return ImportMenuItem(_("Nhập đảng viên"), reverse("org_member_import"), icon_name="upload", order=310)


def admin_urls() -> list:
    return [
        path("member-import/", member_import_view, name="org_member_import"),
        path("member-import/confirm/", member_import_confirm, name="org_member_import_confirm"),
    ]
