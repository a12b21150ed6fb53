"""Hỏi – Đáp: a committee turns an answered feedback question into a published entry; entries are read aloud
through the speech pipeline's cache like questions of a quiz."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cms.api.models import Feedback
from cms.api.selectors import is_committee
from cms.api.services import Forbidden, ServiceError
from cms.org.models import Member

from .models import QAEntry


def qa_from_feedback(*, by: Member, feedback: Feedback, topic: str, question: str = "",
                     answer: str = "") -> QAEntry:
    """Publish the question of `feedback` and the committee's answer (its replies unless `answer` is given)."""
    if not is_committee(by) or by.unit_id != feedback.unit_id:
        raise Forbidden(_("Chỉ cấp ủy của đơn vị nhận câu hỏi mới đưa được vào Hỏi – Đáp."))
    replies = [r.body for r in feedback.replies.all()]
    answer = (answer or "\n\n".join(replies)).strip()
    if not answer:
        raise ServiceError(_("Câu hỏi này chưa được trả lời."))
    if not topic.strip():
        raise ServiceError(_("Chọn chủ đề cho câu hỏi – đáp."))
    existing = QAEntry.objects.filter(source_feedback=feedback.pk).first()
    if existing is not None:
        raise ServiceError(_("Câu hỏi này đã có trong Hỏi – Đáp."))
    return QAEntry.objects.create(unit=feedback.unit, topic=topic.strip()[:120],
                                  question=(question or feedback.body).strip(), answer=answer,
                                  source_feedback=feedback.pk)


def spoken_text(entry: QAEntry) -> str:
    return f"Hỏi: {entry.question} Đáp: {entry.answer}"
