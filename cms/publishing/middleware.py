"""Admin writes are all-or-nothing, and a database too busy to take one says so in Vietnamese."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _

logger = logging.getLogger("sotay.publishing")

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class AtomicAdminWritesMiddleware:
    """Run every admin POST in one transaction: a publish, the revision it saves and the build it queues commit
    together, so a page is never shown "ĐÃ XUẤT BẢN" without its build queued.

    Installed last, so it wraps the view itself (an exception raised inside the view reaches it before Django
    turns it into a response).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.method in SAFE_METHODS or not request.path.startswith("/admin/"):
            return None
        try:
            with transaction.atomic():
                response = view_func(request, *view_args, **view_kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
                return response
        except DatabaseError:
            logger.exception("admin write refused by the database: %s", request.path)
            return busy_response(request)


def busy_response(request: HttpRequest) -> HttpResponse:
    message = _("Chưa lưu được: cơ sở dữ liệu đang bận. Trang vẫn giữ nguyên như trước khi bấm, chưa có gì "
                "thay đổi. Hãy thử lại sau ít giây.")
    accepts = request.headers.get("Accept", "")
    if "json" in accepts or request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return JsonResponse({"success": False, "error_code": "database_busy", "error_message": message}, status=503)
    back = request.get_full_path()
    html = format_html(
        '<!doctype html><html lang="vi"><meta charset="utf-8"><title>{}</title>'
        '<main style="font:16px/1.5 sans-serif;max-width:40rem;margin:3rem auto"><h1>{}</h1><p>{}</p>'
        '<p><a href="{}">{}</a></p></main></html>',
        _("Chưa lưu được"), _("Chưa lưu được"), message, back, _("Quay lại trang đang sửa"),
    )
    response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = "5"
    return response
