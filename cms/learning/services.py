"""Writes for quizzes and contests: start or resume an attempt, save answers as given, submit once.

The server's clock is the only clock: an attempt's deadline is `started_at + time_limit` (never past the
round's close), answers arriving after it (plus a few seconds for the network) are refused, and an attempt
left unsubmitted is scored with what was saved once its deadline passes. A member's attempt is submitted once:
the row is locked (`select_for_update`) while it is scored, and the (round, member, number) key stops a second
start of the same attempt, however many requests arrive together.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.api.services import Conflict, Forbidden, ServiceError
from cms.org.models import Member

from .models import Attempt, AttemptAnswer, Question, QuestionKind, Round
from .selectors import can_see

GRACE = timedelta(seconds=5)  # a request sent just before the deadline is still in time


@dataclass
class GivenAnswer:
    question: int
    choices: list[int]


def _check_open(member: Member, round_: Round, now: datetime) -> None:
    if not can_see(member, round_):
        raise Forbidden(_("Bạn không thuộc đối tượng của đợt thi này."))
    if now < round_.opens_at:
        raise Conflict(_("Đợt thi chưa mở."))
    if now >= round_.closes_at:
        raise Conflict(_("Đợt thi đã đóng."))


def start_attempt(*, member: Member, round_: Round, now: datetime | None = None) -> Attempt:
    """The member's attempt in progress, or a new one with questions drawn at random."""
    now = now or timezone.now()
    _check_open(member, round_, now)
    attempts = list(Attempt.objects.filter(round=round_, member=member).order_by("number"))
    for attempt in attempts:
        if attempt.submitted_at is None and now <= attempt.deadline + GRACE:
            return attempt
    finish_expired(round_=round_, member=member, now=now)
    if len(attempts) >= round_.attempts_allowed:
        raise Conflict(_("Bạn đã làm hết số lượt của đợt thi này."))
    pool = list(round_.pool().values_list("pk", flat=True))
    if not pool:
        raise ServiceError(_("Đợt thi chưa có câu hỏi."))
    drawn = random.sample(pool, min(round_.question_count, len(pool)))
    deadline = min(now + timedelta(seconds=round_.time_limit_s), round_.closes_at)
    try:
        with transaction.atomic():
            return Attempt.objects.create(round=round_, member=member, number=len(attempts) + 1, questions=drawn,
                                          started_at=now, deadline=deadline, max_score=len(drawn))
    except IntegrityError:
        # Another request of the same member started this attempt a moment ago: that one is theirs.
        return Attempt.objects.get(round=round_, member=member, number=len(attempts) + 1)


def _validate(attempt: Attempt, answers: list[GivenAnswer],
              questions: dict[int, Question] | None = None) -> dict[int, list[int]]:
    if questions is None:
        questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.questions)}
    clean: dict[int, list[int]] = {}
    for given in answers:
        question = questions.get(given.question)
        if question is None:
            raise ServiceError(_("Câu hỏi này không thuộc bài làm của bạn."))
        picked = sorted(set(given.choices))
        if any(i < 0 or i >= len(question.choices) for i in picked):
            raise ServiceError(_("Phương án không hợp lệ."))
        if question.kind == QuestionKind.SINGLE and len(picked) > 1:
            raise ServiceError(_("Câu hỏi này chỉ chọn một phương án."))
        clean[question.pk] = picked
    return clean


def _store(attempt: Attempt, answers: dict[int, list[int]]) -> None:
    """One statement for the whole batch: insert, or replace the choices of a question answered before."""
    if not answers:
        return
    now = timezone.now()
    AttemptAnswer.objects.bulk_create(
        [AttemptAnswer(attempt=attempt, question_id=q, choices=c, answered_at=now) for q, c in answers.items()],
        update_conflicts=True, unique_fields=["attempt", "question"], update_fields=["choices", "answered_at"])


def save_answers(*, member: Member, attempt: Attempt, answers: list[GivenAnswer],
                 now: datetime | None = None) -> Attempt:
    """Keep the answers given so far (the newest for a question replaces the older), while time is left."""
    now = now or timezone.now()
    if attempt.member_id != member.pk:
        raise Forbidden(_("Đây không phải bài làm của bạn."))
    clean = _validate(attempt, answers)
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.submitted_at is not None:
            raise Conflict(_("Bài làm đã nộp, không sửa được nữa."))
        if now > locked.deadline + GRACE:
            raise Conflict(_("Đã hết giờ làm bài; các câu đã trả lời trước đó vẫn được tính."))
        _store(locked, clean)
    return locked


def score(attempt: Attempt, questions: dict[int, Question] | None = None) -> int:
    if questions is None:
        questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.questions)}
    total = 0
    for answer in AttemptAnswer.objects.filter(attempt=attempt):
        question = questions.get(answer.question_id)
        if question is not None and frozenset(answer.choices) == question.correct:
            total += 1
    return total


@dataclass
class Submitted:
    attempt: Attempt
    counted: bool  # False when the attempt had already been submitted (a repeated or concurrent request)


def submit_attempt(*, member: Member, attempt: Attempt, answers: list[GivenAnswer] | None = None,
                   now: datetime | None = None) -> Submitted:
    """Submit once: the first request scores the attempt; every other one finds it submitted and counts nothing."""
    now = now or timezone.now()
    if attempt.member_id != member.pk:
        raise Forbidden(_("Đây không phải bài làm của bạn."))
    questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.questions)}
    clean = _validate(attempt, answers or [], questions)
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.submitted_at is not None:
            return Submitted(locked, counted=False)
        if clean and now <= locked.deadline + GRACE:
            _store(locked, clean)
        locked.submitted_at = min(now, locked.deadline)
        locked.score = score(locked, questions)
        locked.save(update_fields=["submitted_at", "score"])
    return Submitted(locked, counted=True)


def finish_expired(*, round_: Round, member: Member | None = None, now: datetime | None = None) -> int:
    """Score the attempts whose time ran out unsubmitted, with the answers saved before it did."""
    now = now or timezone.now()
    expired = Attempt.objects.filter(round=round_, submitted_at__isnull=True, deadline__lt=now - GRACE)
    if member is not None:
        expired = expired.filter(member=member)
    finished = 0
    for attempt in expired:
        finished += submit_attempt(member=attempt.member, attempt=attempt, now=attempt.deadline).counted
    return finished
