"""Admin rules of review: no direct "Xuất bản" where a second board member must review, messages that say what
the review did, and the per-unit review setting."""

from __future__ import annotations

import json

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.org.models import UnitPage

from .models import Column, UnitReviewSetting
from .review import may_publish_directly, review_outcomes

PUBLISH_ACTION = "action-publish"


def _unit_for(page=None, parent=None) -> UnitPage | None:
    if page is not None:
        parent = page.get_parent()
    specific = parent.specific if parent is not None else None
    return specific if isinstance(specific, UnitPage) else None


@hooks.register("construct_page_action_menu")
def hide_direct_publish(menu_items, request, context) -> None:
    page = context.get("page")
    unit = _unit_for(page=page) if page is not None and page.pk else _unit_for(parent=context.get("parent_page"))
    if isinstance(page, UnitPage) or unit is None or may_publish_directly(request.user, unit):
        return
    menu_items[:] = [item for item in menu_items if item.name != PUBLISH_ACTION]


def _refuse_direct_publish(request, unit):
    if request.method == "POST" and PUBLISH_ACTION in request.POST and unit is not None \
            and not may_publish_directly(request.user, unit):
        messages.error(request, _("Bài của đơn vị này cần một thành viên khác của Ban Biên tập duyệt: "
                                  "hãy bấm “Gửi duyệt”."))
        return redirect(request.get_full_path())
    return None


@hooks.register("before_create_page")
def refuse_direct_publish_on_create(request, parent_page, page_class):
    return _refuse_direct_publish(request, _unit_for(parent=parent_page))


@hooks.register("before_edit_page")
def refuse_direct_publish_on_edit(request, page):
    if isinstance(page.specific, UnitPage):
        return None
    return _refuse_direct_publish(request, _unit_for(page=page))


@hooks.register("after_edit_page")
def say_what_the_review_did(request, page) -> None:
    if not request.POST.get("action-workflow-action"):
        return
    action = request.POST.get("workflow-action-name")
    title = page.get_admin_display_title()
    if action == "approve":
        page.refresh_from_db()
        if page.live and not page.has_unpublished_changes:
            text = _("Đã duyệt và xuất bản “%(title)s”.") % {"title": title}
        else:
            text = _("Đã duyệt “%(title)s”.") % {"title": title}
    elif action == "reject":
        extra = json.loads(request.POST.get("workflow-action-extra-data") or "{}")
        comment = (extra.get("comment") or "").strip()
        state = page.workflow_states.order_by("-created_at").first()
        author = state.requested_by.get_full_name() or state.requested_by.get_username() \
            if state and state.requested_by else _("người gửi")
        text = _("Đã trả lại “%(title)s” cho %(author)s với ý kiến: “%(comment)s”.") % {
            "title": title, "author": author, "comment": comment or _("(không có ý kiến)")}
    else:
        return
    _replace_messages(request, text)


def _replace_messages(request, text: str) -> None:
    """Wagtail has already said "Đã cập nhật trang"; say instead what the review did."""
    storage = messages.get_messages(request)
    kept = [m for m in storage if m.level != messages.SUCCESS]
    storage.used = True
    for message in kept:
        messages.add_message(request, message.level, message.message, extra_tags=message.extra_tags)
    messages.success(request, text)


class UnitReviewSettingViewSet(SnippetViewSet):
    model = UnitReviewSetting
    icon = "tasks"
    menu_label = gettext_lazy("Cách duyệt bài")
    list_display = ["unit", "single_editor_publishes"]


register_snippet(UnitReviewSettingViewSet)


class ColumnViewSet(SnippetViewSet):
    """Chuyên mục of the province, edited by its board; pages choose one, the archive lists by them."""

    model = Column
    icon = "folder-open-inverse"
    menu_label = gettext_lazy("Chuyên mục")
    list_display = ["name", "slug", "province", "sort_order"]


register_snippet(ColumnViewSet)


@hooks.register("register_admin_urls")
def register_guide_url():
    return [path("huong-dan/", editor_guide, name="sotay_editor_guide"),
            path("trang-thai-xuat-ban/<int:page_id>/", publish_status_view, name="sotay_publish_status")]


def publish_status_view(request, page_id: int):
    """Where the page's last publish is, as JSON for the status panel, which asks until it is live or failed."""
    from django.http import Http404, JsonResponse
    from wagtail.models import Page

    from .build_status import publish_status

    page = Page.objects.filter(pk=page_id).first()
    if page is None or not page.permissions_for_user(request.user).can_edit():
        raise Http404
    status = publish_status(page)
    return JsonResponse(status.as_dict() if status else {"state": "", "text": "", "help": "", "version": None})


def editor_guide(request):
    return render(request, "publishing/editor_guide.html")


@hooks.register("construct_help_menu")
def vietnamese_guide_in_help_menu(request, menu_items) -> None:
    # Wagtail's guide is English; ours says how a board publishes in sotay.
    menu_items[:] = [item for item in menu_items
                     if item.name != "editor-guide" and not item.name.startswith("whats-new-in-wagtail")]
    menu_items.append(MenuItem(gettext_lazy("Hướng dẫn biên tập"), reverse("sotay_editor_guide"), icon_name="help",
                               name="sotay-editor-guide", order=1100))


class ReviewOutcomesPanel(Component):
    """On the author's dashboard: which of their pages were approved or sent back, by whom and why."""

    name = "sotay_review_outcomes"
    order = 90
    template_name = "publishing/admin/review_outcomes_panel.html"

    def __init__(self, outcomes: list[dict]) -> None:
        self.outcomes = outcomes

    def get_context_data(self, parent_context=None) -> dict:
        return {"outcomes": self.outcomes}


@hooks.register("construct_homepage_panels")
def add_review_outcomes(request, panels) -> None:
    outcomes = review_outcomes(request.user)
    if outcomes:
        panels.append(ReviewOutcomesPanel(outcomes))
