"""The demo's học tập và thi: a bank of at least 60 questions on the demo's resolutions, an open quiz a member
can take, a closed contest with ranks, a draft
with opinions, essays, twenty Hỏi – Đáp entries found without tone marks."""

from __future__ import annotations

import pytest

from cms.learning.models import Attempt, Essay, PollResponse, QAEntry, Question, Round
from cms.learning.selectors import ranking

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_bank_an_open_quiz_a_closed_contest_and_qa():
    from cms.publishing.demo import load_province

    load_province()
    assert Question.objects.count() >= 60
    assert Question.objects.exclude(resolution="").values("resolution").distinct().count() >= 10
    quiz = Round.objects.get(kind="quiz")
    contest = Round.objects.get(kind="contest")
    assert quiz.is_open() and contest.is_closed()
    table = ranking(contest)
    assert len(table) > 100 and table[0]["rank"] == 1 and table[0]["score"] >= table[-1]["score"]
    assert Attempt.objects.filter(round=contest, answers__isnull=False).distinct().count() == len(table)
    assert QAEntry.objects.count() == 20
    assert PollResponse.objects.count() > 50 and PollResponse.objects.exclude(answers__2="").exists()
    assert Essay.objects.count() > 5 and Essay.objects.exclude(mark="").exists()
    load_province()  # loading again adds nothing
    assert Round.objects.count() == 2 and QAEntry.objects.count() == 20
