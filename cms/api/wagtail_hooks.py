"""Wagtail admin for committees and the province administrator: "Tỷ lệ đọc" and "Góp ý gửi cấp ủy"."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views
from .selectors import oversight_unit


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("ty-le-doc/", admin_views.report_index, name="sotay_read_rates"),
        path("ty-le-doc/<int:page_id>/", admin_views.report_page, name="sotay_read_rate"),
        path("gop-y/", admin_views.feedback_inbox, name="sotay_feedback_inbox"),
        path("gop-y/<int:pk>/", admin_views.feedback_thread, name="sotay_feedback_thread"),
    ]


class CommitteeMenuItem(MenuItem):
    """Shown to whoever answers for a subtree: committee members, and the province's administrator."""

    def is_shown(self, request) -> bool:
        return oversight_unit(request.user) is not None


@hooks.register("register_reports_menu_item")
def register_read_rates_menu_item():
    return CommitteeMenuItem(_("Tỷ lệ đọc"), reverse("sotay_read_rates"), name="sotay-read-rates", icon_name="table",
                             order=50)


@hooks.register("register_admin_menu_item")
def register_feedback_menu_item():
    return CommitteeMenuItem(_("Góp ý gửi cấp ủy"), reverse("sotay_feedback_inbox"), name="sotay-feedback",
                             icon_name="mail", order=900)
