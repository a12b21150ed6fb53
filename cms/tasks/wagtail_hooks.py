"""Wagtail admin for committees: "Giao việc" (plans sent down the line and their reports, late tasks)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.org.selectors import member_of

from . import admin_views


@hooks.register("register_admin_urls")
def register_tasks_urls():
    return [path("giao-viec/", admin_views.tasks_page, name="sotay_tasks")]


class CommitteeMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        member = member_of(request.user)
        return member is not None and member.is_committee


@hooks.register("register_reports_menu_item")
def register_tasks_menu_item():
    return CommitteeMenuItem(_("Giao việc, kế hoạch"), reverse("sotay_tasks"), name="sotay-tasks",
                             icon_name="tasks", order=70)
