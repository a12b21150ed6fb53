"""The app follows sign-ins (Django's `user_logged_in`) and the demo loader (`publishing.events.demo_loaded`)."""

from __future__ import annotations

from typing import Any

from cms.org.selectors import member_of

from .services import DISPLAY_HEADER, record_sign_in


def signed_in(sender: Any, *, request=None, user=None, **kwargs: Any) -> None:
    member = member_of(user)
    if member is not None:
        display = request.headers.get(DISPLAY_HEADER, "")[:20] if request is not None else ""
        record_sign_in(member=member, display=display)


def demo_history(sender: Any, **kwargs: Any) -> None:
    from .demo import load_history

    load_history()


def worker_minute(sender: Any, **kwargs: Any) -> None:
    from .services import refresh_snapshot

    refresh_snapshot()
