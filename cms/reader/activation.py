"""“Quên mật khẩu / Kích hoạt”: a member types their username (or phone number), the one-time code from the
secretary or the printed activation sheet, and a new password twice, and is signed in.

A plain form (no script needed) on old phones. Wrong or expired codes are throttled like the API's
`/api/password-reset`, with the same counters (`reset` per username, `login_ip` per address), so a guesser
gains nothing by switching between the two.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from cms.api.throttles import ResetAddressThrottle, ResetUsernameThrottle
from cms.org.activation import username_for
from cms.org.services import ResetCodeError, redeem_reset_code

from . import assets
from .views import MEMBER_HINT


class ActivationForm(forms.Form):
    username = forms.CharField(label="Tên đăng nhập hoặc số điện thoại", max_length=150)
    code = forms.CharField(label="Mã kích hoạt (6 chữ số)", max_length=12)
    password1 = forms.CharField(label="Mật khẩu mới", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label="Nhập lại mật khẩu mới", strip=False, widget=forms.PasswordInput)

    error_messages = {"required": "Hãy nhập đủ tên đăng nhập, mã kích hoạt và mật khẩu mới hai lần."}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = self.error_messages["required"]

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())  # "123 456" as printed in groups, too

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "Hai lần nhập mật khẩu mới không giống nhau.")
        return data


class _Attempt:
    """What the API's failure throttles read from a request: the client address and the username."""

    def __init__(self, request: HttpRequest, username: str) -> None:
        self.META, self.headers = request.META, request.headers
        self.data = {"username": username}


def _throttles() -> list:
    return [ResetUsernameThrottle(), ResetAddressThrottle()]


def _wait_seconds(attempt: _Attempt) -> int | None:
    """Seconds until another try is allowed, or None when it is allowed now."""
    waits = []
    for throttle in _throttles():
        if not throttle.allow_request(attempt, None):
            waits.append(throttle.wait() or 60)
    return int(max(waits)) + 1 if waits else None


@never_cache
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def activate_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = ActivationForm(initial={"username": request.GET.get("u", "")[:150]})
        return _page(request, form)
    form = ActivationForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    username = username_for(form.cleaned_data["username"])
    attempt = _Attempt(request, username)
    wait = _wait_seconds(attempt)
    if wait is not None:
        message = f"Bạn đã nhập sai nhiều lần. Hãy chờ {wait} giây rồi thử lại."
        return _page(request, form, error=message, status=429)
    try:
        member = redeem_reset_code(username=username, code=form.cleaned_data["code"],
                                   new_password=form.cleaned_data["password1"])
    except ResetCodeError as exc:
        for throttle in _throttles():
            throttle.record_failure(attempt, None)
        return _page(request, form, error=str(exc), status=400)
    except ValidationError as exc:
        form.add_error("password1", list(exc.messages))
        return _page(request, form, status=400)
    Token.objects.filter(user=member.user).delete()  # scripts and apps with the old password sign in again
    login(request, member.user, backend="django.contrib.auth.backends.ModelBackend")
    response = redirect("/")
    response.set_cookie(MEMBER_HINT, "1", max_age=400 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def _page(request: HttpRequest, form: ActivationForm, *, error: str | None = None, status: int = 200):
    context = {"form": form, "error": error, "assets": assets.shell_urls()}
    return render(request, "reader/activate.html", context, status=status)
