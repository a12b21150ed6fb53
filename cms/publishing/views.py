"""Serving layers: every layer file goes through the one access check; drafts preview through the same renderer."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from cms.compression import accepted_encoding
from cms.org.selectors import can_read
from deploy.filetypes import cache_control_for_path
from site_builder.compress import is_compressible, is_sibling

NO_ACCESS = _("Bạn không có quyền xem nội dung này, hoặc nội dung không tồn tại.")


def _forbidden() -> HttpResponse:
    # Same answer for a layer that exists and one that does not: nothing leaks about other units.
    return HttpResponseForbidden(NO_ACCESS, content_type="text/plain; charset=utf-8")


@require_GET
def layer_file(request: HttpRequest, path: str) -> HttpResponse:
    if not request.user.is_authenticated:
        if path.endswith((".html", "/")) or not Path(path).suffix:
            return redirect_to_login(request.get_full_path())
        return HttpResponse(_("Phiên đăng nhập đã hết, hãy đăng nhập lại."), status=401,
                            content_type="text/plain; charset=utf-8")
    full = "/u/" + path
    if not can_read(request.user, full):
        return _forbidden()
    if "S3Store" in settings.SOTAY_STORE["BACKEND"]:
        return _from_object_store(path)
    root = Path(settings.SOTAY_SITE_DIR).resolve()
    target = (root / "u" / path).resolve()
    if root not in target.parents:
        return _forbidden()
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        raise Http404(_("Không tìm thấy trang."))
    content_type, encoding = mimetypes.guess_type(target.name)
    # Like nginx's brotli_static/gzip_static: the build's precompressed sibling when the browser takes it.
    sent, coding = target, None
    if not is_sibling(target.name):
        coding = accepted_encoding(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        sibling = target.with_name(f"{target.name}.{'br' if coding == 'br' else 'gz'}") if coding else None
        if sibling is not None and not sibling.is_file() and coding == "br":
            coding, sibling = "gzip", target.with_name(target.name + ".gz")
        if sibling is not None and sibling.is_file():
            sent = sibling
        else:
            coding = None
    response = FileResponse(sent.open("rb"), content_type=content_type or "application/octet-stream",
                            filename=target.name)
    if coding:
        response["Content-Encoding"] = coding
    if is_compressible(target.name):
        response["Vary"] = "Accept-Encoding"
    # The same rules as production (deploy/filetypes.py): a year for names that carry their hash, revalidate
    # the rest — pages, feed, manifest and its parts keep their names from one version to the next.
    response["Cache-Control"] = cache_control_for_path(path)
    return response


def _from_object_store(path: str) -> HttpResponse:
    """Production with a private bucket: nginx fetches pages by X-Accel-Redirect, big files by presigned URL."""
    from deploy.serve import NotInLayer, gate_answer
    from layerformat.model import LayerId

    from .build import configured_store

    layer = LayerId.parse("/u/" + path)
    inner = path[len(layer.prefix) - len("u/"):].lstrip("/")
    if not inner or inner.endswith("/"):
        inner += "index.html"
    try:
        answer = gate_answer(configured_store(), layer.prefix, inner)
    except NotInLayer:
        raise Http404(_("Không tìm thấy trang.")) from None
    response = HttpResponse(status=answer.status)
    for header, value in answer.headers.items():
        response[header] = value
    return response


@require_GET
def public_key(request: HttpRequest, name: str) -> HttpResponse:
    """The Ed25519 public key readers use to check manifests (public by design)."""
    from .keys import public_key

    return HttpResponse(public_key(), content_type="text/plain")


@xframe_options_sameorigin  # the admin's preview panel shows it in an iframe of the same origin
def preview(request: HttpRequest) -> HttpResponse:
    """wagtail-headless-preview's client: render the draft with the builder's own render stage."""
    from wagtail_headless_preview.models import PagePreview

    if not request.user.is_authenticated or not request.user.has_perm("wagtailadmin.access_admin"):
        return redirect_to_login(request.get_full_path())
    token = request.GET.get("token", "")
    preview_obj = PagePreview.objects.filter(token=token).first()
    if preview_obj is None:
        return HttpResponse(_("Bản xem trước đã hết hạn, hãy bấm Xem trước lần nữa."), status=404,
                            content_type="text/plain; charset=utf-8")
    page = preview_obj.as_page()
    from .preview import render_preview

    return HttpResponse(render_preview(page), content_type="text/html; charset=utf-8")


@xframe_options_sameorigin
def preview_audio(request: HttpRequest, name: str) -> HttpResponse:
    """The audio of a draft being previewed: editors only."""
    from .preview import preview_audio_dir

    if not request.user.is_authenticated or not request.user.has_perm("wagtailadmin.access_admin"):
        return _forbidden()
    target = preview_audio_dir() / Path(name).name
    if not target.is_file():
        raise Http404(_("Không tìm thấy tệp âm thanh."))
    return FileResponse(target.open("rb"), content_type=mimetypes.guess_type(target.name)[0] or "audio/ogg")
