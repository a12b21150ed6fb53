"""The question bank's XLSX: every bad row is listed with its number and reason, and nothing is imported then."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from cms.learning.bank import HEADERS, BankFileError, export_bank, import_bank
from cms.learning.models import Question

pytestmark = pytest.mark.django_db


def sheet(*rows) -> bytes:
    book = Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = ["Đại hội XIII của Đảng họp năm nào?", "một", "2020", "2021", "2022", "", "", "", "B",
        "Đại hội XIII họp từ 25/01 đến 01/02/2021.", "Văn kiện Đại hội XIII", "Lịch sử Đảng"]
MULTI = ["Những nội dung nào thuộc Nghị quyết 09-NQ/TU?", "nhiều", "Chuyển đổi số", "Xây dựng nông thôn mới",
         "Du lịch vũ trụ", "", "", "", "A, B", "", "09-NQ/TU", "Kinh tế"]


def test_a_good_file_imports_every_question_with_its_key_and_tags(tree):
    result = import_bank(unit=tree["dt"], data=sheet(GOOD, MULTI))
    assert (result.created, result.errors) == (2, [])
    single, multiple = Question.objects.order_by("pk")
    assert [c["text"] for c in single.choices] == ["2020", "2021", "2022"]
    assert single.correct == {1} and single.kind == "single"
    assert multiple.correct == {0, 1} and multiple.kind == "multiple"
    assert (multiple.resolution, multiple.topic) == ("09-NQ/TU", "Kinh tế")


def test_every_bad_row_is_listed_and_nothing_is_imported(tree):
    rows = [
        GOOD,
        ["", "một", "A", "B", "", "", "", "", "A", "", "", ""],                       # row 3: no question
        ["Câu có một phương án", "một", "Duy nhất", "", "", "", "", "", "A", "", "", ""],  # row 4
        ["Câu đáp án G", "một", "Có", "Không", "", "", "", "", "G", "", "", ""],          # row 5
        ["Câu một đáp án mà hai đáp án", "một", "X", "Y", "Z", "", "", "", "A,C", "", "", ""],  # row 6
        ["Câu đáp án trỏ ô trống", "một", "X", "Y", "", "", "", "", "D", "", "", ""],     # row 7
        ["Câu loại lạ", "vài", "X", "Y", "", "", "", "", "A", "", "", ""],                # row 8
        ["Câu thiếu đáp án", "một", "X", "Y", "", "", "", "", "", "", "", ""],            # row 9
        MULTI,
    ]
    result = import_bank(unit=tree["dt"], data=sheet(*rows))
    assert result.created == 0
    assert Question.objects.count() == 0
    listed = [str(e) for e in result.errors]
    assert listed == [
        "Dòng 3: thiếu nội dung câu hỏi",
        "Dòng 4: cần ít nhất hai phương án",
        "Dòng 5: đáp án “G” không phải là một chữ từ A đến F",
        "Dòng 6: câu một đáp án nhưng ghi 2 đáp án đúng",
        "Dòng 7: đáp án D chỉ đến một phương án bỏ trống",
        "Dòng 8: loại “vài” không hợp lệ (ghi “một” hoặc “nhiều”)",
        "Dòng 9: thiếu đáp án đúng",
    ]


def test_an_exported_bank_imports_again_unchanged(tree):
    import_bank(unit=tree["dt"], data=sheet(GOOD, MULTI))
    exported = export_bank(Question.objects.order_by("pk"))
    assert [c.value for c in next(load_workbook(io.BytesIO(exported)).active.iter_rows(max_row=1))] == HEADERS
    Question.objects.all().delete()
    assert import_bank(unit=tree["hs"], data=exported).created == 2
    assert [(q.text, q.correct) for q in Question.objects.order_by("pk")] == [(GOOD[0], {1}), (MULTI[0], {0, 1})]


def test_a_file_that_is_not_a_spreadsheet_or_lacks_columns_is_refused_in_vietnamese(tree):
    with pytest.raises(BankFileError, match="không phải là bảng tính Excel"):
        import_bank(unit=tree["dt"], data=b"cau hoi,dap an\n")
    book = Workbook()
    book.active.append(["Câu hỏi", "Trả lời"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(BankFileError, match="Thiếu cột: Phương án A, Phương án B, Đáp án đúng"):
        import_bank(unit=tree["dt"], data=out.getvalue())
