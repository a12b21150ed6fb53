"""The shared cache (login throttles, receipt rate limits, layer lists) writes with one upsert and keeps
Django's cache behaviour: set, add only when missing or expired, expiry, culling when full."""

from __future__ import annotations

import time

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.api import cache as shared_cache_module

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.postgres]


@pytest.fixture
def shared():
    cache = caches["shared"]
    cache.clear()
    yield cache
    cache.clear()


def test_set_add_get_and_expiry_behave_as_django_documents(shared):
    shared.set("a", {"n": 1}, 60)
    assert shared.get("a") == {"n": 1}
    shared.set("a", {"n": 2}, 60)
    assert shared.get("a") == {"n": 2}
    assert shared.add("a", "other", 60) is False and shared.get("a") == {"n": 2}
    assert shared.add("b", "first", 60) is True and shared.get("b") == "first"
    shared.set("short", "gone soon", 1)
    time.sleep(2.1)
    assert shared.get("short") is None
    assert shared.add("short", "again", 60) is True and shared.get("short") == "again"  # an expired key is free
    shared.set("forever", "kept", None)
    assert shared.get("forever") == "kept"
    assert shared.touch("a", 120) is True and shared.touch("missing", 120) is False
    shared.delete("a")
    assert shared.get("a") is None


def test_a_write_is_one_statement_and_a_full_table_is_culled(shared, monkeypatch):
    with CaptureQueriesContext(connection) as queries:
        shared.set("throttle_receipts_1", [1.0, 2.0], 60)
    assert len(queries.captured_queries) == 1 and "ON CONFLICT" in queries.captured_queries[0]["sql"]

    monkeypatch.setattr(shared, "_max_entries", 5)
    monkeypatch.setattr(shared_cache_module, "CULL_EVERY", 1)
    for i in range(12):
        shared.set(f"k{i}", i, 60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM sotay_cache")
        left = cursor.fetchone()[0]
    assert left <= 8, left  # Django's culling: a third of the entries go once the table passes its maximum
    assert shared.get("k11") == 11  # the newest write is kept
