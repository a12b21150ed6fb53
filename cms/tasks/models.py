"""Giao việc: tasks for members, yearly commitments, plans sent down the line with report forms, work calendars.

All of it is API data, not layer files: it changes per member and per minute. Visibility follows the layer rule:
a task of unit U is seen by its assignees (members of U) and managed by U's leaders; a plan issued by U reaches the
units below U, and each unit's report is filled by that unit's leaders and read by the committees above it.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Task(models.Model):
    """A task a unit's secretary (or committee) gives to one member, several, or the whole unit."""

    client_id = models.UUIDField(unique=True, default=uuid.uuid4)
    unit = models.ForeignKey("org.UnitPage", on_delete=models.CASCADE, related_name="tasks", verbose_name=_("đơn vị"))
    title = models.CharField(_("việc cần làm"), max_length=300)
    body = models.TextField(_("nội dung"), blank=True)
    due_at = models.DateTimeField(_("hạn hoàn thành"))
    whole_unit = models.BooleanField(_("giao cho cả chi bộ"), default=False)
    # A resolution or meeting material page this task carries out; a meeting where it was decided. Named by
    # string, so this app imports neither publishing's page kinds nor the meetings app.
    resolution = models.ForeignKey("wagtailcore.Page", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("nghị quyết"))
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("cuộc họp"))
    cancelled = models.BooleanField(_("đã hủy"), default=False)
    created_by = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("việc được giao")
        verbose_name_plural = _("giao việc")
        ordering = ["due_at"]

    def __str__(self) -> str:
        return self.title


class Assignment(models.Model):
    """One member's part of a task, with the progress of their latest report."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="task_assignments")
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    reported_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "member"], name="tasks_assignment_once")]
        indexes = [models.Index(fields=["member", "done_at"])]


class ProgressReport(models.Model):
    """A member's report on their task: text, a percentage, phone photos. `client_id` makes a replay harmless."""

    client_id = models.UUIDField(unique=True)
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reports")
    text = models.TextField(_("báo cáo"), blank=True)
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    client_time = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["client_time", "pk"]


class ReportPhoto(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="tasks/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()


class TaskReminderSent(models.Model):
    """(assignment, which) claimed for sending before the push goes out: a restarted worker repeats nothing."""

    key = models.CharField(max_length=100, primary_key=True)
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(auto_now_add=True)
    delivered = models.PositiveSmallIntegerField(default=0)


class CommitmentKind(models.TextChoices):
    DIRECTIVE = "directive", _("Đăng ký việc làm theo Chỉ thị 05")
    SELF = "self", _("Cam kết tu dưỡng, rèn luyện")


class CommitmentStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    RETURNED = "returned", _("Cần sửa lại")


class Commitment(models.Model):
    """A member's yearly commitment; the secretary of their unit approves it or returns it with a comment."""

    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="commitments")
    year = models.PositiveSmallIntegerField(_("năm"))
    kind = models.CharField(_("loại"), max_length=16, choices=CommitmentKind.choices)
    text = models.TextField(_("nội dung đăng ký"))
    status = models.CharField(_("trạng thái"), max_length=16, choices=CommitmentStatus.choices,
                              default=CommitmentStatus.SUBMITTED)
    comment = models.TextField(_("ý kiến của bí thư"), blank=True)
    reviewed_by = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "year", "kind"], name="tasks_commitment_once")]
        ordering = ["-year", "kind"]


class CommitmentReport(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="reports")
    client_id = models.UUIDField(unique=True)
    text = models.TextField(_("kết quả thực hiện"))
    comment = models.TextField(_("nhận xét của bí thư"), blank=True)
    commented_by = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class FieldKind(models.TextChoices):
    NUMBER = "number", _("Số")
    CHOICE = "choice", _("Lựa chọn")
    TEXT = "text", _("Văn bản")
    FILE = "file", _("Tệp đính kèm")


class Plan(models.Model):
    """Kế hoạch ngành dọc: issued by a committee to the units below it, with a typed report form.

    `form` is a list of {"key", "label", "kind", "choices"}; every unit reached has a `PlanTarget` row.
    """

    client_id = models.UUIDField(unique=True, default=uuid.uuid4)
    unit = models.ForeignKey("org.UnitPage", on_delete=models.CASCADE, related_name="plans",
                             verbose_name=_("cấp ủy ban hành"))
    code = models.CharField(_("số hiệu"), max_length=40, blank=True)
    title = models.CharField(_("tên kế hoạch"), max_length=300)
    body = models.TextField(_("nhiệm vụ"), blank=True)
    due_at = models.DateTimeField(_("hạn báo cáo"))
    levels = models.JSONField(_("cấp nhận"), default=list)
    form = models.JSONField(_("mẫu báo cáo"), default=list)
    created_by = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch ngành dọc")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class TargetStatus(models.TextChoices):
    PENDING = "pending", _("Chưa báo cáo")
    SUBMITTED = "submitted", _("Đã báo cáo")
    RETURNED = "returned", _("Trả lại để sửa")


class PlanTarget(models.Model):
    """One unit reached by a plan, and its report. `due_at` is the plan's deadline or the one an intermediate
    unit set when it forwarded the plan down (`forwarded_by`)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey("org.UnitPage", on_delete=models.CASCADE, related_name="plan_targets")
    due_at = models.DateTimeField()
    forwarded_by = models.ForeignKey("org.UnitPage", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    status = models.CharField(max_length=16, choices=TargetStatus.choices, default=TargetStatus.PENDING)
    values = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    client_id = models.UUIDField(null=True, blank=True, unique=True)
    return_note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "unit"], name="tasks_plan_target_once")]
        indexes = [models.Index(fields=["unit", "status"])]


class PlanAttachment(models.Model):
    target = models.ForeignKey(PlanTarget, on_delete=models.CASCADE, related_name="attachments")
    key = models.CharField(max_length=40)
    file = models.FileField(upload_to="plans/%Y/%m/")
    name = models.CharField(max_length=200)


class WorkEntry(models.Model):
    """One line of a committee's lịch công tác tuần; `tier` says who of the unit's members sees it."""

    unit = models.ForeignKey("org.UnitPage", on_delete=models.CASCADE, related_name="work_entries",
                             verbose_name=_("đơn vị"))
    title = models.CharField(_("nội dung công tác"), max_length=300)
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    place = models.CharField(_("địa điểm"), max_length=200, blank=True)
    lead = models.CharField(_("chủ trì"), max_length=200, blank=True)
    tier = models.CharField(_("thành phần"), max_length=16, default="committee")
    created_by = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("lịch công tác")
        verbose_name_plural = _("lịch công tác tuần")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["unit", "starts_at"])]
