"""The member's own account: their record (hồ sơ) and changing their password while signed in."""

from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.response import Response

from cms.org.models import Level, Role, Status
from cms.org.passwords import MemberPasswordChangeForm
from cms.org.selectors import member_record

from .serializers import DetailSerializer
from .throttles import LoginUsernameThrottle
from .views import ApiView


class RecordUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=Level.choices)


class ExemptionSerializer(serializers.Serializer):
    exempt_now = serializers.BooleanField(help_text=gettext_lazy("Hôm nay có đang miễn sinh hoạt không."))
    # `from` is a Python keyword: the field is named in the reply, not as an attribute.
    until = serializers.DateField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(allow_null=True)
        return fields


class MemberRecordSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    unit = RecordUnitSerializer()
    role = serializers.ChoiceField(choices=Role.choices)
    role_label = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    card_number = serializers.CharField(allow_blank=True, help_text=gettext_lazy("Số thẻ đảng viên."))
    joined_on = serializers.DateField(allow_null=True, help_text=gettext_lazy("Ngày vào Đảng."))
    official_on = serializers.DateField(allow_null=True, help_text=gettext_lazy("Ngày chính thức."))
    phone = serializers.CharField(allow_blank=True)
    birth_year = serializers.IntegerField(allow_null=True)
    exemption = ExemptionSerializer(help_text=gettext_lazy("Miễn sinh hoạt: thời gian và lý do."))
    no_smartphone = serializers.BooleanField()


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(max_length=256, trim_whitespace=False, style={"input_type": "password"})
    new_password1 = serializers.CharField(max_length=256, trim_whitespace=False, style={"input_type": "password"})
    new_password2 = serializers.CharField(max_length=256, trim_whitespace=False, style={"input_type": "password"})


class MyUsernameThrottle(LoginUsernameThrottle):
    """Wrong current passwords count as failed logins of this member: the same 5 a minute."""

    def identity(self, request) -> str | None:
        user = getattr(request, "user", None)
        return user.username.lower() if user is not None and user.is_authenticated else None


class MyRecordView(ApiView):
    @extend_schema(summary="Hồ sơ của tôi", responses={200: MemberRecordSerializer})
    def get(self, request):
        return Response(member_record(self.member))


class MyPasswordView(ApiView):
    throttle_classes = [MyUsernameThrottle]

    @extend_schema(
        summary="Đổi mật khẩu",
        description="Mật khẩu hiện tại và mật khẩu mới nhập hai lần; phiên đăng nhập này vẫn giữ nguyên.",
        request=PasswordChangeSerializer,
        responses={200: DetailSerializer, 400: DetailSerializer, 429: DetailSerializer},
    )
    def post(self, request):
        data = request.data if hasattr(request.data, "get") else {}
        form = MemberPasswordChangeForm(request.user, {k: str(data.get(k) or "")[:256] for k in
                                                       ("old_password", "new_password1", "new_password2")})
        if not form.is_valid():
            if "old_password" in form.errors:
                for throttle in self.get_throttles():
                    throttle.record_failure(request, self)
            errors = {field: list(messages) for field, messages in form.errors.items()}
            first = next(iter(errors.values()))[0]
            return Response({"detail": first, **errors}, status=400)
        user = form.save()
        if request.session.session_key:
            update_session_auth_hash(request, user)  # this phone stays signed in; other sessions end
        if not isinstance(request.auth, Token):
            Token.objects.filter(user=user).delete()  # scripts and other devices sign in again
        return Response({"detail": _("Đã đổi mật khẩu.")})
