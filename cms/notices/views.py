"""Thin views of the notices and digests API: validate, call one service or selector, answer."""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from cms.api import serializers as api_s
from cms.api.selectors import oversight_unit
from cms.api.views import ApiView, _validated
from cms.org.models import UnitPage
from cms.org.selectors import can_read_layer

from . import serializers as s
from . import services, watch
from .digests import digest_dir
from .models import Digest, Notice, NoticeAck
from .renderers import SeenCSVRenderer, SeenXLSXRenderer
from .rollup import not_seen_members, seen_rollup
from .selectors import sent_notices, visible_notice, visible_notices


class NoticeView(ApiView):
    def notice(self, pk: int) -> Notice:
        notice = visible_notice(self.member, pk)
        if notice is None:
            raise NotFound(_("Không tìm thấy thông báo."))
        return notice


class NoticeListView(NoticeView):
    @extend_schema(
        summary="Thông báo khẩn gửi đến bạn (30 ngày gần đây), chưa xem trước",
        parameters=[OpenApiParameter("unseen", OpenApiTypes.BOOL, description="Chỉ những thông báo chưa xem")],
        responses={200: s.NoticeSerializer(many=True)},
    )
    def get(self, request):
        version = watch.version(watch.scope_of(self.member))  # read before the notices: a safe baseline
        notices = visible_notices(self.member)
        if request.query_params.get("unseen") in ("1", "true"):
            notices = notices.filter(seen=False)
        response = Response(s.NoticeSerializer(notices[:50], many=True).data)
        response["Cache-Control"] = "private, no-cache"
        response[watch.LIST_VERSION_HEADER] = version
        return response

    @extend_schema(
        summary="Gửi thông báo khẩn đến toàn đơn vị và các đơn vị cấp dưới (cấp ủy viên của đơn vị)",
        request=s.NoticeInSerializer,
        responses={201: s.NoticeSerializer, 400: api_s.DetailSerializer, 403: api_s.DetailSerializer,
                   409: api_s.DetailSerializer},
    )
    def post(self, request):
        data = _validated(s.NoticeInSerializer, request.data)
        notice = services.send_notice(by=self.member, **data)
        return Response(s.NoticeSerializer(notice).data, status=201)


class NoticeDetailView(NoticeView):
    @extend_schema(summary="Một thông báo khẩn", responses={200: s.NoticeSerializer, 404: api_s.DetailSerializer})
    def get(self, request, pk: int):
        notice = self.notice(pk)
        notice.seen = NoticeAck.objects.filter(notice=notice, member=self.member).exists()
        return Response(s.NoticeSerializer(notice).data)


class NoticeSeenView(NoticeView):
    @extend_schema(summary="Xác nhận đã xem thông báo (gửi lại nhiều lần không sao)", request=None,
                   responses={200: s.SeenSerializer, 404: api_s.DetailSerializer})
    def post(self, request, pk: int):
        ack = services.acknowledge(member=self.member, notice=self.notice(pk))
        return Response({"id": ack.notice_id, "seen": True, "seen_at": ack.seen_at})


class NoticeWithdrawView(NoticeView):
    @extend_schema(summary="Thu hồi thông báo đã gửi nhầm (cấp ủy viên của đơn vị gửi)", request=None,
                   responses={200: s.NoticeSerializer, 403: api_s.DetailSerializer, 404: api_s.DetailSerializer})
    def post(self, request, pk: int):
        return Response(s.NoticeSerializer(services.withdraw(by=self.member, notice=self.notice(pk))).data)


class SentNoticesView(ApiView):
    @extend_schema(summary="Thông báo do đơn vị của bạn và các đơn vị cấp dưới đã gửi (cấp ủy viên)",
                   responses={200: s.NoticeSerializer(many=True), 403: api_s.DetailSerializer})
    def get(self, request):
        top = oversight_unit(request.user)
        if top is None:
            raise PermissionDenied(_("Chỉ cấp ủy viên mới xem được thông báo đã gửi."))
        return Response(s.NoticeSerializer(sent_notices(top)[:100], many=True).data)


def rollup_root(user, notice: Notice, code: str | None) -> UnitPage:
    """The unit whose subtree the roll-up covers: the notice's own subtree within the overseer's."""
    top = oversight_unit(user)
    if top is None:
        raise PermissionDenied(_("Chỉ cấp ủy viên mới xem được ai đã xem thông báo."))
    if notice.unit.path.startswith(top.path):
        root = notice.unit
    elif top.path.startswith(notice.unit.path) and notice.withdrawn_at is None:
        root = top
    else:
        raise PermissionDenied(_("Thông báo này không thuộc phạm vi của bạn."))
    if code:
        unit = UnitPage.objects.filter(code=code[:32], path__startswith=root.path).first()
        if unit is None:
            raise PermissionDenied(_("Đơn vị này không thuộc phạm vi của bạn."))
        root = unit
    return root


class NoticeRollupView(ApiView):
    renderer_classes = [JSONRenderer, SeenCSVRenderer, SeenXLSXRenderer]

    @extend_schema(
        summary="Ai đã xem thông báo: số đã xem, chưa xem theo từng đơn vị, cộng dồn lên cấp trên",
        parameters=[OpenApiParameter("unit", OpenApiTypes.STR, description="Mã đơn vị trong phạm vi của bạn"),
                    OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv", "xlsx"])],
        responses={200: s.NoticeRollupSerializer, 403: api_s.DetailSerializer, 404: api_s.DetailSerializer},
    )
    def get(self, request, pk: int):
        notice = Notice.objects.select_related("unit").filter(pk=pk).first() if pk < 2**31 else None
        if notice is None:
            raise NotFound(_("Không tìm thấy thông báo."))
        root = rollup_root(request.user, notice, request.query_params.get("unit"))
        data = seen_rollup(notice, root)
        data["not_seen"] = not_seen_members(notice, root, limit=200)
        return Response(data)


class DigestView(ApiView):
    def digest(self, pk: int) -> Digest:
        digest = Digest.objects.select_related("unit").filter(pk=pk).first() if pk < 2**31 else None
        if digest is None or not can_read_layer(self.member, digest.layer):
            raise NotFound(_("Không tìm thấy bản tin."))
        return digest


class DigestListView(DigestView):
    @extend_schema(summary="Bản tin tuần, tháng của chi bộ bạn (mới nhất trước)",
                   responses={200: s.DigestSerializer(many=True)})
    def get(self, request):
        member = self.member
        digests = Digest.objects.filter(unit=member.unit).select_related("unit").order_by("-made_at")[:12]
        return Response(s.DigestSerializer(digests, many=True).data)


class DigestDetailView(DigestView):
    @extend_schema(summary="Một bản tin: các tin trong kỳ, tệp nghe và tệp in",
                   responses={200: s.DigestSerializer, 404: api_s.DetailSerializer})
    def get(self, request, pk: int):
        return Response(s.DigestSerializer(self.digest(pk)).data)


def _file(path: Path, content_type: str, filename: str | None = None) -> FileResponse:
    if not path.is_file():
        raise NotFound(_("Tệp của bản tin chưa được tạo."))
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=31536000, immutable"  # named by content
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class DigestAudioView(DigestView):
    @extend_schema(summary="Nghe bản tin (một tệp: tiêu đề và tóm tắt các tin)",
                   responses={(200, "audio/ogg"): OpenApiTypes.BINARY, 404: api_s.DetailSerializer})
    def get(self, request, pk: int):
        digest = self.digest(pk)
        if not digest.audio:
            raise NotFound(_("Bản tin này chưa có tệp nghe."))
        name = digest.audio
        kind = "audio/mpeg" if name.endswith(".mp3") else "audio/wav" if name.endswith(".wav") else "audio/ogg"
        return _file(digest_dir() / "audio" / name, kind)


class DigestPdfView(DigestView):
    @extend_schema(summary="Bản in A4 chữ to của bản tin, có mã QR đến từng tin",
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: api_s.DetailSerializer})
    def get(self, request, pk: int):
        digest = self.digest(pk)
        if not digest.pdf:
            raise NotFound(_("Bản tin này chưa có bản in."))
        return _file(digest_dir() / "pdf" / digest.pdf, "application/pdf",
                     f"ban-tin-{digest.unit.code}-{digest.period}.pdf")
