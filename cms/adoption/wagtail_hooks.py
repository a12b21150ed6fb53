""""Mức độ sử dụng" in the admin's Reports menu, for committees and the province administrator."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from cms.api.wagtail_hooks import CommitteeMenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_usage_urls():
    return [path("muc-do-su-dung/", admin_views.usage, name="sotay_adoption")]


@hooks.register("register_reports_menu_item")
def register_usage_menu_item():
    return CommitteeMenuItem(_("Mức độ sử dụng"), reverse("sotay_adoption"), name="sotay-adoption",
                             icon_name="table", order=60)
