"""`GET /api/reports/adoption`: mức độ sử dụng of a unit's subtree, as JSON, CSV or XLSX."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from cms.api import serializers as api_serializers
from cms.api.permissions import OverseesUnits
from cms.api.views import ApiView

from .exports import AdoptionCSVRenderer, AdoptionXLSXRenderer
from .selectors import REPORT_DEPTH, AdoptionError, adoption_report, base_sentence
from .serializers import AdoptionReportSerializer


class AdoptionReportView(ApiView):
    permission_classes = [IsAuthenticated, OverseesUnits]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, AdoptionCSVRenderer, AdoptionXLSXRenderer]

    @extend_schema(
        summary="Mức độ sử dụng sổ tay theo đơn vị: đăng nhập, dùng trong 30 ngày, cài ứng dụng (JSON, CSV, XLSX)",
        description="Cấp ủy xem đơn vị mình và các đơn vị cấp dưới; quản trị tỉnh xem toàn tỉnh. Tỷ lệ tính trên "
                    "đảng viên đang sinh hoạt, không kể người miễn sinh hoạt và người không có điện thoại thông minh.",
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.STR, description="Mã đơn vị trong phạm vi của bạn"),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv", "xlsx"]),
            OpenApiParameter("depth", OpenApiTypes.STR,
                             description="Số cấp đơn vị dưới đơn vị được hỏi có trong danh sách (1–9, mặc định 2 "
                                         "với JSON), hoặc \"all\": tất cả (mặc định với CSV, XLSX). Tổng số luôn "
                                         "tính mọi cấp."),
        ],
        responses={200: AdoptionReportSerializer, 403: api_serializers.DetailSerializer},
    )
    def get(self, request):
        unit = request.query_params.get("unit") or None
        if unit is not None and (len(unit) > 32 or "\x00" in unit):
            raise PermissionDenied(_refused())
        depth = _depth(request.query_params.get("depth"), request.accepted_renderer.format)
        try:
            report = adoption_report(request.user, unit, depth=depth)
        except AdoptionError as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response({**report, "base_sentence": base_sentence(report)})


def _depth(asked: str | None, renderer_format: str) -> int | None:
    """Levels listed: as asked, else all in a file export and REPORT_DEPTH on screen."""
    if asked is None:
        return None if renderer_format in ("csv", "xlsx") else REPORT_DEPTH
    if asked == "all":
        return None
    if asked.isdigit() and 1 <= int(asked) <= 9:
        return int(asked)
    from django.utils.translation import gettext as _

    raise ValidationError({"depth": _("Số cấp phải từ 1 đến 9, hoặc \"all\".")})


def _refused() -> str:
    from django.utils.translation import gettext as _

    return _("Đơn vị này không thuộc phạm vi của bạn.")
