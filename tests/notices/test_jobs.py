"""The worker's minute tick queues the feed import when a source is due and the digests on Monday morning
(and on the 1st for the month); each job runs once however many ticks pass."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from cms.notices.jobs import due_periods, on_worker_tick
from cms.notices.models import Digest, FeedItem, FeedSource
from tests.notices.test_feeds import feed_server  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def test_feeds_are_taken_on_the_tick_and_not_again_within_30_minutes(tree, feed_server):  # noqa: F811
    cache.clear()
    url, _folder = feed_server
    FeedSource.objects.create(unit=tree["tn"], name="Báo Thái Nguyên", url=f"{url}/tinh.rss")
    on_worker_tick()
    assert FeedItem.objects.count() == 2
    cache.clear()  # even without the tick's own guard, the source is not due again yet
    on_worker_tick()
    assert FeedItem.objects.count() == 2


def test_digests_are_due_on_monday_morning_and_on_the_first_of_the_month(tree):
    assert due_periods(datetime(2026, 12, 7, 4, 0, tzinfo=TZ)) == []  # Monday, before 05:00
    assert due_periods(datetime(2026, 12, 7, 6, 0, tzinfo=TZ)) == ["2026-W49"]
    assert due_periods(datetime(2026, 12, 1, 6, 0, tzinfo=TZ)) == ["2026-11"]  # a Tuesday
    assert due_periods(datetime(2026, 12, 8, 6, 0, tzinfo=TZ)) == []
    Digest.objects.create(unit=tree["x1"], period="2026-W49", pdf="made.pdf")
    assert due_periods(datetime(2026, 12, 7, 6, 0, tzinfo=TZ)) == []  # made already
