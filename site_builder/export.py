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


def export_layer(layer: LayerId) -> list[Article]:
    """Every live page of the layer's unit and tier, newest first."""
    from cms.org.models import UnitPage
    from cms.publishing.models import ArticlePage

    unit = UnitPage.objects.get(code_path="/".join(layer.unit_path))
    pages = (
        ArticlePage.objects.child_of(unit).live().filter(tier=layer.tier).specific().order_by("-first_published_at")
    )
    return [article_from_page(page, unit) for page in pages]


def all_layers() -> list[LayerId]:
    """Every (unit, tier) pair of the tree, including empty ones, so each member's chain is complete."""
    from cms.org.models import UnitPage

    return [
        LayerId(tuple(path.split("/")), tier)
        for path in UnitPage.objects.order_by("path").values_list("code_path", flat=True)
        for tier in ("all", "committee")
    ]
