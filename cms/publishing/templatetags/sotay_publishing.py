"""Admin template tags of publishing: where a page's publish is on its way to members."""

from __future__ import annotations

from django import template
from django.urls import reverse

from cms.publishing.build_status import publish_status

register = template.Library()


@register.inclusion_tag("publishing/admin/publish_status.html")
def publish_status_item(page) -> dict:
    status = publish_status(page) if page is not None and getattr(page, "pk", None) else None
    if status is None:
        return {"status": None}
    return {"status": status, "url": reverse("sotay_publish_status", args=[page.pk])}
