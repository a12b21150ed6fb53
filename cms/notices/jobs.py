"""Periodic work, started from the worker's minute tick (`cms.publishing.events.worker_tick`) as jobs on the
task queue: feeds every 30 minutes, last week's digests on Monday morning, last month's on the 1st.

Each job is idempotent (feed items are unique, digests are unique per cell and period and their files are
named by content); the tick only avoids queueing the same job every minute while one is waiting or running.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from .digests import last_week, make_digests
from .feeds import due_sources, import_feeds_task
from .models import Digest

logger = logging.getLogger("sotay.notices")
DIGEST_HOUR = 5  # local time: ready before the day's work starts


def last_month(today: date) -> str:
    first = today.replace(day=1) - timedelta(days=1)
    return f"{first:%Y-%m}"


def due_periods(now=None) -> list[str]:
    local = timezone.localtime(now or timezone.now())
    if local.hour < DIGEST_HOUR:
        return []
    periods = []
    if local.weekday() == 0:
        periods.append(last_week(local.date()))
    if local.day == 1:
        periods.append(last_month(local.date()))
    return [p for p in periods if not Digest.objects.filter(period=p).exclude(pdf="").exists()]


@task()
def make_digests_task(period: str) -> dict:
    return make_digests(period).__dict__


def on_worker_tick(sender=None, **kwargs) -> None:
    if due_sources().exists() and cache.add("notices:feeds-queued", 1, timeout=25 * 60):
        import_feeds_task.enqueue()
    for period in due_periods():
        if cache.add(f"notices:digests-queued:{period}", 1, timeout=6 * 3600):
            logger.info("queueing digests of %s", period)
            make_digests_task.enqueue(period)
