"""Read rates of one page, rolled up the caller's subtree (province → district → base → cell).

A member counts in a unit's row if they belong to it or to a unit below it, are active, and their role lets them
read the page's tier. The caller only ever sees their own subtree, and the names of their own unit's members.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _
from wagtail.models import Page

from cms.org.models import ACTIVE_STATUSES, Level, Member, Role, UnitPage
from cms.org.selectors import can_read_layer
from layerformat.model import COMMITTEE

from .models import Event, ReadFact
from .selectors import COMMITTEE_ROLES, is_committee, page_layer

STEP = Page.steplen


class ReportError(Exception):
    """The caller may not see this report (the page is not theirs, or they are not on a committee)."""


@dataclass
class UnitRow:
    code: str
    name: str
    level: str
    depth: int
    path: str
    parent: str | None = None
    members: int = 0
    opened: int = 0
    completed: int = 0

    def as_dict(self) -> dict:
        def rate(n: int) -> float:
            return round(n / self.members, 4) if self.members else 0.0

        return {
            "code": self.code, "name": self.name, "level": self.level, "depth": self.depth, "parent": self.parent,
            "members": self.members, "opened": self.opened, "completed": self.completed,
            "opened_rate": rate(self.opened), "completed_rate": rate(self.completed),
        }


def audience_roles(tier: str) -> tuple[str, ...]:
    return COMMITTEE_ROLES if tier == COMMITTEE else tuple(Role.values)


def page_report(caller: Member | None, page_id: int, *, unit_code: str | None = None) -> dict:
    """Rates per unit of the caller's subtree and who in `unit_code` (default: the caller's unit) has not read."""
    layer = page_layer(page_id)
    if not is_committee(caller) or layer is None or not can_read_layer(caller, layer):
        raise ReportError(_("Bạn không có quyền xem báo cáo của trang này."))
    top = caller.unit
    focus = top
    if unit_code and unit_code != top.code:
        focus = UnitPage.objects.filter(code=unit_code, path__startswith=top.path).first()
        if focus is None:
            raise ReportError(_("Đơn vị này không thuộc phạm vi của bạn."))
    roles = audience_roles(layer.tier)
    rows = _rolled_up_rows(top, page_id, roles)
    page = Page.objects.get(pk=page_id)
    return {
        "page": {"id": page_id, "title": page.title, "layer": layer.prefix},
        "unit": {"code": focus.code, "name": focus.title, "level": focus.level},
        "units": [row.as_dict() for row in rows],
        "unread": _unread_members(focus, page_id, roles),
    }


def _rolled_up_rows(top: UnitPage, page_id: int, roles: tuple[str, ...]) -> list[UnitRow]:
    units = UnitPage.objects.filter(path__startswith=top.path).order_by("path")
    rows = {
        u["path"]: UnitRow(u["code"], u["title"], u["level"], u["depth"] - top.depth, u["path"])
        for u in units.values("path", "code", "title", "level", "depth")
    }
    for row in rows.values():
        parent = rows.get(row.path[:-STEP])
        row.parent = parent.code if parent else None
    audience = Member.objects.filter(unit__path__startswith=top.path, status__in=ACTIVE_STATUSES, role__in=roles)
    own_counts = {"members": audience.values_list("unit__path").annotate(n=Count("pk"))}
    for event in (Event.OPENED, Event.COMPLETED):
        facts = ReadFact.objects.filter(
            page_id=page_id, event=event, member__unit__path__startswith=top.path,
            member__status__in=ACTIVE_STATUSES, member__role__in=roles,
        )
        own_counts[event.value] = facts.values_list("member__unit__path").annotate(n=Count("pk"))
    for field, counts in own_counts.items():
        for path, n in counts:
            # Add the unit's own count to it and to every ancestor inside the caller's subtree.
            for end in range(len(top.path), len(path) + 1, STEP):
                row = rows.get(path[:end])
                if row is not None:
                    setattr(row, field, getattr(row, field) + n)
    return list(rows.values())


def _unread_members(unit: UnitPage, page_id: int, roles: tuple[str, ...]) -> list[dict]:
    members = Member.objects.filter(unit=unit, status__in=ACTIVE_STATUSES, role__in=roles).select_related("user")
    facts = ReadFact.objects.filter(page_id=page_id, member__unit=unit).values_list("member_id", "event")
    done = {m for m, e in facts if e == Event.COMPLETED}
    opened = {m for m, e in facts if e == Event.OPENED}
    return [
        {"username": m.user.username, "full_name": m.full_name, "role": m.role, "opened": m.pk in opened}
        for m in members.order_by("full_name")
        if m.pk not in done
    ]


LEVEL_LABELS = dict(Level.choices)
HEADER = ["Mã đơn vị", "Tên đơn vị", "Cấp", "Số đảng viên", "Đã mở", "Đã đọc xong", "Tỷ lệ đã mở", "Tỷ lệ đã đọc xong"]
UNREAD_HEADER = ["Tên đăng nhập", "Họ và tên", "Vai trò", "Đã mở"]


def report_tables(report: dict) -> tuple[list[list], list[list]]:
    """The report as two plain tables (rates per unit, unread members) for CSV and XLSX."""
    units = [
        [r["code"], "  " * r["depth"] + r["name"], str(LEVEL_LABELS.get(r["level"], r["level"])), r["members"],
         r["opened"], r["completed"], r["opened_rate"], r["completed_rate"]]
        for r in report.get("units", [])
    ]
    roles = dict(Role.choices)
    unread = [
        [m["username"], m["full_name"], str(roles.get(m["role"], m["role"])), "có" if m["opened"] else "không"]
        for m in report.get("unread", [])
    ]
    return units, unread


def report_csv(report: dict) -> bytes:
    units, unread = report_tables(report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    title = report.get("page", {}).get("title", "")
    writer.writerow([_("Báo cáo đọc: %(title)s") % {"title": title}])
    writer.writerow(HEADER)
    writer.writerows(units)
    writer.writerow([])
    writer.writerow([_("Đảng viên chưa đọc xong — %(unit)s") % {"unit": report.get("unit", {}).get("name", "")}])
    writer.writerow(UNREAD_HEADER)
    writer.writerows(unread)
    # A BOM so that Excel opens the Vietnamese text as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_xlsx(report: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    units, unread = report_tables(report)
    book = Workbook()
    sheet = book.active
    sheet.title = "Tỷ lệ đọc"
    sheet.append([_("Báo cáo đọc: %(title)s") % {"title": report.get("page", {}).get("title", "")}])
    sheet.append(HEADER)
    for row in units:
        sheet.append(row)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for column in ("G", "H"):
        for cell in sheet[column][2:]:
            cell.number_format = "0.0%"
    sheet.column_dimensions["B"].width = 48
    second = book.create_sheet("Chưa đọc xong")
    second.append(UNREAD_HEADER)
    for row in unread:
        second.append(row)
    second.column_dimensions["B"].width = 32
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
