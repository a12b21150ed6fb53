"""Publishing events queue layer builds once the transaction that caused them has committed."""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import transaction
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.org.events import board_ready
from layerformat.model import LayerId

logger = logging.getLogger("sotay.publishing")

# Set while loading many pages at once (the loader builds every layer once at the end).
SUSPENDED = False


def queue_unit_layers(unit, page=None) -> None:
    """Queue the layers of `unit` that `page` is in or was in (both tiers when no page is given).

    A publish touches the page's own tier; the other tier only when the page is still live there (its tier
    changed), so an ordinary publish rebuilds exactly one layer.
    """
    from .tasks import build_layer_task

    if SUSPENDED:
        return
    for layer in unit.layers():
        if page is None or layer.tier == page.tier or _in_live_layer(layer, page.pk):
            _enqueue_with_the_change(build_layer_task, layer.prefix)


def _enqueue_with_the_change(task, prefix: str) -> None:
    """Queue in the same transaction as the publish when the queue is a table, so both happen or neither does.

    A queue outside the database (the immediate backend of tests) must wait for the commit: it runs the build at
    once, and the build must see the committed page. The request is recorded for the admin's publish status.
    """
    from django_tasks_db import DatabaseBackend

    from .build_status import record_requested

    record_requested(layer=LayerId.parse(prefix))
    if isinstance(task.get_backend(), DatabaseBackend) and transaction.get_connection().in_atomic_block:
        task.enqueue(prefix)
    else:
        transaction.on_commit(lambda: task.enqueue(prefix))


def _in_live_layer(layer: LayerId, page_id: int) -> bool:
    from django.conf import settings

    return (Path(settings.SOTAY_SITE_DIR) / layer.prefix / "a" / str(page_id) / "index.html").exists()


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
    page = instance.specific
    unit = _owner_unit(page)
    if unit is not None:
        queue_unit_layers(unit, page)


@receiver(post_page_move)
def page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs) -> None:
    from cms.org.models import UnitPage

    if _owner_unit(instance.specific) is None:
        return
    for parent in {parent_page_before.specific, parent_page_after.specific}:
        if isinstance(parent, UnitPage):
            queue_unit_layers(parent, instance.specific)


@receiver(board_ready)
def board_ready_review(sender, unit, group, **kwargs) -> None:
    from .review import ensure_board_review

    ensure_board_review(unit, group)
    if unit.level == "province":
        # The province's board defines the columns (chuyên mục) every page of the province chooses from.
        from django.contrib.auth.models import Permission

        group.permissions.add(*Permission.objects.filter(
            content_type__app_label="publishing", codename__in=["add_column", "change_column", "delete_column"]
        ))
