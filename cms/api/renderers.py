"""Report exports: `?format=csv` and `?format=xlsx` pick these through DRF's content negotiation."""

from __future__ import annotations

from rest_framework.renderers import BaseRenderer

from .reports import report_csv, report_xlsx


class _ReportRenderer(BaseRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400:
            # Errors keep their JSON body whatever export was asked for.
            import json

            response["Content-Type"] = "application/json; charset=utf-8"
            return json.dumps(data, ensure_ascii=False).encode("utf-8")
        if response is not None:
            page_id = (data.get("page") or {}).get("id", "")
            response["Content-Disposition"] = f'attachment; filename="bao-cao-doc-{page_id}.{self.format}"'
        return self.export(data)

    def export(self, data: dict) -> bytes:
        raise NotImplementedError


class CSVRenderer(_ReportRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def export(self, data: dict) -> bytes:
        return report_csv(data)


class XLSXRenderer(_ReportRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None

    def export(self, data: dict) -> bytes:
        return report_xlsx(data)
