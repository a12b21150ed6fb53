"""Shapes of the adoption report, for the OpenAPI schema."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class UsageUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    depth = serializers.IntegerField()
    parent = serializers.CharField(allow_null=True, help_text=_("Mã đơn vị cấp trên trong báo cáo."))
    rank = serializers.IntegerField(help_text=_("Hạng giữa các đơn vị cùng cấp trên, theo tỷ lệ dùng trong 30 ngày."))
    members = serializers.IntegerField(help_text=_("Đảng viên chính thức và dự bị của đơn vị và cấp dưới."))
    eligible = serializers.IntegerField(help_text=_("Đang sinh hoạt, có điện thoại thông minh: cơ sở tính tỷ lệ."))
    exempt = serializers.IntegerField(help_text=_("Miễn sinh hoạt hôm nay."))
    no_smartphone = serializers.IntegerField(help_text=_("Không có điện thoại thông minh (không kể miễn sinh hoạt)."))
    signed_in = serializers.IntegerField(help_text=_("Đã đăng nhập ít nhất một lần."))
    active = serializers.IntegerField(help_text=_("Đã dùng sổ tay trong 30 ngày qua."))
    installed = serializers.IntegerField(help_text=_("Đã cài sổ tay như một ứng dụng trên điện thoại."))
    study_completed = serializers.IntegerField(help_text=_("Số lượt đọc xong tài liệu học tập."))
    signed_in_rate = serializers.FloatField()
    active_rate = serializers.FloatField()
    installed_rate = serializers.FloatField()


class UsageFocusSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    parent = serializers.CharField(allow_null=True)


class UsageBaseSerializer(serializers.Serializer):
    eligible = serializers.IntegerField()
    exempt = serializers.IntegerField()
    no_smartphone = serializers.IntegerField()


class AdoptionReportSerializer(serializers.Serializer):
    unit = UsageFocusSerializer()
    day = serializers.DateField()
    as_of = serializers.DateTimeField(help_text=_("Thời điểm số liệu được tính."))
    depth = serializers.IntegerField(allow_null=True, help_text=_("Số cấp đơn vị có trong danh sách; null: tất cả."))
    live = serializers.BooleanField(help_text=_("Đúng: tính ngay khi hỏi; sai: số liệu tính sẵn, cũ nhất 20 phút."))
    active_days = serializers.IntegerField()
    base = UsageBaseSerializer()
    base_sentence = serializers.CharField()
    total = UsageUnitSerializer()
    ranking = serializers.ListField(child=serializers.CharField(),
                                    help_text=_("Mã các đơn vị trực thuộc, xếp theo tỷ lệ dùng trong 30 ngày."))
    units = UsageUnitSerializer(many=True)
