"""Pages of học tập và thi in the reader: the list of quizzes and contests with the Hỏi – Đáp search, and the
page where a member takes a round and later sees the result.

Empty frames drawn by learning.js from /api/learning…: the API applies every access rule and keeps every key
until the round closes; the reader imports nothing of the learning app.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from .meeting_pages import _page


@require_safe
def learning_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "reader/learning.html")


@require_safe
def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, "reader/quiz.html", round_id=pk)


@require_safe
def poll_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, "reader/poll.html", poll_id=pk)


@require_safe
def essay_page(request: HttpRequest, page: int) -> HttpResponse:
    return _page(request, "reader/essay.html", page_id=page)
