"""Giao việc fixtures: a JSON client per member (one phone each), and helpers that act through the API."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import PASSWORD

FORM = [
    {"label": "Số hộ được vận động", "kind": "number"},
    {"label": "Số đảng viên tham gia", "kind": "number"},
    {"label": "Mức độ hoàn thành", "kind": "choice", "choices": ["Tốt", "Đạt", "Chưa đạt"]},
    {"label": "Khó khăn, kiến nghị", "kind": "text"},
    {"label": "Biên bản", "kind": "file"},
]


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
def assign(as_member):
    def _assign(username: str = "bt.x1", *, in_days: float = 5, **fields) -> dict:
        body = {"title": "Vận động hai hộ tham gia ngày Chủ nhật xanh", "client_id": str(uuid.uuid4()),
                "due_at": (timezone.now() + timedelta(days=in_days)).isoformat(), **fields}
        answer = as_member(username).post("/api/tasks", body, format="json")
        assert answer.status_code == 201, answer.json()
        return answer.json()

    return _assign


@pytest.fixture
def issue(as_member):
    def _issue(username: str = "bt.dt", *, in_days: float = 7, **fields) -> dict:
        body = {"title": "Kế hoạch ra quân Ngày Chủ nhật xanh", "code": "45-KH/HU", "client_id": str(uuid.uuid4()),
                "due_at": (timezone.now() + timedelta(days=in_days)).isoformat(), "form": FORM, **fields}
        answer = as_member(username).post("/api/plans", body, format="json")
        assert answer.status_code == 201, answer.json()
        return answer.json()

    return _issue


def progress(percent: int, text: str = "", *, client_id: str | None = None) -> dict:
    return {"client_id": client_id or str(uuid.uuid4()), "percent": percent, "text": text,
            "client_time": timezone.now().isoformat()}
