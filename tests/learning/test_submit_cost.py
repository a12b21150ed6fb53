"""What one submission costs the database in the last minute of a contest, and what the answer key kept in each
web process must never do: score against a key that a board has since corrected.

Before the submit path was made cheap a submission cost 9 statements (token, member, attempt, round again, every
question row, the row lock, the answers, the answers read back, the score) besides the transaction; the bounds
below keep it at 4: the token, the attempt read with the member, its round and their units, the update that
submits it once, and the answers in one statement.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cms.learning.models import Attempt, AttemptAnswer, Question, Round

from .conftest import right_choices

pytestmark = pytest.mark.django_db


@pytest.fixture
def whole_bank_round(tree, bank):
    """A round that asks every question of the bank, so every attempt needs the same key."""
    now = timezone.now()
    return Round.objects.create(unit=tree["dt"], title="Vòng chung kết", kind="contest",
                                opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=1),
                                question_count=len(bank), time_limit_s=900, attempts_allowed=1)


def phone(tree, username: str) -> APIClient:
    """A phone signed in with its token, after its first request of the day (which notes the day of use)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.create(user=tree[username].user).key)
    assert client.get("/api/learning/rounds").status_code == 200
    return client


def statements(context: CaptureQueriesContext) -> list[str]:
    """The SQL sent, without the savepoints that stand for BEGIN and COMMIT inside a test's transaction."""
    return [q["sql"] for q in context.captured_queries
            if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))]


def all_right(attempt: dict) -> list[dict]:
    questions = {q.pk: q for q in Question.objects.filter(pk__in=[q["id"] for q in attempt["questions"]])}
    return [{"question": pk, "choices": right_choices(q)} for pk, q in questions.items()]


def test_a_submission_costs_four_statements_and_reads_no_question(tree, whole_bank_round, bank):
    first, second = phone(tree, "dv.x1"), phone(tree, "dv2.x1")
    url = f"/api/learning/rounds/{whole_bank_round.pk}/attempt"
    mine, theirs = first.post(url).json(), second.post(url).json()
    assert first.post(f"/api/learning/attempts/{mine['id']}/submit", {"answers": all_right(mine)},
                      format="json").json()["counted"] is True  # this process now holds the round's key

    body = {"answers": all_right(theirs)}
    with CaptureQueriesContext(connection) as sent:
        answer = second.post(f"/api/learning/attempts/{theirs['id']}/submit", body, format="json")
    assert answer.status_code == 200 and answer.json()["counted"] is True
    sql = statements(sent)
    assert len(sql) <= 4, sql
    assert not any("learning_question" in q for q in sql), sql
    assert Attempt.objects.get(pk=theirs["id"]).score == len(bank)
    assert AttemptAnswer.objects.filter(attempt_id=theirs["id"]).count() == len(bank)

    # A phone retrying the same submission: found submitted, nothing written.
    with CaptureQueriesContext(connection) as sent:
        again = second.post(f"/api/learning/attempts/{theirs['id']}/submit", body, format="json")
    assert again.json()["counted"] is False
    assert len(statements(sent)) <= 3 and not any(q.startswith("INSERT") for q in statements(sent))


def test_a_partial_submission_counts_the_answers_saved_before(tree, whole_bank_round, bank):
    client = phone(tree, "dv.x1")
    attempt = client.post(f"/api/learning/rounds/{whole_bank_round.pk}/attempt").json()
    given = all_right(attempt)
    assert client.put(f"/api/learning/attempts/{attempt['id']}/answers", {"answers": given[:4]},
                      format="json").json()["saved"] == 4
    with CaptureQueriesContext(connection) as sent:
        client.post(f"/api/learning/attempts/{attempt['id']}/submit", {"answers": given[4:7]}, format="json")
    assert len(statements(sent)) <= 6, statements(sent)
    assert Attempt.objects.get(pk=attempt["id"]).score == 7


def test_a_corrected_key_is_used_by_the_next_submission(tree, whole_bank_round, bank):
    first, second = phone(tree, "dv.x1"), phone(tree, "dv2.x1")
    url = f"/api/learning/rounds/{whole_bank_round.pk}/attempt"
    mine, theirs = first.post(url).json(), second.post(url).json()
    first.post(f"/api/learning/attempts/{mine['id']}/submit", {"answers": all_right(mine)}, format="json")
    # The board finds the key of one question wrong and corrects it in the admin.
    question = bank[0]
    question.choices = [{**c, "correct": not c["correct"] if i < 2 else c["correct"]}
                        for i, c in enumerate(question.choices)]
    question.kind = "multiple"
    question.save()
    given = all_right(theirs)
    second.post(f"/api/learning/attempts/{theirs['id']}/submit", {"answers": given}, format="json")
    assert Attempt.objects.get(pk=theirs["id"]).score == len(bank)
    assert Attempt.objects.get(pk=mine["id"]).score == len(bank)  # scored before the change, kept


def test_a_body_of_the_wrong_shape_is_refused_in_vietnamese_and_counts_nothing(tree, open_round):
    client = phone(tree, "dv.x1")
    attempt = client.post(f"/api/learning/rounds/{open_round.pk}/attempt").json()
    url = f"/api/learning/attempts/{attempt['id']}/submit"
    for body, words in (({"answers": "tất cả"}, "danh sách"), ({"answers": [{"question": "a", "choices": [0]}]},
                        "mã câu hỏi"), ({"answers": [{"question": 5, "choices": [12]}]}, "từ 0 đến 9"),
                        ({"answers": [7]}, "mã câu hỏi"), ([1, 2], "đối tượng JSON")):
        answer = client.post(url, body, format="json")
        assert answer.status_code == 400 and words in answer.json()["detail"], (body, answer.json())
    refused = client.put(f"/api/learning/attempts/{attempt['id']}/answers", {}, format="json")
    assert refused.status_code == 400 and "Thiếu danh sách câu trả lời" in refused.json()["detail"]
    assert Attempt.objects.get(pk=attempt["id"]).submitted_at is None
