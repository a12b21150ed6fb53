"""Thông báo khẩn: a committee sends to its subtree and tier, members see it on top until they acknowledge it,
the committee sees who has seen it rolled up the tree (JSON, CSV, XLSX), phones are pushed once."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from openpyxl import load_workbook

from cms.notices.models import Notice, NoticePush
from cms.notices.push import push_notice
from tests.meetings.test_push import PushService

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def send(client, title="Chủ động phòng, chống lũ", body="Đề nghị các đồng chí giúp dân di dời.", **extra):
    return client.post("/api/notices", {"title": title, "body": body, **extra}, format="json")


def titles(client, **params) -> list[str]:
    answer = client.get("/api/notices", params)
    assert answer.status_code == 200
    return [n["title"] for n in answer.json()]


def test_a_commune_notice_reaches_its_cells_only_until_each_member_acknowledges(tree, as_member):
    sent = send(as_member("cuv.hs"), title="Lũ về xã Hùng Sơn")
    assert sent.status_code == 201, sent.json()
    notice_id = sent.json()["id"]
    for username in ("dv.x1", "dv.x2", "dv.hs", "bt.x1"):
        assert titles(as_member(username), unseen=1) == ["Lũ về xã Hùng Sơn"], username
    for username in ("dv.y1", "cuv.dt", "cuv.tn"):  # another commune, and the units above
        assert titles(as_member(username)) == [], username
        assert as_member(username).get(f"/api/notices/{notice_id}").status_code == 404

    member = as_member("dv.x1")
    assert member.post(f"/api/notices/{notice_id}/seen").status_code == 200
    assert member.post(f"/api/notices/{notice_id}/seen").status_code == 200  # twice is once
    assert titles(member, unseen=1) == []
    assert member.get("/api/notices").json()[0]["seen"] is True
    assert as_member("dv.y1").post(f"/api/notices/{notice_id}/seen").status_code == 404


def test_only_a_units_committee_sends_and_a_committee_notice_skips_plain_members(tree, as_member):
    refused = send(as_member("dv.x1"))
    assert refused.status_code == 403
    assert "cấp ủy viên" in refused.json()["detail"]
    empty = send(as_member("cuv.dt"), title="")
    assert empty.status_code == 400
    assert Notice.objects.count() == 0

    assert send(as_member("cuv.dt"), title="Họp cấp ủy khẩn", tier="committee").status_code == 201
    assert titles(as_member("cuv.x1")) == ["Họp cấp ủy khẩn"]
    assert titles(as_member("bt.x1")) == ["Họp cấp ủy khẩn"]
    assert titles(as_member("dv.x1")) == []


def test_a_retried_send_is_one_notice_and_other_content_under_its_id_is_refused(tree, as_member):
    client, client_id = as_member("bt.x1"), str(uuid.uuid4())
    assert send(client, client_id=client_id).status_code == 201
    assert send(client, client_id=client_id).status_code == 201
    assert send(client, client_id=client_id, title="Khác").status_code == 409
    assert Notice.objects.count() == 1


def test_the_committee_sees_who_has_seen_rolled_up_and_exports_it(tree, as_member):
    notice_id = send(as_member("cuv.hs")).json()["id"]
    for username in ("dv.x1", "dv2.x1", "dv.x2"):
        as_member(username).post(f"/api/notices/{notice_id}/seen")
    rollup = as_member("cuv.hs").get(f"/api/notices/{notice_id}/rollup")
    assert rollup.status_code == 200
    rows = {r["code"]: r for r in rollup.json()["units"]}
    assert (rows["x1"]["total"], rows["x1"]["seen"]) == (4, 2)  # dv, dv2, cuv, bt of Đồng Tâm
    assert (rows["x2"]["total"], rows["x2"]["seen"]) == (1, 1)
    assert (rows["hs"]["total"], rows["hs"]["seen"]) == (7, 3)  # the commune itself and both cells
    assert {m["username"] for m in rollup.json()["not_seen"]} == {"cuv.x1", "bt.x1", "dv.hs", "cuv.hs"}

    # The district above sees the commune's notice; a cell's committee sees its own cell only.
    assert as_member("cuv.dt").get(f"/api/notices/{notice_id}/rollup").status_code == 200
    own = as_member("cuv.x1").get(f"/api/notices/{notice_id}/rollup").json()
    assert {r["code"] for r in own["units"]} == {"x1"}
    assert as_member("bt.y1").get(f"/api/notices/{notice_id}/rollup").status_code == 403
    assert as_member("dv.x1").get(f"/api/notices/{notice_id}/rollup").status_code == 403

    exported = as_member("cuv.hs").get(f"/api/notices/{notice_id}/rollup", {"format": "csv"})
    assert exported.status_code == 200
    assert f"da-xem-thong-bao-{notice_id}-hs.csv" in exported["Content-Disposition"]
    table = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert table[0][:4] == ["Mã đơn vị", "Đơn vị", "Số đảng viên nhận", "Đã xem"]
    assert ["x1", "  Chi bộ xóm Đồng Tâm", "4", "2", "2", "0.5"] in table
    book = as_member("cuv.hs").get(f"/api/notices/{notice_id}/rollup", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert [c.value for c in sheet[2]][:4] == ["hs", "Đảng bộ xã Hùng Sơn", 7, 3]


def test_withdrawn_notice_leaves_every_home(tree, as_member):
    notice_id = send(as_member("cuv.dt")).json()["id"]
    assert as_member("cuv.hs").post(f"/api/notices/{notice_id}/withdraw").status_code == 403  # sent from above
    assert titles(as_member("dv.x1")) == ["Chủ động phòng, chống lũ"]
    assert as_member("bt.dt").post(f"/api/notices/{notice_id}/withdraw").status_code == 200
    assert titles(as_member("dv.x1")) == []


def test_a_notice_is_pushed_once_to_each_subscribed_recipient(tree, as_member,
                                                              django_capture_on_commit_callbacks):
    service = PushService()
    try:
        assert as_member("dv.x1").post("/api/push/subscriptions", service.subscription("dvx1"),
                                       format="json").status_code == 201
        assert as_member("dv.y1").post("/api/push/subscriptions", service.subscription("dvy1"),
                                       format="json").status_code == 201
        with django_capture_on_commit_callbacks(execute=True):
            notice_id = send(as_member("cuv.hs"), title="Lũ về xã Hùng Sơn").json()["id"]
        # The send queued the push job (the test queue runs it at once).
        assert [r["path"] for r in service.received] == ["/push/dvx1"]
        payload = service.received[0]["payload"]
        assert payload["title"] == "Thông báo khẩn: Lũ về xã Hùng Sơn" and payload["notice"] == notice_id
        again = push_notice(notice_id)
        assert (again.claimed, again.delivered) == (0, 0)
        assert len(service.received) == 1
        assert NoticePush.objects.get(key=f"{notice_id}:{tree['dv.x1'].pk}").delivered == 1
    finally:
        service.server.shutdown()
