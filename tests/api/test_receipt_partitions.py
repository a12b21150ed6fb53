"""On PostgreSQL receipts are partitioned by month of the event's time; storing, replaying and the read reports
behave as on one table."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime

import pytest
from django.db import connection

from cms.api.partitions import ensure_months, month_name
from cms.api.services import ReceiptEvent, record_receipts
from tests.factories import publish

ON_PG = os.environ.get("SOTAY_DATABASE_URL", "").startswith("postgres")
pytestmark = [pytest.mark.django_db, pytest.mark.postgres,
              pytest.mark.skipif(not ON_PG, reason="declarative partitioning is PostgreSQL's")]


def partition_of(client_id: uuid.UUID) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM api_receipt WHERE client_id = %s", [client_id])
        return cursor.fetchone()[0]


def test_receipts_land_in_their_month_and_a_replay_is_stored_once(tree, as_member):
    page = publish(tree["x1"], "Nghị quyết tháng ba", body="<p>Nội dung.</p>")
    member = tree["dv.x1"]
    march, april = uuid.uuid4(), uuid.uuid4()
    events = [ReceiptEvent(client_id=march, page=page.pk, event="opened",
                           client_time=datetime(2026, 3, 31, 23, 0, tzinfo=UTC)),
              ReceiptEvent(client_id=april, page=page.pk, event="completed",
                           client_time=datetime(2026, 4, 1, 1, 0, tzinfo=UTC))]
    assert record_receipts(member=member, events=events).stored == 2
    assert partition_of(march) == month_name(datetime(2026, 3, 1).date())
    assert partition_of(april) == month_name(datetime(2026, 4, 1).date())
    again = record_receipts(member=member, events=events)
    assert (again.stored, again.duplicates) == (0, 2)

    # What the read reports count (first reads) is as before partitioning, and the report answers.
    from cms.api.models import ReadFact

    assert sorted(ReadFact.objects.filter(member=member).values_list("event", flat=True)) == ["completed", "opened"]
    assert as_member("bt.x1").get(f"/api/reports/pages/{page.pk}").status_code == 200


def test_months_are_created_ahead_and_only_once():
    first = ensure_months()
    assert ensure_months() == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent"
                       " WHERE p.relname = 'api_receipt'")
        assert cursor.fetchone()[0] >= 12 + 1  # a year ahead, plus the default partition
    assert isinstance(first, list)
