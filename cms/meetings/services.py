"""Writes for meetings. Keyword-only; every check that protects data is here, so a view cannot forget it.

Everything a phone sends carries a client UUID and the phone's clock: replaying a request changes nothing, a
UUID reused for other content is refused (409, as receipts are), and of two answers or marks for the same
member the one made last on the phones' clocks wins, whatever order they arrive in.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.api.selectors import page_layers
from cms.api.services import Conflict, Forbidden, ServiceError
from cms.org.models import Member, UnitPage
from layerformat.model import ALL

from . import photos
from .models import (
    Answer,
    Attendance,
    CalendarToken,
    Kind,
    Mark,
    MarkLog,
    Meeting,
    MeetingResponse,
    Minutes,
    MinutesPhoto,
    Quality,
    Tier,
)
from .recurrence import monthly_dates
from .selectors import can_manage, can_see

logger = logging.getLogger("sotay.meetings")

MAX_REPEAT = 12
# Marks are taken at the meeting: from two hours before it starts (members arriving early) onwards.
MARKS_OPEN_BEFORE = timedelta(hours=2)


def _require_manager(member: Member, unit: UnitPage, kind: str) -> None:
    if not can_manage(member, unit, kind):
        raise Forbidden(_("Chỉ bí thư, phó bí thư của đơn vị (hoặc cấp ủy với cuộc họp cấp ủy) mới làm được "
                          "việc này."))


@dataclass
class AgendaEntry:
    title: str
    material: int | None = None


def _check_materials(unit: UnitPage, tier: str, agenda: list[AgendaEntry]) -> None:
    """A material must be a live article every member called to the meeting may read."""
    wanted = {e.material for e in agenda if e.material}
    layers = page_layers(wanted)
    chain = unit.code_path.split("/")
    for page_id in wanted:
        layer = layers.get(page_id)
        fits = layer is not None and list(layer.unit_path) == chain[: len(layer.unit_path)] and (
            layer.tier == ALL or tier == Tier.COMMITTEE)
        if not fits:
            raise ServiceError(_("Tài liệu %(id)s không có hoặc không phải mọi người dự họp đều đọc được.")
                               % {"id": page_id})


def schedule_meeting(*, by: Member, unit: UnitPage, kind: str, title: str, starts_at: datetime, tier: str = ALL,
                     place: str = "", online_link: str = "", agenda: list[AgendaEntry] | None = None,
                     repeat_day: int | None = None, repeat_count: int = 1,
                     client_id: uuid.UUID | None = None) -> list[Meeting]:
    """Schedule a meeting, or a monthly series of `repeat_count` on day `repeat_day` (moved off holidays).

    Replaying the same `client_id` returns the meetings it created and creates nothing.
    """
    client_id = client_id or uuid.uuid4()
    existing = Meeting.objects.filter(client_id=client_id).first()
    if existing is not None:
        if existing.created_by_id != by.pk or existing.title != title or existing.unit_id != unit.pk:
            raise Conflict(_("Mã cuộc họp đã được dùng cho một cuộc họp khác."), conflicts=[str(client_id)])
        if existing.series:
            return list(Meeting.objects.filter(series=existing.series).order_by("starts_at"))
        return [existing]
    _require_manager(by, unit, kind)
    agenda = agenda or []
    if kind == Kind.COMMITTEE and tier != Tier.COMMITTEE:
        raise ServiceError(_("Cuộc họp cấp ủy chỉ dành cho cấp ủy: hãy chọn thành phần “Cấp ủy”."))
    if not title.strip():
        raise ServiceError(_("Hãy nhập tiêu đề cuộc họp."))
    if online_link and not online_link.startswith(("https://", "http://")):
        raise ServiceError(_("Đường dẫn họp trực tuyến phải bắt đầu bằng https://"))
    if starts_at < timezone.now() - timedelta(days=31):
        raise ServiceError(_("Không thể xếp lịch cho cuộc họp đã qua hơn một tháng."))
    _check_materials(unit, tier, agenda)
    when = timezone.localtime(starts_at)
    if repeat_day is not None:
        if not 1 <= repeat_count <= MAX_REPEAT:
            raise ServiceError(_("Lặp lại từ 1 đến %(n)d tháng.") % {"n": MAX_REPEAT})
        dates = monthly_dates(day_of_month=repeat_day, start=when.date(), count=repeat_count)
    else:
        dates = [(when.date(), when.date())]
    series = client_id if repeat_day is not None else None
    meetings = []
    with transaction.atomic():
        for index, (nominal, day) in enumerate(dates):
            meeting = Meeting.objects.create(
                client_id=client_id if index == 0 else uuid.uuid5(client_id, str(index)),
                unit=unit, kind=kind, title=title.strip(), tier=tier, place=place, online_link=online_link,
                starts_at=when.replace(year=day.year, month=day.month, day=day.day),
                repeat_day=repeat_day, series=series, moved_from=nominal if nominal != day else None,
                created_by=by,
            )
            for i, entry in enumerate(agenda):
                meeting.agenda.create(order=i, title=entry.title.strip(), material_id=entry.material)
            meetings.append(meeting)
    logger.info("meeting %s scheduled by %s (%d dates)", meetings[0].pk, by.pk, len(meetings))
    return meetings


def cancel_meeting(*, by: Member, meeting: Meeting) -> Meeting:
    _require_manager(by, meeting.unit, meeting.kind)
    if meeting.held_at is not None:
        raise ServiceError(_("Cuộc họp đã diễn ra, không thể hủy."))
    meeting.cancelled = True
    meeting.save(update_fields=["cancelled"])
    return meeting


def respond(*, member: Member, meeting: Meeting, answer: str, reason: str = "", client_id: uuid.UUID,
            client_time: datetime) -> MeetingResponse:
    """"Tôi sẽ dự" or "Xin vắng" with a reason. The answer made last on the phone's clock stays."""
    if not can_see(member, meeting):
        raise Forbidden(_("Bạn không thuộc thành phần của cuộc họp này."))
    if meeting.cancelled:
        raise ServiceError(_("Cuộc họp đã bị hủy."))
    reason = reason.strip()
    if answer == Answer.EXCUSED and not reason:
        raise ServiceError(_("Hãy ghi lý do xin vắng."))
    with transaction.atomic():
        same = MeetingResponse.objects.select_for_update().filter(client_id=client_id).first()
        if same is not None:
            if (same.meeting_id, same.member_id, same.answer, same.reason) != (meeting.pk, member.pk, answer, reason):
                raise Conflict(_("Mã câu trả lời đã được dùng cho một câu trả lời khác."), conflicts=[str(client_id)])
            return same
        current = MeetingResponse.objects.select_for_update().filter(meeting=meeting, member=member).first()
        if current is None:
            return MeetingResponse.objects.create(client_id=client_id, meeting=meeting, member=member, answer=answer,
                                                  reason=reason, client_time=client_time)
        if client_time >= current.client_time:
            current.client_id, current.answer, current.reason, current.client_time = (
                client_id, answer, reason, client_time)
            current.save()
        return current


@dataclass
class MarkEvent:
    client_id: uuid.UUID
    member: int
    mark: str
    client_time: datetime

    def key(self) -> tuple:
        return (self.member, self.mark, self.client_time)


@dataclass
class MarkResult:
    stored: int = 0
    duplicates: int = 0
    superseded: int = 0
    conflicts: list[str] = field(default_factory=list)


def mark_attendance(*, by: Member, meeting: Meeting, marks: list[MarkEvent],
                    now: datetime | None = None) -> MarkResult:
    """Record a batch of attendance marks, all or nothing; each UUID counts once.

    A mark older (by the phone's clock) than the member's current one is kept in the log but changes nothing.
    """
    _require_manager(by, meeting.unit, meeting.kind)
    now = now or timezone.now()
    if meeting.cancelled:
        raise ServiceError(_("Cuộc họp đã bị hủy."))
    if now < meeting.starts_at - MARKS_OPEN_BEFORE:
        raise ServiceError(_("Chưa đến giờ họp: chỉ điểm danh từ hai giờ trước khi họp."))
    batch: dict[uuid.UUID, MarkEvent] = {}
    conflicts: set[str] = set()
    for event in marks:
        if event.mark not in Mark.values:
            raise ServiceError(_("Giá trị điểm danh không hợp lệ."))
        if batch.setdefault(event.client_id, event).key() != event.key():
            conflicts.add(str(event.client_id))
    members = {m.pk: m for m in Member.objects.select_related("unit", "user").filter(
        pk__in={e.member for e in batch.values()})}
    refused = sorted(str(e.client_id) for e in batch.values()
                     if e.member not in members or not can_see(members[e.member], meeting))
    if refused:
        raise Forbidden(_("Có đảng viên không thuộc thành phần của cuộc họp này."), refused=refused)
    result = MarkResult()
    with transaction.atomic():
        logged = {row.client_id: row for row in MarkLog.objects.filter(client_id__in=batch)}
        for client_id, row in logged.items():
            if row.meeting_id != meeting.pk or (row.member_id, row.mark, row.client_time) != batch[client_id].key():
                conflicts.add(str(client_id))
        if conflicts:
            raise Conflict(_("Mã điểm danh đã được dùng cho một lần điểm danh khác."), conflicts=sorted(conflicts))
        new = sorted((e for cid, e in batch.items() if cid not in logged), key=lambda e: e.client_time)
        result.duplicates = len(marks) - len(new)
        MarkLog.objects.bulk_create([
            MarkLog(client_id=e.client_id, meeting=meeting, member_id=e.member, mark=e.mark, client_time=e.client_time)
            for e in new
        ])
        current = {a.member_id: a for a in Attendance.objects.select_for_update().filter(
            meeting=meeting, member_id__in={e.member for e in new})}
        created, changed = {}, {}
        for e in new:
            row = current.get(e.member) or created.get(e.member)
            if row is None:
                created[e.member] = Attendance(client_id=e.client_id, meeting=meeting, member_id=e.member,
                                               mark=e.mark, client_time=e.client_time, marked_by=by)
            elif e.client_time >= row.client_time:
                row.client_id, row.mark, row.client_time, row.marked_by = e.client_id, e.mark, e.client_time, by
                if row.pk:
                    changed[e.member] = row
            else:
                result.superseded += 1
                continue
            result.stored += 1
        Attendance.objects.bulk_create(created.values())
        if changed:
            Attendance.objects.bulk_update(changed.values(), ["client_id", "mark", "client_time", "marked_by"])
        if new and meeting.held_at is None:
            Meeting.objects.filter(pk=meeting.pk, held_at__isnull=True).update(held_at=meeting.starts_at)
            meeting.held_at = meeting.starts_at
    return result


def post_minutes(*, by: Member, meeting: Meeting, text: str, resolution: str = "", committee_text: str = "",
                 images: list | None = None, now: datetime | None = None) -> Minutes:
    """Post (or correct) the minutes of a meeting that has begun, with phone photos resized on the server."""
    _require_manager(by, meeting.unit, meeting.kind)
    now = now or timezone.now()
    if meeting.cancelled or now < meeting.starts_at:
        raise ServiceError(_("Chỉ đăng biên bản cho cuộc họp đã diễn ra."))
    if not text.strip():
        raise ServiceError(_("Hãy nhập nội dung biên bản."))
    prepared = [photos.resize(image) for image in images or []]  # refuses a non-image before writing anything
    with transaction.atomic():
        minutes, _created = Minutes.objects.update_or_create(
            meeting=meeting,
            defaults={"text": text.strip(), "resolution": resolution.strip(),
                      "committee_text": committee_text.strip(), "posted_by": by},
        )
        for photo in prepared:
            row = MinutesPhoto(minutes=minutes, width=photo.width, height=photo.height)
            row.image.save(photo.name, photo.content, save=False)
            row.save()
        if meeting.held_at is None:
            Meeting.objects.filter(pk=meeting.pk).update(held_at=meeting.starts_at)
            meeting.held_at = meeting.starts_at
    return minutes


def rate_meeting(*, by: Member, meeting: Meeting, quality: str, now: datetime | None = None) -> Meeting:
    _require_manager(by, meeting.unit, meeting.kind)
    now = now or timezone.now()
    if quality not in Quality.values:
        raise ServiceError(_("Mức xếp loại không hợp lệ."))
    if meeting.cancelled or now < meeting.starts_at:
        raise ServiceError(_("Chỉ xếp loại cuộc họp đã diễn ra."))
    meeting.quality, meeting.rated_by = quality, by
    meeting.save(update_fields=["quality", "rated_by"])
    return meeting


def issue_calendar_token(*, member: Member) -> CalendarToken:
    """A new private calendar URL; every older one stops working."""
    with transaction.atomic():
        revoke_calendar_tokens(member=member)
        return CalendarToken.objects.create(member=member)


def revoke_calendar_tokens(*, member: Member) -> int:
    return CalendarToken.objects.filter(member=member, revoked_at__isnull=True).update(revoked_at=timezone.now())
