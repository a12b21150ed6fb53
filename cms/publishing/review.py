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


def ensure_board_review(unit, group) -> None:
    """The unit's review workflow: one BoardApprovalTask for its board, also where an older installation made
    it a plain group approval."""
    from wagtail.models import Workflow, WorkflowPage, WorkflowTask

    from .models import BoardApprovalTask

    task, _created = BoardApprovalTask.objects.get_or_create(name=f"Ban Biên tập duyệt — {unit.code}")
    task.groups.add(group)
    workflow, _created = Workflow.objects.get_or_create(name=f"Duyệt bài — {unit.title} [{unit.code}]")
    WorkflowTask.objects.filter(workflow=workflow).exclude(task=task).delete()
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=unit, defaults={"workflow": workflow})
