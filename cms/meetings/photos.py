"""Phone photos of the minutes, resized on the server: a 12-megapixel photo (4 MB) becomes a JPEG of phone width
(about 150 kB) that members can fetch over 3G."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from cms.api.services import ServiceError

PHONE_WIDTH = 1080
MAX_UPLOAD = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000


@dataclass
class Photo:
    name: str
    content: ContentFile
    width: int
    height: int


def resize(upload) -> Photo:
    """Decode, turn upright (EXIF), shrink to at most PHONE_WIDTH wide and store as JPEG without EXIF."""
    if getattr(upload, "size", 0) > MAX_UPLOAD:
        raise ServiceError(_("Ảnh quá lớn (tối đa 20 MB)."))
    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ServiceError(_("Ảnh quá lớn."))
            image = ImageOps.exif_transpose(image).convert("RGB")
            if image.width > PHONE_WIDTH:
                image = image.resize((PHONE_WIDTH, round(image.height * PHONE_WIDTH / image.width)),
                                     Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=80, optimize=True, progressive=True)
    except (UnidentifiedImageError, OSError) as exc:
        raise ServiceError(_("Tệp gửi lên không phải là ảnh.")) from exc
    return Photo(f"{uuid.uuid4().hex}.jpg", ContentFile(out.getvalue()), image.width, image.height)
