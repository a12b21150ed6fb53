"""The demo loader brings the demo's member registry export in through the sync, and loading again changes nothing."""

from datetime import date
from pathlib import Path

from cms.org.importing import preview, read_path
from cms.org.models import Member
from cms.org.selectors import eligible_members
from cms.publishing.demo import LoadStats, load_accounts, load_members, load_units

DEMO = Path(__file__).resolve().parents[3] / "content" / "demo"


def test_demo_members_load_with_their_records_and_a_second_load_changes_nothing(db):
    stats = LoadStats()
    units = load_units(DEMO, stats)
    load_accounts(DEMO, units, stats)
    load_members(DEMO, stats)
    assert stats.members == 357
    loaded = Member.objects.exclude(card_number=None)
    assert loaded.count() == 357
    assert loaded.filter(role="deputy").exists() and loaded.filter(no_smartphone=True).count() >= 5
    sick = loaded.filter(exempt_reason="ốm đau")
    assert any(m.is_exempt_on(date(2026, 11, 24)) for m in sick)
    assert eligible_members(day=date(2026, 11, 24)).count() < Member.objects.filter(
        status__in=("official", "probationary")).count()

    before = list(Member.objects.order_by("pk").values())
    again = LoadStats()
    load_members(DEMO, again)
    assert again.members == 0
    assert not preview(read_path(DEMO / "members.csv")).has_changes
    assert list(Member.objects.order_by("pk").values()) == before
