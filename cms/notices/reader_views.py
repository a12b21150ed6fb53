"""The reader's page of a digest (`/ban-tin/<id>/`, where the printed sheet's QR codes lead): the items with
links into the layers, the audio player and the PDF. Server-rendered; the same access rule as the layer."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cms.org.selectors import can_read_layer, member_of
from cms.reader import assets

from .digests import PeriodError, parse_period
from .models import Digest


@require_safe
def digest_page(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    digest = Digest.objects.select_related("unit").filter(pk=pk).first() if pk < 2**31 else None
    return _show(request, digest)


@require_safe
def my_digest_page(request: HttpRequest, period: str) -> HttpResponse:
    """Where the printed digest's QR code leads: the member's own cell's digest for the period."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        parse_period(period)
    except PeriodError as exc:
        raise Http404(str(exc)) from exc
    member = member_of(request.user)
    digest = Digest.objects.select_related("unit").filter(unit=member.unit, period=period).first() if member else None
    return _show(request, digest)


def _show(request: HttpRequest, digest: Digest | None) -> HttpResponse:
    if digest is None or not can_read_layer(member_of(request.user), digest.layer):
        raise Http404("Không tìm thấy bản tin.")
    response = render(request, "notices/digest_page.html", {
        "assets": assets.shell_urls(), "digest": digest, "period": parse_period(digest.period)})
    response["Cache-Control"] = "private, no-cache"
    return response
