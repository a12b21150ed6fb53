"""Thin views of the learning API: validate, call one service or selector, answer."""

from __future__ import annotations

import re

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from cms.api import serializers as api_s
from cms.api.permissions import OverseesUnits
from cms.api.selectors import oversight_unit
from cms.api.services import Conflict
from cms.api.views import ApiView, _validated
from layerformat.text import fold

from . import audio, essays, qa, services
from . import polls as polls_mod
from . import serializers as s
from .models import Attempt, AttemptAnswer, Essay, EssayPhoto, Poll, PollResponse, Question
from .renderers import PollCSVRenderer, PollXLSXRenderer, RoundRollupCSVRenderer, RoundRollupXLSXRenderer
from .selectors import (
    attempt_for_writing,
    can_see,
    own_attempt,
    own_attempts,
    ranking,
    rollup,
    rollup_unit,
    visible_qa,
    visible_round,
    visible_rounds,
)

ID_RE = re.compile(r"^[0-9]{1,10}$")
ERRORS = {400: api_s.DetailSerializer, 403: api_s.DetailSerializer, 404: api_s.DetailSerializer,
          409: api_s.DetailSerializer}


class RoundView(ApiView):
    def round(self, pk: int):
        round_ = visible_round(self.member, pk)
        if round_ is None:
            raise NotFound(_("Không tìm thấy đợt thi."))
        return round_

    def attempt(self, pk: int) -> Attempt:
        """The member's own attempt at a round they may still see (the layer rule), read with its round and unit
        in one query; anyone else's is not found."""
        attempt = own_attempt(self.member, pk)
        if attempt is None or not can_see(self.member, attempt.round):
            raise NotFound(_("Không tìm thấy bài làm."))
        return attempt


class AttemptWriteView(RoundView):
    """Saving and submitting answers, the requests of a contest's last minute: the member profile comes with the
    attempt (`attempt_for_writing`), one query for both, and every check is the same as for any other view."""

    _attempt: Attempt | None = None

    def perform_authentication(self, request) -> None:
        user = request.user
        if user.is_authenticated and not hasattr(user, "_sotay_member_loaded"):
            self._attempt = attempt_for_writing(user, self.kwargs.get("pk", 0))
            if self._attempt is not None:
                user.member = self._attempt.member
                user._sotay_member_loaded = True
        super().perform_authentication(request)

    def attempt(self, pk: int) -> Attempt:
        attempt = self._attempt
        if attempt is None or attempt.pk != pk or attempt.member_id != self.member.pk:
            return super().attempt(pk)
        if not can_see(self.member, attempt.round):
            raise NotFound(_("Không tìm thấy bài làm."))
        return attempt


class RoundListView(RoundView):
    @extend_schema(summary="Thi, trắc nghiệm: các đợt đang mở, sắp mở và đã đóng của các đơn vị của bạn",
                   responses={200: s.RoundSerializer(many=True)})
    def get(self, request):
        rounds = list(visible_rounds(self.member).select_related("unit").order_by("-opens_at")[:50])
        attempts: dict[int, list] = {}
        for a in Attempt.objects.filter(member=self.member, round__in=rounds).order_by("number"):
            attempts.setdefault(a.round_id, []).append(a)
        return Response([s.round_data(r, attempts.get(r.pk, [])) for r in rounds])


class RoundDetailView(RoundView):
    @extend_schema(summary="Một đợt thi: thể lệ, thời gian, số lượt đã làm",
                   responses={200: s.RoundSerializer, 404: api_s.DetailSerializer})
    def get(self, request, pk: int):
        round_ = self.round(pk)
        return Response(s.round_data(round_, own_attempts(self.member, round_)))


class AttemptStartView(RoundView):
    @extend_schema(summary="Bắt đầu làm bài (hoặc làm tiếp bài đang dở): câu hỏi rút ngẫu nhiên, giờ nộp bài",
                   request=None, responses={200: s.AttemptSerializer, **ERRORS})
    def post(self, request, pk: int):
        attempt = services.start_attempt(member=self.member, round_=self.round(pk))
        return Response(s.attempt_data(attempt))


class AttemptDetailView(RoundView):
    @extend_schema(summary="Bài làm của bạn: câu hỏi, các câu đã trả lời, số giây còn lại (theo giờ máy chủ)",
                   responses={200: s.AttemptSerializer, 404: api_s.DetailSerializer})
    def get(self, request, pk: int):
        return Response(s.attempt_data(self.attempt(pk)))


class AnswersView(AttemptWriteView):
    @extend_schema(summary="Lưu các câu đã trả lời (lưu ngay khi chọn, gửi lại không sao)",
                   request=s.AnswersInSerializer, responses={200: s.SavedSerializer, **ERRORS})
    def put(self, request, pk: int):
        attempt = self.attempt(pk)
        given = s.given_answers(request.data, required=True)
        attempt = services.save_answers(member=self.member, attempt=attempt, answers=given)
        remaining = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
        return Response({"saved": len(given), "remaining_s": remaining})


class SubmitView(AttemptWriteView):
    @extend_schema(summary="Nộp bài (một lần; gửi lại không tính thêm). Điểm xem được khi đợt thi đóng",
                   request=s.SubmitInSerializer, responses={200: s.SubmittedSerializer, **ERRORS})
    def post(self, request, pk: int):
        attempt = self.attempt(pk)
        given = s.given_answers(request.data)
        done = services.submit_attempt(member=self.member, attempt=attempt, answers=given)
        return Response({"submitted": True, "counted": done.counted, "results_at": attempt.round.closes_at})


class ResultsView(RoundView):
    @extend_schema(summary="Kết quả sau khi đợt thi đóng: điểm, đáp án, giải thích, thứ hạng",
                   responses={200: s.ResultsSerializer, **ERRORS})
    def get(self, request, pk: int):
        round_ = self.round(pk)
        if not round_.is_closed():
            raise Conflict(_("Kết quả và đáp án được công bố khi đợt thi đóng."))
        services.finish_expired(round_=round_)
        attempts = [a for a in own_attempts(self.member, round_) if a.submitted_at is not None]
        best = max(attempts, key=lambda a: (a.score or 0, a.started_at - a.submitted_at), default=None)
        table = ranking(round_)
        mine = next((r for r in table if r["member"] == self.member.pk), None)
        questions = []
        if best is not None:
            by_pk = {q.pk: q for q in Question.objects.filter(pk__in=best.questions)}
            given = {a.question_id: a.choices for a in AttemptAnswer.objects.filter(attempt=best)}
            for pk_ in best.questions:
                q = by_pk.get(pk_)
                if q is None:
                    continue
                questions.append({
                    "id": q.pk, "text": q.text, "kind": q.kind, "explanation": q.explanation,
                    "choices": [{"id": i, "text": c["text"], "correct": bool(c.get("correct"))}
                                for i, c in enumerate(q.choices)],
                    "given": given.get(q.pk, []), "right": frozenset(given.get(q.pk, [])) == q.correct,
                })
        from cms.org.models import Member

        top = table[:10]
        names = dict(Member.objects.filter(pk__in=[r["member"] for r in top]).values_list("pk", "full_name"))
        return Response({
            "round": s.round_data(round_, own_attempts(self.member, round_)),
            "score": best.score if best else None, "max_score": best.max_score if best else round_.question_count,
            "rank": mine["rank"] if mine else None, "participants": len(table), "questions": questions,
            "leaders": [{"rank": r["rank"], "name": names.get(r["member"], ""), "score": r["score"],
                         "seconds": r["seconds"]} for r in top],
        })


class QuestionAudioView(RoundView):
    @extend_schema(summary="Nghe đọc một câu hỏi của bài làm (tạo khi cần, dùng chung bộ nhớ đệm âm thanh)",
                   responses={(200, "audio/ogg"): OpenApiTypes.BINARY, 404: api_s.DetailSerializer})
    def get(self, request, pk: int, question: int):
        attempt = self.attempt(pk)
        if question not in attempt.questions:
            raise NotFound(_("Câu hỏi này không thuộc bài làm của bạn."))
        return audio_response(audio.question_audio(Question.objects.get(pk=question)))


class RollupView(RoundView):
    permission_classes = [IsAuthenticated, OverseesUnits]
    renderer_classes = [JSONRenderer, RoundRollupCSVRenderer, RoundRollupXLSXRenderer]

    @extend_schema(summary="Tham gia và điểm theo đơn vị, cộng dồn theo cây tổ chức (cấp ủy)",
                   parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv", "xlsx"])],
                   responses={200: s.RollupSerializer, **ERRORS})
    def get(self, request, pk: int):
        from cms.learning.models import Round

        round_ = Round.objects.select_related("unit").filter(pk=pk).first() if pk < 2**31 else None
        top = oversight_unit(request.user)
        start = rollup_unit(round_, top) if round_ is not None else None
        if round_ is None or start is None:
            raise PermissionDenied(_("Đợt thi này không thuộc phạm vi của bạn."))
        services.finish_expired(round_=round_)
        return Response(rollup(round_, start))


def audio_response(path):
    if path is None:
        raise NotFound(_("Chưa có âm thanh cho mục này."))
    response = FileResponse(path.open("rb"), content_type="audio/ogg" if path.suffix != ".mp3" else "audio/mpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


class QAAudioView(ApiView):
    @extend_schema(summary="Nghe đọc một câu hỏi – đáp",
                   responses={(200, "audio/ogg"): OpenApiTypes.BINARY, 404: api_s.DetailSerializer})
    def get(self, request, pk: int):
        entry = visible_qa(self.member).filter(pk=pk).first() if pk < 2**31 else None
        if entry is None:
            raise NotFound(_("Không tìm thấy câu hỏi – đáp."))
        return audio_response(audio.speak(qa.spoken_text(entry), f"qa {entry.pk}"))


class QAFromFeedbackView(ApiView):
    @extend_schema(summary="Đưa câu hỏi đã trả lời trong góp ý vào Hỏi – Đáp (cấp ủy của đơn vị nhận câu hỏi)",
                   request=s.QAFromFeedbackSerializer, responses={201: s.QASerializer, **ERRORS})
    def post(self, request, pk: int):
        from cms.api.selectors import feedback_visible_to

        feedback = feedback_visible_to(self.member).filter(pk=pk).first() if pk < 2**31 else None
        if feedback is None:
            raise NotFound(_("Không tìm thấy góp ý."))
        data = _validated(s.QAFromFeedbackSerializer, request.data)
        entry = qa.qa_from_feedback(by=self.member, feedback=feedback, **data)
        return Response({"id": entry.pk, "topic": entry.topic, "question": entry.question, "answer": entry.answer,
                         "unit": {"code": entry.unit.code, "name": entry.unit.title}}, status=201)


class QAListView(ApiView):
    @extend_schema(summary="Hỏi – Đáp: tìm theo chủ đề hoặc từ khóa (gõ không dấu cũng được)",
                   parameters=[OpenApiParameter("q", OpenApiTypes.STR), OpenApiParameter("topic", OpenApiTypes.STR)],
                   responses={200: s.QASerializer(many=True)})
    def get(self, request):
        entries = visible_qa(self.member).select_related("unit")
        topic = (request.query_params.get("topic") or "")[:120]
        if topic:
            entries = entries.filter(topic=topic)
        for word in fold(request.query_params.get("q") or "")[:200].split():
            entries = entries.filter(folded__contains=word)
        return Response([{"id": e.pk, "topic": e.topic, "question": e.question, "answer": e.answer,
                          "unit": {"code": e.unit.code, "name": e.unit.title}} for e in entries[:100]])


def poll_data(poll, member) -> dict:
    mine = PollResponse.objects.filter(poll=poll, member=member).first()
    return {"id": poll.pk, "page": poll.page_id, "title": poll.title, "anonymous": poll.anonymous,
            "open": poll.is_open(), "closes_at": poll.closes_at, "questions": poll.questions,
            "my_answers": mine.answers if mine else None}


class PollListView(ApiView):
    @extend_schema(summary="Góp ý dự thảo: các câu hỏi lấy ý kiến của một bài (dự thảo) bạn được đọc",
                   parameters=[OpenApiParameter("page", OpenApiTypes.INT, required=True)],
                   responses={200: s.PollSerializer(many=True), 400: api_s.DetailSerializer})
    def get(self, request):
        text = request.query_params.get("page", "")
        if not ID_RE.match(text):
            return Response({"detail": _("Thiếu mã bài viết (page).")}, status=400)
        page = int(text)
        polls = polls_mod.visible_polls(self.member, page) if 0 < page < 2**31 else []
        return Response([poll_data(p, self.member) for p in polls])


class PollDetailView(ApiView):
    @extend_schema(summary="Một đợt lấy ý kiến dự thảo: câu hỏi, ý kiến bạn đã gửi",
                   responses={200: s.PollSerializer, 404: api_s.DetailSerializer})
    def get(self, request, pk: int):
        poll = polls_mod.visible_poll(self.member, pk)
        if poll is None:
            raise NotFound(_("Không tìm thấy đợt lấy ý kiến."))
        return Response(poll_data(poll, self.member))


class PollAnswerView(ApiView):
    @extend_schema(summary="Gửi ý kiến vào dự thảo (gửi lại thì thay ý kiến trước)",
                   request=s.PollAnswerInSerializer, responses={200: s.PollSerializer, **ERRORS})
    def post(self, request, pk: int):
        poll = polls_mod.visible_poll(self.member, pk)
        if poll is None:
            raise NotFound(_("Không tìm thấy đợt lấy ý kiến."))
        data = _validated(s.PollAnswerInSerializer, request.data)
        polls_mod.answer_poll(member=self.member, poll=poll, answers=data["answers"])
        return Response(poll_data(poll, self.member))


class PollResultsView(ApiView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, PollCSVRenderer, PollXLSXRenderer]

    @extend_schema(summary="Kết quả lấy ý kiến theo đơn vị và mọi ý kiến (ban biên tập, cấp ủy)",
                   parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv", "xlsx"])],
                   responses={200: s.PollResultsSerializer, **ERRORS})
    def get(self, request, pk: int):
        poll = Poll.objects.select_related("page").filter(pk=pk).first() if pk < 2**31 else None
        top = polls_mod.results_unit(request.user, poll) if poll is not None else None
        if top is None:
            raise PermissionDenied(_("Chỉ ban biên tập, cấp ủy phụ trách mới xem được kết quả lấy ý kiến."))
        return Response(polls_mod.results(poll, top))


def essay_data(essay) -> dict:
    return {"id": essay.pk, "page": essay.page_id, "member": essay.member.full_name, "text": essay.text,
            "submitted_at": essay.submitted_at, "mark": essay.mark, "comment": essay.comment,
            "photos": [f"/api/learning/essays/{essay.pk}/photos/{p.pk}" for p in essay.photos.all()]}


class EssayListView(ApiView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(summary="Bài thu hoạch của bạn (theo tài liệu học tập)",
                   parameters=[OpenApiParameter("page", OpenApiTypes.INT)],
                   responses={200: s.EssaySerializer(many=True)})
    def get(self, request):
        rows = Essay.objects.filter(member=self.member).prefetch_related("photos").select_related("member")
        page = request.query_params.get("page", "")
        if ID_RE.match(page):
            rows = rows.filter(page_id=int(page))
        return Response([essay_data(e) for e in rows])

    @extend_schema(summary="Gửi bài thu hoạch: gõ chữ hoặc chụp ảnh bài viết tay (ảnh được thu nhỏ trên máy chủ)",
                   request={"multipart/form-data": s.EssayInSerializer},
                   responses={201: s.EssaySerializer, **ERRORS})
    def post(self, request):
        data = _validated(s.EssayInSerializer, {"page": request.data.get("page"),
                                                "text": request.data.get("text") or ""})
        essay = essays.submit_essay(member=self.member, page_id=data["page"], text=data["text"],
                                    images=request.FILES.getlist("photos"))
        return Response(essay_data(essay), status=201)


class EssayReviewView(ApiView):
    @extend_schema(summary="Bài thu hoạch của đảng viên chi bộ (bí thư, phó bí thư chấm)",
                   responses={200: s.EssaySerializer(many=True)})
    def get(self, request):
        return Response([essay_data(e) for e in essays.to_review(self.member)])


class EssayMarkView(ApiView):
    @extend_schema(summary="Chấm, nhận xét bài thu hoạch", request=s.EssayMarkInSerializer,
                   responses={200: s.EssaySerializer, **ERRORS})
    def post(self, request, pk: int):
        essay = Essay.objects.select_related("member").filter(pk=pk).first() if pk < 2**31 else None
        if essay is None or not (essay.member_id == self.member.pk or essays.can_mark(self.member, essay)):
            raise NotFound(_("Không tìm thấy bài thu hoạch."))
        data = _validated(s.EssayMarkInSerializer, request.data)
        return Response(essay_data(essays.mark_essay(by=self.member, essay=essay, **data)))


class EssayPhotoView(ApiView):
    @extend_schema(summary="Ảnh bài thu hoạch", responses={(200, "image/jpeg"): OpenApiTypes.BINARY,
                                                           404: api_s.DetailSerializer})
    def get(self, request, pk: int, photo: int):
        row = EssayPhoto.objects.select_related("essay__member").filter(pk=photo, essay_id=pk).first() \
            if max(pk, photo) < 2**31 else None
        if row is None or not (row.essay.member_id == self.member.pk or essays.can_mark(self.member, row.essay)):
            raise NotFound(_("Không tìm thấy ảnh."))
        response = FileResponse(row.image.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=86400"
        return response


class EssayRollupView(ApiView):
    permission_classes = [IsAuthenticated, OverseesUnits]

    @extend_schema(summary="Tổng hợp bài thu hoạch theo đơn vị: đã nộp, đã chấm, xếp loại (cấp ủy)",
                   parameters=[OpenApiParameter("page", OpenApiTypes.INT, required=True)],
                   responses={200: s.EssayRollupSerializer, **ERRORS})
    def get(self, request):
        page = request.query_params.get("page", "")
        if not ID_RE.match(page) or int(page) >= 2**31:
            return Response({"detail": _("Thiếu mã tài liệu học tập (page).")}, status=400)
        return Response(essays.rollup(int(page), oversight_unit(request.user)))
