"""Shapes of requests and replies. Input serializers validate; output ones also document the schema."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
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
    feedback_news = serializers.IntegerField(help_text=_("Số góp ý của tôi có trả lời hoặc thay đổi chưa xem."))


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


_EVENTS = frozenset(Event.values)


def fast_receipt_events(data) -> list[ReceiptEvent] | None:
    """A well-formed batch parsed without DRF's field machinery, which costs most of a 500-event batch's time;
    None when anything is off (then `ReceiptBatchSerializer` validates it and says what, in Vietnamese)."""
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list) or not 1 <= len(events) <= MAX_BATCH:
        return None
    parsed = []
    for item in events:
        try:
            page, kind, sent = item["page"], item["event"], item["client_time"]
            client_id = uuid.UUID(item["client_id"])
            when = datetime.fromisoformat(sent) if isinstance(sent, str) else None
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        if type(page) is not int or not 1 <= page <= MAX_ID or kind not in _EVENTS or when is None \
                or when.tzinfo is None:
            return None
        parsed.append(ReceiptEvent(client_id=client_id, page=page, event=kind, client_time=when))
    return parsed


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
    new = serializers.SerializerMethodField(help_text=_("Trả lời người gửi chưa xem."))

    class Meta:
        model = FeedbackReply
        fields = ["id", "author", "body", "created", "new"]

    def get_new(self, obj: FeedbackReply) -> bool:
        feedback = self.context.get("feedback_of", {}).get(obj.feedback_id) or obj.feedback
        return feedback.is_new_reply(obj)


class FeedbackUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class FeedbackArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(allow_null=True, help_text=_("Địa chỉ bài trong sổ tay; trống nếu bài đã gỡ."))


class FeedbackListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        _with_thread_context(self.child.context, items)
        return super().to_representation(items)


def _with_thread_context(context: dict, items: list) -> None:
    from .selectors import feedback_pages, feedback_paths

    if "paths" not in context:
        context["paths"] = feedback_paths(items)
        context["pages"] = feedback_pages(items)
        context["feedback_of"] = {f.pk: f for f in items}


class FeedbackSerializer(serializers.ModelSerializer):
    member = PersonSerializer()
    unit = serializers.SerializerMethodField()
    replies = ReplySerializer(many=True)
    status = serializers.ChoiceField(choices=FeedbackStatus.choices)
    path = serializers.SerializerMethodField(
        help_text=_("Các cấp ủy góp ý đã qua, từ nơi gửi tới nơi đang xử lý, ví dụ Chi bộ A → Đảng ủy xã B."))
    escalated = serializers.SerializerMethodField(help_text=_("Đã được chuyển lên cấp ủy cấp trên."))
    article = serializers.SerializerMethodField()
    news = serializers.SerializerMethodField(help_text=_("Có trả lời hoặc thay đổi người gửi chưa xem."))

    class Meta:
        model = Feedback
        fields = ["id", "client_id", "kind", "status", "body", "page", "article", "unit", "path", "escalated",
                  "member", "created", "updated", "news", "replies"]
        list_serializer_class = FeedbackListSerializer

    def to_representation(self, instance):
        if "paths" not in self.context:
            _with_thread_context(self.context, [instance])
        return super().to_representation(instance)

    def get_unit(self, obj: Feedback) -> dict:
        return {"code": obj.unit.code, "name": obj.unit.title, "level": obj.unit.level}

    @extend_schema_field(FeedbackUnitSerializer(many=True))
    def get_path(self, obj: Feedback) -> list[dict]:
        return self.context["paths"].get(obj.pk) or [self.get_unit(obj)]

    def get_escalated(self, obj: Feedback) -> bool:
        return obj.origin_unit_id != obj.unit_id

    @extend_schema_field(FeedbackArticleSerializer(allow_null=True))
    def get_article(self, obj: Feedback) -> dict | None:
        return self.context["pages"].get(obj.page_id) if obj.page_id else None

    def get_news(self, obj: Feedback) -> bool:
        return obj.has_news


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
    eligible = serializers.IntegerField(
        help_text=_("Số đảng viên đang sinh hoạt, có điện thoại thông minh: mẫu số của tỷ lệ."))
    exempt = serializers.IntegerField(help_text=_("Số đảng viên được miễn sinh hoạt, không tính vào tỷ lệ."))
    no_smartphone = serializers.IntegerField(
        help_text=_("Số đảng viên không có điện thoại thông minh (không kể người miễn sinh hoạt), không tính vào "
                    "tỷ lệ."))


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
