"""Bài thu hoạch: a member submits an essay on a study material they may read, as text or phone photos of a
handwritten page (resized on the server, like the photos of meeting minutes); the bí thư or phó bí thư of the
member's cell marks it and comments; committees see submissions and marks rolled up the tree.
Once marked, an essay no longer changes."""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.api.selectors import readable_page
from cms.api.services import Conflict, Forbidden, ServiceError
from cms.meetings.photos import resize
from cms.org.models import LEADER_ROLES, Member, UnitPage
from cms.org.selectors import eligible_q, may_still_read

from .models import Essay, EssayMark, EssayPhoto

MAX_PHOTOS = 10


def submit_essay(*, member: Member, page_id: int, text: str, images: list) -> Essay:
    if readable_page(member, page_id) is None:
        raise ServiceError(_("Không tìm thấy tài liệu học tập."))
    text = (text or "").strip()
    if not text and not images:
        raise ServiceError(_("Viết bài thu hoạch hoặc chụp ảnh bài viết tay để gửi."))
    if len(images) > MAX_PHOTOS:
        raise ServiceError(_("Gửi tối đa %(n)s ảnh.") % {"n": MAX_PHOTOS})
    photos = [resize(image) for image in images]  # every photo checked before anything is stored
    with transaction.atomic():
        essay, _created = Essay.objects.select_for_update().get_or_create(member=member, page_id=page_id)
        if essay.mark:
            raise Conflict(_("Bài thu hoạch đã được chấm, không sửa được nữa."))
        essay.text = text or essay.text
        essay.save()
        for photo in photos:
            row = EssayPhoto(essay=essay, width=photo.width, height=photo.height)
            row.image.save(photo.name, photo.content, save=True)
    return essay


def can_mark(member: Member | None, essay: Essay) -> bool:
    """The bí thư and phó bí thư of the essay writer's own unit."""
    return (may_still_read(member) and member.role in LEADER_ROLES and member.unit_id == essay.member.unit_id
            and member.pk != essay.member_id)


def mark_essay(*, by: Member, essay: Essay, mark: str, comment: str) -> Essay:
    if not can_mark(by, essay):
        raise Forbidden(_("Chỉ bí thư, phó bí thư chi bộ của người viết mới chấm được bài thu hoạch."))
    if mark not in EssayMark.values:
        raise ServiceError(_("Chọn xếp loại: Tốt, Khá, Đạt hoặc Chưa đạt."))
    essay.mark, essay.comment, essay.marked_by, essay.marked_at = mark, comment.strip(), by, timezone.now()
    essay.save(update_fields=["mark", "comment", "marked_by", "marked_at"])
    return essay


def to_review(member: Member) -> list[Essay]:
    if not may_still_read(member) or member.role not in LEADER_ROLES:
        return []
    return list(Essay.objects.filter(member__unit_id=member.unit_id).exclude(member=member)
                .select_related("member").prefetch_related("photos").order_by("mark", "-submitted_at")[:200])


def rollup(page_id: int, top: UnitPage) -> dict:
    """Per unit of `top`'s subtree, summed up the tree: members expected, essays sent, marked, and by mark."""
    units = list(UnitPage.objects.filter(path__startswith=top.path).order_by("path")
                 .values("pk", "path", "depth", "code", "title"))
    own = {u["pk"]: Counter() for u in units}
    for unit_id in Member.objects.filter(eligible_q(), unit__path__startswith=top.path).values_list("unit_id",
                                                                                                   flat=True):
        own[unit_id]["eligible"] += 1
    essays = Essay.objects.filter(page_id=page_id, member__unit__path__startswith=top.path)
    for unit_id, mark in essays.values_list("member__unit_id", "mark"):
        own[unit_id]["submitted"] += 1
        if mark:
            own[unit_id]["marked"] += 1
            own[unit_id][mark] += 1
    rows = []
    for u in units:
        total = Counter()
        for other in units:
            if other["path"].startswith(u["path"]):
                total.update(own[other["pk"]])
        rows.append({"code": u["code"], "name": u["title"], "depth": u["depth"] - top.depth,
                     "eligible": total["eligible"], "submitted": total["submitted"], "marked": total["marked"],
                     **{m: total[m] for m in EssayMark.values}})
    return {"page": page_id, "unit": {"code": top.code, "name": top.title}, "units": rows}
