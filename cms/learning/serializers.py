"""Shapes of the learning API. Before a round closes nothing here carries a key: a question is its text and its
choices' texts, nothing more (`QuestionOut`); `QuestionResult` with the key and the explanation is used only by
the results of a closed round."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from cms.api.services import ServiceError

from .models import Attempt, AttemptAnswer, Question, Round
from .services import GivenAnswer


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class RoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    description = serializers.CharField()
    unit = UnitRefSerializer()
    tier = serializers.CharField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    state = serializers.ChoiceField(choices=["upcoming", "open", "closed"])
    question_count = serializers.IntegerField()
    time_limit_s = serializers.IntegerField()
    attempts_allowed = serializers.IntegerField()
    attempts_used = serializers.IntegerField()
    attempt_in_progress = serializers.IntegerField(allow_null=True)


def round_data(round_: Round, attempts: list[Attempt]) -> dict:
    now = timezone.now()
    state = "upcoming" if now < round_.opens_at else "closed" if round_.is_closed(now) else "open"
    in_progress = next((a.pk for a in attempts if a.submitted_at is None and a.deadline > now), None)
    return {
        "id": round_.pk, "title": round_.title, "kind": round_.kind, "description": round_.description,
        "unit": {"code": round_.unit.code, "name": round_.unit.title}, "tier": round_.tier,
        "opens_at": round_.opens_at, "closes_at": round_.closes_at, "state": state,
        "question_count": round_.question_count, "time_limit_s": round_.time_limit_s,
        "attempts_allowed": round_.attempts_allowed, "attempts_used": len(attempts),
        "attempt_in_progress": in_progress,
    }


class ChoiceOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class QuestionOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    kind = serializers.CharField()
    choices = ChoiceOutSerializer(many=True)


def question_out(question: Question) -> dict:
    """What a phone sees of a question while the round is open: no key, no explanation."""
    return {"id": question.pk, "text": question.text, "kind": question.kind,
            "choices": [{"id": i, "text": c["text"]} for i, c in enumerate(question.choices)]}


class AttemptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField()
    number = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField()
    remaining_s = serializers.IntegerField()
    submitted = serializers.BooleanField()
    questions = QuestionOutSerializer(many=True)
    answers = serializers.DictField(child=serializers.ListField(child=serializers.IntegerField()))


def attempt_data(attempt: Attempt) -> dict:
    questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.questions)}
    answers = {str(a.question_id): a.choices for a in AttemptAnswer.objects.filter(attempt=attempt)}
    remaining = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    return {
        "id": attempt.pk, "round": attempt.round_id, "number": attempt.number, "started_at": attempt.started_at,
        "deadline": attempt.deadline, "remaining_s": 0 if attempt.submitted_at else remaining,
        "submitted": attempt.submitted_at is not None,
        "questions": [question_out(questions[pk]) for pk in attempt.questions if pk in questions],
        "answers": answers,
    }


class GivenAnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    choices = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=9), max_length=10)


class AnswersInSerializer(serializers.Serializer):
    answers = GivenAnswerSerializer(many=True, max_length=200)


class SubmitInSerializer(serializers.Serializer):
    answers = GivenAnswerSerializer(many=True, max_length=200, required=False)


MAX_ANSWERS = 200
MAX_ID = 2**31 - 1


def given_answers(data: object, *, required: bool = False) -> list[GivenAnswer]:
    """The `answers` of a save or a submission, read by hand: DRF's nested fields cost more than the whole rest of
    a submission in the last minute of a contest. The shape is the one `AnswersInSerializer` documents; anything
    else is refused with a Vietnamese message that says what is wrong. Without `answers` a submission has none
    and a save (`required`) is refused."""
    items = data.get("answers") if isinstance(data, dict) else None
    if items is None:
        if required:
            raise ServiceError(_('Thiếu danh sách câu trả lời: gửi {"answers": [{"question": 12, "choices": [1]}]}.'))
        if data and not isinstance(data, dict):
            raise ServiceError(_("Dữ liệu gửi lên phải là một đối tượng JSON có danh sách answers."))
        return []
    if not isinstance(items, list):
        raise ServiceError(_("answers phải là một danh sách các câu trả lời."))
    if len(items) > MAX_ANSWERS:
        raise ServiceError(_("Gửi quá nhiều câu trả lời một lần (tối đa %(n)s).") % {"n": MAX_ANSWERS})
    given = []
    for item in items:
        question = item.get("question") if isinstance(item, dict) else None
        choices = item.get("choices") if isinstance(item, dict) else None
        if type(question) is not int or not 1 <= question <= MAX_ID:
            raise ServiceError(_('Mỗi câu trả lời cần mã câu hỏi (question) là một số nguyên dương, '
                                 'ví dụ {"question": 12, "choices": [1]}.'))
        if not isinstance(choices, list) or len(choices) > 10 \
                or any(type(c) is not int or not 0 <= c <= 9 for c in choices):
            raise ServiceError(_("Phương án chọn (choices) phải là danh sách số thứ tự phương án, từ 0 đến 9."))
        given.append(GivenAnswer(question=question, choices=choices))
    return given


class SavedSerializer(serializers.Serializer):
    saved = serializers.IntegerField()
    remaining_s = serializers.IntegerField()


class SubmittedSerializer(serializers.Serializer):
    submitted = serializers.BooleanField()
    counted = serializers.BooleanField()
    results_at = serializers.DateTimeField()


class ChoiceResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    correct = serializers.BooleanField()


class QuestionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    kind = serializers.CharField()
    choices = ChoiceResultSerializer(many=True)
    explanation = serializers.CharField()
    given = serializers.ListField(child=serializers.IntegerField())
    right = serializers.BooleanField()


class ResultsSerializer(serializers.Serializer):
    round = RoundSerializer()
    score = serializers.IntegerField(allow_null=True)
    max_score = serializers.IntegerField()
    rank = serializers.IntegerField(allow_null=True)
    participants = serializers.IntegerField()
    questions = QuestionResultSerializer(many=True)
    leaders = serializers.ListField(child=serializers.DictField())


class RollupRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    depth = serializers.IntegerField()
    eligible = serializers.IntegerField()
    participants = serializers.IntegerField()
    participation = serializers.FloatField(allow_null=True)
    average_score = serializers.FloatField(allow_null=True)


class RollupSerializer(serializers.Serializer):
    round = serializers.DictField()
    unit = UnitRefSerializer()
    units = RollupRowSerializer(many=True)


class QASerializer(serializers.Serializer):
    id = serializers.IntegerField()
    topic = serializers.CharField()
    question = serializers.CharField()
    answer = serializers.CharField()
    unit = UnitRefSerializer()


class QAFromFeedbackSerializer(serializers.Serializer):
    topic = serializers.CharField(max_length=120)
    question = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    answer = serializers.CharField(required=False, allow_blank=True, max_length=8000)


class PollQuestionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["agree", "choice", "text"])
    text = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField(), required=False)


class PollSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    page = serializers.IntegerField()
    title = serializers.CharField()
    anonymous = serializers.BooleanField()
    open = serializers.BooleanField()
    closes_at = serializers.DateTimeField()
    questions = PollQuestionSerializer(many=True)
    my_answers = serializers.ListField(child=serializers.CharField(allow_blank=True), allow_null=True)


class PollAnswerInSerializer(serializers.Serializer):
    answers = serializers.ListField(child=serializers.CharField(allow_blank=True, max_length=4000), max_length=50)


class PollResultsSerializer(serializers.Serializer):
    poll = serializers.DictField()
    unit = UnitRefSerializer()
    units = serializers.ListField(child=serializers.DictField())
    comments = serializers.ListField(child=serializers.DictField())


class EssaySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    page = serializers.IntegerField()
    member = serializers.CharField()
    text = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    mark = serializers.CharField()
    comment = serializers.CharField()
    photos = serializers.ListField(child=serializers.CharField())


class EssayInSerializer(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    text = serializers.CharField(allow_blank=True, max_length=20000, required=False, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False)


class EssayMarkInSerializer(serializers.Serializer):
    mark = serializers.CharField(max_length=16)
    comment = serializers.CharField(allow_blank=True, max_length=4000, required=False, default="")


class EssayRollupSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    unit = UnitRefSerializer()
    units = serializers.ListField(child=serializers.DictField())
