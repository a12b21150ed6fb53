"""Export stage: the live Wagtail pages of one layer as plain `Article`s (the only stage that touches Django)."""

from __future__ import annotations

from datetime import UTC, datetime

from layerformat.model import Article, LayerId


def _now() -> datetime:
    return datetime.now(UTC)


_FIELDS = ("id", "slug", "title", "body", "summary", "first_published_at", "last_published_at")


def _article(values: dict, *, kind: str, layer: LayerId, unit, meta: dict[str, str]) -> Article:
    """An Article from a page's fields (a page object's or a `.values()` row's, by the same names)."""
    first, last = values["first_published_at"], values["last_published_at"]
    published = first or last or _now()
    return Article(
        id=values["id"],
        slug=values["slug"],
        kind=kind,
        title=values["title"],
        body_html=str(values["body"] or ""),
        published_at=published,
        updated_at=last or published,
        layer=layer,
        unit_name=unit.title,
        unit_level=unit.level,
        summary=values["summary"] or "",
        meta=meta,
    )


def article_from_page(page, unit) -> Article:
    """One live ArticlePage (specific) under `unit` as an Article."""
    values = {name: getattr(page, name) for name in _FIELDS}
    layer = unit.layer(page.tier)
    return _article(values, kind=page.kind, layer=layer, unit=unit, meta=page.extra_meta())


def export_layer(layer: LayerId) -> list[Article]:
    """Every live page of the layer's unit and tier, newest first.

    Read as plain values, one query per page kind: a layer of 4,000 articles exports in a tenth of the time
    that building 4,000 page objects takes, and the same `Article`s come out (`article_from_page` is the
    one-page form, used by the preview)."""
    from cms.org.models import UnitPage
    from cms.publishing.models import ARTICLE_MODELS

    unit = UnitPage.objects.get(code_path="/".join(layer.unit_path))
    articles = []
    for model in ARTICLE_MODELS:
        lookups = model.meta_lookups
        rows = model.objects.child_of(unit).live().filter(tier=layer.tier).values(*_FIELDS, *lookups.values())
        for row in rows:
            meta = model.meta_from({name: row[lookup] for name, lookup in lookups.items()})
            articles.append(_article(row, kind=model.kind, layer=layer, unit=unit, meta=meta))
    return sorted(articles, key=lambda a: (a.published_at, a.id), reverse=True)


def all_layers() -> list[LayerId]:
    """Every (unit, tier) pair of the tree, including empty ones, so each member's chain is complete."""
    from cms.org.models import UnitPage

    paths = UnitPage.objects.order_by("path").values_list("code_path", flat=True)
    return [layer for path in paths for layer in LayerId.all_for_unit_path(path)]
