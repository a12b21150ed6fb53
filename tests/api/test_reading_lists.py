""""Xem sau" and "still to study": the reader's two lists, and the gate nginx asks."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from tests.factories import publish

pytestmark = pytest.mark.django_db


def test_save_for_later_list_and_remove(tree, as_member):
    page = publish(tree["hs"], "Hướng dẫn chuyển sinh hoạt đảng")
    client = as_member("dv.x1")
    assert client.post("/api/saved", {"page": page.pk}, format="json").status_code == 201
    assert client.post("/api/saved", {"page": page.pk}, format="json").status_code == 200
    (item,) = client.get("/api/saved").json()
    assert item["title"] == "Hướng dẫn chuyển sinh hoạt đảng" and item["url"] == f"/u/tn/dt/hs/all/a/{page.pk}/"
    assert as_member("dv2.x1").get("/api/saved").json() == []
    assert client.delete(f"/api/saved?page={page.pk}").status_code == 204
    assert client.get("/api/saved").json() == []
    assert client.delete(f"/api/saved?page={page.pk}").status_code == 404


def test_pages_of_other_units_cannot_be_saved(tree, as_member):
    foreign = publish(tree["y1"], "Tin Làng Lớn")
    reply = as_member("dv.x1").post("/api/saved", {"page": foreign.pk}, format="json")
    assert reply.status_code == 400 and "Không tìm thấy" in reply.json()["detail"]


def test_unread_lists_study_materials_by_deadline_and_drops_completed(tree, as_member):
    late = publish(tree["tn"], "Học tập Nghị quyết 09", kind="study", study_deadline=date(2026, 6, 30))
    soon = publish(tree["dt"], "Học tập Chỉ thị 05", kind="study", study_deadline=date(2026, 4, 15))
    news = publish(tree["x1"], "Tin chi bộ")
    publish(tree["x2"], "Tin chi bộ khác")
    client = as_member("dv.x1")
    results = client.get("/api/unread").json()["results"]
    assert [r["id"] for r in results] == [soon.pk, late.pk, news.pk]
    assert results[0]["study_deadline"] == "2026-04-15" and results[0]["kind"] == "study"
    done = {"client_id": str(uuid.uuid4()), "page": soon.pk, "event": "completed",
            "client_time": datetime(2026, 4, 1, tzinfo=UTC).isoformat()}
    client.post("/api/receipts", {"events": [done]}, format="json")
    assert [r["id"] for r in client.get("/api/unread?kind=study").json()["results"]] == [late.pk]


@pytest.mark.parametrize(("username", "path", "status"), [
    ("dv.x1", "/u/tn/all/index.html", 200),
    ("dv.x1", "/u/tn/dt/hs/x1/all/a/5/", 200),
    ("dv.x1", "/u/tn/dt/hs/x1/committee/a/5/", 403),
    ("dv.x1", "/u/tn/dt/hs/x2/all/a/5/", 403),
    ("dv.x1", "/u/tn/pl/all/search/index.json", 403),
    ("dv.x1", "/u/tn/dt/hs/x1/all/../../x2/all/", 403),
    ("dv.x1", "/static/x.css", 403),
    ("cuv.x1", "/u/tn/dt/hs/x1/committee/manifest.json", 200),
    ("cuv.hs", "/u/tn/dt/hs/x1/all/", 403),
])
def test_access_gate_answers_nginx(tree, as_member, username, path, status):
    assert as_member(username).get("/api/access", {"path": path}).status_code == status


def test_access_gate_reads_the_original_uri_header_and_wants_a_session(tree, as_member, api):
    client = as_member("dv.x1")
    assert client.get("/api/access", HTTP_X_ORIGINAL_URI="/u/tn/dt/all/a/1/?v=2").status_code == 200
    assert client.get("/api/access", HTTP_X_ORIGINAL_URI="/u/tn/pl/all/a/1/").status_code == 403
    assert api.get("/api/access", {"path": "/u/tn/all/"}).status_code == 401
