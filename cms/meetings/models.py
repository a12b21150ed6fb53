"""Sinh hoạt chi bộ: meetings of a unit, members' answers, attendance, minutes with photos, quality.

Meetings are API data, not layer files: they change per member and per minute. A meeting is visible under the
same rule as a layer — its unit is the member's unit or above it and its tier fits the member's role — so the
meeting's (unit, tier) names the layer whose readers may see it.
"""

from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from layerformat.model import ALL, LayerId


class Kind(models.TextChoices):
    REGULAR = "regular", _("Sinh hoạt thường kỳ")
    THEMATIC = "thematic", _("Sinh hoạt chuyên đề")
    COMMITTEE = "committee", _("Họp cấp ủy, giao ban")
    EXTRAORDINARY = "extraordinary", _("Họp bất thường")


class Tier(models.TextChoices):
    ALL = "all", _("Toàn thể đảng viên")
    COMMITTEE = "committee", _("Cấp ủy")


class Quality(models.TextChoices):
    """The province's scale for the quality of a cell meeting (Hướng dẫn 12-HD/BTCTW)."""

    GOOD = "good", _("Tốt")
    FAIR = "fair", _("Khá")
    AVERAGE = "average", _("Trung bình")
    POOR = "poor", _("Kém")


class Meeting(models.Model):
    """One meeting of `unit`; a repeating regular meeting is a series of these sharing `series`."""

    client_id = models.UUIDField(unique=True, default=uuid.uuid4)
    unit = models.ForeignKey("org.UnitPage", on_delete=models.CASCADE, related_name="meetings",
                             verbose_name=_("đơn vị"))
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices, default=Kind.REGULAR)
    title = models.CharField(_("tiêu đề"), max_length=200)
    starts_at = models.DateTimeField(_("bắt đầu"))
    place = models.CharField(_("địa điểm"), max_length=200, blank=True)
    online_link = models.URLField(_("đường dẫn họp trực tuyến"), blank=True)
    tier = models.CharField(_("thành phần"), max_length=16, choices=Tier.choices, default=Tier.ALL)
    # "ngày N hằng tháng": the day the series asks for; `starts_at` may be later when that day is a holiday.
    repeat_day = models.PositiveSmallIntegerField(_("ngày hằng tháng"), null=True, blank=True)
    series = models.UUIDField(null=True, blank=True, db_index=True)
    moved_from = models.DateField(_("dời từ ngày"), null=True, blank=True)
    cancelled = models.BooleanField(_("đã hủy"), default=False)
    held_at = models.DateTimeField(_("đã họp lúc"), null=True, blank=True)
    quality = models.CharField(_("xếp loại chất lượng"), max_length=16, choices=Quality.choices, blank=True)
    rated_by = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cuộc họp")
        verbose_name_plural = _("lịch sinh hoạt")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["unit", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%d/%m/%Y})"

    @property
    def layer(self) -> LayerId:
        """The layer whose readers see this meeting."""
        return self.unit.layer(self.tier)

    @property
    def for_everyone(self) -> bool:
        return self.tier == ALL


class AgendaItem(models.Model):
    """An item of the order of business, optionally with a published material to read first."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("nội dung"), max_length=300)
    material = models.ForeignKey("wagtailcore.Page", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("tài liệu"))

    class Meta:
        ordering = ["order", "pk"]


class Answer(models.TextChoices):
    ATTEND = "attend", _("Tôi sẽ dự")
    EXCUSED = "excused", _("Xin vắng")


class MeetingResponse(models.Model):
    """A member's answer before the meeting; the newest by the phone's clock wins."""

    client_id = models.UUIDField(unique=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="meeting_responses")
    answer = models.CharField(_("trả lời"), max_length=16, choices=Answer.choices)
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    client_time = models.DateTimeField()
    server_time = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="meetings_response_once")]


class Mark(models.TextChoices):
    PRESENT = "present", _("Có mặt")
    EXCUSED = "excused", _("Vắng có lý do")
    ABSENT = "absent", _("Vắng không lý do")
    ONLINE = "online", _("Dự trực tuyến")


ATTENDED = (Mark.PRESENT, Mark.ONLINE)


class Attendance(models.Model):
    """The secretary's mark for one member at one meeting; the newest by the marking phone's clock wins.

    `client_id` is the UUID of the mark that set the current value: replaying it changes nothing.
    """

    client_id = models.UUIDField(unique=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="attendance")
    mark = models.CharField(_("điểm danh"), max_length=16, choices=Mark.choices)
    client_time = models.DateTimeField()
    marked_by = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, related_name="+")
    server_time = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="meetings_attendance_once")]


class MarkLog(models.Model):
    """Every attendance mark UUID ever accepted, so a late replay of a superseded mark is recognised."""

    client_id = models.UUIDField(primary_key=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="+")
    mark = models.CharField(max_length=16, choices=Mark.choices)
    client_time = models.DateTimeField()


class Minutes(models.Model):
    """Biên bản and nghị quyết of a held meeting; `committee_text` is read by the committee only."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("biên bản"))
    resolution = models.TextField(_("nghị quyết"), blank=True)
    committee_text = models.TextField(_("phần dành cho cấp ủy"), blank=True)
    posted_by = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, related_name="+")
    posted_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("biên bản")
        verbose_name_plural = _("biên bản")


class MinutesPhoto(models.Model):
    """A phone photo of the minutes, stored resized (JPEG, phone width); served through the access check."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="meetings/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarToken(models.Model):
    """The secret in a member's private iCalendar URL; revoking it ends that URL (a new one can be made)."""

    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="calendar_tokens")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)


class PushSubscription(models.Model):
    """A browser's Web Push subscription (RFC 8030 endpoint and RFC 8291 keys) for one member."""

    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)


class ReminderSent(models.Model):
    """One reminder (meeting, member, which) claimed for sending: the key makes a restarted worker skip it."""

    key = models.CharField(max_length=100, primary_key=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(auto_now_add=True)
    delivered = models.PositiveSmallIntegerField(default=0)
