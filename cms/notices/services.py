"""Writes for notices. Keyword-only; every check that protects data is here, so a view cannot forget it."""

from __future__ import annotations

import logging
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.api.services import Conflict, Forbidden, ServiceError
from cms.org.models import Member

from .models import Notice, NoticeAck, Tier
from .selectors import can_see, can_send

logger = logging.getLogger("sotay.notices")

TITLE_MAX = 200
BODY_MAX = 4000


def send_notice(*, by: Member, title: str, body: str, tier: str = Tier.ALL,
                client_id: uuid.UUID | None = None) -> Notice:
    """The committee of `by`'s unit sends a notice to the unit's subtree; phones are pushed by a queued job.

    Sending the same `client_id` again returns the notice already sent (a phone retrying), other content under
    the same id is refused.
    """
    unit = by.unit if by is not None else None
    if unit is None or not can_send(by, unit):
        raise Forbidden(_("Chỉ cấp ủy viên của đơn vị mới gửi được thông báo khẩn."))
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise ServiceError(_("Thông báo cần có tiêu đề và nội dung."))
    if len(title) > TITLE_MAX or len(body) > BODY_MAX:
        raise ServiceError(_("Thông báo quá dài: tiêu đề tối đa 200 ký tự, nội dung tối đa 4.000 ký tự."))
    if tier not in Tier.values:
        raise ServiceError(_("Đối tượng nhận không hợp lệ."))
    client_id = client_id or uuid.uuid4()
    existing = Notice.objects.filter(client_id=client_id).first()
    if existing is not None:
        if (existing.unit_id, existing.title, existing.body, existing.tier) != (unit.pk, title, body, tier):
            raise Conflict(_("Mã gửi này đã dùng cho một thông báo khác."))
        return existing
    notice = Notice.objects.create(client_id=client_id, unit=unit, tier=tier, title=title, body=body, sent_by=by)
    logger.info("notice %s sent by %s to %s", notice.pk, by.user.username, notice.layer)
    transaction.on_commit(lambda: _queue_push(notice.pk))
    return notice


def _queue_push(notice_id: int) -> None:
    from .push import push_notice_task

    try:
        push_notice_task.enqueue(notice_id)
    except Exception:  # noqa: BLE001 - the notice is on every home already; a lost push is logged, not fatal
        logger.exception("push of notice %s not queued", notice_id)


def acknowledge(*, member: Member, notice: Notice) -> NoticeAck:
    """The member has seen the notice: recorded once, the first time counts."""
    if not can_see(member, notice):
        raise Forbidden(_("Bạn không nhận thông báo này."))
    ack = NoticeAck.objects.filter(notice=notice, member=member).first()
    if ack is not None:
        return ack
    try:
        with transaction.atomic():
            return NoticeAck.objects.create(notice=notice, member=member)
    except IntegrityError:  # two phones of the member at once
        return NoticeAck.objects.get(notice=notice, member=member)


def withdraw(*, by: Member, notice: Notice) -> Notice:
    """The sending unit's committee takes a notice back (sent by mistake): it leaves every home."""
    if not can_send(by, notice.unit):
        raise Forbidden(_("Chỉ cấp ủy viên của đơn vị gửi mới thu hồi được thông báo."))
    if notice.withdrawn_at is None:
        notice.withdrawn_at = timezone.now()
        notice.save(update_fields=["withdrawn_at"])
    return notice
