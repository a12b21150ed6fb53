"""Feedback: the member writes to their committee; the committee replies, closes or escalates; nobody else sees."""

from __future__ import annotations

import uuid

import pytest

from tests.factories import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(tree):
    return {
        "news": publish(tree["tn"], "Tin tỉnh"),
        "study": publish(tree["tn"], "Học tập Nghị quyết 09-NQ/TU", kind="study"),
        "x2": publish(tree["x2"], "Tin chi bộ Tân Sơn"),
    }


def send(client, **data):
    return client.post("/api/feedback", data, format="json")


def test_member_comments_and_the_cell_committee_answers(tree, pages, as_member):
    member = as_member("dv.x1")
    reply = send(member, kind="comment", body="Đề nghị bổ sung số liệu.", page=pages["news"].pk)
    assert reply.status_code == 201
    fid = reply.json()["id"]
    assert reply.json()["unit"]["code"] == "x1" and reply.json()["status"] == "open"
    committee = as_member("cuv.x1")
    assert [f["id"] for f in committee.get("/api/feedback").json()] == [fid]
    answered = committee.post(f"/api/feedback/{fid}/replies", {"body": "Cảm ơn đồng chí."}, format="json")
    assert answered.status_code == 201
    thread = member.get(f"/api/feedback/{fid}").json()
    assert [r["body"] for r in thread["replies"]] == ["Cảm ơn đồng chí."]
    assert thread["replies"][0]["author"]["username"] == "cuv.x1"
    assert committee.post(f"/api/feedback/{fid}/close").json()["status"] == "closed"
    late = member.post(f"/api/feedback/{fid}/replies", {"body": "Còn ý nữa."}, format="json")
    assert late.status_code == 400 and late.json()["detail"] == "Góp ý này đã đóng."


def test_nobody_else_sees_feedback(tree, pages, as_member):
    fid = send(as_member("dv.x1"), kind="report", body="Đường xóm hỏng.").json()["id"]
    for outsider in ("dv2.x1", "dv.x2", "cuv.hs", "cuv.dt", "cuv.tn", "bt.y1"):
        client = as_member(outsider)
        assert fid not in [f["id"] for f in client.get("/api/feedback").json()], outsider
        assert client.get(f"/api/feedback/{fid}").status_code == 404, outsider
        assert client.post(f"/api/feedback/{fid}/replies", {"body": "x"}, format="json").status_code == 404
        assert client.post(f"/api/feedback/{fid}/close").status_code == 404
        assert client.post(f"/api/feedback/{fid}/escalate").status_code == 404


def test_a_member_cannot_close_or_escalate_their_own_feedback(tree, pages, as_member):
    member = as_member("dv.x1")
    fid = send(member, kind="report", body="Kiến nghị.").json()["id"]
    assert member.post(f"/api/feedback/{fid}/close").status_code == 403
    assert member.post(f"/api/feedback/{fid}/escalate").status_code == 403


def test_escalation_moves_the_thread_up_one_committee(tree, pages, as_member):
    member = as_member("dv.x1")
    fid = send(member, kind="report", body="Kiến nghị về đất đai.").json()["id"]
    escalated = as_member("bt.x1").post(f"/api/feedback/{fid}/escalate")
    assert escalated.status_code == 200 and escalated.json()["unit"]["code"] == "hs"
    base = as_member("cuv.hs")
    assert base.post(f"/api/feedback/{fid}/replies", {"body": "Đảng ủy xã đã nhận."}, format="json").status_code == 201
    assert member.get(f"/api/feedback/{fid}").json()["replies"][0]["body"] == "Đảng ủy xã đã nhận."


def test_the_cell_keeps_seeing_what_it_escalated_read_only_with_its_path(tree, pages, as_member):
    fid = send(as_member("dv.x1"), kind="report", body="Kiến nghị về đất đai.").json()["id"]
    as_member("bt.x1").post(f"/api/feedback/{fid}/escalate")
    cell = as_member("cuv.x1")
    thread = cell.get(f"/api/feedback/{fid}").json()
    assert [u["name"] for u in thread["path"]] == ["Chi bộ xóm Đồng Tâm", "Đảng bộ xã Hùng Sơn"]
    assert thread["escalated"] is True and fid in [f["id"] for f in cell.get("/api/feedback").json()]
    assert cell.post(f"/api/feedback/{fid}/replies", {"body": "Thêm ý."}, format="json").status_code == 403
    assert cell.post(f"/api/feedback/{fid}/close").status_code == 403
    assert cell.post(f"/api/feedback/{fid}/escalate").status_code == 403
    as_member("cuv.hs").post(f"/api/feedback/{fid}/escalate")
    assert [u["code"] for u in cell.get(f"/api/feedback/{fid}").json()["path"]] == ["x1", "hs", "dt"]
    assert as_member("dv.x2").get(f"/api/feedback/{fid}").status_code == 404
    assert fid not in [f["id"] for f in as_member("bt.y1").get("/api/feedback").json()]


def test_the_sender_sees_replies_and_changes_as_new_until_seen(tree, pages, as_member):
    member = as_member("dv.x1")
    sent = send(member, kind="comment", body="Đề nghị bổ sung số liệu.", page=pages["news"].pk).json()
    fid = sent["id"]
    assert sent["news"] is False and sent["article"]["title"] == "Tin tỉnh"
    assert sent["article"]["url"] == f"/u/tn/all/a/{pages['news'].pk}/"
    member.post(f"/api/feedback/{fid}/replies", {"body": "Bổ sung thêm."}, format="json")
    assert member.get("/api/me").json()["feedback_news"] == 0  # one's own words are not news
    as_member("cuv.x1").post(f"/api/feedback/{fid}/replies", {"body": "Cảm ơn đồng chí."}, format="json")
    thread = member.get(f"/api/feedback/{fid}").json()
    assert thread["news"] is True and [r["new"] for r in thread["replies"]] == [False, True]
    assert member.get("/api/me").json()["feedback_news"] == 1
    assert as_member("cuv.x1").post(f"/api/feedback/{fid}/seen").status_code == 403
    assert member.post(f"/api/feedback/{fid}/seen").status_code == 200
    thread = member.get(f"/api/feedback/{fid}").json()
    assert thread["news"] is False and not any(r["new"] for r in thread["replies"])
    as_member("bt.x1").post(f"/api/feedback/{fid}/escalate")
    thread = member.get(f"/api/feedback/{fid}").json()
    assert thread["news"] is True and thread["path"][-1]["code"] == "hs"


def test_province_cannot_escalate_further(tree, as_member):
    fid = send(as_member("bbt.tn"), kind="report", body="Kiến nghị.").json()["id"]
    reply = as_member("cuv.tn").post(f"/api/feedback/{fid}/escalate")
    assert reply.status_code == 400 and "cấp cao nhất" in reply.json()["detail"]


def test_reflection_goes_with_a_study_material_only(tree, pages, as_member):
    member = as_member("dv.x1")
    assert send(member, kind="reflection", body="Bài thu hoạch.", page=pages["study"].pk).status_code == 201
    wrong = send(member, kind="reflection", body="Bài thu hoạch.", page=pages["news"].pk)
    assert wrong.status_code == 400 and "tài liệu học tập" in wrong.json()["detail"]
    assert send(member, kind="comment", body="Góp ý.").status_code == 400


def test_feedback_on_pages_of_other_units_is_refused(tree, pages, as_member):
    reply = send(as_member("dv.x1"), kind="comment", body="Góp ý.", page=pages["x2"].pk)
    assert reply.status_code == 400 and "Không tìm thấy bài viết" in reply.json()["detail"]


def test_offline_resend_with_the_same_client_id_is_stored_once(tree, pages, as_member):
    member = as_member("dv.x1")
    data = {"kind": "opinion", "body": "Ý kiến vào dự thảo.", "page": pages["news"].pk, "client_id": str(uuid.uuid4())}
    first, second = send(member, **data), send(member, **data)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert send(member, **{**data, "body": "Nội dung khác."}).status_code == 409


def test_committee_answers_in_the_wagtail_admin(tree, pages, as_member, client, password):
    fid = send(as_member("dv.x1"), kind="report", body="Đường xóm hỏng.").json()["id"]
    assert client.login(username="bt.x1", password=password)  # cell secretaries use the admin
    inbox = client.get("/admin/gop-y/").content.decode()
    assert "Đường xóm hỏng." in inbox and "Phản ánh, kiến nghị" in inbox
    client.post(f"/admin/gop-y/{fid}/", {"action": "reply", "body": "Chi bộ sẽ kiến nghị xã sửa."})
    thread = as_member("dv.x1").get(f"/api/feedback/{fid}").json()
    assert thread["replies"][0]["body"] == "Chi bộ sẽ kiến nghị xã sửa."
    client.post(f"/admin/gop-y/{fid}/", {"action": "escalate"})
    assert as_member("dv.x1").get(f"/api/feedback/{fid}").json()["unit"]["code"] == "hs"
    after = client.get(f"/admin/gop-y/{fid}/").content.decode()  # now the commune committee's, still shown here
    assert "Chi bộ xóm Đồng Tâm → Đảng bộ xã Hùng Sơn" in after and 'value="reply"' not in after
    assert client.post(f"/admin/gop-y/{fid}/", {"action": "reply", "body": "Thêm."}).status_code in (302, 403)
    assert len(as_member("dv.x1").get(f"/api/feedback/{fid}").json()["replies"]) == 1


def test_admin_inbox_shows_nothing_of_other_units(tree, pages, as_member, client, password):
    send(as_member("dv.x2"), kind="report", body="Việc của xóm Tân Sơn.")
    assert client.login(username="bt.x1", password=password)
    assert "Tân Sơn" not in client.get("/admin/gop-y/").content.decode()


def test_the_base_inbox_says_where_escalated_feedback_came_from_and_links_the_article(
        tree, pages, as_member, client, password):
    fid = send(as_member("dv.x1"), kind="comment", body="Số liệu chưa khớp.", page=pages["news"].pk).json()["id"]
    as_member("bt.x1").post(f"/api/feedback/{fid}/escalate")
    client.force_login(tree["cuv.hs"].user)  # chi ủy viên of the commune, on no board
    inbox = client.get("/admin/gop-y/").content.decode()
    assert "Chi bộ xóm Đồng Tâm → Đảng bộ xã Hùng Sơn" in inbox
    assert f'href="/u/tn/all/a/{pages["news"].pk}/"' in inbox and "Tin tỉnh" in inbox
    client.post(f"/admin/gop-y/{fid}/", {"action": "reply", "body": "Xã sẽ rà soát."})
    assert as_member("dv.x1").get(f"/api/feedback/{fid}").json()["replies"][0]["body"] == "Xã sẽ rà soát."
    client.force_login(tree["bt.x1"].user)
    escalated = client.get("/admin/gop-y/").content.decode().split("Đã chuyển lên cấp trên")[1]
    assert "Số liệu chưa khớp." in escalated and "Đang xử lý" in escalated
