"""Góp ý dự thảo: members answer the structured questions of a draft they may read; the board sees the answers
per unit and every comment, anonymous when the poll says so, and exports them."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from cms.learning.models import Poll
from cms.learning.polls import parse_questions
from tests.factories import PASSWORD, publish

pytestmark = pytest.mark.django_db

QUESTIONS = ("đồng ý: Anh (chị) có đồng ý với dự thảo Báo cáo chính trị không?\n"
             "chọn: Nội dung nào cần bổ sung nhất? | Chuyển đổi số | Nông nghiệp | Văn hóa\n"
             "ý kiến: Ý kiến khác")


@pytest.fixture
def draft(tree):
    page = publish(tree["dt"], "Dự thảo Báo cáo chính trị Đại hội Đảng bộ huyện", kind="resolution",
                   document_code="DT-BCCT/HU")
    return Poll.objects.create(page=page, title="Lấy ý kiến dự thảo Báo cáo chính trị",
                               questions=parse_questions(QUESTIONS), anonymous=True,
                               closes_at=timezone.now() + timedelta(days=7))


def test_members_answer_and_the_board_sees_units_and_comments_without_names(tree, draft, as_member):
    listed = as_member("dv.x1").get("/api/learning/polls", {"page": draft.page_id}).json()
    assert [p["title"] for p in listed] == [draft.title] and listed[0]["questions"][1]["options"][0] == "Chuyển đổi số"
    assert as_member("dv.y1").get("/api/learning/polls", {"page": draft.page_id}).json() == []
    assert as_member("dv.y1").get(f"/api/learning/polls/{draft.pk}").status_code == 404
    for path in (f"/hoc-tap/y-kien/{draft.pk}/", f"/hoc-tap/thu-hoach/{draft.page_id}/"):
        assert 'src="/static/reader/learning.js' in as_member("dv.x1").get(path).content.decode()
    url = f"/api/learning/polls/{draft.pk}/answer"
    assert as_member("dv.y1").post(url, {"answers": ["agree", "Nông nghiệp", ""]}, format="json").status_code == 404
    bad = as_member("dv.x1").post(url, {"answers": ["có", "Nông nghiệp", ""]}, format="json")
    assert bad.status_code == 400 and bad.json()["detail"] == "Câu 1: chọn Đồng ý hoặc Không đồng ý."
    as_member("dv.x1").post(url, {"answers": ["disagree", "Văn hóa", "Nên nói rõ hơn về du lịch chè."]}, format="json")
    again = as_member("dv.x1").post(url, {"answers": ["agree", "Chuyển đổi số", "Bổ sung chỉ tiêu chè."]},
                                    format="json")
    assert again.json()["my_answers"] == ["agree", "Chuyển đổi số", "Bổ sung chỉ tiêu chè."]
    as_member("dv.x2").post(url, {"answers": ["disagree", "Nông nghiệp", ""]}, format="json")
    as_member("dv.hs").post(url, {"answers": ["agree", "Nông nghiệp", "Thêm phần xây dựng Đảng."]}, format="json")

    board = Client()
    assert board.login(username="bbt.dt", password=PASSWORD)
    results = board.get(f"/api/learning/polls/{draft.pk}/results").json()
    rows = {r["code"]: r for r in results["units"]}
    assert rows["dt"]["answered"] == 3 and rows["hs"]["answered"] == 3 and rows["x1"]["answered"] == 1
    assert rows["hs"]["questions"][0] == {"agree": 2, "disagree": 1}
    assert rows["x2"]["questions"][1] == {"Nông nghiệp": 1}
    assert sorted(c["text"] for c in results["comments"]) == ["Bổ sung chỉ tiêu chè.", "Thêm phần xây dựng Đảng."]
    assert all(c["member"] == "" for c in results["comments"])  # anonymous: no name anywhere
    sheet = load_workbook(io.BytesIO(board.get(f"/api/learning/polls/{draft.pk}/results?format=xlsx").content)).active
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    assert "Bổ sung chỉ tiêu chè." in text and "Đảng viên dv.x1" not in text and "(ẩn danh)" in text
    # The cell's committee sees its own cell only; a plain member sees nothing.
    cell = as_member("cuv.x1").get(f"/api/learning/polls/{draft.pk}/results").json()
    assert [r["code"] for r in cell["units"]] == ["x1"]
    assert as_member("dv.x1").get(f"/api/learning/polls/{draft.pk}/results").status_code == 403


def test_the_admin_notation_is_checked_line_by_line():
    with pytest.raises(Exception, match="Dòng 2"):
        parse_questions("đồng ý: Đồng ý không?\nchọn: Chỉ một phương án | A")
