"""CSV and XLSX of a round's participation and scores per unit."""

from __future__ import annotations

import csv
import io

HEADERS = [("code", "Mã đơn vị"), ("name", "Đơn vị"), ("eligible", "Số đảng viên"),
           ("participants", "Đã dự thi"), ("participation", "Tỷ lệ dự thi"), ("average_score", "Điểm bình quân")]


def _table(data: dict) -> list[list]:
    rows = [[label for _key, label in HEADERS]]
    for row in data["units"]:
        rows.append([("  " * row["depth"] + row["name"]) if key == "name" else row[key] for key, _l in HEADERS])
    return rows


def rollup_csv(data: dict) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(_table(data))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def rollup_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Kết quả thi"
    for row in _table(data):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
