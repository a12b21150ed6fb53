"""“Hướng dẫn bí thư”: the secretaries' guide in the admin (managing members, activation sheets, reports,
feedback), shown to whoever leads or sits on a committee, and to the province's administrator."""

from __future__ import annotations

from django.template.response import TemplateResponse
from wagtail.admin.menu import MenuItem


def may_read_secretary_guide(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    member = getattr(user, "member", None)
    return member is not None and member.is_active_member and member.is_committee


class SecretaryGuideMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return may_read_secretary_guide(request.user)


def secretary_guide_view(request):
    return TemplateResponse(request, "org/secretary_guide.html", {})
