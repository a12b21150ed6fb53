"""What members send back: reading receipts, feedback threads and pages saved for later.

Receipts are an append-only log keyed by the client's UUID, so the reader can replay its offline queue safely;
`ReadFact` keeps only the first opened/listened/completed per member and page, which is what reports count.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    OPENED = "opened", _("Đã mở")
    LISTENED = "listened", _("Đã nghe")
    COMPLETED = "completed", _("Đã đọc xong")


class Receipt(models.Model):
    """One reading event as the reader recorded it; the same client UUID is stored once."""

    client_id = models.UUIDField(unique=True)
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="receipts")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=16, choices=Event.choices)
    client_time = models.DateTimeField()
    server_time = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("xác nhận đã đọc")
        verbose_name_plural = _("xác nhận đã đọc")
        indexes = [models.Index(fields=["member", "page"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.event} {self.page_id}"


class ReadFact(models.Model):
    """The first time a member opened, listened to or completed a page: one row per (member, page, event)."""

    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="read_facts")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=16, choices=Event.choices)
    first_at = models.DateTimeField()

    class Meta:
        verbose_name = _("lượt đọc đầu tiên")
        verbose_name_plural = _("lượt đọc đầu tiên")
        constraints = [models.UniqueConstraint(fields=["member", "page", "event"], name="api_readfact_once")]
        indexes = [models.Index(fields=["page", "event"])]


class FeedbackKind(models.TextChoices):
    COMMENT = "comment", _("Góp ý bài viết")
    OPINION = "opinion", _("Ý kiến vào dự thảo")
    REPORT = "report", _("Phản ánh, kiến nghị")
    REFLECTION = "reflection", _("Bài thu hoạch")


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("Đang xử lý")
    CLOSED = "closed", _("Đã đóng")


class Feedback(models.Model):
    """A member's message to the committee of `unit`; escalation moves it to the parent unit's committee.

    `origin_unit` is where it was first sent: escalation only ever goes to the parent, so the path it took is
    the chain of units from `origin_unit` up to `unit`, and every committee on that path still sees it.
    `sender_news_at` is when something the sender did not do last happened to it (a reply, closing,
    escalation); the reader marks it until the sender has seen it (`sender_seen_at`).
    """

    client_id = models.UUIDField(unique=True, default=uuid.uuid4)
    kind = models.CharField(_("loại"), max_length=16, choices=FeedbackKind.choices)
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="feedback",
                               verbose_name=_("người gửi"))
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("bài viết"))
    unit = models.ForeignKey("org.UnitPage", on_delete=models.PROTECT, related_name="feedback_received",
                             verbose_name=_("gửi tới cấp ủy"))
    origin_unit = models.ForeignKey("org.UnitPage", on_delete=models.PROTECT, related_name="feedback_sent",
                                    verbose_name=_("gửi từ đơn vị"))
    body = models.TextField(_("nội dung"))
    status = models.CharField(_("trạng thái"), max_length=16, choices=FeedbackStatus.choices,
                              default=FeedbackStatus.OPEN)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    sender_news_at = models.DateTimeField(null=True, blank=True)
    sender_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("góp ý")
        verbose_name_plural = _("góp ý")
        ordering = ["-created"]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def save(self, *args, **kwargs):
        if self.origin_unit_id is None:
            self.origin_unit_id = self.unit_id
        super().save(*args, **kwargs)

    @property
    def has_news(self) -> bool:
        """Something happened the sender has not seen yet."""
        return self.sender_news_at is not None and (self.sender_seen_at is None
                                                    or self.sender_news_at > self.sender_seen_at)

    def is_new_reply(self, reply: FeedbackReply) -> bool:
        return reply.author_id != self.member_id and (self.sender_seen_at is None
                                                      or reply.created > self.sender_seen_at)


class FeedbackReply(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("nội dung"))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trả lời góp ý")
        verbose_name_plural = _("trả lời góp ý")
        ordering = ["created", "pk"]


class SavedItem(models.Model):
    """"Xem sau": a page the member put aside to read later."""

    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="saved_items")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mục xem sau")
        verbose_name_plural = _("mục xem sau")
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["member", "page"], name="api_saveditem_once")]

