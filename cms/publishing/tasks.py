"""The build queue: a publish, unpublish or move queues a rebuild of just the layers it touches.

A build that fails (a store that does not answer, most often) is queued again with a growing delay, a bounded
number of times; every failure is recorded for the admin (`build_status`), none is dropped in silence.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

logger = logging.getLogger("sotay.publishing")

MAX_ATTEMPTS = 8
FIRST_RETRY_S = 5.0
LONGEST_RETRY_S = 600.0


def retry_delay(attempt: int) -> timedelta:
    """Wait before attempt `attempt + 1`: 5 s, 10 s, 20 s, … at most 10 minutes."""
    return timedelta(seconds=min(LONGEST_RETRY_S, FIRST_RETRY_S * 2 ** (attempt - 1)))


@task()
def build_layer_task(layer_prefix: str, attempt: int = 1, audio: bool = False) -> dict:
    """Text first: a publish's build does not wait for the synthesis of new audio; when articles were left
    without audio, a second build (`audio=True`) follows at once with it."""
    from site_builder.errors import BuildError

    from .build import build_one

    try:
        stats = build_one(layer_prefix, attempt=attempt, text_first=not audio)
    except BuildError as error:
        retry_at = schedule_retry(layer_prefix, attempt, audio=audio)
        logger.error("build of %s failed (attempt %d, %s): %s", layer_prefix, attempt,
                     f"retry at {retry_at:%H:%M:%S}" if retry_at else "no retry left", error)
        raise
    if stats.get("audio_pending"):
        build_layer_task.enqueue(layer_prefix, 1, True)
    return stats


def schedule_retry(layer_prefix: str, attempt: int, *, audio: bool = False) -> datetime | None:
    """Queue the build again after `retry_delay(attempt)`; None when the attempts are spent or the queue cannot
    defer (the immediate backend of tests), in which case the recorded failure tells the editor what to do."""
    from layerformat.model import LayerId

    from .build_status import record_retry

    if attempt >= MAX_ATTEMPTS or not build_layer_task.get_backend().supports_defer:
        return None
    retry_at = timezone.now() + retry_delay(attempt)
    build_layer_task.using(run_after=retry_at).enqueue(layer_prefix, attempt + 1, audio)
    record_retry(layer=LayerId.parse(layer_prefix), retry_at=retry_at)
    return retry_at


@task()
def publish_scheduled_task() -> None:
    from django.core.management import call_command

    call_command("publish_scheduled")
