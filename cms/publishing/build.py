"""Glue between the page tree and the builder: build one layer, or all of them, from live pages."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings

from cms.publishing.events import layer_built
from cms.publishing.export import all_layers, export_layer
from layerformat.model import Article, LayerId

logger = logging.getLogger("sotay.publishing")


def _signing_key():
    from layerformat.signing import load_or_create_key

    return load_or_create_key(settings.SOTAY_SIGNING_KEY_FILE)


def build_one(layer_prefix: str, *, speech: bool | None = None, progress: Callable | None = None) -> dict:
    """Export, render, index, (speak), sign and publish one layer; returns the builder's statistics."""
    from cms.org.models import UnitPage
    from site_builder.pipeline import build_layer

    layer = LayerId.parse(layer_prefix)
    articles = export_layer(layer)
    unit_name = UnitPage.objects.filter(code_path="/".join(layer.unit_path)).values_list("title", flat=True).first()
    result = build_layer(
        layer,
        articles,
        site_dir=settings.SOTAY_SITE_DIR,
        work_dir=settings.SOTAY_BUILD_DIR,
        key=_signing_key(),
        expires_days=settings.SOTAY_MANIFEST_EXPIRES_DAYS,
        progress=progress,
        speech=settings.SOTAY_SPEECH if speech is None else speech,
        unit_name=unit_name,
        speech_cache=settings.SOTAY_VAR_DIR / "cache" / "audio",
    )
    after_layer_built(layer, articles)
    stats = result.as_dict()
    logger.info("built %s v%s: %s", layer.prefix, result.version, result.seconds)
    return stats


def after_layer_built(layer: LayerId, articles: list[Article]) -> None:
    """Tell the apps that follow builds (the API's search index) that `layer` now holds `articles`."""
    layer_built.send(sender=LayerId, layer=layer, articles=articles)


def layers_of_unit(code: str) -> list[LayerId]:
    from cms.org.models import UnitPage

    return UnitPage.objects.get(code=code).layers()


def target_layers(unit_code: str | None = None) -> list[LayerId]:
    return layers_of_unit(unit_code) if unit_code else all_layers()


def refresh_expiring(*, within_days: int = 10, compact: bool = True) -> list[str]:
    """Re-sign every layer whose manifest expires within `within_days` (readers refuse a frozen layer).

    Layers nobody edits still need a fresh signature before they expire; a layer with no live version yet is
    built. With `compact`, the search archive segment is compacted by a build instead of a plain re-sign.
    """
    from datetime import UTC, datetime, timedelta

    from site_builder.layout import read_live_manifest
    from site_builder.pipeline import refresh_layer

    refreshed = []
    limit = datetime.now(UTC) + timedelta(days=within_days)
    for layer in all_layers():
        manifest = read_live_manifest(settings.SOTAY_SITE_DIR, layer)
        if manifest is not None and datetime.fromisoformat(manifest["expires"]) > limit:
            continue
        if manifest is None or compact:
            build_one(layer.prefix)
        else:
            refresh_layer(layer, site_dir=settings.SOTAY_SITE_DIR, work_dir=settings.SOTAY_BUILD_DIR,
                          key=_signing_key(), expires_days=settings.SOTAY_MANIFEST_EXPIRES_DAYS)
        refreshed.append(layer.prefix)
    logger.info("refreshed %d layers expiring before %s", len(refreshed), limit.date())
    return refreshed
