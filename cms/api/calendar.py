"""A member's personal calendar, gathered from whichever apps register a source.

The meetings app, the tasks app and any later one (study deadlines, ...) each register a function
`source(member, start, end) -> list[Entry]` in their `AppConfig.ready`; the private iCalendar feed and the
reader's calendar ask `entries()`, so no app imports another to appear in it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

logger = logging.getLogger("sotay.api")


@dataclass
class Entry:
    uid: str
    kind: str  # "meeting", "deadline", "work", ...
    title: str
    starts_at: datetime
    ends_at: datetime | None = None
    all_day: bool = False
    place: str = ""
    description: str = ""
    url: str = ""
    cancelled: bool = False
    alarm_before: object | None = None  # a timedelta, or None for no alarm
    extra: dict = field(default_factory=dict)


Source = Callable[..., list[Entry]]
_sources: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    """Add (or replace) a source; `name` keeps a reloaded app from registering twice."""
    _sources[name] = source


def sources() -> dict[str, Source]:
    return dict(_sources)


def entries(member, start: datetime, end: datetime, *, kinds: set[str] | None = None) -> list[Entry]:
    """Every source's entries for `member` between `start` and `end`, soonest first."""
    found: list[Entry] = []
    for source in _sources.values():
        found.extend(e for e in source(member, start, end) if kinds is None or e.kind in kinds)
    return sorted(found, key=lambda e: e.starts_at)
