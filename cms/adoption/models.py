"""Who uses the handbook: first sign-in, installation as an app, and the days a member was active.

Written at most once per member per day (see services.record_activity): a day row is inserted with
`ON CONFLICT DO NOTHING`, and each web process remembers in its cache that it has written today's row.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberAdoption(models.Model):
    """One row per member who has ever signed in or installed the reader."""

    member = models.OneToOneField("org.Member", on_delete=models.CASCADE, primary_key=True,
                                  related_name="adoption", verbose_name=_("đảng viên"))
    first_sign_in_at = models.DateTimeField(_("đăng nhập lần đầu"), null=True, blank=True)
    installed_at = models.DateTimeField(_("cài như ứng dụng"), null=True, blank=True)

    class Meta:
        verbose_name = _("mức độ sử dụng của đảng viên")
        verbose_name_plural = _("mức độ sử dụng của đảng viên")

    def __str__(self) -> str:
        return str(self.member_id)


class MemberActivity(models.Model):
    """A day on which the member used the handbook (signed in, opened the reader, sent receipts)."""

    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="activity_days",
                               verbose_name=_("đảng viên"))
    day = models.DateField(_("ngày"))

    class Meta:
        verbose_name = _("ngày sử dụng")
        verbose_name_plural = _("ngày sử dụng")
        constraints = [models.UniqueConstraint(fields=["member", "day"], name="adoption_activity_once_a_day")]
        indexes = [models.Index(fields=["day"], name="adoption_activity_day")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.day}"


class UsageSnapshot(models.Model):
    """A day's counts of use per unit (each unit's own members, not rolled up), computed by the worker.

    A province-wide report reads this instead of aggregating every member on each request (see
    `selectors.LIVE_LIMIT`); smaller subtrees are always counted live."""

    day = models.DateField(_("ngày"), unique=True)
    computed_at = models.DateTimeField(_("tính lúc"))
    counts = models.JSONField(_("số liệu theo đơn vị"), default=dict)

    class Meta:
        verbose_name = _("số liệu sử dụng đã tính")
        verbose_name_plural = _("số liệu sử dụng đã tính")

    def __str__(self) -> str:
        return f"{self.day} {self.computed_at:%H:%M}"
