"""Bulk import of members from CSV or XLSX: every bad row is reported, and nothing is imported if any row is bad."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from layerformat.text import fold

from .models import Role, Status, UnitPage
from .services import create_member

# Column name (folded) -> field. Vietnamese headers as in the province's own spreadsheets, English as a fallback.
COLUMNS = {
    "ten dang nhap": "username", "username": "username",
    "ho va ten": "full_name", "ho ten": "full_name", "full_name": "full_name",
    "ma don vi": "unit_code", "unit_code": "unit_code",
    "vai tro": "role", "chuc vu": "role", "role": "role",
    "tinh trang": "status", "trang thai": "status", "status": "status",
    "dien thoai": "phone", "so dien thoai": "phone", "phone": "phone",
    "nam sinh": "birth_year", "birth_year": "birth_year",
    "mat khau": "password", "password": "password",
}
REQUIRED = ("username", "full_name", "unit_code")
ROLES = {
    "dang vien": Role.MEMBER, "member": Role.MEMBER, "": Role.MEMBER,
    "cap uy vien": Role.COMMITTEE, "cap uy": Role.COMMITTEE, "committee": Role.COMMITTEE,
    "chi uy vien": Role.COMMITTEE, "dang uy vien": Role.COMMITTEE,
    "pho bi thu": Role.DEPUTY, "deputy": Role.DEPUTY,
    "bi thu": Role.SECRETARY, "secretary": Role.SECRETARY,
}
STATUSES = {
    "chinh thuc": Status.OFFICIAL, "official": Status.OFFICIAL, "": Status.OFFICIAL,
    "du bi": Status.PROBATIONARY, "probationary": Status.PROBATIONARY,
    "tu tran": Status.DECEASED, "deceased": Status.DECEASED,
    "xoa ten": Status.STRUCK_OFF, "struck_off": Status.STRUCK_OFF,
    "khai tru": Status.EXPELLED, "expelled": Status.EXPELLED,
}
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")
PHONE_RE = re.compile(r"^(\+84|0)\d{9,10}$")


def _fold(text: str) -> str:
    return fold(str(text).strip())


@dataclass
class RowError:
    row: int  # spreadsheet row number, header = 1
    reason: str

    def __str__(self) -> str:
        return f"Dòng {self.row}: {self.reason}"


@dataclass
class ImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))


def read_rows(path: Path) -> list[list[str]]:
    """All rows of the first sheet (XLSX) or of the CSV file, as strings."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        return [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1258", "latin-1"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def parse(rows: list[list[str]]) -> tuple[list[dict], list[RowError]]:
    """Validate every row; returns the clean records and every error with its row number."""
    if not rows:
        return [], [RowError(1, "Tệp trống, không có dòng tiêu đề.")]
    header = [COLUMNS.get(_fold(h)) for h in rows[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        labels = {"username": "Tên đăng nhập", "full_name": "Họ và tên", "unit_code": "Mã đơn vị"}
        return [], [RowError(1, "Thiếu cột: " + ", ".join(labels[m] for m in missing) + ".")]
    units = dict(UnitPage.objects.values_list("code", "pk"))
    existing = set(get_user_model().objects.values_list("username", flat=True))
    seen: dict[str, int] = {}
    records, errors = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        record = {name: (row[i] if i < len(row) else "").strip() for i, name in enumerate(header) if name}
        reasons = _row_problems(record, units, existing, seen, number)
        if reasons:
            errors.extend(RowError(number, reason) for reason in reasons)
        else:
            records.append(record)
    return records, errors


def _row_problems(record: dict, units: dict, existing: set, seen: dict, number: int) -> list[str]:
    reasons = []
    username = record.get("username", "")
    if not username:
        reasons.append("thiếu tên đăng nhập.")
    elif not USERNAME_RE.match(username):
        reasons.append(f"tên đăng nhập “{username}” chỉ được gồm chữ không dấu, số và . _ - @ +, từ 3 ký tự.")
    elif username in existing:
        reasons.append(f"tên đăng nhập “{username}” đã có trong hệ thống.")
    elif username in seen:
        reasons.append(f"tên đăng nhập “{username}” trùng với dòng {seen[username]}.")
    else:
        seen[username] = number
    if not record.get("full_name"):
        reasons.append("thiếu họ và tên.")
    code = record.get("unit_code", "").lower()
    if not code:
        reasons.append("thiếu mã đơn vị.")
    elif code not in units:
        reasons.append(f"không có đơn vị mã “{record['unit_code']}”.")
    role = _fold(record.get("role", ""))
    if role not in ROLES:
        reasons.append(
            f"vai trò “{record['role']}” không hợp lệ (đảng viên, chi ủy viên/cấp ủy viên, phó bí thư hoặc bí thư)."
        )
    status = _fold(record.get("status", ""))
    if status not in STATUSES:
        reasons.append(
            f"tình trạng “{record['status']}” không hợp lệ (chính thức, dự bị, từ trần, xóa tên, khai trừ)."
        )
    phone = re.sub(r"[\s.]", "", record.get("phone", ""))
    if phone and not PHONE_RE.match(phone):
        reasons.append(f"số điện thoại “{record['phone']}” không hợp lệ.")
    year = record.get("birth_year", "").removesuffix(".0")
    if year and not (year.isdigit() and 1900 <= int(year) <= 2010):
        reasons.append(f"năm sinh “{record['birth_year']}” không hợp lệ.")
    return reasons


def import_members(path: Path) -> ImportResult:
    """Import every row or none: raises ImportFailed listing all bad rows."""
    records, errors = parse(read_rows(path))
    if errors:
        raise ImportFailed(errors)
    units = {u.code: u for u in UnitPage.objects.all()}
    with transaction.atomic():
        for record in records:
            year = record.get("birth_year", "").removesuffix(".0")
            create_member(
                username=record["username"],
                full_name=record["full_name"],
                unit=units[record["unit_code"].lower()],
                role=ROLES[_fold(record.get("role", ""))],
                status=STATUSES[_fold(record.get("status", ""))],
                password=record.get("password") or None,
                phone=re.sub(r"[\s.]", "", record.get("phone", "")),
                birth_year=int(year) if year else None,
            )
    return ImportResult(created=len(records))
