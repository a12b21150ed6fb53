"""Reading receipts: batches from the reader's offline queue, replayed safely, never for someone else's pages."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from cms.api.models import ReadFact, Receipt
from tests.factories import publish

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def event(page, kind="opened", minutes=0, client_id=None):
    return {"client_id": str(client_id or uuid.uuid4()), "page": page.pk, "event": kind,
            "client_time": (T0 + timedelta(minutes=minutes)).isoformat()}


@pytest.fixture
def pages(tree):
    return {
        "tn": publish(tree["tn"], "Nghị quyết Đại hội tỉnh"),
        "x1": publish(tree["x1"], "Tài liệu sinh hoạt chi bộ tháng 3", kind="meeting"),
        "x2": publish(tree["x2"], "Tin chi bộ Tân Sơn"),
        "x1c": publish(tree["x1"], "Dự kiến nhân sự chi ủy", tier="committee"),
    }


def test_replayed_batch_is_stored_once(tree, pages, as_member):
    client = as_member("dv.x1")
    batch = {"events": [event(pages["tn"]), event(pages["x1"], "completed", 5), event(pages["x1"], "listened", 3)]}
    first = client.post("/api/receipts", batch, format="json")
    assert first.status_code == 200 and first.json() == {"stored": 3, "duplicates": 0}
    again = client.post("/api/receipts", batch, format="json")
    assert again.status_code == 200 and again.json() == {"stored": 0, "duplicates": 3}
    assert Receipt.objects.count() == 3


def test_reused_uuid_with_other_content_is_a_conflict(tree, pages, as_member):
    client = as_member("dv.x1")
    same_id = uuid.uuid4()
    assert client.post("/api/receipts", {"events": [event(pages["tn"], client_id=same_id)]},
                       format="json").status_code == 200
    other = {"events": [event(pages["tn"], "completed", client_id=same_id), event(pages["x1"])]}
    reply = client.post("/api/receipts", other, format="json")
    assert reply.status_code == 409
    assert reply.json()["conflicts"] == [str(same_id)]
    assert "Mã sự kiện" in reply.json()["detail"]
    assert Receipt.objects.count() == 1  # the batch is all or nothing


def test_another_members_uuid_is_a_conflict_not_a_duplicate(tree, pages, as_member):
    shared = uuid.uuid4()
    assert as_member("dv.x1").post("/api/receipts", {"events": [event(pages["tn"], client_id=shared)]},
                                   format="json").status_code == 200
    reply = as_member("dv2.x1").post("/api/receipts", {"events": [event(pages["tn"], client_id=shared)]},
                                     format="json")
    assert reply.status_code == 409


def test_events_for_pages_the_member_may_not_read_are_refused(tree, pages, as_member):
    client = as_member("dv.x1")
    foreign = event(pages["x2"])
    committee_only = event(pages["x1c"])
    reply = client.post("/api/receipts", {"events": [event(pages["tn"]), foreign, committee_only]}, format="json")
    assert reply.status_code == 403
    assert sorted(reply.json()["refused"]) == sorted([foreign["client_id"], committee_only["client_id"]])
    assert Receipt.objects.count() == 0
    missing = {"client_id": str(uuid.uuid4()), "page": 999999, "event": "opened", "client_time": T0.isoformat()}
    assert client.post("/api/receipts", {"events": [missing]}, format="json").status_code == 403
    assert as_member("cuv.x1").post("/api/receipts", {"events": [committee_only]}, format="json").status_code == 200


def test_first_opened_and_completed_are_one_fact_each(tree, pages, as_member):
    client = as_member("dv.x1")
    client.post("/api/receipts", {"events": [event(pages["x1"], minutes=10), event(pages["x1"], minutes=2)]},
                format="json")
    client.post("/api/receipts", {"events": [event(pages["x1"], minutes=1), event(pages["x1"], "completed", 20)]},
                format="json")
    facts = {f.event: f.first_at for f in ReadFact.objects.filter(member=tree["dv.x1"], page=pages["x1"])}
    assert facts == {"opened": T0 + timedelta(minutes=2), "completed": T0 + timedelta(minutes=20)}
    assert Receipt.objects.count() == 4


def test_batch_size_is_bounded(tree, pages, as_member):
    client = as_member("dv.x1")
    big = {"events": [event(pages["tn"]) for _ in range(501)]}
    reply = client.post("/api/receipts", big, format="json")
    assert reply.status_code == 400
    assert client.post("/api/receipts", {"events": big["events"][:500]}, format="json").json()["stored"] == 500


def test_malformed_events_are_refused_in_vietnamese(tree, pages, as_member):
    reply = as_member("dv.x1").post(
        "/api/receipts", {"events": [{"client_id": "x", "page": pages["tn"].pk, "event": "liked"}]}, format="json"
    )
    assert reply.status_code == 400
    errors = reply.json()["events"]["0"]
    assert errors["client_id"] == ["Giá trị không hợp lệ."]
    assert errors["client_time"] == ["Trường này là bắt buộc."]
    assert errors["event"] == ["Giá trị không nằm trong các lựa chọn cho phép."]


def test_an_empty_batch_is_refused_in_vietnamese_and_stores_nothing(tree, pages, as_member):
    from cms.api.services import record_receipts

    reply = as_member("dv.x1").post("/api/receipts", {"events": []}, format="json")
    assert reply.status_code == 400 and reply.json()["events"] == ["Quá ngắn hoặc quá ít phần tử."]
    result = record_receipts(member=tree.members["dv.x1"], events=[])  # a caller in code: nothing to do
    assert (result.stored, result.duplicates) == (0, 0) and not Receipt.objects.exists()
