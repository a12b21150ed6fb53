"""Read rates of one page, rolled up the overseer's subtree (province → district → base → cell).

The base of every rate is the page's eligible audience: party members below the unit with an active status,
a role that may read the page's tier, not exempt from party meetings (miễn sinh hoạt) on the day of the report
and with a smartphone (`cms.org.selectors.eligible_members`); the exempt and those without a smartphone are
counted apart and named on the report. Accounts that are not party members are never counted: those without a
member record, and the system administrator even when the demo gives them one to log in to the reader.

A committee member sees the subtree of their own unit (or of the page's owner unit, when the page was
published below them); the province's system administrator sees the whole province.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from wagtail.models import Page

from cms.org.models import Level, Member, Role, UnitPage
from cms.org.selectors import active_members, can_read_layer, exempt_q, member_of
from cms.org.selectors import eligible_members as eligible_of
from layerformat.model import COMMITTEE

from .models import Event, ReadFact
from .selectors import COMMITTEE_ROLES, oversight_unit, page_layer

STEP = Page.steplen
UNREAD_LIMIT = 1000  # names shown on screen; the CSV and XLSX exports list everyone


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


def party_members(unit: UnitPage, roles: tuple[str, ...]) -> QuerySet:
    """Active party members of `unit`'s subtree in `roles`, the system administrator left out."""
    return active_members(Member.objects.filter(unit__path__startswith=unit.path, role__in=roles)).exclude(
        user__is_superuser=True
    )


def eligible_members(unit: UnitPage, roles: tuple[str, ...]) -> QuerySet:
    """The base of the rates: party members of the subtree who take part in party life and can read on a phone."""
    return eligible_of(party_members(unit, roles))


def base_counts(unit: UnitPage, roles: tuple[str, ...]) -> dict[str, int]:
    """The base and what is left out of it: exempt today, and (not exempt) without a smartphone."""
    members = party_members(unit, roles).filter(user__is_active=True)
    exempt = members.filter(exempt_q())
    return {
        "eligible": eligible_members(unit, roles).count(),
        "exempt": exempt.count(),
        "no_smartphone": members.filter(no_smartphone=True).exclude(pk__in=exempt.values("pk")).count(),
    }


def report_top(user, page_id: int) -> UnitPage:
    """The unit whose subtree the report covers for `user`; ReportError if the page is not theirs to report on."""
    refusal = ReportError(_("Bạn không có quyền xem báo cáo của trang này."))
    scope = oversight_unit(user)
    layer = page_layer(page_id)
    if scope is None or layer is None:
        raise refusal
    owner = UnitPage.objects.filter(code_path="/".join(layer.unit_path)).first()
    if owner is None:
        raise refusal
    if owner.path.startswith(scope.path):
        return owner  # published in the overseer's subtree: its audience is the owner's subtree
    if scope.path.startswith(owner.path) and (user.is_superuser or can_read_layer(member_of(user), layer)):
        return scope  # published above for the overseer's unit to read
    raise refusal


def page_report(user, page_id: int, *, unit_code: str | None = None,
                unread_limit: int | None = UNREAD_LIMIT) -> dict:
    """Rates per unit of the covered subtree and who below `unit_code` (default: its top) has not read."""
    top = report_top(user, page_id)
    layer = page_layer(page_id)
    focus = top
    if unit_code and unit_code != top.code:
        focus = UnitPage.objects.filter(code=unit_code, path__startswith=top.path).first()
        if focus is None:
            raise ReportError(_("Đơn vị này không thuộc phạm vi của bạn."))
    roles = audience_roles(layer.tier)
    rows = _rolled_up_rows(top, page_id, roles)
    page = Page.objects.get(pk=page_id)
    unread, unread_total = _unread_members(focus, page_id, roles, unread_limit)
    return {
        "page": {"id": page_id, "title": page.title, "layer": layer.prefix},
        "unit": {"code": focus.code, "name": focus.title, "level": focus.level},
        "base": base_counts(focus, roles),
        "units": [row.as_dict() for row in rows],
        "unread": unread,
        "unread_total": unread_total,
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
    audience = eligible_members(top, roles)
    own_counts = {"members": audience.values_list("unit__path").annotate(n=Count("pk"))}
    for event in (Event.OPENED, Event.COMPLETED):
        facts = ReadFact.objects.filter(page_id=page_id, event=event, member__in=audience.values("pk"))
        own_counts[event.value] = facts.values_list("member__unit__path").annotate(n=Count("pk"))
    for field, counts in own_counts.items():
        for path, n in counts:
            # Add the unit's own count to it and to every ancestor inside the covered subtree.
            for end in range(len(top.path), len(path) + 1, STEP):
                row = rows.get(path[:end])
                if row is not None:
                    setattr(row, field, getattr(row, field) + n)
    return list(rows.values())


def _unread_members(unit: UnitPage, page_id: int, roles: tuple[str, ...],
                    limit: int | None) -> tuple[list[dict], int]:
    """Eligible members of the whole subtree who have not completed the page, cell by cell; and their number."""
    done = ReadFact.objects.filter(page_id=page_id, event=Event.COMPLETED).values("member_id")
    members = eligible_members(unit, roles).exclude(pk__in=done)
    total = members.count()
    rows = list(
        members.order_by("unit__path", "full_name", "pk")
        .values("pk", "user__username", "full_name", "role", "unit__code", "unit__title")[:limit]
    )
    opened = set(
        ReadFact.objects.filter(page_id=page_id, event=Event.OPENED, member_id__in=[r["pk"] for r in rows])
        .values_list("member_id", flat=True)
    )
    return [
        {"username": r["user__username"], "full_name": r["full_name"], "role": r["role"],
         "unit": {"code": r["unit__code"], "name": r["unit__title"]}, "opened": r["pk"] in opened}
        for r in rows
    ], total


LEVEL_LABELS = dict(Level.choices)
HEADER = ["Mã đơn vị", "Tên đơn vị", "Cấp", "Đảng viên thuộc diện sinh hoạt", "Đã mở", "Đã đọc xong", "Tỷ lệ đã mở",
          "Tỷ lệ đã đọc xong"]
UNREAD_HEADER = ["Tên đăng nhập", "Họ và tên", "Vai trò", "Đơn vị", "Đã mở"]


def base_sentence(report: dict) -> str:
    """What the rates are divided by, in the words the committees use."""
    base = {"eligible": 0, "exempt": 0, "no_smartphone": 0, **(report.get("base") or {})}
    return _("Cơ sở tính: %(eligible)d đảng viên đang sinh hoạt, không kể %(exempt)d miễn sinh hoạt và "
             "%(no_smartphone)d không có điện thoại thông minh.") % base


def report_tables(report: dict) -> tuple[list[list], list[list]]:
    """The report as two plain tables (rates per unit, unread members) for CSV and XLSX."""
    units = [
        [r["code"], "  " * r["depth"] + r["name"], str(LEVEL_LABELS.get(r["level"], r["level"])), r["members"],
         r["opened"], r["completed"], r["opened_rate"], r["completed_rate"]]
        for r in report.get("units", [])
    ]
    roles = dict(Role.choices)
    unread = [
        [m["username"], m["full_name"], str(roles.get(m["role"], m["role"])), m["unit"]["name"],
         "có" if m["opened"] else "không"]
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
    writer.writerow([base_sentence(report)])
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
    sheet.append([base_sentence(report)])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for column in ("G", "H"):
        for cell in sheet[column][2:2 + len(units)]:
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
