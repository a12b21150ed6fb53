"""The board's admin: a question typed with its key, the XLSX import's error list, a round's results and the
winners' certificates; a committee sees the results of its subtree, a plain member sees nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cms.learning import services
from cms.learning.models import Question, Round
from tests.factories import PASSWORD

from .conftest import right_choices
from .test_bank_xlsx import GOOD, sheet

pytestmark = pytest.mark.django_db


def admin_client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_a_board_types_a_question_with_its_key(tree):
    client = admin_client("bbt.dt")
    assert client.get("/admin/learning_questions/").status_code == 200
    form = {"unit": tree["dt"].pk, "text": "Chi bộ sinh hoạt định kỳ mấy lần một tháng?", "kind": "single",
            "choices_text": "Hai lần\n*Một lần\nBa tháng một lần", "explanation": "Theo Điều lệ Đảng.",
            "resolution": "Điều lệ Đảng", "topic": "Sinh hoạt chi bộ"}
    response = client.post("/admin/learning_questions/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get()
    assert question.correct == {1} and [c["text"] for c in question.choices][0] == "Hai lần"
    bad = client.post("/admin/learning_questions/new/", {**form, "choices_text": "*Một\n*Hai"})
    assert "Câu một đáp án chỉ có một phương án đúng." in bad.content.decode()
    # Another district's board cannot put a question in this district's bank.
    other = admin_client("bbt.pl").post("/admin/learning_questions/new/", form)
    assert other.status_code == 200 and Question.objects.count() == 1


def test_the_import_page_lists_every_bad_row_and_imports_nothing(tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = admin_client("bbt.dt")
    data = sheet(GOOD, ["", "một", "A", "B", "", "", "", "", "A", "", "", ""],
                 ["Câu thiếu đáp án", "một", "X", "Y", "", "", "", "", "", "", "", ""])
    page = client.post("/admin/hoc-tap/nhap/", {"unit": tree["dt"].pk,
                                                "file": SimpleUploadedFile("de-thi.xlsx", data)}).content.decode()
    assert "Tệp de-thi.xlsx có 2 lỗi — chưa nhập câu hỏi nào" in page
    assert "Dòng 3: thiếu nội dung câu hỏi" in page and "Dòng 4: thiếu đáp án đúng" in page
    assert Question.objects.count() == 0
    page = client.post("/admin/hoc-tap/nhap/", {"unit": tree["dt"].pk,
                                                "file": SimpleUploadedFile("de.xlsx", sheet(GOOD))}).content.decode()
    assert "Đã nhập 1 câu hỏi" in page and Question.objects.count() == 1
    exported = client.get("/admin/hoc-tap/xuat/")
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    assert admin_client("dv.x1").get("/admin/hoc-tap/nhap/").status_code in (302, 403)


def test_results_and_certificates_of_a_closed_contest(tree, open_round):
    for username in ("dv.x1", "dv2.x1", "dv.x2"):
        member = tree[username]
        attempt = services.start_attempt(member=member, round_=open_round)
        questions = Question.objects.filter(pk__in=attempt.questions)
        right = {"dv.x1": 5, "dv2.x1": 3, "dv.x2": 4}[username]
        given = [services.GivenAnswer(question=q.pk, choices=right_choices(q)) for q in questions[:right]]
        services.submit_attempt(member=member, attempt=attempt, answers=given)
    board = admin_client("bbt.dt")
    open_page = board.get(f"/admin/hoc-tap/ket-qua/{open_round.pk}/").content.decode()
    assert "Đợt thi chưa đóng" in open_page
    Round.objects.filter(pk=open_round.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    page = board.get(f"/admin/hoc-tap/ket-qua/{open_round.pk}/").content.decode()
    assert "Hạng 1: Đảng viên dv.x1" in page and "Hạng 2: Đảng viên dv.x2" in page
    pdf = board.get(f"/admin/hoc-tap/ket-qua/{open_round.pk}/giay-chung-nhan/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    committee = admin_client("cuv.hs").get(f"/admin/hoc-tap/ket-qua/{open_round.pk}/").content.decode()
    assert 'data-unit="hs"' in committee and 'data-unit="dt"' not in committee
    assert admin_client("dv.x1").get(f"/admin/hoc-tap/ket-qua/{open_round.pk}/").status_code \
        in (302, 403)
