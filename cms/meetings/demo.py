"""Demo meetings: every demo cell gets a past meeting (attendance, minutes, a rating) and a coming one.

Connected to `cms.publishing.events.demo_loaded` (publishing does not know this app). Loading the demo again adds
nothing: the meetings' client UUIDs are derived from the cell's code.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from cms.org.models import LEADER_ROLES, Level, Member, UnitPage

from .models import AgendaItem, Attendance, Kind, Mark, MarkLog, Meeting, Minutes, Quality
from .recurrence import monthly_dates, next_meeting_day
from .selectors import expected_members

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NAMESPACE = uuid.UUID("5f0c7a52-8a61-4c1e-9d3e-2b8f8d1f0a11")
MARKS = [Mark.PRESENT, Mark.PRESENT, Mark.ONLINE, Mark.PRESENT, Mark.EXCUSED, Mark.PRESENT, Mark.ABSENT]


def _material(unit: UnitPage):
    from cms.publishing.models import MeetingMaterialPage

    chain = [u.pk for u in unit.ancestor_units()]
    pages = MeetingMaterialPage.objects.live().filter(tier="all")
    for page in pages.order_by("-first_published_at")[:50]:
        if page.get_parent().pk in chain:
            return page
    return None


def add_demo_meetings(sender=None, units: dict | None = None, **kwargs) -> int:
    """Add the two meetings to every cell that has none yet; returns how many meetings were created."""
    created = 0
    today = timezone.localdate()
    for cell in UnitPage.objects.filter(level=Level.CELL):
        past_id, next_id = uuid.uuid5(NAMESPACE, f"{cell.code}/past"), uuid.uuid5(NAMESPACE, f"{cell.code}/next")
        if Meeting.objects.filter(client_id__in=[past_id, next_id]).exists():
            continue
        leader = Member.objects.filter(unit=cell, role__in=LEADER_ROLES).order_by("role").first()
        material = _material(cell)
        past_day = next_meeting_day(today - timedelta(days=12))
        past = Meeting.objects.create(
            client_id=past_id, unit=cell, kind=Kind.REGULAR, title=f"Sinh hoạt chi bộ tháng {past_day.month}",
            starts_at=datetime.combine(past_day, time(19, 30), TZ), place=f"Nhà văn hóa {cell.title.split(' ', 2)[-1]}",
            held_at=datetime.combine(past_day, time(19, 30), TZ), quality=Quality.GOOD, created_by=leader,
            rated_by=leader)
        _agenda(past, material)
        for i, member in enumerate(expected_members(past).order_by("pk")):
            mark = MARKS[i % len(MARKS)]
            client_id = uuid.uuid5(NAMESPACE, f"{cell.code}/past/{member.pk}")
            at = past.starts_at + timedelta(minutes=5)
            Attendance.objects.create(client_id=client_id, meeting=past, member=member, mark=mark, client_time=at,
                                      marked_by=leader)
            MarkLog.objects.create(client_id=client_id, meeting=past, member=member, mark=mark, client_time=at)
        Minutes.objects.create(
            meeting=past, posted_by=leader,
            text=("Chi bộ đã thông qua kết quả thực hiện nhiệm vụ tháng trước; các đảng viên thảo luận việc "
                  "vận động nhân dân tham gia xây dựng nông thôn mới và giữ gìn vệ sinh môi trường trong xóm."),
            resolution=("Chi bộ thống nhất: mỗi đảng viên vận động ít nhất hai hộ gia đình tham gia ngày Chủ nhật "
                        "xanh; hoàn thành thu đảng phí trước ngày 10 tháng sau."),
            committee_text="Chi ủy phân công đồng chí bí thư dự thảo báo cáo sơ kết quý.",
        )
        nominal, day = monthly_dates(day_of_month=25, start=today + timedelta(days=1), count=1)[0]
        coming = Meeting.objects.create(
            client_id=next_id, unit=cell, kind=Kind.REGULAR, title=f"Sinh hoạt chi bộ tháng {day.month}",
            starts_at=datetime.combine(day, time(19, 30), TZ), place=past.place, repeat_day=25,
            moved_from=nominal if nominal != day else None, created_by=leader,
            online_link="https://meet.jit.si/sotay-" + cell.code,
        )
        _agenda(coming, material)
        created += 2
    return created


def _agenda(meeting: Meeting, material) -> None:
    AgendaItem.objects.bulk_create([
        AgendaItem(meeting=meeting, order=0, title="Đánh giá kết quả thực hiện nhiệm vụ tháng"),
        AgendaItem(meeting=meeting, order=1, title="Sinh hoạt chuyên đề, phổ biến tài liệu", material=material),
        AgendaItem(meeting=meeting, order=2, title="Phương hướng, nhiệm vụ tháng tới"),
    ])
