"""Who may publish a unit's page without a second board member's review."""

from __future__ import annotations

from django.contrib.auth import get_user_model


def board_size(unit) -> int:
    """Active people on the unit's Ban Biên tập."""
    from cms.org.services import board_name

    return get_user_model().objects.filter(groups__name=board_name(unit), is_active=True).distinct().count()


def may_publish_directly(user, unit) -> bool:
    """Superusers always; otherwise only where the board is one person and the unit allows that person to
    publish alone. A board of two or more always has another member review."""
    from .models import UnitReviewSetting

    if user.is_superuser:
        return True
    if unit is None:
        return True
    setting = UnitReviewSetting.objects.filter(unit=unit).first()
    single_editor_publishes = setting.single_editor_publishes if setting is not None else True
    return single_editor_publishes and board_size(unit) <= 1
