"""Roll-up exports: `?format=csv` and `?format=xlsx` through DRF's content negotiation."""

from __future__ import annotations

from cms.api.renderers import export_renderers

from .rollup import rollup_csv, rollup_xlsx

RollupCSVRenderer, RollupXLSXRenderer = export_renderers(
    "Rollup", lambda data: f"sinh-hoat-{data['unit']['code']}-{data['month']}", rollup_csv, rollup_xlsx
)
