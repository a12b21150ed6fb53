"""The demo's history of use: deterministic, repeatable, and "Mức độ sử dụng" shows something true with it."""

from __future__ import annotations

from datetime import date

import pytest

from cms.adoption.demo import load_history
from cms.adoption.models import MemberActivity, MemberAdoption
from cms.adoption.selectors import adoption_rows
from cms.org.models import Member
from cms.publishing.events import demo_loaded

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 7)


def snapshot():
    return (sorted(MemberActivity.objects.values_list("member__user__username", "day")),
            sorted(MemberAdoption.objects.values_list("member__user__username", "installed_at")))


def test_history_is_the_same_every_time_and_loading_again_adds_nothing(tree):
    MemberActivity.objects.all().delete()
    MemberAdoption.objects.all().delete()
    assert load_history(DAY) > 0
    first = snapshot()
    assert load_history(DAY) == 0 and snapshot() == first
    MemberActivity.objects.all().delete()
    MemberAdoption.objects.all().delete()
    load_history(DAY)
    assert snapshot() == first
    days = [d for _u, d in first[0]]
    assert min(days) >= date(2026, 10, 8) and max(days) <= DAY  # sixty days back from today


def test_the_demo_report_shows_use_exemptions_and_members_without_a_smartphone(tree):
    MemberActivity.objects.all().delete()
    MemberAdoption.objects.all().delete()
    load_history(DAY)
    # The demo content names nobody exempt here, so the loader marks a few by username.
    assert Member.objects.filter(no_smartphone=True).exists() or Member.objects.filter(exempt_from__isnull=False)
    without_phone = Member.objects.filter(no_smartphone=True)
    assert not MemberActivity.objects.filter(member__in=without_phone).exists()
    province = adoption_rows(tree["tn"], DAY)[0]
    assert 0 < province.active <= province.signed_in <= province.eligible < province.members
    assert province.installed > 0


def test_loading_the_demo_province_loads_the_history(tree):
    """`load_province` sends demo_loaded once the province is in; publishing does not know who listens."""
    MemberActivity.objects.all().delete()
    demo_loaded.send(sender=None, root=None)
    assert MemberActivity.objects.exists() and MemberAdoption.objects.exists()
