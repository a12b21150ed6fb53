"""Writes: a sign-in, a day of use, an installation. Each is cheap and safe to repeat.

A day of use is written at most once per member per day: `cache.add` lets only the first request of the day in
each web process through, and that one inserts with `ON CONFLICT DO NOTHING`, so processes that race, or a
restarted process, write nothing twice. Every later request of the day costs one local cache lookup.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.utils import timezone

from cms.org.models import Member

from .models import MemberActivity, MemberAdoption

DISPLAY_HEADER = "X-Sotay-Display"
# What the reader sends in DISPLAY_HEADER: the display mode it runs in, or "installed" after `appinstalled`.
INSTALLED_DISPLAYS = frozenset({"standalone", "fullscreen", "minimal-ui", "installed"})
DAY_SECONDS = 24 * 3600


def _member_id(user_id: int) -> int:
    return Member.objects.filter(user_id=user_id).values_list("pk", flat=True).first() or 0


def record_activity(*, user_id: int, day: date | None = None, display: str = "",
                    member_id: int | None = None) -> bool:
    """Note that the user used the handbook on `day` (and is running it installed, if `display` says so).

    Returns True when this call wrote to the database, False when it was already noted today."""
    day = day or timezone.localdate()
    wrote = False
    if cache.add(f"adoption:seen:{user_id}:{day.isoformat()}", 1, timeout=DAY_SECONDS):
        member_id = member_id if member_id is not None else _member_id(user_id)
        if member_id:
            MemberActivity.objects.bulk_create([MemberActivity(member_id=member_id, day=day)],
                                               ignore_conflicts=True)
            wrote = True
    if display in INSTALLED_DISPLAYS and cache.add(f"adoption:installed:{user_id}", 1, timeout=7 * DAY_SECONDS):
        member_id = member_id if member_id is not None else _member_id(user_id)
        if member_id:
            record_installed(member_id=member_id)
            wrote = True
    return wrote


def record_installed(*, member_id: int, at: datetime | None = None) -> None:
    """The member runs the reader installed as an app (kept from the first time it is reported)."""
    at = at or timezone.now()
    if not MemberAdoption.objects.filter(member_id=member_id, installed_at__isnull=True).update(installed_at=at):
        MemberAdoption.objects.bulk_create([MemberAdoption(member_id=member_id, installed_at=at)],
                                           ignore_conflicts=True)


def record_sign_in(*, member: Member, at: datetime | None = None, display: str = "") -> None:
    """A sign-in: the first one is kept, and the day counts as a day of use."""
    at = at or timezone.now()
    updated = MemberAdoption.objects.filter(member=member, first_sign_in_at__isnull=True).update(first_sign_in_at=at)
    if not updated:
        MemberAdoption.objects.bulk_create([MemberAdoption(member=member, first_sign_in_at=at)],
                                           ignore_conflicts=True)
    record_activity(user_id=member.user_id, day=timezone.localdate(at), display=display, member_id=member.pk)


def refresh_snapshot(*, day: date | None = None, now: datetime | None = None, force: bool = False) -> bool:
    """Count every unit's own members (the live aggregate) and keep it as the day's snapshot.

    Run by the worker every minute: it counts again only when the snapshot is older than SNAPSHOT_EVERY and the
    installation has more than LIVE_LIMIT members (below that every report is counted live). Returns True when it
    counted."""
    from cms.org.models import ACTIVE_STATUSES, UnitPage

    from .models import UsageSnapshot
    from .selectors import COUNTS, LIVE_LIMIT, SNAPSHOT_EVERY, own_counts

    now = now or timezone.now()
    day = day or timezone.localdate(now)
    if not force:
        fresh = UsageSnapshot.objects.filter(day=day, computed_at__gt=now - SNAPSHOT_EVERY).exists()
        if fresh or Member.objects.filter(status__in=ACTIVE_STATUSES).count() <= LIVE_LIMIT:
            return False
    counts = own_counts(UnitPage.objects.values("pk"), day)
    packed = {str(unit_id): [own.get(name, 0) for name in COUNTS] for unit_id, own in counts.items()}
    UsageSnapshot.objects.update_or_create(day=day, defaults={"computed_at": now, "counts": packed})
    UsageSnapshot.objects.filter(day__lt=day - timedelta(days=7)).delete()
    return True
