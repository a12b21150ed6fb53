"""One attempt per member per round under concurrent requests, on PostgreSQL (row locks and the unique key)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from cms.learning import services
from cms.learning.models import Attempt, AttemptAnswer, Question

from .conftest import right_choices

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
N = 50


def together(work, n: int = N) -> list:
    """Run `work()` in `n` threads released at the same instant, each on its own database connection."""
    barrier, results, errors = threading.Barrier(n), [], []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except Exception as exc:  # noqa: BLE001 — reported below, the test fails on it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_fifty_simultaneous_starts_and_submissions_of_one_member_count_once(tree, open_round):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    member = tree["dv.x1"]
    attempts = together(lambda: services.start_attempt(member=member, round_=open_round).pk)
    assert len(set(attempts)) == 1
    assert Attempt.objects.filter(round=open_round, member=member).count() == 1
    attempt = Attempt.objects.get(pk=attempts[0])
    questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.questions)}
    answers = [services.GivenAnswer(question=pk, choices=right_choices(q)) for pk, q in questions.items()]

    counted = together(lambda: services.submit_attempt(member=member, attempt=attempt, answers=answers).counted)
    assert counted.count(True) == 1 and counted.count(False) == N - 1
    attempt.refresh_from_db()
    assert attempt.score == len(questions) and attempt.submitted_at is not None
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == len(questions)
    assert Attempt.objects.filter(round=open_round, member=member, submitted_at__isnull=False).count() == 1
