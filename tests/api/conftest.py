"""API fixtures: a JSON client logged in as any member of the `tree`, a fresh search index, clean throttles."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def search_dir(settings, tmp_path):
    """Point the search index at an empty directory for this test."""
    from cms.api import search_index

    settings.SOTAY_VAR_DIR = tmp_path
    search_index.reset_cache()
    yield tmp_path / "search"
    search_index.reset_cache()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def as_member():
    """A fresh JSON client with a session for `username` (one client per member, as on separate phones)."""

    def _as(username: str) -> APIClient:
        client = APIClient()
        assert client.login(username=username, password=PASSWORD), f"login failed for {username}"
        return client

    return _as
