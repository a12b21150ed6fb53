"""The layer's archive ("Lưu trữ"): every article by year and by column (chuyên mục), without searching.

The home page and feed.json hold the newest articles only, so that the first view stays small; these pages
are separate pages of the layer (signed and gated like the rest), opened only by a member who asks for them:

    luu-tru/                       years and columns, with how many articles each has
    luu-tru/<year>/                the year's articles by month, newest first
    luu-tru/chuyen-muc/<slug>/     the column's articles by year, newest first

A publish changes the archive home, one year page and at most one column page, so the render stage (which
re-renders only changed sources) redoes three small pages.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from layerformat.model import Article, LayerId
from site_builder import pages

ROOT = "luu-tru"
COLUMNS = "chuyen-muc"


def _up(uri: str) -> str:
    """From the page built from `uri` (directory URLs) back to the layer root."""
    depth = uri.removesuffix(".md").count("/") + 1
    return "../" * depth


def _item(article: Article, up: str) -> str:
    when = article.published_at.astimezone(pages.VIETNAM)
    column = f' · <span class="sotay-column">{escape(article.column)}</span>' if article.column else ""
    return (
        f'<li><a href="{up}{article.path}"><span class="sotay-title">{escape(article.title)}</span></a> '
        f'<span class="sotay-kind">{pages.KIND_LABELS[article.kind]}</span>{column} '
        f'<time datetime="{when.isoformat()}">{pages.vn_date(when)}</time></li>'
    )


def _page(layer: LayerId, title: str, uri: str, body: list[str]) -> str:
    up = _up(uri)
    crumbs = f'<p class="sotay-crumbs"><a href="{up}">Trang của lớp</a>'
    if uri != f"{ROOT}.md":
        crumbs += f' › <a href="{up}{ROOT}/">Lưu trữ</a>'
    crumbs += "</p>"
    html = "\n".join([f'<div class="sotay-archive" data-layer="{layer.prefix}">', crumbs, f"<h1>{escape(title)}</h1>",
                      *body, "</div>"])
    return pages._source({"title": title, "hide": ["navigation", "toc"]}, html)


def archive_sources(layer: LayerId, unit_name: str, articles: list[Article]) -> dict[str, str]:
    """{docs uri: page source} of every archive page of the layer (none for an empty layer)."""
    if not articles:
        return {}
    ordered = pages.newest_first(articles)
    by_year: dict[int, list[Article]] = defaultdict(list)
    by_column: dict[str, list[Article]] = defaultdict(list)
    names: dict[str, str] = {}
    for article in ordered:
        by_year[article.published_at.astimezone(pages.VIETNAM).year].append(article)
        if article.column_slug:
            by_column[article.column_slug].append(article)
            names[article.column_slug] = article.column
    out: dict[str, str] = {}
    home_uri = f"{ROOT}.md"
    years = "".join(f'<li><a href="{year}/">Năm {year}</a> <span class="sotay-count">({len(items)} bài)</span></li>'
                    for year, items in sorted(by_year.items(), reverse=True))
    columns = "".join(
        f'<li><a href="{COLUMNS}/{slug}/">{escape(names[slug])}</a> '
        f'<span class="sotay-count">({len(by_column[slug])} bài)</span></li>'
        for slug in sorted(by_column, key=lambda s: names[s])
    )
    body = [f'<h2>Theo năm</h2><ul class="sotay-years">{years}</ul>']
    if columns:
        body.append(f'<h2>Theo chuyên mục</h2><ul class="sotay-columns">{columns}</ul>')
    out[home_uri] = _page(layer, f"Lưu trữ · {unit_name}", home_uri, body)
    for year, items in by_year.items():
        uri = f"{ROOT}/{year}.md"
        up = _up(uri)
        months: dict[int, list[str]] = defaultdict(list)
        for article in items:
            months[article.published_at.astimezone(pages.VIETNAM).month].append(_item(article, up))
        body = [f'<h2>Tháng {month}</h2><ul class="sotay-list">{"".join(lines)}</ul>'
                for month, lines in sorted(months.items(), reverse=True)]
        out[uri] = _page(layer, f"Năm {year} · {unit_name}", uri, body)
    for slug, items in by_column.items():
        uri = f"{ROOT}/{COLUMNS}/{slug}.md"
        up = _up(uri)
        groups: dict[int, list[str]] = defaultdict(list)
        for article in items:
            groups[article.published_at.astimezone(pages.VIETNAM).year].append(_item(article, up))
        body = [f'<h2>Năm {year}</h2><ul class="sotay-list">{"".join(lines)}</ul>'
                for year, lines in sorted(groups.items(), reverse=True)]
        out[uri] = _page(layer, f"{names[slug]} · {unit_name}", uri, body)
    return out
