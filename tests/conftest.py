"""Fixtures shared by every test package.

`tree` is a small province with two districts and a member of every role at several levels (see factories.py).
Tests marked `postgres` also run on a throwaway PostgreSQL cluster when `make test` starts one.
"""

from __future__ import annotations

import os

import pytest

from tests.factories import PASSWORD, make_tree


@pytest.fixture(autouse=True)
def _fresh_process_cache():
    """The process-local cache (`default`: unit chains, adoption's daily marks) starts empty in every test."""
    from django.core.cache import caches

    caches["default"].clear()


@pytest.fixture
def tree(db):
    return make_tree()


@pytest.fixture
def deputy(tree):
    """A phó bí thư, in chi bộ x2 (which has no secretary, so no board grows to two and starts asking for review);
    kept out of `tree` so the reports' member counts stay as they are."""
    from cms.org.services import create_member

    tree.members["pbt.x2"] = create_member(username="pbt.x2", full_name="Đảng viên pbt.x2", unit=tree["x2"],
                                           role="deputy", password=PASSWORD)
    return tree.members["pbt.x2"]


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def login(client):
    """Log `client` in as the given username (session cookie, as the reader does)."""

    def _login(username: str):
        assert client.login(username=username, password=PASSWORD), f"login failed for {username}"
        return client

    return _login


def pytest_report_header(config) -> str:
    engine = "PostgreSQL" if os.environ.get("SOTAY_DATABASE_URL", "").startswith("postgres") else "SQLite"
    return f"sotay database: {engine}"
