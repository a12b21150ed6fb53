"""Demo media made at load time (no binaries in git): photos drawn with Pillow, resolutions' full text as PDFs
rendered by WeasyPrint, and the province's columns (chuyên mục)."""

from __future__ import annotations

import hashlib
import io
from html import escape

import markdown
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile

from cms.org.models import UnitPage

from .models import Column

COLUMNS = (
    ("xay-dung-dang", "Xây dựng Đảng"),
    ("kinh-te-xa-hoi", "Kinh tế - xã hội"),
    ("hoc-tap-lam-theo-bac", "Học tập và làm theo Bác"),
    ("sinh-hoat-chi-bo", "Sinh hoạt chi bộ"),
)


def ensure_columns(province: UnitPage) -> dict[str, Column]:
    """The demo province's columns, by slug (created once)."""
    columns = {}
    for order, (slug, name) in enumerate(COLUMNS):
        columns[slug], _created = Column.objects.get_or_create(
            province=province, slug=slug, defaults={"name": name, "sort_order": order}
        )
    return columns


def column_slug_for(kind: str, title: str, chosen: str = "") -> str:
    """The column a demo article goes in: the one its front matter names, else one that fits its kind."""
    if chosen:
        return chosen
    if kind in ("resolution", "study"):
        return "xay-dung-dang"
    if kind == "meeting":
        return "sinh-hoat-chi-bo"
    lowered = title.lower()
    if "bác" in lowered or "hồ chí minh" in lowered or "atk" in lowered:
        return "hoc-tap-lam-theo-bac"
    return "kinh-te-xa-hoi"


def photo_bytes(caption: str, *, size: tuple[int, int] = (1600, 1000)) -> bytes:
    """A JPEG 'photo' (sky, hills, a red banner with the caption) whose colours follow the caption."""
    from PIL import Image, ImageDraw

    seed = hashlib.sha256(caption.encode("utf-8")).digest()
    width, height = size
    img = Image.new("RGB", size, (120 + seed[0] % 100, 170 + seed[1] % 60, 220))
    draw = ImageDraw.Draw(img)
    for i in range(3):
        top = height // 2 + i * height // 10 - seed[2 + i] % 80
        colour = (40 + seed[5 + i] % 60, 110 + seed[8 + i] % 80, 50 + i * 20)
        draw.polygon([(0, height), (0, top), (width // 3 + seed[i] * 2, top - 120), (width, top + 40), (width, height)],
                     fill=colour)
    draw.rectangle([(width // 10, height // 8), (width * 9 // 10, height // 8 + height // 7)], fill=(198, 40, 40))
    draw.text((width // 10 + 30, height // 8 + 30), caption.encode("ascii", "ignore").decode(), fill="white")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def make_image(caption: str, *, size: tuple[int, int] = (1600, 1000)):
    """A Wagtail image of a generated photo."""
    from wagtail.images import get_image_model

    name = hashlib.sha1(caption.encode("utf-8")).hexdigest()[:10] + ".jpg"
    image = get_image_model()(title=caption)
    image.file = ImageFile(io.BytesIO(photo_bytes(caption, size=size)), name=name)
    image.save()
    return image


def image_embed(image, alt: str) -> str:
    """How Wagtail's rich text stores an embedded image."""
    return f'<embed alt="{escape(alt)}" embedtype="image" format="fullwidth" id="{image.pk}"/>'


def resolution_pdf(title: str, code: str, issuing_body: str, body_md: str) -> bytes:
    """The resolution's full text as an A4 PDF (WeasyPrint shapes Vietnamese with Debian's DejaVu fonts)."""
    from weasyprint import HTML

    body = markdown.markdown(body_md, extensions=["extra"])
    html = (
        '<html lang="vi"><head><meta charset="utf-8"><style>@page{size:A4;margin:2cm}'
        "body{font-family:'DejaVu Serif',serif;font-size:13pt;line-height:1.5}"
        "h1{font-size:16pt;text-align:center}.code{text-align:center}</style></head><body>"
        f'<p class="code">{escape(issuing_body)} — Số {escape(code)}</p><h1>{escape(title)}</h1>{body}</body></html>'
    )
    return HTML(string=html).write_pdf()


def make_document(title: str, filename: str, data: bytes):
    """A Wagtail document holding `data`."""
    from wagtail.documents import get_document_model

    document = get_document_model()(title=title)
    document.file = ContentFile(data, name=filename)
    document.save()
    return document
