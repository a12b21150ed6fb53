"""The question bank as XLSX, the format contest organisers pass around: one question a row.

Import checks every row first and lists every bad one (row number and reason, in Vietnamese); it imports
nothing unless every row is good. Export writes the same columns, so an exported file imports again as it is.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from cms.org.models import UnitPage

from .models import Question, QuestionKind

LETTERS = "ABCDEF"
HEADERS = ["Câu hỏi", "Loại", *(f"Phương án {x}" for x in LETTERS), "Đáp án đúng", "Giải thích", "Nghị quyết",
           "Chủ đề"]
KIND_WORDS = {"một": QuestionKind.SINGLE, "mot": QuestionKind.SINGLE, "một đáp án": QuestionKind.SINGLE,
              "nhiều": QuestionKind.MULTIPLE, "nhieu": QuestionKind.MULTIPLE, "nhiều đáp án": QuestionKind.MULTIPLE,
              "": QuestionKind.SINGLE}
KIND_LABEL = {QuestionKind.SINGLE: "một", QuestionKind.MULTIPLE: "nhiều"}
MAX_ROWS = 5000


class BankFileError(Exception):
    """The file cannot be read as a question bank at all (not XLSX, wrong columns)."""


@dataclass
class RowError:
    row: int
    reason: str

    def __str__(self) -> str:
        return _("Dòng %(row)s: %(reason)s") % {"row": self.row, "reason": self.reason}


@dataclass
class ImportResult:
    created: int
    errors: list[RowError]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise BankFileError(_("Tệp không phải là bảng tính Excel (.xlsx).")) from exc
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    book.close()
    if not rows:
        raise BankFileError(_("Bảng tính trống."))
    header = [_cell(v) for v in rows[0]]
    missing = [h for h in ("Câu hỏi", "Phương án A", "Phương án B", "Đáp án đúng") if h not in header]
    if missing:
        raise BankFileError(_("Thiếu cột: %(cols)s. Dòng đầu phải có các cột: %(all)s.")
                            % {"cols": ", ".join(missing), "all": ", ".join(HEADERS)})
    if len(rows) - 1 > MAX_ROWS:
        raise BankFileError(_("Tệp có quá nhiều dòng (tối đa %(n)s câu hỏi).") % {"n": MAX_ROWS})
    out = []
    for number, values in enumerate(rows[1:], start=2):
        cells = [_cell(v) for v in values]
        if not any(cells):
            continue
        out.append((number, [cells[header.index(h)] if h in header and header.index(h) < len(cells) else ""
                             for h in HEADERS]))
    return out


def _question(unit: UnitPage, number: int, cells: list[str]) -> tuple[Question | None, list[RowError]]:
    text, kind_word, *rest = cells
    options, key, explanation, resolution, topic = rest[:6], rest[6], rest[7], rest[8], rest[9]
    errors: list[str] = []
    if not text:
        errors.append(_("thiếu nội dung câu hỏi"))
    kind = KIND_WORDS.get(kind_word.lower())
    if kind is None:
        errors.append(_("loại “%(v)s” không hợp lệ (ghi “một” hoặc “nhiều”)") % {"v": kind_word})
    # Options must be filled from A without gaps: a gap is almost always a column shifted by mistake.
    filled = [i for i, o in enumerate(options) if o]
    if len(filled) < 2:
        errors.append(_("cần ít nhất hai phương án"))
    elif filled != list(range(len(filled))):
        errors.append(_("phương án phải điền liên tiếp từ A, không bỏ trống ở giữa"))
    letters = [x.strip().upper() for x in key.replace(";", ",").replace(" ", ",").split(",") if x.strip()]
    correct = set()
    if not letters:
        errors.append(_("thiếu đáp án đúng"))
    for letter in letters:
        if len(letter) != 1 or letter not in LETTERS:
            errors.append(_("đáp án “%(v)s” không phải là một chữ từ A đến F") % {"v": letter})
        elif LETTERS.index(letter) not in filled:
            errors.append(_("đáp án %(v)s chỉ đến một phương án bỏ trống") % {"v": letter})
        else:
            correct.add(LETTERS.index(letter))
    if kind == QuestionKind.SINGLE and len(correct) > 1:
        errors.append(_("câu một đáp án nhưng ghi %(n)s đáp án đúng") % {"n": len(correct)})
    if len(text) > 4000 or len(explanation) > 8000:
        errors.append(_("câu hỏi hoặc giải thích quá dài"))
    if len(resolution) > 80 or len(topic) > 120:
        errors.append(_("nghị quyết hoặc chủ đề quá dài"))
    if errors:
        return None, [RowError(number, e) for e in errors]
    return Question(unit=unit, text=text, kind=kind, explanation=explanation, resolution=resolution, topic=topic,
                    choices=[{"text": options[i], "correct": i in correct} for i in filled]), []


def import_bank(*, unit: UnitPage, data: bytes) -> ImportResult:
    """Check every row; import all of them in one transaction, or none when any row is bad."""
    questions, errors = [], []
    for number, cells in _rows(data):
        question, row_errors = _question(unit, number, cells)
        errors.extend(row_errors)
        if question is not None:
            questions.append(question)
    if not questions and not errors:
        raise BankFileError(_("Bảng tính không có câu hỏi nào."))
    if errors:
        return ImportResult(created=0, errors=errors)
    with transaction.atomic():
        Question.objects.bulk_create(questions)
    return ImportResult(created=len(questions), errors=[])


def export_bank(questions) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Ngân hàng câu hỏi"
    sheet.append(HEADERS)
    for q in questions:
        options = [c["text"] for c in q.choices] + [""] * (len(LETTERS) - len(q.choices))
        key = ",".join(LETTERS[i] for i in sorted(q.correct))
        sheet.append([q.text, KIND_LABEL.get(q.kind, "một"), *options[:len(LETTERS)], key, q.explanation,
                      q.resolution, q.topic])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
