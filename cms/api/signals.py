"""The API follows publishing through its signals (publishing may not import the API)."""

from __future__ import annotations

from typing import Any


def update_search_index(sender: Any, *, layer, articles, **kwargs: Any) -> None:
    """Keep the search index in step with the layer just built (`cms.publishing.events.layer_built`)."""
    from cms.api.search_index import update_layer  # Whoosh is loaded by the first build, not at start-up

    update_layer(layer, articles)


def ensure_receipt_months(sender: Any, **kwargs: Any) -> None:
    """On the worker's minute tick: the coming months' receipt partitions exist before phones write to them."""
    from cms.api.partitions import ensure_months

    ensure_months()
