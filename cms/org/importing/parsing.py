"""From rows of text to checked member records: headers mapped by name, every cell parsed, every problem kept.

Nothing here touches the database except the unit codes; matching rows to members is `sync.py`'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from ..models import Role, Status, UnitPage
from ..phones import normalize_phone
from .reading import fold_header

# Folded header -> field. The member registry's own headers first, then the short forms seen in province
# spreadsheets, then English names for scripts.
COLUMNS = {
    "so the dang vien": "card_number", "so the": "card_number", "so the dv": "card_number",
    "card_number": "card_number",
    "ten dang nhap": "username", "tai khoan": "username", "username": "username",
    "ho va ten": "full_name", "ho ten": "full_name", "ho va ten dang vien": "full_name", "full_name": "full_name",
    "ma don vi": "unit_code", "ma chi bo": "unit_code", "unit_code": "unit_code",
    "vai tro": "role", "chuc vu": "role", "role": "role",
    "tinh trang": "status", "trang thai": "status", "status": "status",
    "dien thoai": "phone", "so dien thoai": "phone", "sdt": "phone", "phone": "phone",
    "nam sinh": "birth_year", "birth_year": "birth_year",
    "ngay vao dang": "joined_on", "ngay ket nap": "joined_on", "joined_on": "joined_on",
    "ngay chinh thuc": "official_on", "ngay cong nhan chinh thuc": "official_on", "official_on": "official_on",
    "mien sinh hoat tu": "exempt_from", "mien sinh hoat tu ngay": "exempt_from", "mien sh tu": "exempt_from",
    "exempt_from": "exempt_from",
    "mien sinh hoat den": "exempt_until", "mien sinh hoat den ngay": "exempt_until", "mien sh den": "exempt_until",
    "exempt_until": "exempt_until",
    "ly do mien": "exempt_reason", "ly do mien sinh hoat": "exempt_reason", "exempt_reason": "exempt_reason",
    "khong co dien thoai thong minh": "no_smartphone", "khong co dttm": "no_smartphone",
    "no_smartphone": "no_smartphone",
    "mat khau": "password", "password": "password",
    "ban bien tap": "editor", "editor": "editor",
}
LABELS = {
    "card_number": "Số thẻ đảng viên", "username": "Tên đăng nhập", "full_name": "Họ và tên",
    "unit_code": "Mã đơn vị", "unit": "Đơn vị", "role": "Vai trò", "status": "Tình trạng", "phone": "Điện thoại",
    "birth_year": "Năm sinh", "joined_on": "Ngày vào Đảng", "official_on": "Ngày chính thức",
    "exempt_from": "Miễn sinh hoạt từ", "exempt_until": "Miễn sinh hoạt đến", "exempt_reason": "Lý do miễn",
    "no_smartphone": "Không có điện thoại thông minh", "password": "Mật khẩu",
    "editor": "Ban biên tập",
}
ROLES = {
    "dang vien": Role.MEMBER, "member": Role.MEMBER, "": Role.MEMBER,
    "chi uy vien": Role.COMMITTEE, "cap uy vien": Role.COMMITTEE, "cap uy": Role.COMMITTEE,
    "dang uy vien": Role.COMMITTEE, "committee": Role.COMMITTEE,
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
YES = {"x", "co", "1", "true", "yes"}
NO = {"", "khong", "0", "false", "no"}
CARD_RE = re.compile(r"^[0-9A-Z][0-9A-Z./-]{3,19}$")
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")
DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
DATE_FIELDS = ("joined_on", "official_on", "exempt_from", "exempt_until")
# Columns whose value is written to the member record; the others key the row (card, username) or create it.
RECORD_FIELDS = ("full_name", "unit_code", "role", "status", "phone", "birth_year", *DATE_FIELDS, "exempt_reason",
                 "no_smartphone")


@dataclass
class RowError:
    row: int  # spreadsheet row number, header = 1
    reason: str

    def __str__(self) -> str:
        return f"Dòng {self.row}: {self.reason}"


class ImportFailed(Exception):
    """The file cannot be applied; `errors` lists every problem, so one pass fixes them all."""

    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda e: e.row)
        super().__init__("\n".join(map(str, self.errors)))


@dataclass
class MemberRow:
    """One checked row: its key (card number, else username) and the values of the columns the file has."""

    line: int
    card_number: str
    username: str
    password: str
    values: dict[str, object] = field(default_factory=dict)
    editor: bool = False  # "Ban biên tập": a new account joins its unit's board (the first editors)

    @property
    def unit_code(self) -> str:
        return str(self.values["unit_code"])

    @property
    def full_name(self) -> str:
        return str(self.values["full_name"])


@dataclass
class Parsed:
    columns: list[str]  # fields present in the file
    rows: list[MemberRow]
    errors: list[RowError]


def map_header(header: list[str]) -> tuple[list[str | None], list[RowError]]:
    """Each column's field (None for columns we do not know, such as "STT"), and the header's problems."""
    fields: list[str | None] = []
    errors = []
    for title in header:
        name = COLUMNS.get(fold_header(title))
        if name is not None and name in fields:
            errors.append(RowError(1, f"cột “{title}” lặp lại cột {LABELS[name]}."))
            name = None
        fields.append(name)
    missing = [LABELS[f] for f in ("full_name", "unit_code") if f not in fields]
    if "card_number" not in fields and "username" not in fields:
        missing.insert(0, LABELS["card_number"])
    if missing:
        errors.append(RowError(1, "thiếu cột: " + ", ".join(missing) + "."))
    return fields, errors


def parse(rows: list[list[str]], *, units: dict[str, UnitPage]) -> Parsed:
    """Check every row against the format; `units` maps unit code to unit (the codes a row may name)."""
    if not rows or not any(cell for cell in rows[0]):
        return Parsed([], [], [RowError(1, "tệp trống, không có dòng tiêu đề.")])
    fields, errors = map_header(rows[0])
    columns = [f for f in fields if f]
    if errors:
        return Parsed(columns, [], errors)
    parsed = Parsed(columns, [], errors)
    today = timezone.localdate()
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: (row[i] if i < len(row) else "").strip() for i, name in enumerate(fields) if name}
        member_row, reasons = _parse_row(number, cells, units, today)
        parsed.errors.extend(RowError(number, reason) for reason in reasons)
        if not reasons:
            parsed.rows.append(member_row)
    return parsed


def _parse_row(number: int, cells: dict[str, str], units: dict, today: date) -> tuple[MemberRow, list[str]]:
    reasons: list[str] = []
    card = cells.get("card_number", "").replace(" ", "").upper()
    if "card_number" in cells and not card:
        reasons.append("thiếu số thẻ đảng viên.")
    elif card and not CARD_RE.match(card):
        reasons.append(f"số thẻ đảng viên “{cells['card_number']}” không hợp lệ (chỉ gồm chữ số, chữ in và . / -).")
    username = cells.get("username", "")
    if username and not USERNAME_RE.match(username):
        reasons.append(f"tên đăng nhập “{username}” chỉ được gồm chữ không dấu, số và . _ - @ +, từ 3 ký tự.")
    if not card and not username:
        reasons.append("thiếu tên đăng nhập.")
    values: dict[str, object] = {}
    for name in RECORD_FIELDS:
        if name in cells:
            value, problem = _value(name, cells[name], units, today)
            if problem:
                reasons.append(problem)
            else:
                values[name] = value
    reasons += _period_problems(values)
    editor = fold_header(cells.get("editor", ""))
    if editor not in YES and editor not in NO:
        reasons.append(f"cột Ban biên tập “{cells['editor']}” chỉ nhận “có” hoặc “không”.")
    row = MemberRow(line=number, card_number=card, username=username, password=cells.get("password", ""),
                    values=values, editor=editor in YES)
    return row, reasons


def _value(name: str, text: str, units: dict, today: date) -> tuple[object, str | None]:
    """The field's value from its cell, or the Vietnamese reason it is not one."""
    if name == "full_name":
        full_name = " ".join(text.split())
        return full_name, None if full_name else "thiếu họ và tên."
    if name == "unit_code":
        code = text.lower()
        if not code:
            return None, "thiếu mã đơn vị."
        return code, None if code in units else f"không có đơn vị mã “{text}”."
    if name == "role":
        role = ROLES.get(fold_header(text))
        return role, None if role else (
            f"vai trò “{text}” không hợp lệ (bí thư, phó bí thư, chi ủy viên hoặc đảng viên).")
    if name == "status":
        status = STATUSES.get(fold_header(text))
        return status, None if status else (
            f"tình trạng “{text}” không hợp lệ (chính thức, dự bị, từ trần, xóa tên, khai trừ).")
    if name == "phone":
        return _phone(text)
    if name == "birth_year":
        if not text:
            return None, None
        ok = text.isdigit() and 1900 <= int(text) <= today.year - 16
        return (int(text), None) if ok else (None, f"năm sinh “{text}” không hợp lệ.")
    if name in DATE_FIELDS:
        return _date(name, text, today)
    if name == "exempt_reason":
        return " ".join(text.split()), None
    if name == "no_smartphone":
        flag = fold_header(text)
        if flag in YES or flag in NO:
            return flag in YES, None
        return None, f"cột Không có điện thoại thông minh ghi “{text}”: hãy ghi “x” (không có) hoặc để trống."
    raise KeyError(name)


def _phone(text: str) -> tuple[str, str | None]:
    digits = re.sub(r"[\s.\-]", "", text)
    if re.fullmatch(r"[35789]\d{8}", digits):
        text = "0" + digits  # Excel drops the leading zero of a number typed into a number cell
    try:
        return normalize_phone(text), None
    except ValidationError:
        return "", f"số điện thoại “{text}” không hợp lệ."


def _date(name: str, text: str, today: date) -> tuple[date | None, str | None]:
    if not text:
        return None, None
    match = DMY.match(text)
    parts = (match.group(3), match.group(2), match.group(1)) if match else None
    if parts is None and (match := YMD.match(text)):
        parts = match.groups()
    try:
        value = date(*(int(p) for p in parts)) if parts else None
    except ValueError:
        value = None
    label = LABELS[name].lower().replace("đảng", "Đảng")
    if value is None or value.year < 1930:
        return None, f"{label} “{text}” không hợp lệ (ngày/tháng/năm, ví dụ 03/02/1990)."
    if name in ("joined_on", "official_on") and value > today:
        return None, f"{label} “{text}” ở tương lai."
    return value, None


def _period_problems(values: dict) -> list[str]:
    problems = []
    joined, official = values.get("joined_on"), values.get("official_on")
    if joined and official and official < joined:
        problems.append("ngày chính thức trước ngày vào Đảng.")
    start, end = values.get("exempt_from"), values.get("exempt_until")
    if start and end and end < start:
        problems.append("miễn sinh hoạt đến trước ngày bắt đầu miễn.")
    if values.get("exempt_reason") and "exempt_from" in values and not start and not end:
        problems.append("có lý do miễn sinh hoạt nhưng không có thời gian miễn (từ ngày, đến ngày).")
    return problems
