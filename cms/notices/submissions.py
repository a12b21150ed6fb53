"""Gửi lên cấp trên: a base or cell board sends one of its articles up to its district's board, which
approves it into the district's own layer (a copy, published, crediting the sending unit) or returns it
with a comment. Permissions are Wagtail's page permissions: the sender edits the article's unit, the
district's board publishes under the district."""

from __future__ import annotations

import html
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.api.services import Conflict, Forbidden, ServiceError
from cms.org.models import Level, UnitPage

from .models import Submission, SubmissionStatus

logger = logging.getLogger("sotay.notices")


def district_of(unit: UnitPage) -> UnitPage | None:
    return UnitPage.objects.ancestor_of(unit, inclusive=False).filter(level=Level.DISTRICT).first()


def can_submit(user, page) -> bool:
    unit = page.get_parent().specific
    return (isinstance(unit, UnitPage) and unit.level in (Level.BASE, Level.CELL)
            and page.permissions_for_user(user).can_edit())


def can_decide(user, submission: Submission) -> bool:
    return submission.to_unit.permissions_for_user(user).can_publish_subpage()


def submit_up(*, by, page, note: str = "") -> Submission:
    page = page.specific
    if not can_submit(by, page):
        raise Forbidden(_("Chỉ ban biên tập của đảng bộ cơ sở hoặc chi bộ mới gửi bài của mình lên cấp trên."))
    if not page.live:
        raise ServiceError(_("Hãy xuất bản bài trước khi gửi lên cấp trên."))
    unit = page.get_parent().specific
    district = district_of(unit)
    if district is None:
        raise ServiceError(_("Đơn vị này không có cấp huyện để gửi lên."))
    try:
        with transaction.atomic():
            submission = Submission.objects.create(page=page, from_unit=unit, to_unit=district,
                                                   note=(note or "").strip()[:2000], sent_by=by)
    except IntegrityError as exc:
        raise Conflict(_("Bài này đã được gửi lên và đang chờ cấp trên duyệt.")) from exc
    logger.info("page %s sent up from %s to %s", page.pk, unit.code, district.code)
    return submission


def _pending(submission: Submission) -> None:
    if submission.status != SubmissionStatus.PENDING:
        raise Conflict(_("Bài này đã được xử lý."))


def approve(*, by, submission: Submission):
    """Publish a copy of the article in the district's layer, crediting the sending unit."""
    if not can_decide(by, submission):
        raise Forbidden(_("Chỉ ban biên tập cấp trên mới duyệt được bài gửi lên."))
    _pending(submission)
    source = submission.page.specific
    credit = f"<p><em>Bài do {html.escape(submission.from_unit.title)} gửi lên.</em></p>"
    with transaction.atomic():
        copy = source.copy(to=submission.to_unit, keep_live=False, user=by, log_action=None,
                           update_attrs={"slug": f"{source.slug}-{submission.from_unit.code}"[:255]})
        copy = copy.specific
        copy.body = (copy.body or "") + credit
        if hasattr(copy, "summary") and not copy.summary:
            copy.summary = f"Bài do {submission.from_unit.title} gửi lên."
        copy.save_revision(user=by).publish(user=by)
        submission.status = SubmissionStatus.APPROVED
        submission.decided_by, submission.decided_at, submission.result_page = by, timezone.now(), copy
        submission.save()
    return copy


def send_back(*, by, submission: Submission, comment: str) -> Submission:
    if not can_decide(by, submission):
        raise Forbidden(_("Chỉ ban biên tập cấp trên mới trả lại được bài gửi lên."))
    _pending(submission)
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError(_("Hãy ghi ý kiến khi trả lại bài."))
    submission.status = SubmissionStatus.RETURNED
    submission.comment, submission.decided_by, submission.decided_at = comment[:2000], by, timezone.now()
    submission.save()
    return submission


def submissions_for(user):
    """What the user sees: submissions to districts where they publish, and those sent from their units."""
    from wagtail.models import Page

    ids = []
    for submission in Submission.objects.select_related("to_unit", "from_unit", "page").order_by("-sent_at")[:500]:
        if submission.sent_by_id == user.pk or can_decide(user, submission) or \
                Page.objects.filter(pk=submission.from_unit_id).first().permissions_for_user(user).can_edit():
            ids.append(submission.pk)
    return Submission.objects.filter(pk__in=ids).select_related("to_unit", "from_unit", "page", "result_page")
