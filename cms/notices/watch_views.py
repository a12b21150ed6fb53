"""`GET /api/notices/version`: what an open home asks every few seconds (see watch.py for why it is cheap)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from cms.api import serializers as api_s
from cms.api.permissions import IsActiveMember
from cms.api.views import ApiView

from . import watch


class NoticeVersionSerializer(serializers.Serializer):
    version = serializers.CharField(help_text="Đổi khi có thông báo khẩn mới (hoặc bị thu hồi) gửi đến bạn")
    watch = serializers.CharField(required=False,
                                  help_text="Mã gửi kèm (tiêu đề X-Sotay-Watch) ở các lần hỏi sau, dùng 15 phút")


class NoticeVersionView(ApiView):
    """Answered from the shared cache: with a valid watch token nothing of the member is read."""

    permission_classes = [AllowAny]  # a valid watch token, or the checks of every endpoint (below)
    throttle_classes: list = []

    def perform_authentication(self, request) -> None:
        """Lazy: the session is looked at only when there is no valid watch token."""

    @extend_schema(
        summary="Phiên bản thông báo khẩn của bạn (hỏi vài giây một lần khi trang chủ đang mở; ETag/304)",
        parameters=[OpenApiParameter(watch.WATCH_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER,
                                     description="Mã theo dõi nhận ở lần hỏi trước"),
                    OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER)],
        responses={200: NoticeVersionSerializer, 304: None, 401: api_s.DetailSerializer, 403: api_s.DetailSerializer},
    )
    def get(self, request):
        scope = watch.read_token(request.headers.get(watch.WATCH_HEADER, ""))
        token = None
        if scope is None:
            super().perform_authentication(request)
            for permission in (IsAuthenticated(), IsActiveMember()):
                if not permission.has_permission(request, self):
                    self.permission_denied(request, message=getattr(permission, "message", None)
                                           or _("Bạn chưa đăng nhập hoặc phiên đăng nhập đã hết."))
            scope, token = watch.scope_of(self.member), watch.watch_token(self.member)
        tag = watch.version(scope)
        etag = f'"{tag}"'
        if token is None and etag in request.headers.get("If-None-Match", ""):
            response = Response(status=304)
        else:
            response = Response({"version": tag, "watch": token} if token else {"version": tag})
        response["ETag"] = etag
        response[watch.POLL_HEADER] = str(watch.poll_seconds())
        response["Cache-Control"] = "private, no-cache"
        return response
