"""Writes for quizzes and contests: start or resume an attempt, save answers as given, submit once.

The server's clock is the only clock: an attempt's deadline is `started_at + time_limit` (never past the
round's close), answers arriving after it (plus a few seconds for the network) are refused, and an attempt
left unsubmitted is scored with what was saved once its deadline passes. A member's attempt is submitted once:
the update that marks it submitted only matches a row not yet submitted (a concurrent one waits on the row lock
and then matches nothing), and the (round, member, number) key stops a second start of the same attempt, however
many requests arrive together. Answers are checked and scored against the round's answer key cached in the
process (keys.py), so saving or submitting reads no question.
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

from .keys import KeyEntry, answer_key
from .models import Attempt, AttemptAnswer, QuestionKind, Round
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
    for attempt in attempts:  # one whose time ran out unsubmitted counts what was saved (as finish_expired does)
        if attempt.submitted_at is None and attempt.deadline < now - GRACE:
            attempt.round = round_
            submit_attempt(member=member, attempt=attempt, now=attempt.deadline)
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


def _validate(attempt: Attempt, answers: list[GivenAnswer], key: dict[int, KeyEntry]) -> dict[int, list[int]]:
    clean: dict[int, list[int]] = {}
    for given in answers:
        entry = key.get(given.question)
        if entry is None:
            raise ServiceError(_("Câu hỏi này không thuộc bài làm của bạn."))
        picked = sorted(set(given.choices))
        if any(i < 0 or i >= entry.count for i in picked):
            raise ServiceError(_("Phương án không hợp lệ."))
        if entry.kind == QuestionKind.SINGLE and len(picked) > 1:
            raise ServiceError(_("Câu hỏi này chỉ chọn một phương án."))
        clean[given.question] = picked
    return clean


def _key(attempt: Attempt) -> dict[int, KeyEntry]:
    return answer_key(attempt.round, attempt.questions)


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
    clean = _validate(attempt, answers, _key(attempt))
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().only("submitted_at", "deadline").get(pk=attempt.pk)
        if locked.submitted_at is not None:
            raise Conflict(_("Bài làm đã nộp, không sửa được nữa."))
        if now > locked.deadline + GRACE:
            raise Conflict(_("Đã hết giờ làm bài; các câu đã trả lời trước đó vẫn được tính."))
        _store(attempt, clean)
    attempt.deadline = locked.deadline
    return attempt


def score(answers: dict[int, list[int]], key: dict[int, KeyEntry]) -> int:
    """Right answers among `answers` (question → choices): the choices are exactly the right ones."""
    return sum(1 for q, choices in answers.items() if q in key and frozenset(choices) == key[q].correct)


@dataclass
class Submitted:
    attempt: Attempt
    counted: bool  # False when the attempt had already been submitted (a repeated or concurrent request)


def submit_attempt(*, member: Member, attempt: Attempt, answers: list[GivenAnswer] | None = None,
                   now: datetime | None = None) -> Submitted:
    """Submit once: the first request scores the attempt; every other one finds it submitted and counts nothing.

    `attempt` comes with its round (`attempt.round`, for the cached key). Once is the database's doing: the update
    that sets `submitted_at` only touches a row where it is still empty, and a second request waits on the first's
    row lock, then finds it set. When the submission answers every question, the score is known before that update
    and the whole submission is two statements; otherwise the answers saved earlier are read under the lock."""
    now = now or timezone.now()
    if attempt.member_id != member.pk:
        raise Forbidden(_("Đây không phải bài làm của bạn."))
    key = _key(attempt)
    clean = _validate(attempt, answers or [], key)
    in_time = now <= attempt.deadline + GRACE
    if not in_time:
        clean = {}  # answers sent after the time limit are not kept; the ones saved in time count
    complete = bool(clean) and key.keys() <= clean.keys()
    submitted_at = min(now, attempt.deadline)
    unsubmitted = Attempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True)
    with transaction.atomic():
        if complete:
            points = score(clean, key)
            counted = unsubmitted.update(submitted_at=submitted_at, score=points)
        else:
            counted = unsubmitted.update(submitted_at=submitted_at)
        if not counted:
            return Submitted(attempt, counted=False)
        _store(attempt, clean)
        if not complete:
            saved = dict(AttemptAnswer.objects.filter(attempt=attempt).values_list("question_id", "choices"))
            points = score(saved, key)
            Attempt.objects.filter(pk=attempt.pk).update(score=points)
    attempt.submitted_at, attempt.score = submitted_at, points
    return Submitted(attempt, counted=True)


def finish_expired(*, round_: Round, member: Member | None = None, now: datetime | None = None) -> int:
    """Score the attempts whose time ran out unsubmitted, with the answers saved before it did."""
    now = now or timezone.now()
    expired = Attempt.objects.filter(round=round_, submitted_at__isnull=True, deadline__lt=now - GRACE)
    if member is not None:
        expired = expired.filter(member=member)
    finished = 0
    for attempt in expired.select_related("member"):
        attempt.round = round_
        finished += submit_attempt(member=attempt.member, attempt=attempt, now=attempt.deadline).counted
    return finished
