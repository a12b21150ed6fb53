"""`/api/docs/`: the OpenAPI schema as one self-contained HTML page (no CDN, works offline)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


def _operations(schema: dict) -> list[dict]:
    components = schema.get("components", {}).get("schemas", {})
    operations = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            operations.append({
                "method": method.upper(),
                "path": path,
                "summary": op.get("summary", ""),
                "description": op.get("description", ""),
                "parameters": op.get("parameters", []),
                "body": _resolve(body, components),
                "responses": sorted(op.get("responses", {}).keys()),
            })
    return operations


def _resolve(schema: dict | None, components: dict) -> str:
    if not schema:
        return ""
    schema = _deref(schema, components)
    properties = {name: _deref(value, components) for name, value in schema.get("properties", {}).items()}
    return json.dumps(properties or schema, ensure_ascii=False, indent=2)


def _deref(schema: dict, components: dict) -> dict:
    ref = schema.get("$ref") or next((s.get("$ref") for s in schema.get("allOf", []) if "$ref" in s), "")
    if not ref:
        return schema
    target = components.get(ref.rsplit("/", 1)[-1], {})
    return {k: v for k, v in target.items() if k != "description"}


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    schema = SchemaGenerator(urlconf="cms.schema_urls").get_schema(request=None, public=True)
    return TemplateResponse(request, "api/docs.html", {
        "info": schema.get("info", {}),
        "operations": _operations(schema),
    })
