"""The admin's "Mức độ sử dụng": the committee's unit, its direct units ranked, and a bar chart drawn as SVG."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .selectors import ACTIVE_DAYS, AdoptionError, adoption_report, base_sentence

BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, BAR_WIDTH = 18, 10, 260, 420
SERIES = (("signed_in_rate", "Đã đăng nhập", "#ef9a9a"), ("active_rate", f"Dùng trong {ACTIVE_DAYS} ngày", "#c62828"),
          ("installed_rate", "Cài như ứng dụng", "#6d4c41"))


def chart(rows: list[dict]) -> dict:
    """Geometry of a grouped horizontal bar chart: one group per unit, one bar per share."""
    group = len(SERIES) * BAR_HEIGHT + BAR_GAP
    groups = []
    for i, row in enumerate(rows):
        top = 30 + i * group
        bars = [{"y": top + k * BAR_HEIGHT, "text_y": top + k * BAR_HEIGHT + 12,
                 "width": round(row[key] * BAR_WIDTH, 1), "text_x": round(LABEL_WIDTH + row[key] * BAR_WIDTH + 4, 1),
                 "color": color, "label": f"{label}: {round(row[key] * 100, 1)}%", "pct": round(row[key] * 100, 1)}
                for k, (key, label, color) in enumerate(SERIES)]
        groups.append({"name": row["name"], "y": top + BAR_HEIGHT * len(SERIES) // 2 + 4, "bars": bars})
    return {
        "groups": groups, "width": LABEL_WIDTH + BAR_WIDTH + 70, "height": 40 + len(rows) * group,
        "x0": LABEL_WIDTH, "label_x": LABEL_WIDTH - 8, "bar_height": BAR_HEIGHT - 3,
        "legend": [{"x": LABEL_WIDTH + k * 150, "text_x": LABEL_WIDTH + k * 150 + 16, "label": label, "color": color}
                   for k, (_key, label, color) in enumerate(SERIES)],
        "grid": [{"x": LABEL_WIDTH + BAR_WIDTH * p / 100, "label": f"{p}%"} for p in (0, 25, 50, 75, 100)],
    }


def usage(request: HttpRequest) -> HttpResponse:
    try:
        report = adoption_report(request.user, (request.GET.get("unit") or "")[:32] or None, depth=1)
    except AdoptionError as exc:
        raise PermissionDenied(str(exc)) from exc
    by_code = {r["code"]: r for r in report["units"]}
    ranked = [by_code[code] for code in report["ranking"]]
    for row in [report["total"], *ranked]:
        for key in ("signed_in_rate", "active_rate", "installed_rate"):
            row[key.replace("_rate", "_pct")] = round(row[key] * 100, 1)
    return render(request, "adoption/admin/usage.html", {
        "page_title": _("Mức độ sử dụng"), "header_icon": "table", "report": report, "total": report["total"],
        "ranked": ranked, "chart": chart([report["total"], *ranked]), "base_sentence": base_sentence(report),
        "active_days": ACTIVE_DAYS, "as_of": parse_datetime(report["as_of"]),
    })
