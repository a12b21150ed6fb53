"""Export stage: the live Wagtail pages of one layer as plain `Article`s (the only stage that touches Django)."""

from __future__ import annotations

from datetime import UTC, datetime

from site_builder.model import Article, LayerId


def _now() -> datetime:
    return datetime.now(UTC)


def article_from_page(page, unit) -> Article:
    """One live ArticlePage (specific) under `unit` as an Article."""
    return Article(
        id=page.pk,
        slug=page.slug,
        kind=page.kind,
        title=page.title,
        body_html=str(page.body or ""),
        published_at=page.first_published_at or page.last_published_at or _now(),
        updated_at=page.last_published_at or page.first_published_at or _now(),
        layer=LayerId(tuple(unit.code_path.split("/")), page.tier),
        unit_name=unit.title,
        unit_level=unit.level,
        summary=page.summary or "",
        meta=page.extra_meta(),
    )


_FIELDS = ("id", "slug", "title", "body", "summary", "first_published_at", "last_published_at")


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
            published = row["first_published_at"] or row["last_published_at"] or _now()
            articles.append(
                Article(
                    id=row["id"],
                    slug=row["slug"],
                    kind=model.kind,
                    title=row["title"],
                    body_html=str(row["body"] or ""),
                    published_at=published,
                    updated_at=row["last_published_at"] or published,
                    layer=layer,
                    unit_name=unit.title,
                    unit_level=unit.level,
                    summary=row["summary"] or "",
                    meta=model.meta_from({name: row[lookup] for name, lookup in lookups.items()}),
                )
            )
    return sorted(articles, key=lambda a: (a.published_at, a.id), reverse=True)


def all_layers() -> list[LayerId]:
    """Every (unit, tier) pair of the tree, including empty ones, so each member's chain is complete."""
    from cms.org.models import UnitPage

    return [
        LayerId(tuple(path.split("/")), tier)
        for path in UnitPage.objects.order_by("path").values_list("code_path", flat=True)
        for tier in ("all", "committee")
    ]
