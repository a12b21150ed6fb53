"""A plan's roll-up as `?format=csv` or `?format=xlsx`, through DRF's content negotiation."""

from __future__ import annotations

from cms.api.renderers import export_renderers

from .export import plan_csv, plan_xlsx

PlanCSVRenderer, PlanXLSXRenderer = export_renderers(
    "Plan", lambda data: f"ke-hoach-{data['plan']['id']}-{data['unit']['code']}", plan_csv, plan_xlsx
)
