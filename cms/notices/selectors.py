"""Reads for notices. Visibility is the layer rule: a notice of unit U for tier t is seen by exactly the
readers of layer (U, t). The home's query names the member's chain of units (at most four) and tiers, so it
costs the same whether a notice went to one cell or to the whole province."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from cms.org.models import COMMITTEE_ROLES, Member, UnitPage
from cms.org.selectors import can_read_layer, eligible_members, may_still_read

from .models import Notice, NoticeAck, Tier

# A notice stays on the home until acknowledged, for at most this long.
SHOWN_FOR = timedelta(days=30)


def chain_paths(member: Member) -> list[str]:
    """The treebeard paths of the member's units from the province down: the prefixes of their unit's path."""
    path = member.unit.path
    return [path[:depth] for depth in range(4, len(path) + 1, 4)]


def can_see(member: Member | None, notice: Notice) -> bool:
    return notice.withdrawn_at is None and can_read_layer(member, notice.layer)


def visible_notices(member: Member | None, *, now: datetime | None = None) -> QuerySet[Notice]:
    """Notices to the member's units and tiers of the last 30 days, newest first, with `seen` annotated."""
    if not may_still_read(member):
        return Notice.objects.none()
    now = now or timezone.now()
    seen = NoticeAck.objects.filter(notice=OuterRef("pk"), member=member)
    return (Notice.objects.filter(unit__path__in=chain_paths(member), tier__in=member.tiers,
                                  withdrawn_at__isnull=True, sent_at__gte=now - SHOWN_FOR)
            .select_related("unit").annotate(seen=Exists(seen)).order_by("-sent_at"))


def visible_notice(member: Member | None, pk: int) -> Notice | None:
    notice = Notice.objects.select_related("unit").filter(pk=pk).first() if pk < 2**31 else None
    return notice if notice is not None and can_see(member, notice) else None


def can_send(member: Member | None, unit: UnitPage) -> bool:
    """The committee (chi ủy viên, phó bí thư, bí thư) of `unit` sends notices to its subtree."""
    return may_still_read(member) and member.unit_id == unit.pk and member.role in COMMITTEE_ROLES


def recipients(notice: Notice) -> QuerySet[Member]:
    """Who the notice is for: eligible members of the subtree (committees only for a committee notice)."""
    members = eligible_members(Member.objects.filter(unit__path__startswith=notice.unit.path))
    if notice.tier == Tier.COMMITTEE:
        members = members.filter(role__in=COMMITTEE_ROLES)
    return members


def sent_notices(unit: UnitPage) -> QuerySet[Notice]:
    """Notices sent by `unit` and by the units below it, newest first."""
    return Notice.objects.filter(unit__path__startswith=unit.path).select_related("unit", "sent_by")
