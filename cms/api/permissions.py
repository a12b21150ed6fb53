"""One permission class per rule. Each asks `cms.org.selectors` / `cms.api.selectors`, never decides alone."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from cms.org.models import LEADER_ROLES
from cms.org.selectors import may_still_read, member_of

from .selectors import is_committee, oversight_unit


class IsActiveMember(BasePermission):
    """Logged in, with a member profile whose status still grants access (deceased/struck off/expelled do not)."""

    message = _("Tài khoản của bạn không còn quyền truy cập sổ tay.")

    def has_permission(self, request, view) -> bool:
        member = member_of(request.user)
        return may_still_read(member)


class IsCommitteeMember(BasePermission):
    """Sits on the committee of their unit (chi ủy viên, phó bí thư, bí thư)."""

    message = _("Chỉ cấp ủy viên mới xem được mục này.")

    def has_permission(self, request, view) -> bool:
        return is_committee(member_of(request.user))


class OverseesUnits(BasePermission):
    """Answers for a subtree: a committee member's own unit, or the whole province for its administrator."""

    message = _("Chỉ cấp ủy viên mới xem được mục này.")

    def has_permission(self, request, view) -> bool:
        return oversight_unit(request.user) is not None


class IsLeader(BasePermission):
    """Bí thư or phó bí thư of their unit: they also manage members and issue reset codes."""

    message = _("Chỉ bí thư, phó bí thư mới cấp được mã đặt lại mật khẩu.")

    def has_permission(self, request, view) -> bool:
        member = member_of(request.user)
        return is_committee(member) and member.role in LEADER_ROLES


class IsCommitteeOfFeedbackUnit(BasePermission):
    """Object rule: the committee the feedback is addressed to (now, after any escalation)."""

    message = _("Chỉ cấp ủy của đơn vị nhận góp ý mới làm được việc này.")

    def has_object_permission(self, request, view, obj) -> bool:
        member = member_of(request.user)
        return is_committee(member) and obj.unit_id == member.unit_id
