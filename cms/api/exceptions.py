"""Every error the API returns carries a Vietnamese `detail`; throttled replies say how long to wait."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .services import ServiceError


def _messages() -> dict[type, str]:
    return {
        exceptions.NotAuthenticated: _("Bạn chưa đăng nhập hoặc phiên đăng nhập đã hết. Hãy đăng nhập lại."),
        exceptions.AuthenticationFailed: _("Thông tin đăng nhập không hợp lệ hoặc tài khoản đã bị khóa."),
        exceptions.PermissionDenied: _("Bạn không có quyền thực hiện việc này."),
        exceptions.NotFound: _("Không tìm thấy."),
        exceptions.MethodNotAllowed: _("Phương thức này không được hỗ trợ."),
        exceptions.ParseError: _("Dữ liệu gửi lên không đọc được."),
        exceptions.UnsupportedMediaType: _("Định dạng dữ liệu gửi lên không được hỗ trợ."),
        exceptions.NotAcceptable: _("Không có định dạng trả về phù hợp."),
    }


def _field_messages() -> dict[str, str]:
    return {
        "required": _("Trường này là bắt buộc."),
        "null": _("Trường này không được để trống."),
        "blank": _("Trường này không được để trống."),
        "empty": _("Danh sách không được để trống."),
        "invalid_choice": _("Giá trị không nằm trong các lựa chọn cho phép."),
        "max_length": _("Quá dài hoặc quá nhiều phần tử."),
        "min_length": _("Quá ngắn hoặc quá ít phần tử."),
        "max_value": _("Giá trị quá lớn."),
        "min_value": _("Giá trị quá nhỏ."),
        "max_string_length": _("Giá trị quá lớn."),
        "not_a_list": _("Cần một danh sách."),
        "not_a_dict": _("Cần một đối tượng."),
        "date": _("Cần ngày giờ đầy đủ, không phải chỉ ngày."),
    }


def _vietnamese(detail, codes: dict[str, str]):
    """DRF's own English messages (plain ASCII) become Vietnamese by their error code."""
    if isinstance(detail, list):
        return [_vietnamese(d, codes) for d in detail]
    if isinstance(detail, dict):
        return {k: _vietnamese(v, codes) for k, v in detail.items()}
    if isinstance(detail, exceptions.ErrorDetail) and str(detail).isascii():
        return exceptions.ErrorDetail(codes.get(detail.code, _("Giá trị không hợp lệ.")), detail.code)
    return detail


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        return Response({"detail": exc.message, **exc.extra}, status=exc.status)
    if isinstance(exc, exceptions.Throttled):
        wait = max(1, math.ceil(exc.wait or 1))
        exc.detail = exceptions.ErrorDetail(
            _("Bạn đã thử quá nhiều lần. Hãy thử lại sau %(seconds)d giây.") % {"seconds": wait}, "throttled"
        )
        response = drf_exception_handler(exc, context)
        if response is not None:
            response.data["retry_after"] = wait
            response["Retry-After"] = str(wait)
        return response
    if isinstance(exc, exceptions.ValidationError):
        exc.detail = _vietnamese(exc.detail, _field_messages())
    else:
        for kind, message in _messages().items():
            if isinstance(exc, kind) and str(getattr(exc, "detail", "")).isascii():
                exc.detail = exceptions.ErrorDetail(message, getattr(exc.detail, "code", None))
                break
    return drf_exception_handler(exc, context)
