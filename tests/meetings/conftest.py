"""Meetings fixtures: a JSON client per member (one phone each) and helpers to schedule through the API."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
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


@pytest.fixture
def schedule(as_member):
    """Schedule a meeting through the API as `username`; returns the first meeting's JSON."""

    def _schedule(username: str = "bt.x1", *, in_hours: float = 48, **fields) -> dict:
        body = {"kind": "regular", "title": "Sinh hoạt chi bộ tháng", "place": "Nhà văn hóa xóm",
                "starts_at": (timezone.now() + timedelta(hours=in_hours)).isoformat(),
                "client_id": str(uuid.uuid4()), **fields}
        answer = as_member(username).post("/api/meetings", body, format="json")
        assert answer.status_code == 201, answer.json()
        return answer.json()[0]

    return _schedule


def mark(member_pk: int, value: str, *, minutes_ago: int = 0, client_id: str | None = None) -> dict:
    return {"client_id": client_id or str(uuid.uuid4()), "member": member_pk, "mark": value,
            "client_time": (timezone.now() - timedelta(minutes=minutes_ago)).isoformat()}
