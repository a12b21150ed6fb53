"""The reader shell: login, the member's home composed in the browser from their chain of layers, the service
worker and the web app manifest that let it open offline from the home screen.

Every shell route answers the same page; shell.js draws the view named by the URL. The page embeds the
member's profile so the first view on 3G needs one request fewer (it is also what the service worker keeps
for offline starts).
"""

from __future__ import annotations

import json

from django import forms
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from cms.compression import accepted_encoding
from cms.org.selectors import may_still_read, member_of

from . import assets, home_answers

# A long-lived cookie that only says "this browser has logged in before": without a session it means the
# session expired, so the login page can say so instead of greeting a stranger.
MEMBER_HINT = "sotay_member"
# Shell routes and the view shell.js draws for each (the service worker answers all of them offline).
SHELL_VIEWS = {"": "home", "tim-kiem/": "search", "chua-doc/": "unread", "xem-sau/": "saved", "gop-y/": "feedback",
               "luu-tru/": "archive", "tai-ve/": "offline"}


class MemberLoginForm(AuthenticationForm):
    """Only members whose status still gives access may open the reader (the API applies the same rule)."""

    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "inactive": "Tài khoản này không còn quyền đọc sổ tay.",
    }

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        member = member_of(user)
        if not may_still_read(member):
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive")


class ReaderLoginView(LoginView):
    template_name = "reader/login.html"
    authentication_form = MemberLoginForm
    redirect_authenticated_user = True
    next_page = "/"

    def form_valid(self, form):
        response = super().form_valid(form)
        response.set_cookie(MEMBER_HINT, "1", max_age=400 * 24 * 3600, samesite="Lax", httponly=True)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["expired"] = self.request.GET.get("het-phien") == "1"
        context["logged_out"] = self.request.GET.get("da-dang-xuat") == "1"
        context["assets"] = assets.shell_urls()
        return context


login_page = ReaderLoginView.as_view()


@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    logout(request)
    # The login page then asks the service worker to forget this member's cached pages and data.
    response = redirect("/dang-nhap/?da-dang-xuat=1")
    response.delete_cookie(MEMBER_HINT, samesite="Lax")
    return response


@require_safe
def shell(request: HttpRequest, route: str | None = None) -> HttpResponse:
    view = SHELL_VIEWS.get(route or "")
    if view is None:
        raise Http404("Không tìm thấy trang.")
    if not request.user.is_authenticated:
        if request.COOKIES.get(MEMBER_HINT):
            return redirect_to_login(request.get_full_path(), "/dang-nhap/?het-phien=1")
        return redirect_to_login(request.get_full_path())
    member = member_of(request.user)
    if not may_still_read(member):
        logout(request)
        return redirect("/dang-nhap/?het-phien=1")
    from cms.api.selectors import profile

    get_token(request)  # the CSRF cookie the reader's POSTs (receipts, feedback) send back
    data = profile(member)
    me = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    # Drawn by the server, not by shell.js after the first paint, so nothing moves when the script arrives.
    unit = data["units"][-1]["name"] if data.get("units") else ""
    context = {"me_json": me, "assets": assets.shell_urls(), "public_key": assets.public_key(), "view": view,
               "who": data.get("full_name", "") + (f" · {unit}" if unit else ""),
               "feedback_news": data.get("feedback_news", 0)}
    if home_answers.wanted(request, view):
        context["answers_json"] = home_answers.home_answers(request, data.get("layers", []))
    response = render(request, "reader/shell.html", context)
    response["Cache-Control"] = "private, no-cache"
    return response


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """`/sw.js` at the site root so its scope covers the shell and every layer under /u/."""
    response = HttpResponse(assets.service_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def web_manifest(request: HttpRequest) -> JsonResponse:
    urls = assets.shell_urls()
    data = {
        "name": "Sổ tay đảng viên",
        "short_name": "Sổ tay ĐV",
        "description": "Sổ tay đảng viên điện tử: tin tức, nghị quyết, tài liệu học tập và sinh hoạt chi bộ.",
        "lang": "vi",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#c62828",
        "icons": [
            {"src": urls["icon192"], "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": urls["icon512"], "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": urls["icon512"], "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json; charset=utf-8"
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def shared_asset(request: HttpRequest, name: str) -> HttpResponse:
    """Reader scripts shared with the layer pages (tone folding, offline search, the receipts queue): one source
    in themes/, served to the shell from here and copied into every layer by the builder."""
    body = assets.shared_source(name)
    if body is None:
        raise Http404("Không tìm thấy tệp.")
    bundle = name in (assets.BUNDLE_NAME, assets.CSS_BUNDLE_NAME)
    coding = accepted_encoding(request.META.get("HTTP_ACCEPT_ENCODING", "")) if bundle else None
    if coding:
        body = assets.bundle_encoded(coding, assets.bundle_digest(name), name)
    kind = "text/css" if name.endswith(".css") else "text/javascript"
    response = HttpResponse(body, content_type=f"{kind}; charset=utf-8")
    if coding:
        response["Content-Encoding"] = coding
    if bundle:
        response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = "public, max-age=31536000, immutable" if request.GET.get("v") else "no-cache"
    return response
