"""'Hồ sơ của tôi': the member's own record and a form to change their password, server-rendered so it works on
any phone without the shell's scripts (the shell links to it from its footer)."""

from __future__ import annotations

from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from cms.org.passwords import MemberPasswordChangeForm
from cms.org.selectors import member_of, member_record

from . import assets


@require_http_methods(["GET", "HEAD", "POST"])
def my_profile(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    member = member_of(request.user)
    if member is None and request.user.is_superuser:
        return redirect("/admin/")  # the province administrator has no party record of their own
    if member is None or not member.is_active_member:
        logout(request)
        return redirect("/dang-nhap/?het-phien=1")
    form = MemberPasswordChangeForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # this phone stays signed in; every other session ends
        Token.objects.filter(user=user).delete()
        return redirect("/ho-so/?da-doi-mat-khau=1")
    context = {
        "record": member_record(member), "form": form, "assets": assets.shell_urls(),
        "changed": request.GET.get("da-doi-mat-khau") == "1",
    }
    response = render(request, "reader/profile.html", context, status=400 if form.errors else 200)
    response["Cache-Control"] = "private, no-store"
    return response
