"""The cell's newest digest in the reader's "Tải về máy" (`cms.publishing.events.offline_items`): its page, its
audio and its printable PDF, with their sizes, for the member to keep without a network."""

from __future__ import annotations

from typing import Any

from .digests import digest_dir
from .models import Digest


def digest_items(sender: Any = None, *, member=None, **kwargs: Any) -> list[dict]:
    """This member's cell's newest digest; nothing for a member who may not read (no member, inactive)."""
    from cms.org.selectors import may_still_read

    if member is None or not may_still_read(member):
        return []
    digest = Digest.objects.filter(unit=member.unit).order_by("-made_at").first()
    if digest is None:
        return []
    urls, size = [f"/api/digests/{digest.pk}", f"/ban-tin/{digest.pk}/"], 4096
    for kind, name, url in (("audio", digest.audio, f"/api/digests/{digest.pk}/audio"),
                            ("pdf", digest.pdf, f"/api/digests/{digest.pk}/pdf")):
        path = digest_dir() / kind / name if name else None
        if path is not None and path.is_file():
            urls.append(url)
            size += path.stat().st_size
    return [{"key": f"digest-{digest.period}", "label": f"Bản tin {digest.period} của chi bộ (đọc, nghe, in)",
             "urls": urls, "bytes": size}]
