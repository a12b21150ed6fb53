"""What a member may keep on the phone besides their layers: the list "Tải về máy" offers (`/api/offline-items`).

The layers' own text, audio and search index are sized by the reader from their signed manifests; this answers
the rest, which other apps provide through `cms.publishing.events.offline_items` (a weekly digest, ...), so the
reader's page needs no change when one is added.
"""

from __future__ import annotations

import logging

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from cms.org.selectors import can_read
from cms.publishing.events import offline_items

from .views import ApiView

log = logging.getLogger(__name__)


class OfflineItemSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Tên riêng của mục, ví dụ digest-2026-W48")
    label = serializers.CharField(help_text="Tên hiện cho đảng viên")
    urls = serializers.ListField(child=serializers.CharField(), help_text="Đường dẫn cùng máy chủ cần lưu")
    bytes = serializers.IntegerField(min_value=0, help_text="Dung lượng ước tính, byte")


class OfflineItemsResponseSerializer(serializers.Serializer):
    items = OfflineItemSerializer(many=True)


def _allowed(user, url: str) -> bool:
    """Same-origin paths only; a layer file only if the member may read its layer."""
    if not url.startswith("/") or url.startswith("//"):
        return False
    return can_read(user, url) if url.startswith("/u/") else True


def offline_items_for(user, member) -> list[dict]:
    items: list[dict] = []
    for receiver, answer in offline_items.send_robust(sender=None, member=member):
        if isinstance(answer, Exception):
            log.error("offline item provider %r failed: %s", receiver, answer, exc_info=answer)
            continue
        for item in answer or []:
            data = OfflineItemSerializer(data=item)
            if data.is_valid() and all(_allowed(user, url) for url in data.validated_data["urls"]):
                items.append(data.validated_data)
            else:
                log.warning("offline item refused from %r: %r", receiver, item)
    return items


class OfflineItemsView(ApiView):
    @extend_schema(
        summary="Những mục có thể tải về máy ngoài các lớp (bản tin tuần, …), kèm dung lượng",
        responses={200: OfflineItemsResponseSerializer},
    )
    def get(self, request):
        return Response({"items": offline_items_for(request.user, self.member)})
