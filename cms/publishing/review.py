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


def review_outcomes(user, *, days: int = 30, limit: int = 10) -> list[dict]:
    """The reviews of `user`'s own pages that ended lately: approved or sent back, by whom, when, with the comment.

    Wagtail tells the author by e-mail only; most cell editors have none, so the dashboard shows it instead.
    """
    from datetime import timedelta

    from django.utils import timezone
    from wagtail.models import Page, TaskState

    since = timezone.now() - timedelta(days=days)
    states = list(
        TaskState.objects.filter(workflow_state__requested_by=user, finished_at__gte=since,
                                 status__in=(TaskState.STATUS_APPROVED, TaskState.STATUS_REJECTED))
        .select_related("workflow_state", "finished_by__member")
        .order_by("-finished_at")[:limit]
    )
    titles = dict(Page.objects.filter(pk__in={int(s.workflow_state.object_id) for s in states})
                  .values_list("pk", "title"))
    outcomes = []
    for state in states:
        reviewer = state.finished_by
        member = getattr(reviewer, "member", None) if reviewer is not None else None
        outcomes.append({
            "page_id": int(state.workflow_state.object_id),
            "title": titles.get(int(state.workflow_state.object_id), ""),
            "approved": state.status == TaskState.STATUS_APPROVED,
            "reviewer": member.full_name if member else (reviewer.get_username() if reviewer else ""),
            "finished_at": state.finished_at,
            "comment": state.comment,
        })
    return outcomes
