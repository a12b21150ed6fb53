"""Thin views of the meetings API: validate, call one service or selector, answer."""

from __future__ import annotations

import re
from datetime import timedelta

from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from cms.api import calendar
from cms.api import serializers as api_s
from cms.api.permissions import OverseesUnits
from cms.api.selectors import oversight_unit
from cms.api.views import ApiView, _validated
from cms.org.models import UnitPage

from . import ical, push, services
from . import serializers as s
from .models import CalendarToken, Meeting, MinutesPhoto
from .renderers import RollupCSVRenderer, RollupXLSXRenderer
from .rollup import rollup
from .selectors import (
    attendance_counts,
    can_manage,
    material_choices,
    recent_meetings,
    roster,
    upcoming_meetings,
    visible_meeting,
    visible_meetings,
)

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class MeetingView(ApiView):
    def meeting(self, pk: int) -> Meeting:
        meeting = visible_meeting(self.member, pk) if pk < 2**31 else None
        if meeting is None:
            raise NotFound(_("Không tìm thấy cuộc họp."))
        return meeting

    def answer(self, meeting: Meeting, status: int = 200, *, with_minutes: bool = True) -> Response:
        context = {"member": self.member, "with_minutes": with_minutes}
        return Response(s.MeetingSerializer(meeting, context=context).data, status=status)


class MeetingListView(MeetingView):
    @extend_schema(
        summary="Lịch sinh hoạt: các cuộc họp sắp tới và gần đây của các đơn vị của bạn",
        parameters=[OpenApiParameter("when", OpenApiTypes.STR, enum=["upcoming", "recent"])],
        responses={200: s.MeetingSerializer(many=True)},
    )
    def get(self, request):
        if request.query_params.get("when") == "recent":
            meetings = recent_meetings(self.member)
        else:
            meetings = upcoming_meetings(self.member)
        return Response(s.MeetingSerializer(meetings, many=True,
                                            context={"member": self.member, "with_minutes": True}).data)

    @extend_schema(
        summary="Xếp lịch cuộc họp (bí thư, phó bí thư; cấp ủy với cuộc họp cấp ủy)",
        request=s.ScheduleSerializer,
        responses={201: s.MeetingSerializer(many=True), 400: api_s.DetailSerializer, 403: api_s.DetailSerializer,
                   409: api_s.DetailSerializer},
    )
    def post(self, request):
        data = _validated(s.ScheduleSerializer, request.data)
        agenda = [services.AgendaEntry(title=a["title"], material=a.get("material")) for a in data.pop("agenda")]
        meetings = services.schedule_meeting(by=self.member, unit=self.member.unit, agenda=agenda, **data)
        return Response(s.MeetingSerializer(meetings, many=True, context={"member": self.member}).data, status=201)


class MaterialChoicesView(MeetingView):
    @extend_schema(
        summary="Tài liệu có thể gắn vào chương trình họp: bài mà mọi người dự họp đều đọc được",
        parameters=[OpenApiParameter("tier", OpenApiTypes.STR, enum=["all", "committee"])],
        responses={200: s.MaterialChoiceSerializer(many=True), 403: api_s.DetailSerializer},
    )
    def get(self, request):
        tier = request.query_params.get("tier") or "all"
        kind = "committee" if tier == "committee" else "regular"
        if self.member is None or not can_manage(self.member, self.member.unit, kind):
            raise PermissionDenied(_("Chỉ người xếp lịch họp của chi bộ mới chọn tài liệu họp."))
        return Response(s.MaterialChoiceSerializer(material_choices(self.member, tier), many=True).data)


class MeetingDetailView(MeetingView):
    @extend_schema(summary="Một cuộc họp: chương trình, tài liệu cần đọc trước, biên bản",
                   responses={200: s.MeetingSerializer, 404: api_s.DetailSerializer})
    def get(self, request, pk: int):
        return self.answer(self.meeting(pk))


class MeetingCancelView(MeetingView):
    @extend_schema(summary="Hủy cuộc họp", request=None,
                   responses={200: s.MeetingSerializer, 403: api_s.DetailSerializer, 404: api_s.DetailSerializer})
    def post(self, request, pk: int):
        return self.answer(services.cancel_meeting(by=self.member, meeting=self.meeting(pk)))


class MeetingResponseView(MeetingView):
    @extend_schema(summary="Trả lời: “Tôi sẽ dự” hoặc “Xin vắng” kèm lý do", request=s.ResponseInSerializer,
                   responses={200: s.MeetingSerializer, 400: api_s.DetailSerializer, 404: api_s.DetailSerializer,
                              409: api_s.DetailSerializer})
    def post(self, request, pk: int):
        meeting = self.meeting(pk)
        data = _validated(s.ResponseInSerializer, request.data)
        services.respond(member=self.member, meeting=meeting, **data)
        return self.answer(meeting)


class AttendanceView(MeetingView):
    @extend_schema(summary="Danh sách điểm danh (người quản lý cuộc họp)",
                   responses={200: s.RosterRowSerializer(many=True), 403: api_s.DetailSerializer})
    def get(self, request, pk: int):
        meeting = self.meeting(pk)
        if not can_manage(self.member, meeting.unit, meeting.kind):
            raise PermissionDenied(_("Chỉ người chủ trì cuộc họp mới xem được danh sách điểm danh."))
        return Response({"meeting": self.answer(meeting, with_minutes=False).data, "roster": roster(meeting),
                         "counts": attendance_counts(meeting)})

    @extend_schema(summary="Gửi điểm danh (một lô, mỗi mã chỉ tính một lần)", request=s.MarksInSerializer,
                   responses={200: s.MarkResultSerializer, 400: api_s.DetailSerializer,
                              403: api_s.DetailSerializer, 409: api_s.DetailSerializer})
    def post(self, request, pk: int):
        meeting = self.meeting(pk)
        data = _validated(s.MarksInSerializer, request.data)
        result = services.mark_attendance(by=self.member, meeting=meeting,
                                          marks=[services.MarkEvent(**m) for m in data["marks"]])
        return Response({"stored": result.stored, "duplicates": result.duplicates, "superseded": result.superseded})


class MinutesView(MeetingView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(summary="Đăng biên bản, nghị quyết và ảnh chụp (ảnh được thu nhỏ trên máy chủ)",
                   request={"multipart/form-data": s.MinutesInSerializer},
                   responses={201: s.MeetingSerializer, 400: api_s.DetailSerializer, 403: api_s.DetailSerializer})
    def post(self, request, pk: int):
        meeting = self.meeting(pk)
        payload = {key: request.data.get(key) for key in ("text", "resolution", "committee_text")
                   if request.data.get(key) is not None}
        payload["photos"] = request.FILES.getlist("photos")
        data = _validated(s.MinutesInSerializer, payload)
        services.post_minutes(by=self.member, meeting=meeting, text=data["text"], resolution=data["resolution"],
                              committee_text=data["committee_text"], images=data["photos"])
        meeting.refresh_from_db()
        return self.answer(meeting, status=201)


class PhotoView(MeetingView):
    @extend_schema(summary="Ảnh biên bản", responses={(200, "image/jpeg"): OpenApiTypes.BINARY,
                                                      404: api_s.DetailSerializer})
    def get(self, request, pk: int, photo: int):
        meeting = self.meeting(pk)
        row = MinutesPhoto.objects.filter(pk=photo, minutes__meeting=meeting).first() if photo < 2**31 else None
        if row is None:
            raise NotFound(_("Không tìm thấy ảnh."))
        response = FileResponse(row.image.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=86400"
        return response


class RatingView(MeetingView):
    @extend_schema(summary="Xếp loại chất lượng cuộc họp", request=s.RatingInSerializer,
                   responses={200: s.MeetingSerializer, 400: api_s.DetailSerializer, 403: api_s.DetailSerializer})
    def post(self, request, pk: int):
        data = _validated(s.RatingInSerializer, request.data)
        return self.answer(services.rate_meeting(by=self.member, meeting=self.meeting(pk), quality=data["quality"]))


class RollupView(ApiView):
    permission_classes = [IsAuthenticated, OverseesUnits]
    renderer_classes = [JSONRenderer, RollupCSVRenderer, RollupXLSXRenderer]

    @extend_schema(
        summary="Tổng hợp sinh hoạt theo tháng: đã họp, chưa họp, tỷ lệ dự, dự trực tuyến, xếp loại, biên bản",
        parameters=[OpenApiParameter("month", OpenApiTypes.STR, description="Tháng, dạng 2026-11"),
                    OpenApiParameter("unit", OpenApiTypes.STR, description="Mã đơn vị trong phạm vi của bạn"),
                    OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv", "xlsx"])],
        responses={200: s.RollupSerializer, 400: api_s.DetailSerializer, 403: api_s.DetailSerializer},
    )
    def get(self, request):
        month = request.query_params.get("month") or s.default_month()
        if not MONTH_RE.match(month):
            return Response({"detail": _("Tháng phải có dạng NNNN-TT, ví dụ 2026-11.")}, status=400)
        top = oversight_unit(request.user)
        code = request.query_params.get("unit")
        unit = top
        if code:
            unit = UnitPage.objects.filter(code=code[:32], path__startswith=top.path).first()
            if unit is None:
                raise PermissionDenied(_("Đơn vị này không thuộc phạm vi của bạn."))
        return Response(rollup(unit, month))


class CalendarTokenView(ApiView):
    @extend_schema(summary="Tạo đường dẫn lịch riêng (iCalendar) cho điện thoại; đường dẫn cũ hết hiệu lực",
                   request=None, responses={201: s.CalendarTokenSerializer})
    def post(self, request):
        token = services.issue_calendar_token(member=self.member)
        return Response({"url": request.build_absolute_uri(f"/api/calendar/{token.token}.ics")}, status=201)

    @extend_schema(summary="Thu hồi đường dẫn lịch riêng", request=None, responses={204: None})
    def delete(self, request):
        services.revoke_calendar_tokens(member=self.member)
        return Response(status=204)


class CalendarFeedView(ApiView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(summary="Lịch sinh hoạt dạng iCalendar (đường dẫn riêng, không cần đăng nhập)",
                   responses={(200, "text/calendar"): OpenApiResponse(OpenApiTypes.STR), 404: api_s.DetailSerializer})
    def get(self, request, token: str):
        row = CalendarToken.objects.select_related("member__unit", "member__user").filter(
            token=token[:64], revoked_at__isnull=True).first()
        if row is None or not (row.member.is_active_member and row.member.user.is_active):
            raise Http404(_("Đường dẫn lịch không còn hiệu lực."))
        since = timezone.now() - timedelta(days=62)
        meetings = list(visible_meetings(row.member).filter(starts_at__gte=since).select_related("unit")
                        .prefetch_related("agenda").order_by("starts_at")[:200])
        others = [e for e in calendar.entries(row.member, since, since + timedelta(days=400)) if e.kind != "meeting"]
        body = ical.feed(meetings, name=f"Lịch sinh hoạt — {row.member.unit.title}", base_url="", extra=others)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Cache-Control"] = "private, max-age=900"
        return response


class PushKeyView(ApiView):
    @extend_schema(summary="Khóa máy chủ (VAPID) để điện thoại đăng ký nhận nhắc lịch họp",
                   responses={200: s.PushKeySerializer})
    def get(self, request):
        return Response({"public_key": push.public_key()})


class PushSubscriptionView(ApiView):
    @extend_schema(summary="Nhận nhắc lịch họp trên điện thoại này (Web Push)", request=s.PushSubscriptionSerializer,
                   responses={201: None, 400: api_s.DetailSerializer})
    def post(self, request):
        data = _validated(s.PushSubscriptionSerializer, request.data)
        push.subscribe(member=self.member, endpoint=data["endpoint"], **data["keys"])
        return Response(status=201)

    @extend_schema(summary="Thôi nhận nhắc lịch họp trên điện thoại này", request=s.PushEndpointSerializer,
                   responses={204: None})
    def delete(self, request):
        data = _validated(s.PushEndpointSerializer, request.data)
        push.unsubscribe(member=self.member, endpoint=data["endpoint"])
        return Response(status=204)
