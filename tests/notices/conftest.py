"""Notices fixtures: a JSON client per member (one phone each)."""

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
def as_member():
    def _as(username: str) -> APIClient:
        client = APIClient()
        assert client.login(username=username, password=PASSWORD), f"login failed for {username}"
        return client

    return _as
