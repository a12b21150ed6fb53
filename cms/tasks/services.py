"""Writes for tasks, commitments and work calendars. Keyword-only; each check that protects data is here.

A progress report carries the phone's UUID: the reader queues it offline and may send it twice, and the
second time changes nothing; the same UUID with other content is refused (409), as receipts are.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.api.services import Conflict, Forbidden, ServiceError
from cms.org.models import Member, UnitPage
from cms.org.selectors import active_members

from . import photos
from .models import (
    Assignment,
    Commitment,
    CommitmentKind,
    CommitmentReport,
    CommitmentStatus,
    ProgressReport,
    ReportPhoto,
    Task,
    WorkEntry,
)
from .selectors import can_see_task, manages_unit

logger = logging.getLogger("sotay.tasks")


def _require_manager(member: Member, unit: UnitPage) -> None:
    if not manages_unit(member, unit):
        raise Forbidden(_("Chỉ cấp ủy của đơn vị mới làm được việc này."))


def assign_task(*, by: Member, title: str, due_at: datetime, body: str = "", members: list[int] | None = None,
                whole_unit: bool = False, resolution: int | None = None, meeting: int | None = None,
                client_id: uuid.UUID | None = None, now: datetime | None = None) -> Task:
    """Give a task of the assigner's unit to some of its members or to all of them. A replay returns the task."""
    now = now or timezone.now()
    client_id = client_id or uuid.uuid4()
    unit = by.unit
    existing = Task.objects.filter(client_id=client_id).first()
    if existing is not None:
        if existing.created_by_id != by.pk or existing.title != title.strip():
            raise Conflict(_("Mã việc đã được dùng cho một việc khác."), conflicts=[str(client_id)])
        return existing
    _require_manager(by, unit)
    if not title.strip():
        raise ServiceError(_("Hãy ghi việc cần làm."))
    if due_at < now - timedelta(days=1):
        raise ServiceError(_("Hạn hoàn thành đã qua."))
    people = active_members(Member.objects.filter(unit=unit))
    if not whole_unit:
        wanted = set(members or [])
        if not wanted:
            raise ServiceError(_("Hãy chọn người thực hiện, hoặc giao cho cả chi bộ."))
        people = people.filter(pk__in=wanted)
        if people.count() != len(wanted):
            raise ServiceError(_("Có người được chọn không phải đảng viên đang sinh hoạt ở đơn vị này."))
    if resolution is not None:
        from wagtail.models import Page

        page = Page.objects.filter(pk=resolution).first()
        if page is None or not page.live or not unit.path.startswith(page.path[: len(page.path) - 4]):
            raise ServiceError(_("Nghị quyết được chọn không có hoặc không thuộc đơn vị của bạn."))
    if meeting is not None:
        from django.apps import apps

        if not apps.get_model("meetings", "Meeting").objects.filter(pk=meeting, unit=unit).exists():
            raise ServiceError(_("Cuộc họp được chọn không phải của đơn vị bạn."))
    with transaction.atomic():
        task = Task.objects.create(client_id=client_id, unit=unit, title=title.strip(), body=body.strip(),
                                   due_at=due_at, whole_unit=whole_unit, resolution_id=resolution,
                                   meeting_id=meeting, created_by=by)
        Assignment.objects.bulk_create([Assignment(task=task, member_id=pk)
                                        for pk in people.values_list("pk", flat=True)])
    logger.info("task %s given by %s to %d members", task.pk, by.pk, task.assignments.count())
    return task


def cancel_task(*, by: Member, task: Task) -> Task:
    _require_manager(by, task.unit)
    task.cancelled = True
    task.save(update_fields=["cancelled"])
    return task


def report_progress(*, member: Member, task: Task, percent: int, text: str = "", client_id: uuid.UUID,
                    client_time: datetime, images: list | None = None) -> ProgressReport:
    """A member's report on their task; the latest by the phone's clock sets the progress."""
    text = text.strip()
    same = _same_report(member=member, task=task, percent=percent, text=text, client_id=client_id)
    if same is not None:
        return same
    assignment = Assignment.objects.filter(task=task, member=member).first()
    if assignment is None or not can_see_task(member, task):
        raise Forbidden(_("Việc này không được giao cho bạn."))
    if task.cancelled:
        raise ServiceError(_("Việc này đã được hủy."))
    if not 0 <= percent <= 100:
        raise ServiceError(_("Tiến độ phải từ 0 đến 100%."))
    if not text and percent == assignment.percent and not images:
        raise ServiceError(_("Hãy ghi kết quả hoặc cập nhật tiến độ."))
    prepared = [photos.resize(image) for image in images or []]
    try:
        return _store_report(assignment=assignment, percent=percent, text=text, client_id=client_id,
                             client_time=client_time, prepared=prepared)
    except IntegrityError:  # the same report arriving twice at once (a retry after a dropped answer): keep one
        same = _same_report(member=member, task=task, percent=percent, text=text, client_id=client_id)
        if same is None:
            raise
        return same


def _same_report(*, member: Member, task: Task, percent: int, text: str,
                 client_id: uuid.UUID) -> ProgressReport | None:
    """The report already stored under `client_id` (a replay), or None; other content under it is refused."""
    same = ProgressReport.objects.filter(client_id=client_id).select_related("assignment").first()
    if same is not None and (same.assignment.task_id, same.assignment.member_id, same.percent, same.text) != (
            task.pk, member.pk, percent, text):
        raise Conflict(_("Mã báo cáo đã được dùng cho một báo cáo khác."), conflicts=[str(client_id)])
    return same


def _store_report(*, assignment: Assignment, percent: int, text: str, client_id: uuid.UUID,
                  client_time: datetime, prepared: list) -> ProgressReport:
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        report = ProgressReport.objects.create(client_id=client_id, assignment=assignment, text=text,
                                               percent=percent, client_time=client_time)
        for photo in prepared:
            row = ReportPhoto(report=report, width=photo.width, height=photo.height)
            row.image.save(photo.name, photo.content, save=False)
            row.save()
        if assignment.reported_at is None or client_time >= assignment.reported_at:
            assignment.percent, assignment.reported_at = percent, client_time
            assignment.done_at = timezone.now() if percent == 100 else None
            assignment.save(update_fields=["percent", "reported_at", "done_at"])
    return report


# --- commitments ---------------------------------------------------------------------------------------

def register_commitment(*, member: Member, year: int, kind: str, text: str) -> Commitment:
    """Register (or, until approved, rewrite) the member's commitment of `kind` for `year`."""
    if kind not in CommitmentKind.values:
        raise ServiceError(_("Loại đăng ký không hợp lệ."))
    if not text.strip():
        raise ServiceError(_("Hãy ghi nội dung đăng ký."))
    current = Commitment.objects.filter(member=member, year=year, kind=kind).first()
    if current is not None and current.status == CommitmentStatus.APPROVED:
        raise ServiceError(_("Bản đăng ký đã được duyệt, không sửa được nữa."))
    commitment, _created = Commitment.objects.update_or_create(
        member=member, year=year, kind=kind,
        defaults={"text": text.strip(), "status": CommitmentStatus.SUBMITTED})
    return commitment


def review_commitment(*, by: Member, commitment: Commitment, approve: bool, comment: str = "") -> Commitment:
    _require_manager(by, commitment.member.unit)
    if not approve and not comment.strip():
        raise ServiceError(_("Hãy ghi lý do cần sửa lại."))
    commitment.status = CommitmentStatus.APPROVED if approve else CommitmentStatus.RETURNED
    commitment.comment, commitment.reviewed_by, commitment.reviewed_at = comment.strip(), by, timezone.now()
    commitment.save(update_fields=["status", "comment", "reviewed_by", "reviewed_at"])
    return commitment


def report_commitment(*, member: Member, commitment: Commitment, text: str,
                      client_id: uuid.UUID) -> CommitmentReport:
    if commitment.member_id != member.pk:
        raise Forbidden(_("Đây không phải bản đăng ký của bạn."))
    if commitment.status != CommitmentStatus.APPROVED:
        raise ServiceError(_("Bản đăng ký chưa được duyệt."))
    same = CommitmentReport.objects.filter(client_id=client_id).first()
    if same is not None:
        if same.commitment_id != commitment.pk or same.text != text.strip():
            raise Conflict(_("Mã báo cáo đã được dùng cho một báo cáo khác."), conflicts=[str(client_id)])
        return same
    if not text.strip():
        raise ServiceError(_("Hãy ghi kết quả thực hiện."))
    return CommitmentReport.objects.create(commitment=commitment, client_id=client_id, text=text.strip())


def comment_commitment_report(*, by: Member, report: CommitmentReport, comment: str) -> CommitmentReport:
    _require_manager(by, report.commitment.member.unit)
    if not comment.strip():
        raise ServiceError(_("Hãy ghi nhận xét."))
    report.comment, report.commented_by = comment.strip(), by
    report.save(update_fields=["comment", "commented_by"])
    return report


# --- work calendar ----------------------------------------------------------------------------------------

def add_work_entry(*, by: Member, title: str, starts_at: datetime, ends_at: datetime | None = None,
                   place: str = "", lead: str = "", tier: str = "committee") -> WorkEntry:
    _require_manager(by, by.unit)
    if not title.strip():
        raise ServiceError(_("Hãy ghi nội dung công tác."))
    if ends_at is not None and ends_at < starts_at:
        raise ServiceError(_("Giờ kết thúc phải sau giờ bắt đầu."))
    if tier not in ("all", "committee"):
        raise ServiceError(_("Thành phần không hợp lệ."))
    return WorkEntry.objects.create(unit=by.unit, title=title.strip(), starts_at=starts_at, ends_at=ends_at,
                                    place=place.strip(), lead=lead.strip(), tier=tier, created_by=by)
