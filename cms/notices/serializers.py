from __future__ import annotations

from rest_framework import serializers

from .models import Notice, Tier


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(source="title")


class NoticeSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    seen = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "client_id", "unit", "tier", "title", "body", "sent_at", "seen"]

    def get_seen(self, notice) -> bool:
        return bool(getattr(notice, "seen", False))


class NoticeInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=4000)
    tier = serializers.ChoiceField(choices=Tier.choices, default=Tier.ALL)
    client_id = serializers.UUIDField(required=False)


class SeenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    seen = serializers.BooleanField()
    seen_at = serializers.DateTimeField()


class RollupRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    depth = serializers.IntegerField()
    total = serializers.IntegerField()
    seen = serializers.IntegerField()
    not_seen = serializers.IntegerField()
    seen_rate = serializers.FloatField(allow_null=True)


class NotSeenSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    unit = serializers.CharField()
    phone = serializers.CharField()


class NoticeRollupSerializer(serializers.Serializer):
    notice = serializers.DictField()
    unit = serializers.DictField()
    units = RollupRowSerializer(many=True)
    cells_none_seen = serializers.ListField(child=serializers.CharField())
    not_seen = NotSeenSerializer(many=True)


class DigestItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    path = serializers.CharField()
    unit = serializers.CharField()
    published = serializers.CharField()


class DigestSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    unit = UnitRefSerializer()
    period = serializers.CharField()
    items = DigestItemSerializer(many=True)
    audio_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()

    def get_audio_url(self, digest) -> str | None:
        return f"/api/digests/{digest.pk}/audio" if digest.audio else None

    def get_pdf_url(self, digest) -> str | None:
        return f"/api/digests/{digest.pk}/pdf" if digest.pdf else None

    def get_page_url(self, digest) -> str:
        return f"/ban-tin/{digest.pk}/"
