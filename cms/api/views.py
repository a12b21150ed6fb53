"""Thin views: validate, call one service or selector, answer. Access rules live in permissions and selectors."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import ValidationError as DjangoValidationError
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.org.models import Member
from cms.org.selectors import can_read, load_member, may_still_read, member_of
from cms.org.services import ResetCodeError, issue_reset_code, redeem_reset_code

from . import serializers as s
from .exceptions import exception_handler
from .permissions import IsActiveMember, IsCommitteeOfFeedbackUnit, IsLeader, OverseesUnits
from .renderers import CSVRenderer, XLSXRenderer
from .reports import UNREAD_LIMIT, ReportError, page_report
from .selectors import feedback_visible_to, profile, saved_items, unread_pages
from .services import (
    close_feedback,
    escalate_feedback,
    mark_feedback_seen,
    record_receipts,
    remove_saved,
    reply_to_feedback,
    save_for_later,
    send_feedback,
)
from .throttles import (
    LoginAddressThrottle,
    LoginUsernameThrottle,
    ReceiptsThrottle,
    ResetAddressThrottle,
    ResetUsernameThrottle,
)


class MemberFacingSchema(AutoSchema):
    """Descriptions in the schema are read by members: only the Vietnamese ones given with `extend_schema`,
    never the English docstrings written for developers."""

    def get_description(self) -> str:
        return ""


class ApiView(APIView):
    """Base of every sotay endpoint: Vietnamese errors; an active member profile is required unless stated."""

    permission_classes = [IsAuthenticated, IsActiveMember]
    schema = MemberFacingSchema()

    def get_exception_handler(self):
        return exception_handler

    def perform_authentication(self, request) -> None:
        user = request.user
        if user.is_authenticated and not hasattr(user, "_sotay_member_loaded"):
            # Load the profile with its unit once; every permission and selector then reads it from the cache.
            load_member(user)
            user._sotay_member_loaded = True

    @property
    def member(self) -> Member:
        return member_of(self.request.user)


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class _FailureThrottled(ApiView):
    """Views whose throttles count failed attempts only (see throttles.FailureThrottle)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def record_failure(self) -> None:
        for throttle in self.get_throttles():
            throttle.record_failure(self.request, self)


class LoginView(_FailureThrottled):
    throttle_classes = [LoginUsernameThrottle, LoginAddressThrottle]

    @extend_schema(
        summary="Đăng nhập",
        description="Đặt cookie phiên cho trang đọc và trả về token cho ứng dụng, kịch bản.",
        request=s.LoginSerializer,
        responses={200: s.LoginResultSerializer, 400: s.DetailSerializer, 429: s.DetailSerializer},
    )
    def post(self, request):
        data = _validated(s.LoginSerializer, request.data)
        user = authenticate(request, username=data["username"], password=data["password"])
        member = member_of(user)
        if not may_still_read(member):
            self.record_failure()
            return Response({"detail": _("Tên đăng nhập hoặc mật khẩu không đúng.")}, status=400)
        login(request, user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key, "csrf_token": get_token(request), "me": profile(member)})


class LogoutView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Đăng xuất", request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, Token):
            request.auth.delete()
        logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(ApiView):
    @extend_schema(summary="Thông tin tài khoản", responses={200: s.MeSerializer})
    def get(self, request):
        get_token(request)  # the reader needs the CSRF cookie for its POSTs
        return Response(profile(self.member))


class PasswordResetView(_FailureThrottled):
    throttle_classes = [ResetUsernameThrottle, ResetAddressThrottle]

    @extend_schema(
        summary="Đặt lại mật khẩu bằng mã do bí thư cấp",
        request=s.PasswordResetSerializer,
        responses={200: s.DetailSerializer, 400: s.DetailSerializer, 429: s.DetailSerializer},
    )
    def post(self, request):
        data = _validated(s.PasswordResetSerializer, request.data)
        try:
            member = redeem_reset_code(
                username=data["username"], code=data["code"], new_password=data["new_password"]
            )
        except ResetCodeError as exc:
            self.record_failure()
            return Response({"detail": str(exc)}, status=400)
        except DjangoValidationError as exc:
            raise ValidationError({"new_password": list(exc.messages)}) from exc
        Token.objects.filter(user=member.user).delete()  # old scripts and devices must log in again
        return Response({"detail": _("Đã đặt mật khẩu mới. Hãy đăng nhập lại.")})


class ResetCodeView(ApiView):
    permission_classes = [IsAuthenticated, IsActiveMember, IsLeader]

    @extend_schema(
        summary="Bí thư, phó bí thư cấp mã đặt lại mật khẩu cho đảng viên trong đơn vị",
        request=s.ResetCodeRequestSerializer,
        responses={201: s.ResetCodeSerializer, 404: s.DetailSerializer},
    )
    def post(self, request):
        data = _validated(s.ResetCodeRequestSerializer, request.data)
        secretary = self.member
        target = (
            Member.objects.select_related("user")
            .filter(user__username=data["username"], unit_id=secretary.unit_id)
            .first()
        )
        if not may_still_read(target):
            raise NotFound(_("Không tìm thấy đảng viên này trong đơn vị của bạn."))
        code = issue_reset_code(member=target, issued_by=request.user)
        expires = target.reset_codes.order_by("-created_at").values_list("expires_at", flat=True).first()
        return Response({"username": target.user.username, "code": code, "expires_at": expires}, status=201)


class AccessView(ApiView):
    """nginx `auth_request` target: may this session read the layer path?"""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Kiểm tra quyền đọc một đường dẫn lớp nội dung",
        parameters=[OpenApiParameter("path", OpenApiTypes.STR, description="Ví dụ /u/tn/dt/all/a/12/")],
        responses={200: s.AccessSerializer, 401: s.DetailSerializer, 403: s.DetailSerializer},
    )
    def get(self, request):
        path = request.query_params.get("path") or request.headers.get("X-Original-URI", "")
        path = path.split("?", 1)[0]
        if not request.user.is_authenticated:
            return Response({"detail": _("Bạn chưa đăng nhập hoặc phiên đăng nhập đã hết.")}, status=401)
        if not can_read(request.user, path):
            return Response({"detail": _("Bạn không có quyền xem nội dung này.")}, status=403)
        return Response({"allowed": True, "layer": path})


class ReceiptsView(ApiView):
    throttle_classes = [ReceiptsThrottle]
    throttle_scope = "receipts"

    @extend_schema(
        summary="Gửi xác nhận đã đọc (tối đa 500 sự kiện một lần)",
        request=s.ReceiptBatchSerializer,
        responses={200: s.ReceiptResultSerializer, 403: s.DetailSerializer, 409: s.DetailSerializer},
    )
    def post(self, request):
        events = s.fast_receipt_events(request.data)
        if events is None:
            serializer = s.ReceiptBatchSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            events = serializer.receipt_events()
        result = record_receipts(member=self.member, events=events)
        return Response({"stored": result.stored, "duplicates": result.duplicates})


class SearchView(ApiView):
    @extend_schema(
        summary="Tìm kiếm trong các lớp được đọc (gõ có dấu hoặc không dấu)",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True),
            OpenApiParameter("limit", OpenApiTypes.INT, required=False),
        ],
        responses={200: s.SearchResponseSerializer},
    )
    def get(self, request):
        from .search_index import search

        if settings.SOTAY_SEARCH_FOLLOW:
            from .search_follow import start_follower

            start_follower()  # this node's index follows what the store publishes (search_follow.py)
        q = request.query_params.get("q", "")[:200]
        limit = _int_param(request, "limit", 20, 1, 50)
        return Response({"results": search(self.member, q, limit=limit)})


class UnreadView(ApiView):
    @extend_schema(
        summary="Bài chưa đọc xong (tài liệu học tập có hạn gần nhất trước)",
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=["news", "resolution", "study", "meeting"]),
            OpenApiParameter("limit", OpenApiTypes.INT),
        ],
        responses={200: s.UnreadResponseSerializer},
    )
    def get(self, request):
        kind = request.query_params.get("kind") or None
        if kind not in (None, "news", "resolution", "study", "meeting"):
            raise ValidationError({"kind": [_("Loại bài không hợp lệ.")]})
        limit = _int_param(request, "limit", 100, 1, 500)
        return Response({"results": unread_pages(self.member, kind=kind, limit=limit)})


class SavedView(ApiView):
    @extend_schema(summary="Danh sách xem sau", responses={200: s.SavedItemSerializer(many=True)})
    def get(self, request):
        return Response(saved_items(self.member))

    @extend_schema(summary="Thêm vào xem sau", request=s.SavedCreateSerializer,
                   responses={201: s.DetailSerializer, 200: s.DetailSerializer, 400: s.DetailSerializer})
    def post(self, request):
        data = _validated(s.SavedCreateSerializer, request.data)
        _item, created = save_for_later(member=self.member, page_id=data["page"])
        return Response({"detail": _("Đã lưu để xem sau.")}, status=201 if created else 200)

    @extend_schema(summary="Bỏ khỏi xem sau",
                   parameters=[OpenApiParameter("page", OpenApiTypes.INT, required=True)],
                   responses={204: None, 404: s.DetailSerializer})
    def delete(self, request):
        page_id = _int_param(request, "page", None, 1, s.MAX_ID)
        if page_id is None or not remove_saved(member=self.member, page_id=page_id):
            raise NotFound(_("Bài này không có trong danh sách xem sau."))
        return Response(status=204)


def _int_param(request, name: str, default: int | None, low: int, high: int) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [_("Cần một số nguyên.")]}) from None
    if not low <= value <= high:
        raise ValidationError({name: [_("Giá trị phải từ %(low)d đến %(high)d.") % {"low": low, "high": high}]})
    return value



# --- feedback --------------------------------------------------------------------------------------------------

class FeedbackListView(ApiView):
    @extend_schema(
        summary="Góp ý của tôi và góp ý gửi tới cấp ủy của tôi",
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=["open", "closed"])],
        responses={200: s.FeedbackSerializer(many=True)},
    )
    def get(self, request):
        items = feedback_visible_to(self.member)
        wanted = request.query_params.get("status")
        if wanted in ("open", "closed"):
            items = items.filter(status=wanted)
        return Response(s.FeedbackSerializer(items[:200], many=True).data)

    @extend_schema(
        summary="Gửi góp ý, ý kiến dự thảo, phản ánh hoặc bài thu hoạch",
        request=s.FeedbackCreateSerializer,
        responses={201: s.FeedbackSerializer, 200: s.FeedbackSerializer, 400: s.DetailSerializer,
                   409: s.DetailSerializer},
    )
    def post(self, request):
        data = _validated(s.FeedbackCreateSerializer, request.data)
        feedback, created = send_feedback(
            member=self.member, kind=data["kind"], body=data["body"], page_id=data.get("page"),
            client_id=data.get("client_id"),
        )
        return Response(s.FeedbackSerializer(feedback).data, status=201 if created else 200)


class _FeedbackItemView(ApiView):
    def get_feedback(self, pk: int):
        # Feedback the caller may not see answers exactly like feedback that does not exist.
        feedback = feedback_visible_to(self.member).filter(pk=pk).first() if pk <= s.MAX_ID else None
        if feedback is None:
            raise NotFound(_("Không tìm thấy góp ý này."))
        self.check_object_permissions(self.request, feedback)
        return feedback


class FeedbackDetailView(_FeedbackItemView):
    @extend_schema(summary="Một góp ý và các trả lời", responses={200: s.FeedbackSerializer, 404: s.DetailSerializer})
    def get(self, request, pk: int):
        return Response(s.FeedbackSerializer(self.get_feedback(pk)).data)


class FeedbackReplyView(_FeedbackItemView):
    @extend_schema(summary="Trả lời góp ý", request=s.ReplyCreateSerializer,
                   responses={201: s.FeedbackSerializer, 400: s.DetailSerializer, 404: s.DetailSerializer})
    def post(self, request, pk: int):
        feedback = self.get_feedback(pk)
        data = _validated(s.ReplyCreateSerializer, request.data)
        reply_to_feedback(feedback=feedback, author=self.member, body=data["body"])
        return Response(s.FeedbackSerializer(self.get_feedback(pk)).data, status=201)


class FeedbackCloseView(_FeedbackItemView):
    permission_classes = [*ApiView.permission_classes, IsCommitteeOfFeedbackUnit]

    @extend_schema(summary="Đóng góp ý", request=None,
                   responses={200: s.FeedbackSerializer, 403: s.DetailSerializer, 404: s.DetailSerializer})
    def post(self, request, pk: int):
        feedback = close_feedback(feedback=self.get_feedback(pk), by=self.member)
        return Response(s.FeedbackSerializer(feedback).data)


class FeedbackEscalateView(_FeedbackItemView):
    permission_classes = [*ApiView.permission_classes, IsCommitteeOfFeedbackUnit]

    @extend_schema(summary="Chuyển góp ý lên cấp ủy cấp trên", request=None,
                   responses={200: s.FeedbackSerializer, 400: s.DetailSerializer, 403: s.DetailSerializer,
                              404: s.DetailSerializer})
    def post(self, request, pk: int):
        feedback = escalate_feedback(feedback=self.get_feedback(pk), by=self.member)
        return Response({**s.FeedbackSerializer(feedback).data, "detail": _("Đã chuyển lên cấp ủy cấp trên.")})


class FeedbackSeenView(_FeedbackItemView):
    @extend_schema(summary="Người gửi đánh dấu đã xem trả lời và thay đổi của góp ý", request=None,
                   responses={200: s.FeedbackSerializer, 403: s.DetailSerializer, 404: s.DetailSerializer})
    def post(self, request, pk: int):
        feedback = mark_feedback_seen(feedback=self.get_feedback(pk), member=self.member)
        return Response(s.FeedbackSerializer(feedback).data)


# --- reports ---------------------------------------------------------------------------------------------------

class PageReportView(ApiView):
    permission_classes = [IsAuthenticated, OverseesUnits]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer, XLSXRenderer]

    @extend_schema(
        summary="Tỷ lệ đọc một bài theo đơn vị và danh sách chưa đọc xong (JSON, CSV, XLSX)",
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.STR, description="Mã đơn vị trong phạm vi của bạn"),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv", "xlsx"]),
        ],
        responses={200: s.ReportSerializer, 403: s.DetailSerializer},
    )
    def get(self, request, page_id: int):
        unit = request.query_params.get("unit") or None
        if page_id > s.MAX_ID or (unit is not None and (len(unit) > 32 or "\x00" in unit)):
            raise PermissionDenied(_("Bạn không có quyền xem báo cáo của trang này."))
        try:
            # Exports are the full list of who has not read; the screen shows the first names.
            export = getattr(request.accepted_renderer, "format", "json") in ("csv", "xlsx")
            return Response(page_report(request.user, page_id, unit_code=unit,
                                        unread_limit=None if export else UNREAD_LIMIT))
        except ReportError as exc:
            raise PermissionDenied(str(exc)) from exc
