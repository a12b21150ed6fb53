from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy

from .admin_guide import SecretaryGuideMenuItem, secretary_guide_view
from .admin_views import MemberPermissionPolicy, MemberViewSet, activation_sheet_view, reset_code_view
from .models import Member

register_permission_policy(Member, MemberPermissionPolicy(Member))


@hooks.register("register_admin_viewset")
def register_member_viewset():
    return MemberViewSet("members")


@hooks.register("register_admin_urls")
def register_member_import_urls():
    from .import_views import admin_urls

    return admin_urls()


@hooks.register("register_admin_menu_item")
def register_member_import_menu_item():
    from .import_views import menu_item

    return menu_item()


@hooks.register("register_admin_urls")
def register_reset_code_url():
    return [
        path("members/<int:pk>/reset-code/", reset_code_view, name="org_member_reset_code"),
        path("members/activation-sheet/", activation_sheet_view, name="org_activation_sheet"),
        path("huong-dan-bi-thu/", secretary_guide_view, name="org_secretary_guide"),
    ]


@hooks.register("register_admin_menu_item")
def register_secretary_guide_menu_item():
    return SecretaryGuideMenuItem("Hướng dẫn bí thư", reverse("org_secretary_guide"), name="sotay-secretary-guide",
                                  icon_name="help", order=1000)


class _ChangeFormatter(LogFormatter):
    """"Vai trò: Đảng viên → Phó bí thư" in the history of the member and in the site history."""

    what = ""

    def format_message(self, log_entry) -> str:
        data = log_entry.data or {}
        return f"{self.what}: {data.get('from_label') or '—'} → {data.get('to_label') or '—'}"


@hooks.register("register_log_actions")
def register_member_log_actions(actions):
    for action, label, what in (
        ("sotay.role_change", _("Đổi vai trò"), "Vai trò"),
        ("sotay.status_change", _("Đổi tình trạng"), "Tình trạng"),
        ("sotay.unit_change", _("Chuyển đơn vị"), "Đơn vị"),
    ):
        actions.register_action(action)(type("Formatter", (_ChangeFormatter,), {"label": label, "what": what}))


def reset_link(self) -> str:
    return format_html('<a href="{}">Cấp mã đặt lại</a>', reverse("org_member_reset_code", args=[self.pk]))


def exemption(self) -> str:
    """"Miễn sinh hoạt 01/03/2026–31/12/2026 (đi làm ăn xa)", or an empty cell."""
    if self.exempt_from is None and self.exempt_until is None:
        return ""
    start = date_format(self.exempt_from, "d/m/Y") if self.exempt_from else ""
    end = date_format(self.exempt_until, "d/m/Y") if self.exempt_until else ""
    period = f"{start}–{end}" if start and end else f"từ {start}" if start else f"đến {end}"
    return period + (f" ({self.exempt_reason})" if self.exempt_reason else "")


reset_link.short_description = "Mật khẩu"
exemption.short_description = "Miễn sinh hoạt"
Member.reset_link = reset_link
Member.exemption = exemption
