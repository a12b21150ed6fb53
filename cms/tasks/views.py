"""Thin views of the giao việc API: validate, call one service or selector, answer."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.http import FileResponse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from cms.api import calendar
from cms.api import serializers as api_s
from cms.api.views import ApiView, _validated
from cms.org.models import Member, UnitPage
from cms.org.selectors import active_members

from . import plans, present, services
from . import serializers as s
from .models import Commitment, CommitmentReport, ReportPhoto
from .renderers import PlanCSVRenderer, PlanXLSXRenderer
from .selectors import (
    late_assignments,
    manages_unit,
    my_commitments,
    my_work,
    overseen_unit,
    unit_commitments,
    unit_tasks,
    visible_plan,
    visible_plans,
    visible_task,
)

ERRORS = {400: api_s.DetailSerializer, 403: api_s.DetailSerializer, 404: api_s.DetailSerializer,
          409: api_s.DetailSerializer}


class TaskView(ApiView):
    def task(self, pk: int):
        task = visible_task(self.member, pk)
        if task is None:
            raise NotFound(_("Không tìm thấy việc."))
        return task


class MyWorkView(ApiView):
    @extend_schema(summary="Việc của tôi: việc được giao và báo cáo kế hoạch đơn vị còn nợ, theo hạn",
                   responses={200: s.WorkItemSerializer(many=True)})
    def get(self, request):
        return Response(s.WorkItemSerializer(my_work(self.member), many=True).data)


class TaskListView(TaskView):
    @extend_schema(summary="Việc đơn vị đã giao (cấp ủy đơn vị)",
                   responses={200: s.TaskSerializer(many=True), **ERRORS})
    def get(self, request):
        if not manages_unit(self.member, self.member.unit):
            raise PermissionDenied(_("Chỉ cấp ủy của đơn vị mới xem được việc đã giao."))
        return Response([present.task(self.member, t) for t in unit_tasks(self.member.unit)[:100]])

    @extend_schema(summary="Giao việc cho một, vài đảng viên hoặc cả chi bộ", request=s.AssignSerializer,
                   responses={201: s.TaskSerializer, **ERRORS})
    def post(self, request):
        data = _validated(s.AssignSerializer, request.data)
        task = services.assign_task(by=self.member, **data)
        return Response(present.task(self.member, task), status=201)


class UnitMembersView(ApiView):
    @extend_schema(summary="Đảng viên của đơn vị, để chọn người thực hiện (cấp ủy đơn vị)",
                   responses={200: s.MemberChoiceSerializer(many=True), **ERRORS})
    def get(self, request):
        if not manages_unit(self.member, self.member.unit):
            raise PermissionDenied(_("Chỉ cấp ủy của đơn vị mới giao được việc."))
        rows = active_members(Member.objects.filter(unit=self.member.unit)).order_by("full_name")
        return Response([{"id": m.pk, "full_name": m.full_name} for m in rows])


class LateView(ApiView):
    @extend_schema(summary="Ai đang chậm: việc quá hạn chưa xong của đơn vị",
                   responses={200: s.LateRowSerializer(many=True), **ERRORS})
    def get(self, request):
        if not manages_unit(self.member, self.member.unit):
            raise PermissionDenied(_("Chỉ cấp ủy của đơn vị mới xem được mục này."))
        return Response([{"task": a.task_id, "title": a.task.title, "due_at": a.task.due_at, "member": a.member_id,
                          "full_name": a.member.full_name, "percent": a.percent}
                         for a in late_assignments(self.member.unit)[:500]])


class TaskDetailView(TaskView):
    @extend_schema(summary="Một việc: nội dung, hạn, tiến độ, báo cáo", responses={200: s.TaskSerializer, **ERRORS})
    def get(self, request, pk: int):
        return Response(present.task(self.member, self.task(pk)))


class TaskCancelView(TaskView):
    @extend_schema(summary="Hủy việc đã giao", request=None, responses={200: s.TaskSerializer, **ERRORS})
    def post(self, request, pk: int):
        task = services.cancel_task(by=self.member, task=self.task(pk))
        return Response(present.task(self.member, task))


class ProgressView(TaskView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(summary="Báo cáo tiến độ (nội dung, phần trăm, ảnh chụp); mỗi mã báo cáo chỉ tính một lần",
                   request={"application/json": s.ProgressInSerializer, "multipart/form-data": s.ProgressInSerializer},
                   responses={201: s.TaskSerializer, **ERRORS})
    def post(self, request, pk: int):
        task = self.task(pk)
        payload = {k: request.data.get(k) for k in ("client_id", "percent", "text", "client_time")
                   if request.data.get(k) is not None}
        payload["photos"] = request.FILES.getlist("photos")
        data = _validated(s.ProgressInSerializer, payload)
        services.report_progress(member=self.member, task=task, percent=data["percent"], text=data["text"],
                                 client_id=data["client_id"], client_time=data["client_time"],
                                 images=data["photos"])
        return Response(present.task(self.member, task), status=201)


class PhotoView(TaskView):
    @extend_schema(summary="Ảnh báo cáo tiến độ", responses={(200, "image/jpeg"): OpenApiTypes.BINARY, **ERRORS})
    def get(self, request, pk: int, photo: int):
        task = self.task(pk)
        rows = ReportPhoto.objects.filter(pk=photo, report__assignment__task=task) if photo < 2**31 else None
        if rows is not None and not manages_unit(self.member, task.unit):
            rows = rows.filter(report__assignment__member=self.member)
        row = rows.first() if rows is not None else None
        if row is None:
            raise NotFound(_("Không tìm thấy ảnh."))
        response = FileResponse(row.image.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=86400"
        return response


# --- commitments ------------------------------------------------------------------------------------------

class CommitmentView(ApiView):
    def commitment(self, pk: int) -> Commitment:
        row = Commitment.objects.select_related("member__unit").filter(pk=pk).first() if pk < 2**31 else None
        if row is None or not (row.member_id == self.member.pk or manages_unit(self.member, row.member.unit)):
            raise NotFound(_("Không tìm thấy bản đăng ký."))
        return row


class CommitmentListView(CommitmentView):
    @extend_schema(summary="Bản đăng ký, cam kết của tôi (hoặc của cả đơn vị với ?unit=1 cho cấp ủy)",
                   parameters=[OpenApiParameter("year", OpenApiTypes.INT), OpenApiParameter("unit", OpenApiTypes.BOOL)],
                   responses={200: s.CommitmentSerializer(many=True), **ERRORS})
    def get(self, request):
        year = request.query_params.get("year")
        year = int(year) if year and year.isdigit() and len(year) == 4 else timezone.localdate().year
        if request.query_params.get("unit"):
            if not manages_unit(self.member, self.member.unit):
                raise PermissionDenied(_("Chỉ cấp ủy của đơn vị mới xem được mục này."))
            rows = unit_commitments(self.member.unit, year)
        else:
            rows = my_commitments(self.member, year).select_related("member")
        return Response([present.commitment(c) for c in rows])

    @extend_schema(summary="Đăng ký việc làm theo Chỉ thị, cam kết tu dưỡng rèn luyện",
                   request=s.CommitmentInSerializer, responses={201: s.CommitmentSerializer, **ERRORS})
    def post(self, request):
        data = _validated(s.CommitmentInSerializer, request.data)
        return Response(present.commitment(services.register_commitment(member=self.member, **data)), status=201)


class CommitmentReviewView(CommitmentView):
    @extend_schema(summary="Duyệt hoặc trả lại bản đăng ký (cấp ủy)", request=s.ReviewInSerializer,
                   responses={200: s.CommitmentSerializer, **ERRORS})
    def post(self, request, pk: int):
        data = _validated(s.ReviewInSerializer, request.data)
        row = services.review_commitment(by=self.member, commitment=self.commitment(pk), **data)
        return Response(present.commitment(row))


class CommitmentReportView(CommitmentView):
    @extend_schema(summary="Báo cáo kết quả thực hiện bản đăng ký", request=s.CommitmentReportInSerializer,
                   responses={201: s.CommitmentSerializer, **ERRORS})
    def post(self, request, pk: int):
        data = _validated(s.CommitmentReportInSerializer, request.data)
        row = self.commitment(pk)
        services.report_commitment(member=self.member, commitment=row, **data)
        return Response(present.commitment(row), status=201)


class CommitmentCommentView(CommitmentView):
    @extend_schema(summary="Nhận xét báo cáo kết quả (cấp ủy)", request=s.CommentInSerializer,
                   responses={200: s.CommitmentSerializer, **ERRORS})
    def post(self, request, pk: int, report: int):
        row = self.commitment(pk)
        found = CommitmentReport.objects.filter(pk=report, commitment=row).first() if report < 2**31 else None
        if found is None:
            raise NotFound(_("Không tìm thấy báo cáo."))
        data = _validated(s.CommentInSerializer, request.data)
        services.comment_commitment_report(by=self.member, report=found, comment=data["comment"])
        return Response(present.commitment(row))


# --- plans ----------------------------------------------------------------------------------------------

class PlanView(ApiView):
    def plan(self, pk: int):
        plan = visible_plan(self.member, pk)
        if plan is None:
            raise NotFound(_("Không tìm thấy kế hoạch."))
        return plan


class PlanListView(PlanView):
    @extend_schema(summary="Kế hoạch ngành dọc: đơn vị mình ban hành hoặc nhận",
                   responses={200: s.PlanSerializer(many=True)})
    def get(self, request):
        return Response([present.plan(self.member, p) for p in visible_plans(self.member)[:100]])

    @extend_schema(summary="Ban hành kế hoạch kèm mẫu báo cáo cho các đơn vị cấp dưới", request=s.PlanInSerializer,
                   responses={201: s.PlanSerializer, **ERRORS})
    def post(self, request):
        data = _validated(s.PlanInSerializer, request.data)
        plan = plans.issue_plan(by=self.member, **data)
        return Response(present.plan(self.member, plan), status=201)


class PlanDetailView(PlanView):
    @extend_schema(summary="Một kế hoạch, mẫu báo cáo và báo cáo của đơn vị mình",
                   responses={200: s.PlanSerializer, **ERRORS})
    def get(self, request, pk: int):
        return Response(present.plan(self.member, self.plan(pk)))


class PlanReportView(PlanView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(summary="Gửi báo cáo của đơn vị theo mẫu (bí thư, phó bí thư)",
                   request={"application/json": s.PlanReportInSerializer,
                            "multipart/form-data": s.PlanReportInSerializer},
                   responses={200: s.PlanSerializer, **ERRORS})
    def post(self, request, pk: int):
        plan = self.plan(pk)
        if request.content_type.startswith("multipart/"):
            values = {k: v for k, v in request.POST.items() if k.startswith("f")}
            payload = {"client_id": request.data.get("client_id"), "values": values}
        else:
            payload = {"client_id": request.data.get("client_id"),
                       "values": {k: str(v) for k, v in (request.data.get("values") or {}).items()}}
        data = _validated(s.PlanReportInSerializer, payload)
        plans.submit_report(by=self.member, plan=plan, values=data["values"], client_id=data["client_id"],
                            files=dict(request.FILES.items()))
        return Response(present.plan(self.member, plan))


class PlanForwardView(PlanView):
    @extend_schema(summary="Chuyển tiếp kế hoạch xuống cấp dưới với hạn của đơn vị mình", request=s.ForwardInSerializer,
                   responses={200: s.PlanSerializer, **ERRORS})
    def post(self, request, pk: int):
        data = _validated(s.ForwardInSerializer, request.data)
        plan = self.plan(pk)
        plans.forward_plan(by=self.member, plan=plan, due_at=data["due_at"])
        return Response(present.plan(self.member, plan))


class PlanReturnView(PlanView):
    @extend_schema(summary="Trả lại báo cáo của một đơn vị để sửa", request=s.ReturnInSerializer,
                   responses={200: s.PlanSerializer, **ERRORS})
    def post(self, request, pk: int):
        data = _validated(s.ReturnInSerializer, request.data)
        plan = self.plan(pk)
        unit = UnitPage.objects.filter(code=data["unit"], path__startswith=plan.unit.path).first()
        if unit is None:
            raise NotFound(_("Không tìm thấy đơn vị."))
        plans.return_report(by=self.member, plan=plan, unit=unit, note=data["note"])
        return Response(present.plan(self.member, plan))


class PlanRollupView(PlanView):
    renderer_classes = [JSONRenderer, PlanCSVRenderer, PlanXLSXRenderer]

    @extend_schema(summary="Tổng hợp báo cáo kế hoạch: đơn vị đã báo cáo, quá hạn, số liệu cộng dồn",
                   parameters=[OpenApiParameter("unit", OpenApiTypes.STR,
                                                description="Mã đơn vị trong phạm vi của bạn"),
                               OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv", "xlsx"])],
                   responses={200: s.PlanRollupSerializer, **ERRORS})
    def get(self, request, pk: int):
        plan = self.plan(pk)
        unit = overseen_unit(self.member, plan, request.query_params.get("unit"))
        if unit is None:
            raise PermissionDenied(_("Đơn vị này không thuộc phạm vi của bạn."))
        full = request.query_params.get("format") in ("csv", "xlsx")
        return Response(plans.rollup(plan, unit, full=full))


# --- calendars --------------------------------------------------------------------------------------------

class WorkCalendarView(ApiView):
    @extend_schema(summary="Lịch công tác tuần của cấp ủy các cấp của bạn",
                   parameters=[OpenApiParameter("week", OpenApiTypes.DATE, description="Một ngày trong tuần")],
                   responses={200: s.CalendarEntrySerializer(many=True)})
    def get(self, request):
        day = parse_date(request.query_params.get("week") or "") or timezone.localdate()
        monday = day - timedelta(days=day.weekday())
        start = timezone.make_aware(datetime.combine(monday, time()))
        rows = calendar.entries(self.member, start, start + timedelta(days=7), kinds={"work"})
        return Response(s.CalendarEntrySerializer(rows, many=True).data)

    @extend_schema(summary="Thêm một mục vào lịch công tác tuần của cấp ủy", request=s.WorkEntryInSerializer,
                   responses={201: None, **ERRORS})
    def post(self, request):
        data = _validated(s.WorkEntryInSerializer, request.data)
        entry = services.add_work_entry(by=self.member, **data)
        return Response({"id": entry.pk}, status=201)


class MyCalendarView(ApiView):
    @extend_schema(summary="Lịch của tôi: họp, hạn việc, hạn báo cáo và lịch công tác của cấp ủy",
                   parameters=[OpenApiParameter("days", OpenApiTypes.INT)],
                   responses={200: s.CalendarEntrySerializer(many=True)})
    def get(self, request):
        days = request.query_params.get("days", "")
        days = min(int(days), 366) if days.isdigit() and days else 31
        start = timezone.now() - timedelta(days=1)
        rows = calendar.entries(self.member, start, start + timedelta(days=days + 1))
        return Response(s.CalendarEntrySerializer(rows, many=True).data)
