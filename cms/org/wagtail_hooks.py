from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from .admin_views import MemberPermissionPolicy, MemberViewSet, reset_code_view
from .models import Member

register_permission_policy(Member, MemberPermissionPolicy(Member))


@hooks.register("register_admin_viewset")
def register_member_viewset():
    return MemberViewSet("members")


@hooks.register("register_admin_urls")
def register_reset_code_url():
    return [path("members/<int:pk>/reset-code/", reset_code_view, name="org_member_reset_code")]


def reset_link(self) -> str:
    return format_html('<a href="{}">Cấp mã đặt lại</a>', reverse("org_member_reset_code", args=[self.pk]))


reset_link.short_description = "Mật khẩu"
Member.reset_link = reset_link


@hooks.register("register_admin_urls")
def register_member_import_urls():
    from .import_views import member_import_confirm, member_import_view

    return [
        path("member-import/", member_import_view, name="org_member_import"),
        path("member-import/confirm/", member_import_confirm, name="org_member_import_confirm"),
    ]


class MemberImportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        from .import_views import can_import

        return can_import(request.user)


@hooks.register("register_admin_menu_item")
def register_member_import_menu_item():
    return MemberImportMenuItem("Nhập đảng viên", reverse("org_member_import"), icon_name="upload", order=310)
