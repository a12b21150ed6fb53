"""Shapes of requests and replies. Input serializers validate; output ones also document the schema."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cms.org.models import Level, Role, Status

from .models import Event, Feedback, FeedbackKind, FeedbackReply, FeedbackStatus
from .services import ReceiptEvent

MAX_ID = 2**31 - 1  # page and feedback ids are 32-bit; larger numbers are refused, not sent to the database
MAX_BATCH = 500


def page_id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


# --- login and profile ---------------------------------------------------------------------------------------

class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False, style={"input_type": "password"})


class UnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=Level.choices)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    status = serializers.ChoiceField(choices=Status.choices)
    units = UnitSerializer(many=True, help_text=_("Chuỗi đơn vị từ tỉnh xuống đơn vị của đảng viên."))
    layers = serializers.ListField(child=serializers.CharField(), help_text=_("Các lớp được đọc, ví dụ u/tn/dt/all."))


class LoginResultSerializer(serializers.Serializer):
    token = serializers.CharField()
    csrf_token = serializers.CharField()
    me = MeSerializer()


class PasswordResetSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    code = serializers.RegexField(r"^\d{6}$", max_length=6, error_messages={"invalid": _("Mã gồm 6 chữ số.")})
    new_password = serializers.CharField(max_length=256, trim_whitespace=False, style={"input_type": "password"})


class ResetCodeRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)


class ResetCodeSerializer(serializers.Serializer):
    username = serializers.CharField()
    code = serializers.CharField()
    expires_at = serializers.DateTimeField()


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --- receipts ------------------------------------------------------------------------------------------------

class ReceiptEventSerializer(serializers.Serializer):
    client_id = serializers.UUIDField()
    page = page_id_field()
    event = serializers.ChoiceField(choices=Event.choices)
    client_time = serializers.DateTimeField()


class ReceiptBatchSerializer(serializers.Serializer):
    events = serializers.ListField(child=ReceiptEventSerializer(), min_length=1, max_length=MAX_BATCH)

    def receipt_events(self) -> list[ReceiptEvent]:
        return [ReceiptEvent(**event) for event in self.validated_data["events"]]


class ReceiptResultSerializer(serializers.Serializer):
    stored = serializers.IntegerField()
    duplicates = serializers.IntegerField()


# --- feedback ------------------------------------------------------------------------------------------------

class FeedbackCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FeedbackKind.choices)
    body = serializers.CharField(max_length=20_000)
    page = page_id_field(required=False, allow_null=True)
    client_id = serializers.UUIDField(required=False, allow_null=True)


class ReplyCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20_000)


class PersonSerializer(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    full_name = serializers.CharField()


class ReplySerializer(serializers.ModelSerializer):
    author = PersonSerializer()

    class Meta:
        model = FeedbackReply
        fields = ["id", "author", "body", "created"]


class FeedbackSerializer(serializers.ModelSerializer):
    member = PersonSerializer()
    unit = serializers.SerializerMethodField()
    replies = ReplySerializer(many=True)
    status = serializers.ChoiceField(choices=FeedbackStatus.choices)

    class Meta:
        model = Feedback
        fields = ["id", "client_id", "kind", "status", "body", "page", "unit", "member", "created", "updated",
                  "replies"]

    def get_unit(self, obj: Feedback) -> dict:
        return {"code": obj.unit.code, "name": obj.unit.title, "level": obj.unit.level}


# --- reading lists, search, saved ------------------------------------------------------------------------------

class SearchResultSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField()
    snippet = serializers.CharField(help_text=_("HTML: văn bản gốc, từ khớp nằm trong <mark>."))
    unit = serializers.CharField()
    published = serializers.CharField()
    kind = serializers.CharField(allow_null=True)
    layer = serializers.CharField()


class SearchResponseSerializer(serializers.Serializer):
    results = SearchResultSerializer(many=True)


class SavedCreateSerializer(serializers.Serializer):
    page = page_id_field()


class SavedItemSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    created = serializers.DateTimeField()


class UnreadItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField(allow_null=True)
    url = serializers.CharField()
    unit = serializers.CharField()
    published = serializers.DateTimeField(allow_null=True)
    study_deadline = serializers.DateField(allow_null=True)
    opened = serializers.BooleanField()


class UnreadResponseSerializer(serializers.Serializer):
    results = UnreadItemSerializer(many=True)


class AccessSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    layer = serializers.CharField()


# --- reports -------------------------------------------------------------------------------------------------

class ReportUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    depth = serializers.IntegerField()
    parent = serializers.CharField(allow_null=True, help_text=_("Mã đơn vị cấp trên trong báo cáo."))
    members = serializers.IntegerField()
    opened = serializers.IntegerField()
    completed = serializers.IntegerField()
    opened_rate = serializers.FloatField()
    completed_rate = serializers.FloatField()


class ReportUnreadUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ReportUnreadSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    role = serializers.CharField()
    unit = ReportUnreadUnitSerializer(help_text=_("Đơn vị (chi bộ) của đảng viên."))
    opened = serializers.BooleanField()


class ReportBaseSerializer(serializers.Serializer):
    eligible = serializers.IntegerField(help_text=_("Số đảng viên thuộc diện sinh hoạt: mẫu số của tỷ lệ."))
    exempt = serializers.IntegerField(help_text=_("Số đảng viên được miễn sinh hoạt, không tính vào tỷ lệ."))


class ReportPageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    layer = serializers.CharField()


class ReportSerializer(serializers.Serializer):
    page = ReportPageSerializer()
    unit = UnitSerializer()
    base = ReportBaseSerializer(help_text=_("Mẫu số của đơn vị đang xem."))
    units = ReportUnitSerializer(many=True)
    unread = ReportUnreadSerializer(many=True, help_text=_("Tối đa 1000 người trên màn hình; CSV/XLSX có đủ."))
    unread_total = serializers.IntegerField()
