"""Hỏi – Đáp: found without tone marks, by topic; a committee turns an answered feedback question into an entry."""

from __future__ import annotations

import pytest

from cms.api.models import Feedback, FeedbackReply
from cms.learning.models import QAEntry

pytestmark = pytest.mark.django_db


def test_search_finds_entries_typed_without_tone_marks(tree, as_member):
    QAEntry.objects.create(unit=tree["tn"], topic="Đảng phí", question="Đảng viên nghỉ hưu đóng đảng phí bao nhiêu?",
                           answer="Bằng 0,5% mức lương hưu hằng tháng.")
    QAEntry.objects.create(unit=tree["tn"], topic="Sinh hoạt chi bộ", question="Chi bộ họp mấy lần một tháng?",
                           answer="Mỗi tháng một lần.")
    client = as_member("dv.x1")
    found = client.get("/api/learning/qa", {"q": "dang phi nghi huu"}).json()
    assert [e["topic"] for e in found] == ["Đảng phí"]
    assert [e["topic"] for e in client.get("/api/learning/qa", {"topic": "Sinh hoạt chi bộ"}).json()] == [
        "Sinh hoạt chi bộ"]
    assert client.get("/api/learning/qa", {"q": "khong co tu nay"}).json() == []


def test_a_committee_publishes_an_answered_feedback_question(tree, as_member):
    feedback = Feedback.objects.create(kind="report", member=tree["dv.x1"], unit=tree["x1"], origin_unit=tree["x1"],
                                       body="Đảng viên đi làm ăn xa có phải chuyển sinh hoạt đảng không?")
    url = f"/api/learning/qa/from-feedback/{feedback.pk}"
    unanswered = as_member("bt.x1").post(url, {"topic": "Chuyển sinh hoạt đảng"}, format="json")
    assert unanswered.status_code == 400 and unanswered.json()["detail"] == "Câu hỏi này chưa được trả lời."
    FeedbackReply.objects.create(feedback=feedback, author=tree["bt.x1"],
                                 body="Đi từ ba tháng đến dưới một năm thì chuyển sinh hoạt đảng tạm thời.")
    assert as_member("dv.x1").post(url, {"topic": "Chuyển sinh hoạt đảng"}, format="json").status_code == 403
    assert as_member("bt.y1").post(url, {"topic": "Chuyển sinh hoạt đảng"}, format="json").status_code == 404
    made = as_member("bt.x1").post(url, {"topic": "Chuyển sinh hoạt đảng"}, format="json")
    assert made.status_code == 201
    assert made.json()["answer"].startswith("Đi từ ba tháng")
    found = as_member("dv2.x1").get("/api/learning/qa", {"q": "chuyen sinh hoat"}).json()
    assert [e["question"] for e in found] == [feedback.body]
    assert as_member("dv.y1").get("/api/learning/qa", {"q": "chuyen sinh hoat"}).json() == []
    again = as_member("bt.x1").post(url, {"topic": "Chuyển sinh hoạt đảng"}, format="json")
    assert again.json()["detail"] == "Câu hỏi này đã có trong Hỏi – Đáp."
