"""A history of use for the demo province, so that "Mức độ sử dụng" shows something true after `make demo`.

Deterministic for a given day: every cell has its own level of take-up (drawn from its code), every member
their own habits (drawn from their username). Sixty days back from today: a first sign-in, days of use from
then on (some members stop coming), an installation for about two in three, and study materials opened and
completed. Members without a smartphone
never appear. Running it again adds nothing that is already there.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cms.api.models import Event, ReadFact
from cms.api.selectors import readable_pages
from cms.org.models import ACTIVE_STATUSES, Member, Role

from .models import MemberActivity, MemberAdoption

HISTORY_DAYS = 60


def _mark_some_exempt_and_without_phone(members: list[Member], today) -> None:
    """Only when the demo content names nobody exempt or without a smartphone: a few of each, by username."""
    if Member.objects.filter(Q(no_smartphone=True) | Q(exempt_from__isnull=False) | Q(exempt_until__isnull=False)
                             ).exists():
        return
    plain = sorted((m for m in members if m.role == Role.MEMBER), key=lambda m: m.user.username)
    exempt = plain[5::23]
    no_phone = [m for m in plain[11::17] if m not in exempt]
    reasons = ["Tuổi cao, sức yếu", "Đi làm ăn xa", "Ốm đau dài ngày"]
    for i, member in enumerate(exempt):
        member.exempt_from = today - timedelta(days=90 + 30 * i % 300)
        member.exempt_reason = reasons[i % len(reasons)]
    for member in no_phone:
        member.no_smartphone = True
    Member.objects.bulk_update(exempt, ["exempt_from", "exempt_reason"])
    Member.objects.bulk_update(no_phone, ["no_smartphone"])


def _study_facts(adoptions: list[MemberAdoption], today, tz) -> list[ReadFact]:
    """Study materials the members who use the handbook have opened and completed (as their receipts would)."""
    from cms.publishing.models import StudyMaterialPage

    facts = []
    for adoption in adoptions:
        member = adoption.member
        rng = random.Random(f"study-{member.user.username}")
        readable = readable_pages(member).filter(pk__in=StudyMaterialPage.objects.values("pk")).order_by("pk")
        for page_id in readable.values_list("pk", flat=True):
            if rng.random() < 0.6:
                when = datetime.combine(today - timedelta(days=rng.randrange(0, 30)), time(20, 0), tz)
                facts.append(ReadFact(member=member, page_id=page_id, event=Event.OPENED, first_at=when))
                if rng.random() < 0.7:
                    facts.append(ReadFact(member=member, page_id=page_id, event=Event.COMPLETED, first_at=when))
    return facts


def load_history(today=None) -> int:
    """Write the demo history; returns the number of days of use it added."""
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    members = list(
        Member.objects.select_related("user", "unit").filter(status__in=ACTIVE_STATUSES, user__is_superuser=False)
    )
    with transaction.atomic():
        _mark_some_exempt_and_without_phone(members, today)
        members = list(Member.objects.select_related("user", "unit").filter(pk__in=[m.pk for m in members]))
        adoptions, days = [], []
        for member in members:
            if member.no_smartphone:
                continue
            take_up = random.Random(f"unit-{member.unit.code}").uniform(0.45, 0.97)
            rng = random.Random(f"member-{member.user.username}")
            if member.role != Role.MEMBER:
                take_up = min(1.0, take_up + 0.3)  # committees sign in first
            if rng.random() >= take_up:
                continue
            first = today - timedelta(days=rng.randrange(1, HISTORY_DAYS))
            stops = first + timedelta(days=rng.randrange(1, HISTORY_DAYS)) if rng.random() < 0.2 else today
            habit = rng.uniform(0.08, 0.6)
            seen = [first] + [first + timedelta(days=d) for d in range(1, (min(stops, today) - first).days + 1)
                              if rng.random() < habit]
            signed_at = datetime.combine(first, time(rng.randrange(6, 22), rng.randrange(60)), tz)
            installed = signed_at + timedelta(days=rng.randrange(0, 10)) if rng.random() < 0.65 else None
            adoptions.append(MemberAdoption(member=member, first_sign_in_at=signed_at,
                                            installed_at=installed if installed and installed.date() <= today
                                            else None))
            days += [MemberActivity(member=member, day=d) for d in seen]
        facts = _study_facts(adoptions, today, tz)
        MemberAdoption.objects.bulk_create(adoptions, ignore_conflicts=True)
        ReadFact.objects.bulk_create(facts, ignore_conflicts=True)
        before = MemberActivity.objects.count()
        MemberActivity.objects.bulk_create(days, ignore_conflicts=True, batch_size=2000)
        return MemberActivity.objects.count() - before
