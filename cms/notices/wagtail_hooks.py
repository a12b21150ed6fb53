"""Wagtail admin: "Nguồn tin", "Thông báo khẩn", "Bài gửi lên cấp trên" and the page action that sends up."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from cms.api.selectors import oversight_unit

from . import admin_views, submissions
from .models import FeedSource

register_permission_policy(FeedSource, admin_views.FeedPermissionPolicy(FeedSource))


@hooks.register("register_admin_viewset")
def register_feed_viewset():
    return admin_views.FeedSourceViewSet("nguon-tin")


@hooks.register("register_admin_urls")
def register_notice_urls():
    return [
        path("thong-bao-khan/", admin_views.notices_page, name="sotay_notices"),
        path("thong-bao-khan/<int:pk>/", admin_views.notice_seen_page, name="sotay_notice_seen"),
        path("gui-len/", admin_views.submissions_page, name="sotay_submissions"),
        path("gui-len/trang/<int:page_id>/", admin_views.submit_page, name="sotay_submit_up"),
    ]


class CommitteeMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return oversight_unit(request.user) is not None


class EditorMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return admin_views.board_units(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_notices_menu_item():
    return CommitteeMenuItem(_("Thông báo khẩn"), reverse("sotay_notices"), name="sotay-notices",
                             icon_name="warning", order=240)


@hooks.register("register_admin_menu_item")
def register_submissions_menu_item():
    return EditorMenuItem(_("Bài gửi lên cấp trên"), reverse("sotay_submissions"), name="sotay-submissions",
                          icon_name="upload", order=260)


class SubmitUpMenuItem(ActionMenuItem):
    label = _("Gửi lên cấp trên")
    name = "action-submit-up"
    icon_name = "upload"

    def is_shown(self, context) -> bool:
        page = context.get("page")
        return (context.get("view") == "edit" and page is not None and page.live
                and submissions.can_submit(context["request"].user, page))

    def get_url(self, context) -> str:
        return reverse("sotay_submit_up", args=[context["page"].pk])


@hooks.register("register_page_action_menu_item")
def register_submit_up_menu_item():
    return SubmitUpMenuItem(order=60)
