"""The reader shell: login page and the member's home, composed in the browser from their chain of layers."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


class ReaderLoginView(LoginView):
    template_name = "reader/login.html"
    redirect_authenticated_user = True


login_page = ReaderLoginView.as_view()


def logout_page(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    return render(request, "reader/home.html")
