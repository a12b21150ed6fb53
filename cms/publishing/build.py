"""Glue between the page tree and the builder: build one layer, or all of them, from live pages.

The builder (site_builder) knows no store; this module owns the choice (`SOTAY_STORE`) and, when the store is
not the site directory the builder writes, hands the pipeline an upload stage as its last one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings

from cms.publishing.events import layer_built
from cms.publishing.export import all_layers, export_layer
from layerformat.model import Article, LayerId

logger = logging.getLogger("sotay.publishing")


def _signing_key():
    from cms.publishing.keys import signing_key

    return signing_key()  # the installation's key, or the build stops before it signs anything


_stores: dict[str, Any] = {}


def configured_store():
    """The store of `SOTAY_STORE`, made once per process (an S3 client is slow to make), or None when it is the
    site directory itself (the default: the builder's output is already where readers get it)."""
    import json

    from deploy.stores import LocalStore, get_store

    config = settings.SOTAY_STORE
    cache_key = json.dumps(config, sort_keys=True, default=str)
    if cache_key not in _stores:
        store = get_store(config)
        same_dir = isinstance(store, LocalStore) and \
            Path(store.root).resolve() == Path(settings.SOTAY_SITE_DIR).resolve()
        _stores[cache_key] = None if same_dir else store
    return _stores[cache_key]


def store_upload(key) -> Callable[[LayerId, Path], Any] | None:
    """The pipeline's upload stage for the configured store: new blobs, then the signed manifest (a failure
    leaves the store's previous version whole; a version not newer than the store's is refused)."""
    store = configured_store()
    if store is None:
        return None
    from deploy.publish import publish_layer

    public_key = key.public_key()

    def upload(layer: LayerId, live_dir: Path):
        return publish_layer(live_dir, store, public_key=public_key)

    return upload


def store_version(layer: LayerId) -> int:
    """The version the configured store serves for `layer` (0 without a separate store): a machine restored
    from a backup older than the bucket's newest publish builds above it instead of being refused."""
    store = configured_store()
    if store is None:
        return 0
    from deploy.publish import published_version
    from deploy.stores import StoreError

    try:
        return published_version(store, layer.prefix)
    except StoreError as error:
        # The layer is still built and live here; its upload fails in turn and is retried, and the retry reads
        # the store's version again.
        logger.warning("store version of %s unknown: %s", layer.prefix, error)
        return 0


def build_one(layer_prefix: str, *, speech: bool | None = None, progress: Callable | None = None,
              attempt: int = 1, text_first: bool = False) -> dict:
    """Export, speak, render, index, sign, publish and upload one layer; returns the builder's statistics.

    With `text_first`, articles whose audio is not synthesised yet go out without it (`audio_pending` in the
    statistics counts them; the queue then builds the layer again with their audio). Every build is recorded
    for the admin's status of a publish (`build_status`); a failure is recorded and raised as the builder's
    `BuildError` (export and database errors included)."""
    from .locks import layer_lock

    layer = LayerId.parse(layer_prefix)
    # Under the cluster-wide lock from the export to the upload: the next build of this layer, on whatever
    # worker, exports after this one and numbers its version above the one this one uploads.
    with layer_lock(layer):
        return _build_locked(layer, speech=speech, progress=progress, attempt=attempt, text_first=text_first)


def _build_locked(layer: LayerId, *, speech: bool | None, progress: Callable | None, attempt: int,
                  text_first: bool) -> dict:
    from cms.org.models import UnitPage
    from site_builder.errors import BuildError
    from site_builder.pipeline import build_layer

    from .build_status import record_failed, record_live, record_started

    started = record_started(layer=layer, attempt=attempt)
    try:
        articles = export_layer(layer)
        unit_name = UnitPage.objects.filter(code_path="/".join(layer.unit_path)).values_list(
            "title", flat=True).first()
        key = _signing_key()
        result = build_layer(
            layer,
            articles,
            site_dir=settings.SOTAY_SITE_DIR,
            work_dir=settings.SOTAY_BUILD_DIR,
            key=key,
            expires_days=settings.SOTAY_MANIFEST_EXPIRES_DAYS,
            progress=progress,
            speech=settings.SOTAY_SPEECH if speech is None else speech,
            unit_name=unit_name,
            speech_cache=settings.SOTAY_VAR_DIR / "cache" / "audio",
            upload=store_upload(key),
            version_floor=store_version(layer),
            text_first=text_first,
        )
    except BuildError as error:
        record_failed(layer=layer, started=started, stage=error.stage, error=str(error))
        raise
    except Exception as exc:
        logger.exception("building %s failed", layer.prefix)
        record_failed(layer=layer, started=started, stage="export", error=f"{type(exc).__name__}: {exc}")
        raise BuildError("export", f"{type(exc).__name__}: {exc}") from exc
    record_live(layer=layer, started=started, version=result.version)
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
    The re-signed version goes to the configured store like a build's.
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
            from .locks import layer_lock

            key = _signing_key()
            with layer_lock(layer):
                refresh_layer(layer, site_dir=settings.SOTAY_SITE_DIR, work_dir=settings.SOTAY_BUILD_DIR,
                              key=key, expires_days=settings.SOTAY_MANIFEST_EXPIRES_DAYS,
                              upload=store_upload(key), version_floor=store_version(layer))
        refreshed.append(layer.prefix)
    logger.info("refreshed %d layers expiring before %s", len(refreshed), limit.date())
    return refreshed
