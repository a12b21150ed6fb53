"""Request and answer shapes of the meetings API (they are also the OpenAPI schema)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from cms.org.models import Member

from .models import Answer, Kind, Mark, Meeting, Quality, Tier
from .selectors import can_manage, response_of

MAX_BATCH = 500


class AgendaInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    material = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1)


class ScheduleSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(required=False)
    kind = serializers.ChoiceField(choices=Kind.choices)
    title = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    online_link = serializers.URLField(max_length=200, required=False, allow_blank=True, default="")
    tier = serializers.ChoiceField(choices=Tier.choices, default=Tier.ALL)
    agenda = AgendaInSerializer(many=True, required=False, default=list)
    repeat_day = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=31)
    repeat_count = serializers.IntegerField(required=False, default=1, min_value=1, max_value=12)


class ResponseInSerializer(serializers.Serializer):
    client_id = serializers.UUIDField()
    answer = serializers.ChoiceField(choices=Answer.choices)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    client_time = serializers.DateTimeField()


class MarkInSerializer(serializers.Serializer):
    client_id = serializers.UUIDField()
    member = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    mark = serializers.ChoiceField(choices=Mark.choices)
    client_time = serializers.DateTimeField()


class MarksInSerializer(serializers.Serializer):
    marks = MarkInSerializer(many=True, allow_empty=False, max_length=MAX_BATCH)


class MarkResultSerializer(serializers.Serializer):
    stored = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    superseded = serializers.IntegerField()


class MinutesInSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000)
    resolution = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    committee_text = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=10)


class RatingInSerializer(serializers.Serializer):
    quality = serializers.ChoiceField(choices=Quality.choices)


class AgendaOutSerializer(serializers.Serializer):
    title = serializers.CharField()
    material = serializers.SerializerMethodField()

    def get_material(self, item) -> dict | None:
        page = item.material
        if page is None or not page.live:
            return None
        return {"id": page.pk, "title": page.title, "url": page.specific.reader_path()}


class MeetingSerializer(serializers.ModelSerializer):
    """A meeting as a member sees it; `minutes` carries the committee part only for the committee."""

    unit = serializers.SerializerMethodField()
    agenda = AgendaOutSerializer(many=True, read_only=True)
    my_answer = serializers.SerializerMethodField()
    can_manage = serializers.SerializerMethodField()
    minutes = serializers.SerializerMethodField()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "client_id", "unit", "kind", "kind_label", "title", "starts_at", "place", "online_link",
                  "tier", "repeat_day", "moved_from", "cancelled", "held_at", "quality", "agenda", "my_answer",
                  "can_manage", "minutes"]

    @property
    def _member(self) -> Member | None:
        return self.context.get("member")

    def get_unit(self, meeting) -> dict:
        return {"code": meeting.unit.code, "name": meeting.unit.title}

    def get_my_answer(self, meeting) -> dict | None:
        member = self._member
        answer = response_of(member, meeting) if member else None
        return {"answer": answer.answer, "reason": answer.reason} if answer else None

    def get_can_manage(self, meeting) -> bool:
        return can_manage(self._member, meeting.unit, meeting.kind)

    def get_minutes(self, meeting) -> dict | None:
        minutes = getattr(meeting, "minutes", None)
        if minutes is None or not self.context.get("with_minutes"):
            return None
        member = self._member
        data = {"text": minutes.text, "resolution": minutes.resolution, "posted_at": minutes.posted_at,
                "photos": [{"url": f"/api/meetings/{meeting.pk}/photos/{p.pk}", "width": p.width, "height": p.height}
                           for p in minutes.photos.all()]}
        if member and member.is_committee:
            data["committee_text"] = minutes.committee_text
        return data


class RosterRowSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    full_name = serializers.CharField()
    role = serializers.CharField()
    mark = serializers.CharField(allow_null=True)
    answer = serializers.CharField(allow_null=True)
    reason = serializers.CharField()


class CalendarTokenSerializer(serializers.Serializer):
    url = serializers.CharField()


class RollupRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    depth = serializers.IntegerField()
    due = serializers.IntegerField()
    held = serializers.IntegerField()
    not_held = serializers.IntegerField()
    present = serializers.IntegerField()
    online = serializers.IntegerField()
    excused = serializers.IntegerField()
    absent = serializers.IntegerField()
    no_minutes = serializers.IntegerField()
    attendance_rate = serializers.FloatField(allow_null=True)
    online_rate = serializers.FloatField(allow_null=True)


class RollupSerializer(serializers.Serializer):
    unit = serializers.DictField()
    month = serializers.CharField()
    units = RollupRowSerializer(many=True)
    cells_not_held = serializers.ListField(child=serializers.CharField())
    cells_no_minutes = serializers.ListField(child=serializers.CharField())


def default_month() -> str:
    return timezone.localdate().strftime("%Y-%m")


class MaterialChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField(help_text="meeting, resolution, study, news")
    published_at = serializers.DateTimeField(allow_null=True)


class PushKeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(max_length=200)
    auth = serializers.CharField(max_length=64)


class PushSubscriptionSerializer(serializers.Serializer):
    """What the browser's PushSubscription.toJSON() gives."""

    endpoint = serializers.URLField(max_length=1000)
    keys = PushKeysSerializer()


class PushEndpointSerializer(serializers.Serializer):
    endpoint = serializers.URLField(max_length=1000)


class PushKeySerializer(serializers.Serializer):
    public_key = serializers.CharField()
