"""Wagtail admin for committee members: "Tỷ lệ đọc" (read rates) and "Góp ý gửi cấp ủy" (feedback inbox)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.org.selectors import member_of

from . import admin_views
from .selectors import is_committee


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("ty-le-doc/", admin_views.report_index, name="sotay_read_rates"),
        path("ty-le-doc/<int:page_id>/", admin_views.report_page, name="sotay_read_rate"),
        path("gop-y/", admin_views.feedback_inbox, name="sotay_feedback_inbox"),
        path("gop-y/<int:pk>/", admin_views.feedback_thread, name="sotay_feedback_thread"),
    ]


class CommitteeMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return is_committee(member_of(request.user))


@hooks.register("register_reports_menu_item")
def register_read_rates_menu_item():
    return CommitteeMenuItem(_("Tỷ lệ đọc"), reverse("sotay_read_rates"), name="sotay-read-rates", icon_name="table",
                             order=50)


@hooks.register("register_admin_menu_item")
def register_feedback_menu_item():
    return CommitteeMenuItem(_("Góp ý gửi cấp ủy"), reverse("sotay_feedback_inbox"), name="sotay-feedback",
                             icon_name="mail", order=900)
