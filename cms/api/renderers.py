"""Report exports: `?format=csv` and `?format=xlsx` pick these through DRF's content negotiation.

`export_renderers` makes the CSV and XLSX pair of any report (read rates here, the meetings roll-up, adoption):
the file is named from the report, and an error keeps its JSON body whatever export was asked for.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from rest_framework.renderers import BaseRenderer

from .reports import report_csv, report_xlsx

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportRenderer(BaseRenderer):
    """A report as a download: `export(data)` makes the file, `filename(data)` names it without its suffix."""

    export: Callable[[dict], bytes]
    filename: Callable[[dict], str]

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400:
            response["Content-Type"] = "application/json; charset=utf-8"
            return json.dumps(data, ensure_ascii=False).encode("utf-8")
        if response is not None:
            response["Content-Disposition"] = f'attachment; filename="{type(self).filename(data)}.{self.format}"'
        return type(self).export(data)


def export_renderers(
    name: str, filename: Callable[[dict], str], csv: Callable[[dict], bytes], xlsx: Callable[[dict], bytes]
) -> tuple[type[ExportRenderer], type[ExportRenderer]]:
    """The CSV and XLSX renderers of one report (`name` prefixes the class names)."""
    common = {"filename": staticmethod(filename)}
    csv_renderer = type(f"{name}CSVRenderer", (ExportRenderer,), {
        **common, "media_type": "text/csv", "format": "csv", "charset": "utf-8", "export": staticmethod(csv)})
    xlsx_renderer = type(f"{name}XLSXRenderer", (ExportRenderer,), {
        **common, "media_type": XLSX_MEDIA_TYPE, "format": "xlsx", "charset": None, "export": staticmethod(xlsx)})
    return csv_renderer, xlsx_renderer


CSVRenderer, XLSXRenderer = export_renderers(
    "Report", lambda data: f"bao-cao-doc-{(data.get('page') or {}).get('id', '')}", report_csv, report_xlsx
)
