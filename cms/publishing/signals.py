"""Publishing events queue layer builds once the transaction that caused them has committed."""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from site_builder.model import TIERS, LayerId

logger = logging.getLogger("sotay.publishing")

# Set while loading many pages at once (the loader builds every layer once at the end).
SUSPENDED = False


def queue_unit_layers(unit) -> None:
    """Queue both tiers of a unit: a tier change moves a page from one layer to the other."""
    from .tasks import build_layer_task

    if SUSPENDED:
        return
    for tier in TIERS:
        prefix = LayerId(tuple(unit.code_path.split("/")), tier).prefix
        transaction.on_commit(lambda prefix=prefix: build_layer_task.enqueue(prefix))


def _owner_unit(page):
    from cms.org.models import UnitPage
    from cms.publishing.models import ArticlePage

    if not isinstance(page, ArticlePage):
        return None
    parent = page.get_parent().specific
    return parent if isinstance(parent, UnitPage) else None


@receiver(page_published)
@receiver(page_unpublished)
def page_changed(sender, instance, **kwargs) -> None:
    unit = _owner_unit(instance.specific)
    if unit is not None:
        queue_unit_layers(unit)


@receiver(post_page_move)
def page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs) -> None:
    from cms.org.models import UnitPage

    if _owner_unit(instance.specific) is None:
        return
    for parent in {parent_page_before.specific, parent_page_after.specific}:
        if isinstance(parent, UnitPage):
            queue_unit_layers(parent)
