"""The build queue: a publish, unpublish or move queues a rebuild of just the layers it touches."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger("sotay.publishing")


@task()
def build_layer_task(layer_prefix: str) -> dict:
    from .build import build_one

    return build_one(layer_prefix)


@task()
def publish_scheduled_task() -> None:
    from django.core.management import call_command

    call_command("publish_scheduled")
