"""Request and answer shapes of the giao việc API (they are also the OpenAPI schema)."""

from __future__ import annotations

from rest_framework import serializers

from cms.meetings.models import Tier

from .models import CommitmentKind, FieldKind

PK = {"min_value": 1, "max_value": 2**31 - 1}


class AssignSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(required=False)
    title = serializers.CharField(max_length=300)
    body = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    due_at = serializers.DateTimeField()
    members = serializers.ListField(child=serializers.IntegerField(**PK), required=False, default=list,
                                    max_length=500)
    whole_unit = serializers.BooleanField(required=False, default=False)
    resolution = serializers.IntegerField(required=False, allow_null=True, **PK)
    meeting = serializers.IntegerField(required=False, allow_null=True, **PK)


class MemberChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class WorkItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["task", "plan"])
    id = serializers.IntegerField()
    assignment = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    body = serializers.CharField()
    due_at = serializers.DateTimeField()
    late = serializers.BooleanField()
    percent = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField()
    url = serializers.CharField()
    returned = serializers.BooleanField(required=False)
    note = serializers.CharField(required=False)


class ProgressInSerializer(serializers.Serializer):
    client_id = serializers.UUIDField()
    percent = serializers.IntegerField(min_value=0, max_value=100)
    text = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    client_time = serializers.DateTimeField()
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=6)


class ProgressRowSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    full_name = serializers.CharField()
    percent = serializers.IntegerField()
    reported_at = serializers.DateTimeField(allow_null=True)
    done = serializers.BooleanField()
    late = serializers.BooleanField()


class LateRowSerializer(serializers.Serializer):
    task = serializers.IntegerField()
    title = serializers.CharField()
    due_at = serializers.DateTimeField()
    member = serializers.IntegerField()
    full_name = serializers.CharField()
    percent = serializers.IntegerField()


class ReportOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    member = serializers.CharField()
    text = serializers.CharField()
    percent = serializers.IntegerField()
    client_time = serializers.DateTimeField()
    photos = serializers.ListField(child=serializers.DictField())


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    client_id = serializers.UUIDField()
    unit = serializers.DictField()
    title = serializers.CharField()
    body = serializers.CharField()
    due_at = serializers.DateTimeField()
    whole_unit = serializers.BooleanField()
    cancelled = serializers.BooleanField()
    resolution = serializers.DictField(allow_null=True)
    meeting = serializers.IntegerField(allow_null=True)
    can_manage = serializers.BooleanField()
    mine = serializers.DictField(allow_null=True)
    progress = ProgressRowSerializer(many=True, allow_null=True)
    reports = ReportOutSerializer(many=True)


class CommitmentInSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    kind = serializers.ChoiceField(choices=CommitmentKind.choices)
    text = serializers.CharField(max_length=5000)


class CommitmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    member = serializers.DictField()
    year = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    text = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    comment = serializers.CharField()
    reports = serializers.ListField(child=serializers.DictField())


class ReviewInSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CommitmentReportInSerializer(serializers.Serializer):
    client_id = serializers.UUIDField()
    text = serializers.CharField(max_length=5000)


class CommentInSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000)


class FormFieldSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=FieldKind.choices)
    choices = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list,
                                    max_length=20)


class PlanInSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(required=False)
    code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=300)
    body = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    due_at = serializers.DateTimeField()
    levels = serializers.ListField(child=serializers.ChoiceField(choices=["district", "base", "cell"]),
                                   required=False, default=list)
    form = FormFieldSerializer(many=True, allow_empty=False, max_length=30)


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    due_at = serializers.DateTimeField()
    unit = serializers.DictField()
    form = serializers.ListField(child=serializers.DictField())
    levels = serializers.ListField(child=serializers.CharField())
    my_report = serializers.DictField(allow_null=True)
    can_fill = serializers.BooleanField()
    can_forward = serializers.BooleanField()
    oversees = serializers.BooleanField()
    can_return = serializers.BooleanField()


class PlanReportInSerializer(serializers.Serializer):
    client_id = serializers.UUIDField()
    values = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=5000))


class ForwardInSerializer(serializers.Serializer):
    due_at = serializers.DateTimeField()


class ReturnInSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=32)
    note = serializers.CharField(max_length=2000)


class PlanRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    depth = serializers.IntegerField()
    reached = serializers.IntegerField()
    reported = serializers.IntegerField()
    late = serializers.IntegerField()
    returned = serializers.IntegerField()
    totals = serializers.DictField()
    status = serializers.CharField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    values = serializers.DictField(allow_null=True)
    return_note = serializers.CharField()


class PlanRollupSerializer(serializers.Serializer):
    plan = serializers.DictField()
    unit = serializers.DictField()
    units = PlanRowSerializer(many=True)
    late_units = serializers.ListField(child=serializers.DictField())


class WorkEntryInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lead = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    tier = serializers.ChoiceField(choices=Tier.choices, default=Tier.COMMITTEE)


class CalendarEntrySerializer(serializers.Serializer):
    uid = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    place = serializers.CharField()
    description = serializers.CharField()
    url = serializers.CharField()
    cancelled = serializers.BooleanField()
