"""Exports of who has seen a notice: `?format=csv` and `?format=xlsx` through DRF's content negotiation."""

from __future__ import annotations

from cms.api.renderers import export_renderers

from .rollup import rollup_csv, rollup_xlsx

SeenCSVRenderer, SeenXLSXRenderer = export_renderers(
    "NoticeSeen", lambda data: f"da-xem-thong-bao-{data['notice']['id']}-{data['unit']['code']}", rollup_csv,
    rollup_xlsx,
)
