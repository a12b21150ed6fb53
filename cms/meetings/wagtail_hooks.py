"""Wagtail admin for committees: "Sinh hoạt chi bộ", the monthly roll-up of meetings."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.api.selectors import oversight_unit

from . import admin_views


@hooks.register("register_admin_urls")
def register_rollup_urls():
    return [path("sinh-hoat/", admin_views.rollup_page, name="sotay_meetings_rollup")]


class CommitteeMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return oversight_unit(request.user) is not None


@hooks.register("register_reports_menu_item")
def register_rollup_menu_item():
    return CommitteeMenuItem(_("Sinh hoạt chi bộ"), reverse("sotay_meetings_rollup"), name="sotay-meetings",
                             icon_name="date", order=60)
