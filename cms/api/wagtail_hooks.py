"""Wagtail admin: a "Tỷ lệ đọc" (read rates) report for committee members who use the admin."""

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
    ]


class ReadRatesMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return is_committee(member_of(request.user))


@hooks.register("register_reports_menu_item")
def register_read_rates_menu_item():
    return ReadRatesMenuItem(_("Tỷ lệ đọc"), reverse("sotay_read_rates"), name="sotay-read-rates", icon_name="table",
                             order=50)
