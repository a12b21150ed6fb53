"""Roll-up exports: `?format=csv` and `?format=xlsx` through DRF's content negotiation."""

from __future__ import annotations

import json

from rest_framework.renderers import BaseRenderer

from .rollup import rollup_csv, rollup_xlsx


class _RollupRenderer(BaseRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400:
            response["Content-Type"] = "application/json; charset=utf-8"
            return json.dumps(data, ensure_ascii=False).encode("utf-8")
        if response is not None:
            name = f"sinh-hoat-{data['unit']['code']}-{data['month']}.{self.format}"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        return self.export(data)


class RollupCSVRenderer(_RollupRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def export(self, data: dict) -> bytes:
        return rollup_csv(data)


class RollupXLSXRenderer(_RollupRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None

    def export(self, data: dict) -> bytes:
        return rollup_xlsx(data)
