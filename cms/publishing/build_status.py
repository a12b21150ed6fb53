"""Where a publish is on its way to members: the build queue records each layer's builds (services), and the
admin reads a page's status from them (selector).

A page's status compares the layer's times with the page's own `last_published_at`: a build that started after
the publish holds it, one that started before does not (another build is then queued for it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cms.publishing.models import LayerBuild
from layerformat.model import LayerId

QUEUED, BUILDING, LIVE, FAILED = "queued", "building", "live", "failed"

# What an editor can do about a failure of each stage, in their words.
WHAT_TO_DO = {
    "upload": "Bài đã dựng xong nhưng chưa gửi được lên kho lưu trữ; đảng viên vẫn đọc phiên bản trước.",
    "speech": "Không tạo được bản nghe đọc của bài.",
    "render": "Không dựng được trang của bài; hãy kiểm tra nội dung bài (bảng, ảnh, liên kết).",
}


def _row(layer: LayerId) -> LayerBuild:
    row, _created = LayerBuild.objects.get_or_create(layer=layer.prefix)
    return row


def record_requested(*, layer: LayerId) -> None:
    """A build of `layer` was queued (in the publish's own transaction when the queue is a table)."""
    LayerBuild.objects.update_or_create(layer=layer.prefix, defaults={"requested_at": timezone.now()})


def record_started(*, layer: LayerId, attempt: int = 1) -> datetime:
    """A build of `layer` starts now; returns its start time, which `record_live`/`record_failed` name."""
    started = timezone.now()
    with transaction.atomic():
        row = _row(layer)
        row.started_at, row.attempt = started, attempt
        row.save(update_fields=["started_at", "attempt"])
    return started


def record_live(*, layer: LayerId, started: datetime, version: int) -> None:
    """The build that started at `started` made `version` the one members get (in the store, too)."""
    with transaction.atomic():
        row = _row(layer)
        if row.live_started_at and row.live_started_at > started:
            return  # a later build is live already
        row.live_version, row.live_at, row.live_started_at = version, timezone.now(), started
        row.retry_at = None
        row.save(update_fields=["live_version", "live_at", "live_started_at", "retry_at"])


def record_failed(*, layer: LayerId, started: datetime, stage: str, error: str,
                  retry_at: datetime | None = None) -> None:
    """The build that started at `started` failed at `stage`; the queue tries again at `retry_at` (if set)."""
    with transaction.atomic():
        row = _row(layer)
        row.failed_at, row.failed_started_at, row.failed_stage = timezone.now(), started, stage[:32]
        row.error, row.retry_at = error[:4000], retry_at
        row.save(update_fields=["failed_at", "failed_started_at", "failed_stage", "error", "retry_at"])


def record_retry(*, layer: LayerId, retry_at: datetime) -> None:
    """The queue will build `layer` again at `retry_at` after the failure just recorded."""
    LayerBuild.objects.filter(layer=layer.prefix).update(retry_at=retry_at)


@dataclass(frozen=True)
class PublishStatus:
    state: str  # queued, building, live, failed
    text: str  # one sentence for the editor, in Vietnamese
    help: str = ""  # what to do, for a failure
    version: int | None = None

    def as_dict(self) -> dict:
        return {"state": self.state, "text": self.text, "help": self.help, "version": self.version}


def _clock(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "H:i")


def publish_status(page) -> PublishStatus | None:
    """Where the page's last publish is: waiting, being built, read by members since HH:MM, or failed.

    None for a page that is not live or is not in a layer (a unit page)."""
    from wagtail.models import Page

    if not page.pk:
        return None
    # The page as stored now (the caller's object may predate the publish).
    live, published = Page.objects.filter(pk=page.pk).values_list("live", "last_published_at").get()
    unit = page.get_parent().specific
    tier = getattr(page.specific, "tier", None)
    if not live or published is None or tier is None or not hasattr(unit, "layer"):
        return None
    row = LayerBuild.objects.filter(layer=unit.layer(tier).prefix).first()
    if row is None:
        return PublishStatus(QUEUED, _("Đang chờ dựng"))
    if row.live_started_at and row.live_started_at >= published:
        text = _("Đã đến đảng viên lúc %(time)s (phiên bản %(version)s)") % {
            "time": _clock(row.live_at), "version": row.live_version}
        return PublishStatus(LIVE, text, version=row.live_version)
    failed = row.failed_started_at and row.failed_started_at >= published
    if failed and (row.started_at is None or row.started_at <= row.failed_started_at):
        what = _(WHAT_TO_DO.get(row.failed_stage, "Dựng lớp không thành công."))
        if row.retry_at:
            then = _("Hệ thống sẽ tự thử lại lúc %(time)s; nếu vẫn lỗi, hãy báo quản trị viên hệ thống.") % {
                "time": _clock(row.retry_at)}
        else:
            then = _("Hệ thống đã thử lại nhiều lần không được: hãy báo quản trị viên hệ thống, rồi bấm "
                     "“Xuất bản” lại.")
        text = _("Chưa đến được đảng viên (lỗi ở bước %(stage)s lúc %(time)s).") % {
            "stage": row.failed_stage or "?", "time": _clock(row.failed_at)}
        return PublishStatus(FAILED, text, help=f"{what} {then}")
    if row.started_at and row.started_at >= published:
        if row.attempt > 1:
            return PublishStatus(BUILDING, _("Đang dựng (lần thử %(n)s)") % {"n": row.attempt})
        return PublishStatus(BUILDING, _("Đang dựng"))
    return PublishStatus(QUEUED, _("Đang chờ dựng"))
