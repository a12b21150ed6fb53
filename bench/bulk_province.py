"""Load a generated province into the page tree fast, for benchmarks: bulk inserts instead of one save per page.

Only the province unit goes through the normal services (it gets its editorial board and workflow); the other
units and the articles are inserted as rows, with the same fields the export stage reads. Not for real data.
"""

from __future__ import annotations

import csv
import uuid
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import markdown
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from wagtail.models import Locale, Page

from cms.org.models import UnitPage
from cms.org.services import create_unit
from cms.publishing.demo import read_front_matter
from cms.publishing.models import KIND_MODELS

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
KIND_FIELDS = {
    "resolution": ("document_code", "issuing_body", "issue_date"),
    "study": ("study_deadline",),
    "meeting": ("meeting_date",),
    "news": (),
}


def _page(parent_path: str, index: int, depth: int, title: str, slug: str, content_type, locale, url_path: str,
          published: datetime | None = None) -> Page:
    return Page(
        path=Page._get_path(parent_path, depth, index), depth=depth, numchild=0, title=title, draft_title=title,
        slug=slug, content_type=content_type, live=True, has_unpublished_changes=False, url_path=url_path,
        locale=locale, translation_key=uuid.uuid4(), first_published_at=published, last_published_at=published,
    )


@transaction.atomic
def load_units(root: Path) -> dict[str, UnitPage]:
    rows = list(csv.DictReader((root / "units.csv").open(encoding="utf-8")))
    province_row = rows[0]
    province = create_unit(code=province_row["code"], name=province_row["name"], level="province", parent=None)
    locale = Locale.get_default()
    unit_type = ContentType.objects.get_for_model(UnitPage)
    info = {province.code: (province.path, province.depth, province.code_path, province.url_path)}
    children: dict[str, int] = {}
    pages, extra = [], []
    for row in rows[1:]:
        parent_path, depth, parent_code_path, parent_url = info[row["parent_code"]]
        children[row["parent_code"]] = children.get(row["parent_code"], 0) + 1
        code = row["code"]
        page = _page(parent_path, children[row["parent_code"]], depth + 1, row["name"], code, unit_type, locale,
                     f"{parent_url}{code}/")
        info[code] = (page.path, depth + 1, f"{parent_code_path}/{code}", page.url_path)
        pages.append(page)
        extra.append((code, row["level"], info[code][2]))
    Page.objects.bulk_create(pages, batch_size=1000)
    ids = dict(Page.objects.filter(depth__gt=province.depth).values_list("path", "id"))
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO org_unitpage (page_ptr_id, code, level, code_path) VALUES (%s, %s, %s, %s)",
            [(ids[page.path], *row) for page, row in zip(pages, extra, strict=True)],
        )
    _fix_numchild(children, info)
    return {u.code: u for u in UnitPage.objects.all()}


def _fix_numchild(children: dict[str, int], info: dict) -> None:
    for code, count in children.items():
        Page.objects.filter(path=info[code][0]).update(numchild=count)


@transaction.atomic
def load_articles(root: Path, units: dict[str, UnitPage], only: set[str] | None = None) -> int:
    """Insert every article of `root/articles/<unit>/` (or of the units in `only`) as a live page."""
    locale = Locale.get_default()
    types = {kind: ContentType.objects.get_for_model(model) for kind, model in KIND_MODELS.items()}
    count = 0
    for folder in sorted((root / "articles").iterdir()):
        if only is not None and folder.name not in only:
            continue
        unit = units[folder.name]
        pages, rows = [], []
        for index, path in enumerate(sorted(folder.glob("*.md")), start=unit.numchild + 1):
            meta, body = read_front_matter(path)
            published = datetime.strptime(meta["published"], "%Y-%m-%d %H:%M").replace(tzinfo=TZ)
            pages.append(_page(unit.path, index, unit.depth + 1, meta["title"], path.stem, types[meta["kind"]],
                               locale, f"{unit.url_path}{path.stem}/", published))
            rows.append((meta, markdown.markdown(body, extensions=["extra"])))
        Page.objects.bulk_create(pages, batch_size=1000)
        ids = dict(Page.objects.filter(path__in=[p.path for p in pages]).values_list("path", "id"))
        _insert_article_rows([(ids[p.path], meta, html) for p, (meta, html) in zip(pages, rows, strict=True)])
        Page.objects.filter(pk=unit.pk).update(numchild=unit.numchild + len(pages))
        count += len(pages)
    return count


def _insert_article_rows(rows: list[tuple[int, dict, str]]) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO publishing_articlepage (page_ptr_id, tier, summary, body) VALUES (%s, %s, %s, %s)",
            [(pk, meta.get("tier", "all"), meta.get("summary", ""), html) for pk, meta, html in rows],
        )
        for kind, fields in KIND_FIELDS.items():
            table = KIND_MODELS[kind]._meta.db_table
            selected = [(pk, meta) for pk, meta, _html in rows if meta["kind"] == kind]
            if not selected:
                continue
            columns = ", ".join(("articlepage_ptr_id", *fields))
            marks = ", ".join(["%s"] * (len(fields) + 1))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 - table and columns are ours
                [(pk, *(_value(f, meta.get(f)) for f in fields)) for pk, meta in selected],
            )


def _value(field: str, value: str | None):
    if value and field.endswith("date") or value and field == "study_deadline":
        return date.fromisoformat(value)
    return value or ("" if field in ("document_code", "issuing_body") else None)
