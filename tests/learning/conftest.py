"""Learning fixtures: a JSON client per member and a bank of questions owned by the district."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from cms.learning.models import Question, Round
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


def make_bank(unit, n: int = 12) -> list[Question]:
    """`n` questions; question i has choice i % 3 right, every fourth allows several answers (0 and 2 right)."""
    questions = []
    for i in range(n):
        multiple = i % 4 == 3
        choices = [{"text": f"Phương án {k} của câu {i}", "correct": (k in (0, 2)) if multiple else k == i % 3}
                   for k in range(4)]
        questions.append(Question.objects.create(
            unit=unit, text=f"Câu hỏi số {i} về Nghị quyết 09-NQ/TU", kind="multiple" if multiple else "single",
            choices=choices, explanation=f"GIAITHICH{i}: theo Nghị quyết 09-NQ/TU", resolution="09-NQ/TU",
            topic="Xây dựng Đảng"))
    return questions


def right_choices(question: Question) -> list[int]:
    return sorted(question.correct)


@pytest.fixture
def bank(tree):
    return make_bank(tree["dt"])


@pytest.fixture
def open_round(tree, bank):
    now = timezone.now()
    return Round.objects.create(unit=tree["dt"], title="Thi tìm hiểu Nghị quyết 09-NQ/TU", kind="contest",
                                opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=2),
                                question_count=5, time_limit_s=600, attempts_allowed=1)
