"""Nguồn tin: RSS/Atom feeds an editor configures per unit; new items become drafts of the unit's news.

Every 30 minutes (a job on the queue, started from the worker's minute tick) each active source is fetched
with a time limit and a size limit and parsed with feedparser. An item is taken once: `FeedItem` is unique on
(source, guid or link) and is written in the same transaction as the draft. A feed that cannot be fetched or
parsed is recorded on its source (`last_error`, shown in the admin) and the others go on.
"""

from __future__ import annotations

import hashlib
import html
import logging
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.error import HTTPError, URLError

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from django_tasks import task

from layerformat.text import fold

from .models import FeedItem, FeedSource

logger = logging.getLogger("sotay.notices")

EVERY = timedelta(minutes=30)
TIMEOUT_S = 20
MAX_BYTES = 5 * 1024 * 1024
MAX_ITEMS = 50
USER_AGENT = "sotay-feeds/1 (+https://sotay.invalid)"


@dataclass
class FeedResult:
    source: int
    taken: list[int] = field(default_factory=list)  # page ids of new drafts
    skipped: int = 0
    error: str = ""


def _local_file_allowed(url: str) -> bool:
    """file:// only inside the content directory (the demo's feeds), never anywhere else on the server."""
    from pathlib import Path
    from urllib.parse import unquote, urlparse

    from django.conf import settings

    root = (Path(settings.BASE_DIR) / "content").resolve()
    path = Path(unquote(urlparse(url).path)).resolve()
    return path.is_relative_to(root)


def fetch(url: str) -> bytes:
    lowered = url.lower()
    if not lowered.startswith(("http://", "https://", "file://")) or (
            lowered.startswith("file://") and not _local_file_allowed(url)):
        raise ValueError("địa chỉ phải bắt đầu bằng http:// hoặc https://")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 - checked scheme above
        data = response.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError("nguồn tin quá lớn (trên 5 MB)")
    return data


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, HTTPError):
        return f"máy chủ nguồn tin trả lời lỗi {exc.code} ({exc.reason})"
    if isinstance(exc, URLError):
        return f"không tải được nguồn tin: {exc.reason}"
    if isinstance(exc, TimeoutError):
        return "nguồn tin không trả lời (quá thời gian chờ)"
    return f"không tải được nguồn tin: {exc}"


def _slug(title: str, guid: str) -> str:
    base = slugify(fold(title))[:60].strip("-") or "tin"
    return f"{base}-{hashlib.sha1(guid.encode(), usedforsecurity=False).hexdigest()[:8]}"


def _body(entry, source: FeedSource) -> tuple[str, str]:
    summary = " ".join(strip_tags(html.unescape(entry.get("summary", "") or "")).split())
    link = entry.get("link", "") or ""
    paragraphs = [f"<p>{html.escape(summary)}</p>"] if summary else []
    credit = html.escape(source.name)
    if link.startswith(("http://", "https://")):
        credit = f'<a href="{html.escape(link, quote=True)}">{credit}</a>'
    paragraphs.append(f"<p>Nguồn: {credit}</p>")
    return summary[:1000], "".join(paragraphs)


def import_source(source: FeedSource) -> FeedResult:
    """Take the source's new items into drafts under its unit; never raises for a bad feed."""
    import feedparser

    from cms.publishing.models import NewsPage

    result = FeedResult(source=source.pk)
    now = timezone.now()
    try:
        parsed = feedparser.parse(fetch(source.url))
        if parsed.bozo and not parsed.entries:
            raise ValueError(f"nội dung không phải RSS/Atom hợp lệ ({parsed.get('bozo_exception', '')})")
        if not parsed.entries and not parsed.feed:
            raise ValueError("nguồn tin không có tin nào")
    except Exception as exc:  # noqa: BLE001 - any failure of one feed is recorded, the others go on
        result.error = _error_text(exc) if not isinstance(exc, ValueError) else str(exc)
        FeedSource.objects.filter(pk=source.pk).update(last_checked_at=now, last_error=result.error[:2000])
        logger.warning("feed %s (%s): %s", source.pk, source.url, result.error)
        return result
    unit = source.unit.specific
    taken_guids = set(FeedItem.objects.filter(source=source).values_list("guid", flat=True))
    for entry in parsed.entries[:MAX_ITEMS]:
        guid = (entry.get("id") or entry.get("link") or "").strip()[:500]
        title = " ".join((entry.get("title") or "").split())[:250]
        if not guid or not title or guid in taken_guids:
            result.skipped += 1
            continue
        summary, body = _body(entry, source)
        try:
            with transaction.atomic():
                page = NewsPage(title=title, slug=_slug(title, guid), summary=summary, body=body, live=False)
                unit.add_child(instance=page)
                page.save_revision()
                FeedItem.objects.create(source=source, guid=guid, page=page)
        except IntegrityError:  # another worker took it at the same moment
            result.skipped += 1
            continue
        taken_guids.add(guid)
        result.taken.append(page.pk)
    FeedSource.objects.filter(pk=source.pk).update(
        last_checked_at=now, last_ok_at=now, last_error="", items_taken=source.items_taken + len(result.taken))
    logger.info("feed %s: %d new, %d skipped", source.pk, len(result.taken), result.skipped)
    return result


def due_sources(now=None):
    now = now or timezone.now()
    from django.db.models import Q

    return FeedSource.objects.filter(active=True).filter(
        Q(last_checked_at__isnull=True) | Q(last_checked_at__lte=now - EVERY + timedelta(seconds=30)))


def import_due_feeds() -> list[FeedResult]:
    return [import_source(source) for source in due_sources().select_related("unit")]


@task()
def import_feeds_task() -> dict:
    results = import_due_feeds()
    return {"sources": len(results), "taken": sum(len(r.taken) for r in results),
            "errors": sum(1 for r in results if r.error)}
