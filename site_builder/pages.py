"""What a layer says about its articles: page HTML, the layer home page, and feed.json entries.

Kept apart from the mkdocs plumbing in render.py so the content can change without touching the theme
stage, and so the theme stage can be swapped (mkdocs 1.x is unmaintained) without rewriting the content.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta, timezone
from html import escape, unescape
from typing import Any

from layerformat.model import COMMITTEE, Article, LayerId
from layerformat.text import shorten

# Vietnam has had no daylight saving since 1975: a fixed offset avoids depending on tzdata.
VIETNAM = timezone(timedelta(hours=7))
HOME_ARTICLES = 30
# feed.json holds the layer's newest articles only: the reader's home shows the newest 60 of a member's whole
# chain, so 60 per layer is always enough, and the first view stays the same size however large the layer.
FEED_ARTICLES = 60
SOURCE_HEADER = "<!--sotay "

KIND_LABELS = {
    "news": "Tin tức",
    "resolution": "Nghị quyết, văn bản",
    "study": "Tài liệu học tập",
    "meeting": "Tài liệu sinh hoạt chi bộ",
}
LEVEL_LABELS = {"province": "Cấp tỉnh", "district": "Cấp huyện", "base": "Cấp cơ sở", "cell": "Chi bộ"}
META_LABELS = {
    "document_code": "Số, ký hiệu",
    "issuing_body": "Cơ quan ban hành",
    "issue_date": "Ngày ban hành",
    "study_deadline": "Hạn học tập",
    "meeting_date": "Ngày sinh hoạt",
}


def newest_first(articles: Iterable[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: (a.published_at, a.id), reverse=True)


def vn_date(value: datetime | str) -> str:
    """26/01/2022, the way Vietnamese documents write dates; ISO strings that don't parse are shown as is."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.astimezone(VIETNAM).date()
    return value.strftime("%d/%m/%Y")


_SKIPPED = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>?")
_SPACE = re.compile(r"\s+")


def summary_of(article: Article) -> str:
    """The editor's summary, else the opening words of the body.

    Computed for the newest articles on every build (those feed.json lists), so it reads only the opening
    of the body with two regular expressions instead of parsing whole documents."""
    if article.summary.strip():
        return article.summary.strip()
    opening = _TAG.sub(" ", _SKIPPED.sub(" ", article.body_html[:2000]))
    return shorten(_SPACE.sub(" ", unescape(opening)).strip(), 240)


def _source(meta: dict[str, Any], html: str) -> str:
    """A page source: a one-line JSON header the render plugin reads, then the finished HTML.

    The HTML never goes through Markdown: it is trusted output of the CMS and Markdown would only
    risk mangling it (and cost time on long documents).
    """
    header = json.dumps(meta, ensure_ascii=False, sort_keys=True).replace(">", "\\u003e")
    return f"{SOURCE_HEADER}{header}-->\n{html}"


def parse_source(text: str) -> tuple[dict[str, Any], str] | None:
    if not text.startswith(SOURCE_HEADER):
        return None
    header, _, html = text[len(SOURCE_HEADER) :].partition("-->\n")
    return json.loads(header), html


def _meta_rows(meta: Mapping[str, str]) -> str:
    rows = []
    for key, label in META_LABELS.items():
        value = meta.get(key)
        if value:
            shown = vn_date(value) if key.endswith("_date") or key.endswith("_deadline") else value
            rows.append(f"<dt>{label}</dt><dd>{escape(shown)}</dd>")
    return f'<dl class="sotay-meta">{"".join(rows)}</dl>' if rows else ""


# The player's and the receipts' controls are in the page itself, drawn with the first paint: scripts only
# wire them (sotay.js, receipts.js), so nothing below them moves when the scripts arrive (layout shift).
PLAYER_BUTTONS = (
    '<button type="button" class="sotay-btn" data-sotay-audio="play">▶ Nghe đọc</button>'
    '<button type="button" class="sotay-btn" data-sotay-audio="back">⟲ Lùi 10 giây</button>'
    '<button type="button" class="sotay-btn" data-sotay-audio="speed">Tốc độ 1×</button>'
)
ACTIONS = (
    '<div class="sotay-actions" role="group" aria-label="Đánh dấu bài viết">'
    '<button type="button" class="sotay-btn" data-sotay-mark="read" aria-pressed="false">Đánh dấu đã đọc</button>'
    '<button type="button" class="sotay-btn" data-sotay-mark="saved" aria-pressed="false">Xem sau</button>'
    '</div><p class="sotay-status" role="status" aria-live="polite"></p>'
)


def article_source(article: Article, audio: str | None = None) -> str:
    """Source of `a/<id>/index.md`: header with the page title, then the article HTML."""
    published = article.published_at.astimezone(VIETNAM)
    updated = article.updated_at.astimezone(VIETNAM)
    dateline = f'Đăng ngày <time datetime="{published.isoformat()}">{vn_date(published)}</time>'
    if updated.date() > published.date():
        dateline += f' · cập nhật <time datetime="{updated.isoformat()}">{vn_date(updated)}</time>'
    level = LEVEL_LABELS.get(article.unit_level, article.unit_level)
    parts = [
        f'<div class="sotay-article" data-page-id="{article.id}" data-kind="{escape(article.kind)}">',
        # The reader's one home, not the layer's own index page.
        '<a class="sotay-back" href="/">← Trang chủ sổ tay</a>',
        f'<p class="sotay-kicker"><span class="sotay-kind">{KIND_LABELS[article.kind]}</span> · '
        f'<span class="sotay-unit">{escape(article.unit_name)}</span> '
        f'<span class="sotay-level">({escape(level)})</span></p>',
        f"<h1>{escape(article.title)}</h1>",
        f'<p class="sotay-dateline">{dateline}</p>',
        _meta_rows(article.meta),
    ]
    if article.column:
        parts.append(f'<p class="sotay-column">Chuyên mục: <a href="../../luu-tru/chuyen-muc/'
                     f'{escape(article.column_slug)}/">{escape(article.column)}</a></p>')
    if article.attachments:
        parts.append(attachments_html(article))
    if audio:
        # Relative to the page (a/<id>/) so the layer works under any URL prefix.
        src = f"../../{escape(audio)}"
        parts.append(f'<div class="sotay-audio" data-src="{src}" data-page-id="{article.id}">'
                     f'<audio preload="none" src="{src}"></audio>{PLAYER_BUTTONS}</div>')
    parts += [ACTIONS, '<div class="sotay-body">', article.body_html, "</div>", "</div>"]
    meta = {"title": article.title, "sotay_page_id": article.id, "hide": ["navigation", "toc"]}
    return _source(meta, "\n".join(parts))


FILE_KINDS = {".pdf": "PDF", ".docx": "DOCX", ".doc": "DOC", ".odt": "ODT", ".xlsx": "XLSX", ".xls": "XLS"}


def file_size(length: int) -> str:
    """120 kB, 1,4 MB: sizes the way a Vietnamese reader writes them (decimal comma)."""
    if length < 1000 * 1000:
        return f"{max(1, round(length / 1000))} kB"
    return f"{length / 1e6:.1f} MB".replace(".", ",")


def attachments_html(article: Article) -> str:
    """Download links of the article's files (inside the signed layer, so they open offline once kept)."""
    items = []
    for item in article.attachments:
        ext = "." + item.href.rsplit(".", 1)[-1].lower() if "." in item.href else ""
        kind = FILE_KINDS.get(ext, ext.lstrip(".").upper())
        items.append(
            f'<li><a class="sotay-file" href="{escape(item.href)}" download data-length="{item.length}">'
            f'<span class="sotay-file-title">{escape(item.title)}</span> '
            f'<span class="sotay-file-size">({kind}, {file_size(item.length)})</span></a></li>'
        )
    return f'<div class="sotay-files"><h2>Tệp đính kèm</h2><ul>{"".join(items)}</ul></div>'


def home_source(layer: LayerId, unit_name: str, articles: list[Article]) -> str:
    """The layer's own home page: its newest articles only, so its size does not grow with the layer."""
    items = [
        f'<li><a href="{a.path}"><span class="sotay-kind">{KIND_LABELS[a.kind]}</span> '
        f'<span class="sotay-title">{escape(a.title)}</span></a> '
        f'<time datetime="{a.published_at.astimezone(VIETNAM).isoformat()}">{vn_date(a.published_at)}</time></li>'
        for a in newest_first(articles)[:HOME_ARTICLES]
    ]
    tier = "Dành cho cấp ủy" if layer.tier == COMMITTEE else "Dành cho đảng viên"
    body = [
        f'<div class="sotay-home" data-layer="{layer.prefix}">',
        f"<h1>{escape(unit_name)}</h1>",
        f'<p class="sotay-tier">{tier}</p>',
        f'<ul class="sotay-list">{"".join(items)}</ul>' if items else '<p class="sotay-empty">Chưa có bài viết.</p>',
        '<p class="sotay-archive-link"><a href="luu-tru/">Bài cũ hơn: xem theo năm, theo chuyên mục</a></p>'
        if len(articles) > 0 else "",
        "</div>",
    ]
    return _source({"title": unit_name, "hide": ["toc"]}, "\n".join(body))


def feed_entry(article: Article, audio: str | None = None, summary: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "kind": article.kind,
        "url": article.path,
        "published": article.published_at.isoformat(),
        "updated": article.updated_at.isoformat(),
        "summary": summary if summary is not None else summary_of(article),
        "unit": article.unit_name,
        "level": article.unit_level,
        "meta": dict(sorted(article.meta.items())),
    }
    if audio:
        entry["audio"] = audio
    return entry


def feed_bytes(articles: list[Article], audio: Mapping[int, str], summaries: Mapping[int, str] | None = None) -> bytes:
    """feed.json: the layer's newest articles (`FEED_ARTICLES`), newest first; the reader shell merges these
    across a member's layers. Older articles are found through search and the unread list."""
    summaries = summaries or {}
    entries = [feed_entry(a, audio.get(a.id), summaries.get(a.id)) for a in newest_first(articles)[:FEED_ARTICLES]]
    return json.dumps(entries, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
