"""Load a province from `content/<name>/` (units, accounts, members, articles); running it again changes nothing."""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import markdown
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.models import Site

from cms.org.models import Member, UnitPage
from cms.org.services import create_member, create_unit

from . import demo_media
from . import signals as publishing_signals
from .events import demo_loaded
from .models import KIND_MODELS, ArticlePage

logger = logging.getLogger("sotay.publishing")
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class LoadStats:
    units: int = 0
    accounts: int = 0
    members: int = 0
    articles: int = 0


def read_front_matter(path: Path) -> tuple[dict[str, str], str]:
    """`---`-delimited `key: value` lines, then the Markdown body."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    if text.startswith("---"):
        head, _sep, body = text[3:].partition("\n---")
        for line in head.strip().splitlines():
            key, _colon, value = line.partition(":")
            if key.strip():
                meta[key.strip()] = value.strip().strip('"')
        text = body.lstrip("-").lstrip("\n")
    return meta, text


@contextmanager
def builds_suspended() -> Iterator[None]:
    """Publishing many pages at once: don't queue a build per page, the caller builds once at the end."""
    previous = publishing_signals.SUSPENDED
    publishing_signals.SUSPENDED = True
    try:
        yield
    finally:
        publishing_signals.SUSPENDED = previous


def load_units(root: Path, stats: LoadStats) -> dict[str, UnitPage]:
    units = {u.code: u for u in UnitPage.objects.all()}
    with (root / "units.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["code"].strip()
            if code in units:
                continue
            parent = units[row["parent_code"].strip()] if row["parent_code"].strip() else None
            units[code] = create_unit(code=code, name=row["name"].strip(), level=row["level"].strip(), parent=parent)
            stats.units += 1
    province = next((u for u in units.values() if u.level == "province"), None)
    if province is not None:
        Site.objects.update_or_create(is_default_site=True, defaults={"root_page": province, "hostname": "localhost",
                                                                      "site_name": province.title})
    return units


def load_accounts(root: Path, units: dict[str, UnitPage], stats: LoadStats) -> None:
    user_model = get_user_model()
    with (root / "accounts.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            username = row["username"].strip()
            if user_model.objects.filter(username=username).exists():
                continue
            member = create_member(
                username=username,
                full_name=row.get("full_name", "").strip() or username,
                unit=units[row["unit_code"].strip()],
                role=row.get("role", "member").strip() or "member",
                password=row["password"].strip(),
                editor=row.get("editor", "0").strip() == "1",
            )
            if username == "admin":
                member.user.is_superuser = member.user.is_staff = True
                member.user.save()
            stats.accounts += 1


def load_members(root: Path, stats: LoadStats) -> None:
    """The member registry's export, synced by card number: a second load finds nothing to change."""
    from cms.org.importing import apply_plan, preview, read_path

    path = root / "members.csv"
    if not path.exists():
        return
    plan = preview(read_path(path))
    if plan.has_changes:
        stats.members += apply_plan(plan).created


def load_articles(root: Path, units: dict[str, UnitPage], stats: LoadStats, progress: Callable | None) -> None:
    files = sorted((root / "articles").glob("*/*.md"))
    province = next((u for u in units.values() if u.level == "province"), None)
    columns = demo_media.ensure_columns(province) if province is not None else {}
    for done, path in enumerate(files, start=1):
        unit = units[path.parent.name]
        slug = path.stem
        if not ArticlePage.objects.child_of(unit).filter(slug=slug).exists():
            meta, body = read_front_matter(path)
            publish_article(unit, slug, meta, body, columns=columns)
            stats.articles += 1
        if progress:
            progress(done, len(files))


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def publish_article(unit: UnitPage, slug: str, meta: dict[str, str], body_md: str, *,
                    columns: dict | None = None) -> ArticlePage:
    """Publish one demo article. With `columns` (slug → Column) it gets a column, a photo when its front matter
    has `image: <caption>` (drawn at load time), and a resolution its full text as a PDF."""
    model = KIND_MODELS[meta.get("kind", "news")]
    body = markdown.markdown(body_md, extensions=["extra"])
    if columns is not None and meta.get("image"):
        photo = demo_media.make_image(meta["image"])
        first_end = body.find("</p>") + len("</p>") if "</p>" in body else 0
        body = body[:first_end] + demo_media.image_embed(photo, meta["image"]) + body[first_end:]
    page = model(title=meta["title"], slug=slug, summary=meta.get("summary", ""), tier=meta.get("tier", "all"),
                 body=body)
    if columns:
        page.column = columns.get(demo_media.column_slug_for(model.kind, meta["title"], meta.get("column", "")))
    if columns is not None and model.kind == "resolution":
        pdf = demo_media.resolution_pdf(meta["title"], meta.get("document_code", ""), meta.get("issuing_body", ""),
                                        body_md)
        page.document = demo_media.make_document(f"Toàn văn {meta['title']}", f"{slug}.pdf", pdf)
    for field in ("document_code", "issuing_body"):
        if field in meta and hasattr(page, field):
            setattr(page, field, meta[field])
    for field in ("issue_date", "study_deadline", "meeting_date"):
        if field in meta and hasattr(page, field):
            setattr(page, field, _date(meta[field]))
    unit.add_child(instance=page)
    page.save_revision().publish()
    published = datetime.strptime(meta["published"], "%Y-%m-%d %H:%M").replace(tzinfo=TZ)
    ArticlePage.objects.filter(pk=page.pk).update(first_published_at=published, last_published_at=published)
    return page


def load_province(root: Path | None = None, progress: Callable | None = None) -> LoadStats:
    root = root or Path(settings.BASE_DIR) / "content" / "demo"
    stats = LoadStats()
    with builds_suspended(), transaction.atomic():
        units = load_units(root, stats)
        load_accounts(root, units, stats)
        load_members(root, stats)
        load_articles(root, units, stats, progress)
        demo_loaded.send(sender=load_province, root=root, units=units)
    logger.info("loaded %s: %s; %d members in all", root, stats, Member.objects.count())
    return stats
