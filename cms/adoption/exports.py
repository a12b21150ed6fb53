"""The adoption report as a table: CSV (opens in Excel with Vietnamese intact), XLSX, and their DRF renderers."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from cms.api.renderers import export_renderers
from cms.org.models import Level

from .selectors import ACTIVE_DAYS, base_sentence

HEADER = ["Mã đơn vị", "Tên đơn vị", "Cấp", "Hạng", "Đảng viên", "Đang sinh hoạt (cơ sở tính)", "Miễn sinh hoạt",
          "Không có điện thoại thông minh", "Đã đăng nhập", f"Dùng trong {ACTIVE_DAYS} ngày", "Cài như ứng dụng",
          "Lượt học xong tài liệu", "Tỷ lệ đã đăng nhập", f"Tỷ lệ dùng trong {ACTIVE_DAYS} ngày",
          "Tỷ lệ cài ứng dụng"]
RATE_COLUMNS = ("M", "N", "O")


def table(report: dict) -> list[list]:
    levels = dict(Level.choices)
    return [
        [r["code"], "  " * r["depth"] + r["name"], str(levels.get(r["level"], r["level"])), r["rank"], r["members"],
         r["eligible"], r["exempt"], r["no_smartphone"], r["signed_in"], r["active"], r["installed"],
         r["study_completed"], r["signed_in_rate"], r["active_rate"], r["installed_rate"]]
        for r in report["units"]
    ]


def title(report: dict) -> str:
    return _("Mức độ sử dụng sổ tay: %(unit)s, ngày %(day)s") % {"unit": report["unit"]["name"],
                                                                  "day": report["day"]}


def adoption_csv(report: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title(report)])
    writer.writerow(HEADER)
    writer.writerows(table(report))
    writer.writerow([base_sentence(report)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def adoption_xlsx(report: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows = table(report)
    book = Workbook()
    sheet = book.active
    sheet.title = "Mức độ sử dụng"
    sheet.append([title(report)])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    sheet.append([base_sentence(report)])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for column in RATE_COLUMNS:
        for cell in sheet[column][2:2 + len(rows)]:
            cell.number_format = "0.0%"
    sheet.column_dimensions["B"].width = 48
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


AdoptionCSVRenderer, AdoptionXLSXRenderer = export_renderers(
    "Adoption", lambda data: f"muc-do-su-dung-{data['unit']['code']}-{data['day']}", adoption_csv, adoption_xlsx
)
