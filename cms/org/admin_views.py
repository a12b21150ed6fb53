"""Member management in the Wagtail admin for secretaries, scoped to their own unit's subtree."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.permission_policies.base import BasePermissionPolicy

from .activation import issue_sheet, render_sheet_pdf, sheet_filename, sheet_members, sheet_unit
from .models import LEADER_ROLES, Member, UnitPage
from .phones import normalize_phone
from .record import MemberRecordFormMixin
from .selectors import may_still_read
from .services import create_member, issue_reset_code

MEMBER_FIELDS = [
    "full_name", "unit", "role", "status", "phone", "birth_year", "card_number", "joined_on", "official_on",
    "exempt_from", "exempt_until", "exempt_reason", "no_smartphone",
]


def managed_unit(user) -> UnitPage | None:
    """The unit whose members this user manages: their own, if they are its secretary or deputy secretary."""
    member = getattr(user, "member", None) if user.is_authenticated else None
    if member is not None and member.role in LEADER_ROLES and may_still_read(member):
        return member.unit
    return None


def managed_members(user):
    if user.is_superuser:
        return Member.objects.all()
    unit = managed_unit(user)
    return Member.objects.filter(unit__path__startswith=unit.path) if unit else Member.objects.none()


class MemberPermissionPolicy(BasePermissionPolicy):
    """Secretaries and deputies manage the members of their unit's subtree; nobody else but superusers does."""

    def user_has_permission(self, user, action):
        return user.is_active and (user.is_superuser or managed_unit(user) is not None)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and managed_members(user).filter(pk=instance.pk).exists()

    def instances_user_has_permission_for(self, user, action):
        return managed_members(user)

    def users_with_permission(self, action):
        return get_user_model().objects.filter(member__role__in=LEADER_ROLES)


class MemberForm(MemberRecordFormMixin, WagtailAdminModelForm):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    password = forms.CharField(label=_("Mật khẩu ban đầu"), widget=forms.PasswordInput, required=False)

    class Meta:
        model = Member
        fields = MEMBER_FIELDS

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields.pop("username")
            self.fields.pop("password")
        if for_user is not None and not for_user.is_superuser:
            unit = managed_unit(for_user)
            self.fields["unit"].queryset = UnitPage.objects.filter(path__startswith=unit.path) if unit else \
                UnitPage.objects.none()

    def clean_phone(self):
        return normalize_phone(self.cleaned_data.get("phone", ""))

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username=username).exists():
            raise forms.ValidationError(_("Tên đăng nhập này đã có người dùng."))
        return username

    def save(self, commit=True):
        if self.instance.pk:
            return super().save(commit=commit)
        data = self.cleaned_data
        self.instance = create_member(
            username=data["username"], full_name=data["full_name"], unit=data["unit"], role=data["role"],
            status=data["status"], password=data.get("password") or None, phone=data.get("phone", ""),
            birth_year=data.get("birth_year"), record=self.record_data(),
        )
        return self.instance


class ScopedFormMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}


class MemberIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().filter(pk__in=managed_members(self.request.user)).select_related("unit")

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.is_superuser or sheet_unit(self.request.user) is not None:
            url = reverse("org_activation_sheet")
            buttons.append(HeaderButton(_("In phiếu kích hoạt"), url=url, icon_name="doc-full"))
        return buttons


class MemberCreateView(ScopedFormMixin, CreateView):
    pass


class MemberEditView(ScopedFormMixin, EditView):
    def get_object(self, queryset=None):
        member = super().get_object(queryset)
        if not managed_members(self.request.user).filter(pk=member.pk).exists():
            raise PermissionDenied
        return member


class MemberViewSet(ModelViewSet):
    model = Member
    form_fields = MEMBER_FIELDS
    list_display = ["full_name", "user", "unit", "role", "status", "exemption", "phone", "reset_link"]
    list_filter = ["role", "status", "no_smartphone"]
    search_fields = ["full_name", "user__username", "phone", "card_number"]
    icon = "group"
    menu_label = _("Đảng viên")
    add_to_admin_menu = True
    copy_view_enabled = False
    index_view_class = MemberIndexView
    add_view_class = MemberCreateView
    edit_view_class = MemberEditView

    def get_form_class(self, for_update=False):
        return MemberForm


def reset_code_view(request, pk: int):
    """A secretary issues a one-time password-reset code for one of their members; it is shown once."""
    member = get_object_or_404(Member, pk=pk)
    if not managed_members(request.user).filter(pk=member.pk).exists():
        raise PermissionDenied
    code = issue_reset_code(member=member, issued_by=request.user) if request.method == "POST" else None
    return TemplateResponse(request, "org/reset_code.html", {"member": member, "code": code})


def activation_sheet_view(request):
    """Bí thư and phó bí thư print their cell's activation sheet: GET says what printing does, POST issues the
    codes and answers the PDF. A superuser picks the unit by its code (`?unit=`)."""
    code = request.POST.get("unit") or request.GET.get("unit") or None
    unit = sheet_unit(request.user, code)
    if unit is None and not (request.user.is_superuser and request.method == "GET"):
        raise PermissionDenied
    if request.method == "POST":
        sheet = issue_sheet(unit=unit, issued_by=request.user)
        response = HttpResponse(render_sheet_pdf(sheet), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{sheet_filename(unit)}"'
        return response
    members = list(sheet_members(unit)) if unit else []
    context = {
        "unit": unit,
        "with_phone": sum(1 for m in members if not m.no_smartphone),
        "without_phone": sum(1 for m in members if m.no_smartphone),
        "units": UnitPage.objects.order_by("path") if request.user.is_superuser else None,
    }
    return TemplateResponse(request, "org/activation_sheet_admin.html", context)
