"""Reads for meetings. Visibility is the layer rule (`can_read_layer` on the meeting's unit and tier); managing
is for the leaders of the meeting's own unit, and for its committee members in their own committee meetings."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from cms.org.models import ACTIVE_STATUSES, COMMITTEE_ROLES, Member, UnitPage
from cms.org.selectors import can_read_layer, exempt_q, unit_chain

from .models import ATTENDED, Attendance, Kind, Meeting, MeetingResponse, Tier


def _active(member: Member | None) -> bool:
    return bool(member and member.is_active_member and member.user.is_active)


def can_see(member: Member | None, meeting: Meeting) -> bool:
    return can_read_layer(member, meeting.layer)


def can_manage(member: Member | None, unit: UnitPage, kind: str) -> bool:
    """Schedules, marks attendance, posts minutes and rates meetings of `unit` of this `kind`."""
    if not _active(member) or member.unit_id != unit.pk:
        return False
    return member.is_leader or (member.is_committee and kind == Kind.COMMITTEE)


def visible_meetings(member: Member | None) -> QuerySet[Meeting]:
    """Meetings of the member's units, of the tiers their role reads; none for an inactive member."""
    if not _active(member):
        return Meeting.objects.none()
    return Meeting.objects.filter(unit__in=[u.pk for u in unit_chain(member)], tier__in=member.tiers)


def visible_meeting(member: Member | None, pk: int) -> Meeting | None:
    meeting = Meeting.objects.select_related("unit").filter(pk=pk).first()
    return meeting if meeting is not None and can_see(member, meeting) else None


def upcoming_meetings(member: Member | None, *, now: datetime | None = None, limit: int = 10) -> list[Meeting]:
    """Meetings not yet over (a meeting is shown until three hours after it started), soonest first."""
    now = now or timezone.now()
    return list(
        visible_meetings(member).filter(starts_at__gte=now - timedelta(hours=3), cancelled=False)
        .select_related("unit").prefetch_related("agenda__material").order_by("starts_at")[:limit]
    )


def recent_meetings(member: Member | None, *, now: datetime | None = None, days: int = 62,
                    limit: int = 20) -> list[Meeting]:
    now = now or timezone.now()
    return list(
        visible_meetings(member).filter(starts_at__lt=now - timedelta(hours=3), starts_at__gte=now - timedelta(days))
        .select_related("unit").order_by("-starts_at")[:limit]
    )


def expected_members(meeting: Meeting) -> QuerySet[Member]:
    """Who is called to the meeting: active members of its unit (its committee for a committee meeting),
    without those miễn sinh hoạt on the day."""
    members = Member.objects.filter(unit=meeting.unit, status__in=ACTIVE_STATUSES, user__is_active=True)
    if meeting.tier == Tier.COMMITTEE:
        members = members.filter(role__in=COMMITTEE_ROLES)
    return members.exclude(exempt_q(timezone.localdate(meeting.starts_at)))


def roster(meeting: Meeting) -> list[dict]:
    """The attendance list: expected members, plus anyone else already marked or answering, by name."""
    marks = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    answers = {r.member_id: r for r in MeetingResponse.objects.filter(meeting=meeting)}
    ids = set(expected_members(meeting).values_list("pk", flat=True)) | set(marks) | set(answers)
    rows = []
    for member in Member.objects.filter(pk__in=ids).order_by("full_name"):
        mark, answer = marks.get(member.pk), answers.get(member.pk)
        rows.append({
            "member": member.pk,
            "full_name": member.full_name,
            "role": member.role,
            "mark": mark.mark if mark else None,
            "answer": answer.answer if answer else None,
            "reason": answer.reason if answer else "",
        })
    return rows


def attendance_counts(meeting: Meeting) -> dict[str, int]:
    counts = dict.fromkeys(("present", "online", "excused", "absent"), 0)
    for mark in Attendance.objects.filter(meeting=meeting).values_list("mark", flat=True):
        counts[mark] += 1
    counts["attended"] = sum(counts[m] for m in ATTENDED)
    return counts


def response_of(member: Member, meeting: Meeting) -> MeetingResponse | None:
    return MeetingResponse.objects.filter(meeting=meeting, member=member).first()


def meetings_between(member: Member, start: datetime, end: datetime) -> QuerySet[Meeting]:
    return visible_meetings(member).filter(Q(starts_at__gte=start) & Q(starts_at__lt=end)).select_related("unit")


MATERIAL_CHOICES = 40


def material_choices(member: Member, tier: str, limit: int = MATERIAL_CHOICES) -> list[dict]:
    """What a meeting of the member's unit may carry as material, newest first: live articles of the unit's own
    and its ancestors' layers that everyone called may read (tier "all"; for a committee meeting, the committee
    layers too), as `services._check_materials` accepts them. Meeting materials and resolutions come first."""
    from cms.api.selectors import kind_of
    from cms.publishing.models import ArticlePage

    tiers = [Tier.ALL, Tier.COMMITTEE] if tier == Tier.COMMITTEE else [Tier.ALL]
    condition = Q()
    for unit in member.unit.ancestor_units(inclusive=True):
        condition |= Q(path__startswith=unit.path, depth=unit.depth + 1)
    rows = (ArticlePage.objects.live().filter(condition, tier__in=tiers)
            .order_by("-first_published_at").values("pk", "title", "content_type_id", "first_published_at")[:limit * 3])
    first = {"meeting": 0, "resolution": 1, "study": 2}
    out = [{"id": r["pk"], "title": r["title"], "kind": kind_of(r["content_type_id"]) or "news",
            "published_at": r["first_published_at"]} for r in rows]
    out.sort(key=lambda r: first.get(r["kind"], 3))  # stable: newest first within a kind
    return out[:limit]
