"""The province's unit tree from a CSV file: every unit with its Ban Biên tập, all rows or none."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.models import Site

from layerformat.text import fold

from .importing import ImportFailed, RowError
from .models import Level, UnitPage
from .services import create_unit, ensure_board

# Column name (folded) -> field; the demo's units.csv uses the English names.
COLUMNS = {
    "code": "code", "ma don vi": "code", "ma": "code",
    "parent_code": "parent_code", "ma don vi cap tren": "parent_code", "cap tren": "parent_code",
    "level": "level", "cap": "level",
    "name": "name", "ten don vi": "name", "ten": "name",
}
LEVELS = {
    "province": Level.PROVINCE, "tinh": Level.PROVINCE,
    "district": Level.DISTRICT, "huyen": Level.DISTRICT, "tren co so": Level.DISTRICT,
    "base": Level.BASE, "co so": Level.BASE,
    "cell": Level.CELL, "chi bo": Level.CELL,
}


@dataclass
class UnitImportResult:
    created: int
    existing: int


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        return []
    header = [COLUMNS.get(fold(h.strip()), "") for h in rows[0]]
    return [{k: v.strip() for k, v in zip(header, row, strict=False) if k} for row in rows[1:] if any(row)]


def import_units(path: Path) -> UnitImportResult:
    """Create every unit of `path` (rows in tree order: a parent before its children) with its board.

    Units whose code already exists are left as they are, so the same file can be imported again after
    adding rows. Raises ImportFailed listing every bad row; then nothing is created.
    """
    records = _read(path)
    errors: list[RowError] = []
    units = {u.code: u for u in UnitPage.objects.all()}
    created = existing = 0
    with transaction.atomic():
        for number, record in enumerate(records, start=2):
            code = record.get("code", "").lower()
            if not code or not record.get("name"):
                errors.append(RowError(number, "cần mã đơn vị và tên đơn vị"))
                continue
            if code in units:
                existing += 1
                continue
            level = LEVELS.get(fold(record.get("level", "")))
            parent_code = record.get("parent_code", "").lower()
            if level is None:
                errors.append(RowError(number, f"cấp “{record.get('level', '')}” không có "
                                               "(tỉnh, huyện, cơ sở, chi bộ)"))
                continue
            if parent_code and parent_code not in units:
                errors.append(RowError(number, f"đơn vị cấp trên “{parent_code}” chưa có (đặt nó ở dòng trước)"))
                continue
            try:
                units[code] = create_unit(code=code, name=record["name"], level=level,
                                          parent=units[parent_code] if parent_code else None)
            except ValidationError as exc:
                errors.append(RowError(number, "; ".join(exc.messages)))
                continue
            ensure_board(units[code])
            created += 1
        if errors:
            raise ImportFailed(errors)
        province = next((u for u in units.values() if u.level == Level.PROVINCE), None)
        if province is not None and created:
            # The reader and the admin's "view live" links start at the province.
            site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True,
                                                                              hostname="localhost", port=80)
            site.root_page, site.site_name = province, province.title
            site.save()
    return UnitImportResult(created=created, existing=existing)
