"""Writes for the API: receipts, feedback and saved items. Keyword-only; every check that protects data is here,
so a view cannot forget it.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.org.models import Member
from cms.org.selectors import can_read_layer, may_still_read

from .models import Feedback, FeedbackKind, FeedbackReply, FeedbackStatus, ReadFact, Receipt, SavedItem
from .selectors import is_committee, page_layers, readable_page

logger = logging.getLogger("sotay.api")


class ServiceError(Exception):
    """A request the user can fix; `message` is shown to them, and nothing was changed."""

    status = 400

    def __init__(self, message: str, **extra) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra


class Conflict(ServiceError):
    status = 409


class Forbidden(ServiceError):
    status = 403


# --- receipts ----------------------------------------------------------------------------------------------

@dataclass
class ReceiptEvent:
    client_id: uuid.UUID
    page: int
    event: str
    client_time: datetime

    def key(self) -> tuple:
        return (self.page, self.event, self.client_time)


@dataclass
class ReceiptResult:
    stored: int = 0
    duplicates: int = 0
    client_ids: list[str] = field(default_factory=list)


def record_receipts(*, member: Member, events: list[ReceiptEvent]) -> ReceiptResult:
    """Store a batch of reading events at most once each, in one transaction; all or nothing.

    Replaying an event (same UUID, same content) is harmless; the same UUID with other content, or an event
    for a page the member may not read, refuses the whole batch and names the offending UUIDs so the reader
    can drop them from its queue.
    """
    if not events:
        return ReceiptResult(stored=0, duplicates=0)
    batch: dict[uuid.UUID, ReceiptEvent] = {}
    conflicts: set[str] = set()
    for event in events:
        seen = batch.setdefault(event.client_id, event)
        if seen.key() != event.key():
            conflicts.add(str(event.client_id))
    layers = page_layers({e.page for e in batch.values()})
    refused = sorted(
        str(e.client_id) for e in batch.values() if e.page not in layers or not can_read_layer(member, layers[e.page])
    )
    if refused:
        raise Forbidden(_("Có sự kiện đọc cho trang bạn không có quyền xem."), refused=refused)
    with transaction.atomic():
        # Only the months the batch's events fall in: the receipts are partitioned by month of `client_time`, and
        # a search of every partition cost more to plan than the batch's insert (49 partitions: 9 ms a batch).
        times = [e.client_time for e in batch.values()]
        existing = Receipt.objects.filter(client_id__in=batch, client_time__gte=_month_start(min(times)),
                                          client_time__lt=_next_month_start(max(times))).values_list(
            "client_id", "member_id", "page_id", "event", "client_time"
        )
        known = set()
        for client_id, member_id, page_id, kind, client_time in existing:
            known.add(client_id)
            if member_id != member.pk or (page_id, kind, client_time) != batch[client_id].key():
                conflicts.add(str(client_id))
        if conflicts:
            raise Conflict(_("Mã sự kiện đã được dùng cho một sự kiện khác."), conflicts=sorted(conflicts))
        new = [e for cid, e in batch.items() if cid not in known]
        firsts: dict[tuple[int, str], datetime] = {}
        for e in new:
            key = (e.page, e.event)
            firsts[key] = min(firsts.get(key, e.client_time), e.client_time)
        _insert_receipts(member, new, firsts)
    return ReceiptResult(stored=len(new), duplicates=len(events) - len(new))


def _month_start(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _next_month_start(moment: datetime) -> datetime:
    start = _month_start(moment)
    return start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)


def _insert_receipts(member: Member, new: list[ReceiptEvent], firsts: dict[tuple[int, str], datetime]) -> None:
    """Both inserts, ignoring rows a concurrent replay of the same batch stored first. On PostgreSQL each is one
    statement over arrays, with no model object per event (those were most of a batch's server time)."""
    connection = connections[Receipt.objects.db]
    if connection.vendor != "postgresql":
        Receipt.objects.bulk_create(
            [Receipt(client_id=e.client_id, member=member, page_id=e.page, event=e.event, client_time=e.client_time)
             for e in new], ignore_conflicts=True)
        ReadFact.objects.bulk_create(
            [ReadFact(member=member, page_id=page, event=kind, first_at=at) for (page, kind), at in firsts.items()],
            ignore_conflicts=True)
        return
    with connection.cursor() as cursor:
        if new:
            cursor.execute(
                f"INSERT INTO {Receipt._meta.db_table} (client_id, member_id, page_id, event, client_time, server_time)"
                " SELECT c, %s, p, e, t, %s FROM UNNEST(%s::uuid[], %s::int[], %s::varchar[], %s::timestamptz[])"
                " AS x(c, p, e, t) ON CONFLICT DO NOTHING",
                [member.pk, timezone.now(), [e.client_id for e in new], [e.page for e in new],
                 [e.event for e in new], [e.client_time for e in new]])
        if firsts:
            cursor.execute(
                f"INSERT INTO {ReadFact._meta.db_table} (member_id, page_id, event, first_at)"
                " SELECT %s, p, e, t FROM UNNEST(%s::int[], %s::varchar[], %s::timestamptz[]) AS x(p, e, t)"
                " ON CONFLICT DO NOTHING",
                [member.pk, [page for page, _kind in firsts], [kind for _page, kind in firsts], list(firsts.values())])


# --- feedback ----------------------------------------------------------------------------------------------

PAGE_KINDS = {FeedbackKind.COMMENT, FeedbackKind.OPINION, FeedbackKind.REFLECTION}


def send_feedback(*, member: Member, kind: str, body: str, page_id: int | None = None,
                  client_id: uuid.UUID | None = None) -> tuple[Feedback, bool]:
    """Address feedback to the committee of the member's unit; returns (feedback, created).

    Sending again with the same `client_id` (an offline retry) returns the first one.
    """
    if not may_still_read(member):
        raise Forbidden(_("Tài khoản không còn quyền gửi góp ý."))
    if client_id is not None:
        previous = Feedback.objects.filter(client_id=client_id).first()
        if previous is not None:
            if previous.member_id != member.pk or previous.body != body or previous.kind != kind:
                raise Conflict(_("Mã góp ý đã được dùng cho một góp ý khác."))
            return previous, False
    if kind in PAGE_KINDS and page_id is None:
        raise ServiceError(_("Hãy chọn bài viết mà bạn góp ý."))
    if page_id is not None:
        if readable_page(member, page_id) is None:
            raise ServiceError(_("Không tìm thấy bài viết này trong sổ tay của bạn."))
        if kind == FeedbackKind.REFLECTION and not _is_study_material(page_id):
            raise ServiceError(_("Bài thu hoạch chỉ gửi cho tài liệu học tập nghị quyết."))
    if not body.strip():
        raise ServiceError(_("Nội dung góp ý không được để trống."))
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                client_id=client_id or uuid.uuid4(), kind=kind, member=member, page_id=page_id,
                unit_id=member.unit_id, origin_unit_id=member.unit_id, body=body.strip(),
            )
    except IntegrityError:  # the same offline retry arrived twice at once
        return send_feedback(member=member, kind=kind, body=body, page_id=page_id, client_id=client_id)
    return feedback, True


def _is_study_material(page_id: int) -> bool:
    from cms.publishing.models import StudyMaterialPage

    return StudyMaterialPage.objects.filter(pk=page_id).exists()


def _check_committee(feedback: Feedback, member: Member) -> None:
    if not (is_committee(member) and member.unit_id == feedback.unit_id):
        raise Forbidden(_("Chỉ cấp ủy của đơn vị nhận góp ý mới làm được việc này."))


def reply_to_feedback(*, feedback: Feedback, author: Member, body: str) -> FeedbackReply:
    """The addressed committee answers, or the sender adds to their own thread."""
    if author.pk != feedback.member_id:
        _check_committee(feedback, author)
    elif not may_still_read(author):
        raise Forbidden(_("Tài khoản không còn quyền gửi góp ý."))
    if feedback.status == FeedbackStatus.CLOSED:
        raise ServiceError(_("Góp ý này đã đóng."))
    if not body.strip():
        raise ServiceError(_("Nội dung trả lời không được để trống."))
    reply = FeedbackReply.objects.create(feedback=feedback, author=author, body=body.strip())
    changes = {"updated": reply.created}
    if author.pk != feedback.member_id:
        changes["sender_news_at"] = reply.created
    Feedback.objects.filter(pk=feedback.pk).update(**changes)
    return reply


def close_feedback(*, feedback: Feedback, by: Member) -> Feedback:
    _check_committee(feedback, by)
    feedback.status = FeedbackStatus.CLOSED
    feedback.sender_news_at = timezone.now()
    feedback.save(update_fields=["status", "updated", "sender_news_at"])
    return feedback


def escalate_feedback(*, feedback: Feedback, by: Member) -> Feedback:
    """Hand the thread to the parent unit's committee; the lower committees keep seeing it, read-only."""
    _check_committee(feedback, by)
    if feedback.status == FeedbackStatus.CLOSED:
        raise ServiceError(_("Góp ý này đã đóng."))
    parent = feedback.unit.parent_unit
    if parent is None:
        raise ServiceError(_("Đây là cấp cao nhất, không thể chuyển lên nữa."))
    feedback.unit = parent
    feedback.sender_news_at = timezone.now()
    feedback.save(update_fields=["unit", "updated", "sender_news_at"])
    logger.info("feedback %s escalated to %s by %s", feedback.pk, parent.code, by.user.username)
    return feedback


def mark_feedback_seen(*, feedback: Feedback, member: Member) -> Feedback:
    """The sender has read the thread as it is now: its replies and status are no longer new to them."""
    if feedback.member_id != member.pk:
        raise Forbidden(_("Chỉ người gửi mới đánh dấu đã xem góp ý của mình."))
    feedback.sender_seen_at = timezone.now()
    # Not `updated`: seeing a thread changes nothing the committee should notice.
    Feedback.objects.filter(pk=feedback.pk).update(sender_seen_at=feedback.sender_seen_at)
    return feedback


# --- saved for later ---------------------------------------------------------------------------------------

def save_for_later(*, member: Member, page_id: int) -> tuple[SavedItem, bool]:
    if readable_page(member, page_id) is None:
        raise ServiceError(_("Không tìm thấy bài viết này trong sổ tay của bạn."))
    return SavedItem.objects.get_or_create(member=member, page_id=page_id)


def remove_saved(*, member: Member, page_id: int) -> bool:
    deleted, _rows = SavedItem.objects.filter(member=member, page_id=page_id).delete()
    return bool(deleted)
