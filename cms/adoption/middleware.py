"""Notes a day of use on requests the reader already makes: no request is added for it."""

from __future__ import annotations

from django.conf import settings

from .services import DISPLAY_HEADER, record_activity

# /api/notices/version: an open home asks it every few seconds without its session (cms/notices/watch.py).
SKIPPED_PREFIXES = ("/static/", "/media/", "/documents/", "/api/notices/version")


class ActivityMiddleware:
    """After each successful request of a signed-in user, `record_activity` (one cache lookup once the day's row
    is written). Token-authenticated API calls count too: DRF puts its user on the Django request.

    `SOTAY_RECORD_ACTIVITY = False` turns recording off (the benchmark compares both)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.enabled = getattr(settings, "SOTAY_RECORD_ACTIVITY", True)

    def __call__(self, request):
        response = self.get_response(request)
        if not self.enabled or response.status_code >= 500 or request.path.startswith(SKIPPED_PREFIXES):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            cached = user._state.fields_cache.get("member")  # loaded by the view already, if it needed it
            record_activity(user_id=user.pk, display=request.headers.get(DISPLAY_HEADER, "")[:20],
                            member_id=cached.pk if cached is not None else None)
        return response
