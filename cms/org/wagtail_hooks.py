from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
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


def reset_link(self) -> str:
    return format_html('<a href="{}">Cấp mã đặt lại</a>', reverse("org_member_reset_code", args=[self.pk]))


reset_link.short_description = "Mật khẩu"
Member.reset_link = reset_link
