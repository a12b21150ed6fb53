"""Draft → review by the unit's board → publish; scheduled publishing; the audit log."""

import json
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageLogEntry, WorkflowState

from cms.org.services import create_member
from cms.publishing.models import NewsPage
from tests.factories import publish

BODY = json.dumps({"blocks": [{"key": "a1", "type": "unstyled", "text": "Nội dung.", "depth": 0,
                               "inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}})


def test_each_unit_reviews_through_its_own_board(tree):
    draft = NewsPage(title="Bản nháp", body="<p>x</p>")
    tree["x1"].add_child(instance=draft)
    workflow = draft.get_workflow()
    assert workflow is not None and "[x1]" in workflow.name
    task = workflow.tasks.first().specific
    assert [g.name for g in task.groups.all()] == ["Ban Biên tập — Chi bộ xóm Đồng Tâm [x1]"]


def test_submit_for_review_then_the_board_approves_and_it_goes_live(tree, login):
    author = login("bbt.dt")
    author.post(f"/admin/pages/add/publishing/newspage/{tree['dt'].pk}/",
                {"title": "Tin chờ duyệt", "slug": "tin-cho-duyet", "tier": "all", "summary": "", "body": BODY,
                 "action-submit": "1"}, follow=True)
    page = NewsPage.objects.get(title="Tin chờ duyệt")
    assert not page.live
    state = WorkflowState.objects.get(base_content_type__isnull=False, object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    task_state = state.current_task_state
    # Another member of the board approves: the author may not (tests/cms/publishing/test_review.py).
    reviewer = create_member(username="bbt2.dt", full_name="Biên tập viên thứ hai", unit=tree["dt"], editor=True)
    task_state.task.specific.on_action(task_state, reviewer.user, "approve")
    page.refresh_from_db()
    assert page.live


def test_a_scheduled_page_goes_live_when_publish_scheduled_runs(tree):
    page = NewsPage(title="Tin hẹn giờ", body="<p>x</p>", live=False)
    tree["dt"].add_child(instance=page)
    page.go_live_at = timezone.now() + timedelta(hours=1)
    revision = page.save_revision()
    revision.publish()
    page.refresh_from_db()
    assert not page.live
    # The hour passes: move the schedule into the past rather than wait for it.
    past = timezone.now() - timedelta(minutes=1)
    revision.refresh_from_db()
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    call_command("publish_scheduled", verbosity=0)
    page.refresh_from_db()
    assert page.live


def test_publishing_and_unpublishing_are_in_the_audit_log(tree):
    page = publish(tree["dt"], "Tin có nhật ký")
    page.unpublish(user=tree["bbt.dt"].user)
    actions = set(PageLogEntry.objects.filter(page=page).values_list("action", flat=True))
    assert {"wagtail.publish", "wagtail.unpublish"} <= actions
