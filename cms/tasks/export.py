"""A plan's roll-up as a workbook laid out like its report form: one column per form item (one per option of a
choice item), one row per unit, indented by level, with the subtree's totals; the issuer's header on top."""

from __future__ import annotations

import csv
import io

from django.utils import timezone

from .models import FieldKind, TargetStatus

STATUS = {TargetStatus.PENDING: "Chưa báo cáo", TargetStatus.SUBMITTED: "Đã báo cáo",
          TargetStatus.RETURNED: "Trả lại để sửa", None: ""}


def _columns(form: list[dict]) -> list[tuple[str, str, str | None]]:
    columns = []
    for field in form:
        if field["kind"] == FieldKind.CHOICE:
            columns += [(field["key"], f"{field['label']}: {c}", c) for c in field["choices"]]
        elif field["kind"] != FieldKind.FILE:
            columns.append((field["key"], field["label"], None))
    return columns


def table(data: dict) -> list[list]:
    form = data["plan"]["form"]
    kinds = {f["key"]: f["kind"] for f in form}
    columns = _columns(form)
    rows = [["Đơn vị", "Trạng thái", "Hạn", "Số đơn vị nhận", "Đã báo cáo", "Quá hạn", *(c[1] for c in columns)]]
    for row in data["units"]:
        line = ["    " * row["depth"] + row["name"], STATUS.get(row["status"], ""),
                timezone.localtime(row["due_at"]).strftime("%d/%m/%Y") if row["due_at"] else "",
                row["reached"], row["reported"], row["late"]]
        for key, _label, choice in columns:
            if kinds[key] == FieldKind.NUMBER:
                line.append(row["totals"].get(key, 0))
            elif choice is not None:
                line.append(row["totals"].get(key, {}).get(choice, 0))
            else:
                line.append((row["values"] or {}).get(key, ""))
        rows.append(line)
    return rows


def plan_csv(data: dict) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(table(data))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def plan_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Tổng hợp"
    plan = data["plan"]
    rows = table(data)
    width = len(rows[0])
    sheet.append([plan["unit"]["name"].upper()])
    sheet.append([f"{plan['code']} — {plan['title']}" if plan["code"] else plan["title"]])
    sheet.append([f"Tổng hợp báo cáo: {data['unit']['name']}"])
    for r in range(1, 4):
        sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        sheet.cell(r, 1).font = Font(bold=True, size=13 if r == 2 else 11)
        sheet.cell(r, 1).alignment = Alignment(horizontal="center")
    sheet.append([])
    for line in rows:
        sheet.append(line)
    for cell in sheet[5]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 40
    sheet.freeze_panes = "B6"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
