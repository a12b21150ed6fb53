"""Pages of sinh hoạt chi bộ in the reader: scheduling and a meeting's attendance and minutes.

The pages are empty frames drawn by meetings.js from /api/meetings…: the API applies every access rule, and
the reader imports nothing of the meetings app.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import assets


def _page(request: HttpRequest, template: str, **context) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    get_token(request)
    response = render(request, template, {"assets": assets.shell_urls(), **context})
    response["Cache-Control"] = "private, no-cache"
    return response


@require_safe
def schedule_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "reader/meeting_schedule.html")


@require_safe
def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, "reader/meeting.html", meeting_id=pk)
