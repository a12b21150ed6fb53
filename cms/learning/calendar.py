"""Study deadlines in a member's personal calendar (the reader's "Lịch của tôi" and the iCalendar feed)."""

from __future__ import annotations

from datetime import datetime, timedelta

from cms.api.calendar import Entry

from .selectors import deadlines


def deadline_entries(member, start: datetime, end: datetime) -> list[Entry]:
    """The close of every open round the member may still take, between `start` and `end`."""
    if member is None:
        return []
    return [Entry(uid=f"learning-{url.strip('/').rsplit('/', 1)[-1]}@sotay", kind="study", title=title,
                  starts_at=when, url=url, alarm_before=timedelta(days=1))
            for title, when, url in deadlines(member) if start <= when <= end]
