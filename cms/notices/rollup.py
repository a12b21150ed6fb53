"""Who has seen a notice, rolled up the unit tree: one aggregate query over the recipients grouped by unit,
summed up along the units' paths in Python (as the meetings roll-up does)."""

from __future__ import annotations

import csv
import io

from django.db.models import Count, Q

from cms.org.models import Level, UnitPage

from .models import Notice
from .selectors import recipients

STEP = 4  # treebeard's path step: a unit's ancestors are the prefixes of its path


def seen_rollup(notice: Notice, unit: UnitPage | None = None) -> dict:
    """Recipients and how many have seen the notice, per unit of `unit`'s subtree (default: the notice's)."""
    unit = unit or notice.unit
    units = list(UnitPage.objects.filter(path__startswith=unit.path).order_by("path")
                 .values("pk", "path", "depth", "code", "title", "level"))
    rows = (recipients(notice).filter(unit__path__startswith=unit.path).values("unit_id")
            .annotate(total=Count("pk", distinct=True),
                      seen=Count("notice_acks", filter=Q(notice_acks__notice=notice), distinct=True)))
    own = {row["unit_id"]: row for row in rows}
    totals = {u["pk"]: {"total": 0, "seen": 0} for u in units}
    by_path = {u["path"]: u["pk"] for u in units}
    for u in units:
        counts = own.get(u["pk"])
        if not counts:
            continue
        for depth in range(len(unit.path), len(u["path"]) + 1, STEP):
            target = totals[by_path[u["path"][:depth]]]
            target["total"] += counts["total"]
            target["seen"] += counts["seen"]
    result = []
    for u in units:
        t = totals[u["pk"]]
        result.append({"code": u["code"], "name": u["title"], "level": u["level"], "depth": u["depth"] - unit.depth,
                       "total": t["total"], "seen": t["seen"], "not_seen": t["total"] - t["seen"],
                       "seen_rate": round(t["seen"] / t["total"], 4) if t["total"] else None})
    return {
        "notice": {"id": notice.pk, "title": notice.title, "sent_at": notice.sent_at.isoformat()},
        "unit": {"code": unit.code, "name": unit.title},
        "units": result,
        "cells_none_seen": [r["code"] for r in result if r["level"] == Level.CELL and r["total"] and not r["seen"]],
    }


def not_seen_members(notice: Notice, unit: UnitPage, limit: int = 500) -> list[dict]:
    """Who in `unit`'s subtree has not seen the notice yet, by unit and name (for the secretary to call)."""
    members = (recipients(notice).filter(unit__path__startswith=unit.path)
               .exclude(notice_acks__notice=notice).select_related("unit", "user")
               .order_by("unit__path", "full_name")[:limit])
    return [{"username": m.user.username, "full_name": m.full_name, "unit": m.unit.title, "phone": m.phone}
            for m in members]


HEADERS = [("code", "Mã đơn vị"), ("name", "Đơn vị"), ("total", "Số đảng viên nhận"), ("seen", "Đã xem"),
           ("not_seen", "Chưa xem"), ("seen_rate", "Tỷ lệ đã xem")]


def _table(data: dict) -> list[list]:
    rows = [[label for _key, label in HEADERS]]
    for row in data["units"]:
        rows.append([("  " * row["depth"] + row["name"]) if key == "name" else row[key] for key, _l in HEADERS])
    return rows


def rollup_csv(data: dict) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(_table(data))
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens Vietnamese text correctly


def rollup_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Đã xem thông báo"
    for row in _table(data):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
