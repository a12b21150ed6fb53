"""Thông báo khẩn, bản tin tuần/tháng, nguồn tin tự động, bài gửi lên cấp trên.

A notice is one row per send, seen by exactly the readers of the layer (unit, tier) it is sent to: the
member's home asks for the notices of their chain of units and tiers (at most four units), so a notice to
the whole province costs one row, not one per member. Acknowledgements are one row per member who read it.
"""

from __future__ import annotations

import uuid

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from layerformat.model import LayerId


class Tier(models.TextChoices):
    ALL = "all", _("Toàn thể đảng viên")
    COMMITTEE = "committee", _("Cấp ủy")


class Notice(models.Model):
    """Thông báo khẩn from the committee of `unit` to its subtree (all members, or the committees only)."""

    client_id = models.UUIDField(unique=True, default=uuid.uuid4)
    unit = models.ForeignKey("org.UnitPage", on_delete=models.CASCADE, related_name="notices",
                             verbose_name=_("đơn vị gửi"))
    tier = models.CharField(_("gửi đến"), max_length=16, choices=Tier.choices, default=Tier.ALL)
    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))
    sent_by = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)
    withdrawn_at = models.DateTimeField(_("đã thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo khẩn")
        verbose_name_plural = _("thông báo khẩn")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["unit", "tier", "sent_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def layer(self) -> LayerId:
        """The layer whose readers receive this notice."""
        return self.unit.layer(self.tier)


class NoticeAck(models.Model):
    """A member has seen (acknowledged) a notice; the first acknowledgement counts."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="acks")
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="notice_acks")
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "member"], name="notices_ack_once")]


class NoticePush(models.Model):
    """One push of one notice to one member, claimed before sending: a restarted job sends nothing twice."""

    key = models.CharField(max_length=64, primary_key=True)  # "<notice>:<member>"
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(auto_now_add=True)
    delivered = models.PositiveSmallIntegerField(default=0)


class Digest(models.Model):
    """Bản tin of one cell for one week (`2026-W48`) or month (`2026-11`): what its chain of layers published.

    `items` holds what the reader page, the PDF and the audio are made from (title, summary, reader path,
    unit name, date). The PDF and the audio live in the var dir, named by the hash of their content, so cells
    whose chains published the same things share one audio file.
    """

    unit = models.ForeignKey("org.UnitPage", on_delete=models.CASCADE, related_name="digests",
                             verbose_name=_("chi bộ"))
    period = models.CharField(_("kỳ"), max_length=10)
    items = models.JSONField(default=list)
    audio = models.CharField(max_length=100, blank=True)
    pdf = models.CharField(max_length=100, blank=True)
    made_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bản tin")
        verbose_name_plural = _("bản tin")
        ordering = ["-period"]
        constraints = [models.UniqueConstraint(fields=["unit", "period"], name="notices_digest_once")]

    def __str__(self) -> str:
        return f"{self.unit} {self.period}"

    @property
    def layer(self) -> LayerId:
        return self.unit.layer("all")


class FeedSource(models.Model):
    """An RSS/Atom feed whose new items become drafts of the unit's news ("Tin tức")."""

    unit = models.ForeignKey("org.UnitPage", on_delete=models.CASCADE, related_name="feed_sources",
                             verbose_name=_("đơn vị nhận tin"))
    name = models.CharField(_("tên nguồn"), max_length=200)
    url = models.URLField(_("địa chỉ RSS/Atom"), max_length=1000)
    active = models.BooleanField(_("đang lấy tin"), default=True)
    last_checked_at = models.DateTimeField(_("lần lấy gần nhất"), null=True, blank=True)
    last_ok_at = models.DateTimeField(_("lần lấy được gần nhất"), null=True, blank=True)
    last_error = models.TextField(_("lỗi lần gần nhất"), blank=True)
    items_taken = models.PositiveIntegerField(_("số tin đã lấy"), default=0)

    class Meta:
        verbose_name = _("nguồn tin")
        verbose_name_plural = _("nguồn tin")
        constraints = [models.UniqueConstraint(fields=["unit", "url"], name="notices_feed_once_per_unit")]

    def __str__(self) -> str:
        return self.name

    @admin.display(description=_("tình trạng"))
    def status(self) -> str:
        """What the admin's list shows: the last error, or that the feed works."""
        if self.last_error:
            return str(_("Lỗi: %(error)s")) % {"error": self.last_error}
        return str(_("Chưa lấy lần nào") if self.last_ok_at is None else _("Tốt"))


class FeedItem(models.Model):
    """An item taken from a feed (by its guid, or its link when it has none): never taken twice."""

    source = models.ForeignKey(FeedSource, on_delete=models.CASCADE, related_name="items")
    guid = models.CharField(max_length=500)
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.SET_NULL, null=True, related_name="+")
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "guid"], name="notices_feed_item_once")]


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    RETURNED = "returned", _("Trả lại")


class Submission(models.Model):
    """Gửi lên cấp trên: a base or cell board sends an article up to its district's board."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("bài gửi"))
    from_unit = models.ForeignKey("org.UnitPage", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("đơn vị gửi"))
    to_unit = models.ForeignKey("org.UnitPage", on_delete=models.CASCADE, related_name="submissions_in",
                                verbose_name=_("gửi đến"))
    status = models.CharField(_("trạng thái"), max_length=16, choices=SubmissionStatus.choices,
                              default=SubmissionStatus.PENDING)
    note = models.TextField(_("lời nhắn"), blank=True)
    comment = models.TextField(_("ý kiến của cấp trên"), blank=True)
    sent_by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    result_page = models.ForeignKey("wagtailcore.Page", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("bài đăng ở cấp trên"))

    class Meta:
        verbose_name = _("bài gửi lên cấp trên")
        verbose_name_plural = _("bài gửi lên cấp trên")
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["page"], condition=models.Q(status="pending"),
                                               name="notices_one_pending_submission")]
