"""Property-based run of schemathesis over the API's own OpenAPI schema: no input makes the server fail (5xx)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from tests.factories import publish

pytestmark = pytest.mark.django_db
EXAMPLES = 12


def test_schema_and_docs_are_served(tree, api):
    schema = api.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/login", "/api/me", "/api/receipts", "/api/search", "/api/access"} <= set(paths)
    assert not any(p.startswith("/admin") for p in paths)
    docs = api.get("/api/docs/")
    assert docs.status_code == 200 and "Đăng nhập" in docs.content.decode()
    assert "cdn" not in docs.content.decode().lower()


@pytest.mark.slow
@pytest.mark.postgres  # also on PostgreSQL, which refuses what SQLite takes (NUL bytes, 64-bit ids)
def test_no_server_errors_for_any_generated_request(tree, api, password, search_dir):
    publish(tree["tn"], "Nghị quyết", kind="study")
    token = api.post("/api/login", {"username": "bt.x1", "password": password}, format="json").json()["token"]
    raw = api.get("/api/schema/?format=json").json()
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    headers = {"Authorization": f"Token {token}"}
    operations = sorted((op.ok() for op in schema.get_all_operations()), key=lambda o: o.path == "/api/logout")
    failures = []
    with keep_test_transaction_open():
        for operation in operations:
            run_operation(operation, headers, failures)
    assert failures == []


@contextmanager
def keep_test_transaction_open():
    """Calling the WSGI app directly would close the database connection after each request (Django's
    request_finished handler), ending the test's transaction; the test client avoids that the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def run_operation(operation, headers: dict, failures: list) -> None:

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def check(case):
        response = case.call(headers=headers)
        if response.status_code >= 500:
            failures.append((case.method, case.formatted_path, case.query, case.body, response.status_code))

    check()
