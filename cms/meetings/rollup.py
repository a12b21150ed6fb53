"""The committees' roll-up of cell meetings for one month: two queries whatever the size of the subtree.

Per cell: meetings due (not cancelled, already started or held), held (attendance marked or minutes posted), not held,
attendance marks by kind, attendance rate = (có mặt + dự trực tuyến) / marks, quality ratings, and whether every
held meeting has its minutes. Rows are summed up the tree to every unit between the overseer and the cells.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.utils import timezone

from cms.org.models import Level, UnitPage

from .models import Mark, Quality

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
COUNTS = ("due", "held", "not_held", "present", "online", "excused", "absent", "no_minutes",
          *(f"quality_{q}" for q in Quality.values))


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """`2026-11` → the month's first instant and the next month's, in Vietnam's time."""
    start = date.fromisoformat(f"{month}-01")
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return datetime.combine(start, time(), TZ), datetime.combine(end, time(), TZ)


def rollup(unit: UnitPage, month: str, *, now: datetime | None = None) -> dict:
    """Cell by cell and summed for every unit of `unit`'s subtree."""
    now = now or timezone.now()
    start, end = month_bounds(month)
    units = list(UnitPage.objects.filter(path__startswith=unit.path).order_by("path")
                 .values("pk", "path", "depth", "code", "title", "level"))
    # Due: started by now, or already held (marks are taken from two hours before the start).
    due = Q(meetings__cancelled=False, meetings__starts_at__gte=start, meetings__starts_at__lt=end) & (
        Q(meetings__starts_at__lt=now) | Q(meetings__held_at__isnull=False))
    held = due & Q(meetings__held_at__isnull=False)
    quality = {f"quality_{q}": Count("meetings", filter=held & Q(meetings__quality=q), distinct=True)
               for q in Quality.values}
    marks = {m: Count("meetings__attendance", filter=due & Q(meetings__attendance__mark=m)) for m in Mark.values}
    rows = (
        UnitPage.objects.filter(path__startswith=unit.path, meetings__isnull=False)
        .values("pk")
        .annotate(due=Count("meetings", filter=due, distinct=True),
                  held=Count("meetings", filter=held, distinct=True),
                  no_minutes=Count("meetings", filter=held & Q(meetings__minutes__isnull=True), distinct=True),
                  **quality, **marks)
    )
    own = {row.pop("pk"): row for row in rows}
    totals = {u["pk"]: dict.fromkeys(COUNTS, 0) for u in units}
    by_path = {u["path"]: u["pk"] for u in units}
    step = 4  # treebeard's path step: a unit's ancestors are the prefixes of its path
    for u in units:
        counts = own.get(u["pk"])
        if not counts:
            continue
        counts["not_held"] = counts["due"] - counts["held"]
        for depth in range(len(unit.path), len(u["path"]) + 1, step):
            target = totals[by_path[u["path"][:depth]]]
            for key in COUNTS:
                target[key] += counts.get(key, 0)
    result = []
    for u in units:
        t = totals[u["pk"]]
        marked = t["present"] + t["online"] + t["excused"] + t["absent"]
        result.append({
            "code": u["code"], "name": u["title"], "level": u["level"], "depth": u["depth"] - unit.depth,
            **t,
            "attendance_rate": round((t["present"] + t["online"]) / marked, 4) if marked else None,
            "online_rate": round(t["online"] / marked, 4) if marked else None,
        })
    # A cell that held no meeting at all in the month, or held one without minutes, is listed by name.
    cells = [r for r in result if r["level"] == Level.CELL]
    return {
        "unit": {"code": unit.code, "name": unit.title},
        "month": month,
        "units": result,
        "cells_not_held": [r["code"] for r in cells if r["held"] == 0],
        "cells_no_minutes": [r["code"] for r in cells if r["no_minutes"] > 0],
    }


HEADERS = [("code", "Mã đơn vị"), ("name", "Đơn vị"), ("due", "Số cuộc đến hạn"), ("held", "Đã họp"),
           ("not_held", "Chưa họp"), ("present", "Có mặt"), ("online", "Dự trực tuyến"),
           ("excused", "Vắng có lý do"), ("absent", "Vắng không lý do"), ("attendance_rate", "Tỷ lệ dự họp"),
           ("no_minutes", "Cuộc họp chưa có biên bản"),
           *((f"quality_{q}", f"Xếp loại {label}") for q, label in Quality.choices)]


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
    sheet.title = f"Sinh hoạt {data['month']}"
    for row in _table(data):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
