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
    """The form for those who schedule (leaders; committee members for committee meetings); others are told who
    does, instead of a form the API would refuse."""
    from cms.org.selectors import may_still_read, member_of

    member = member_of(request.user) if request.user.is_authenticated else None
    may_schedule = may_still_read(member) and (member.is_leader or member.is_committee)
    return _page(request, "reader/meeting_schedule.html", may_schedule=may_schedule)


@require_safe
def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, "reader/meeting.html", meeting_id=pk)
