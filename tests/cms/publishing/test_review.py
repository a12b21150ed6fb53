"""A board's approval comes from a member other than the author; one-person boards may publish directly."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from wagtail.models import WorkflowState

from cms.org.services import create_member
from cms.publishing.models import NewsPage, UnitReviewSetting
from tests.cms.publishing.test_workflow import BODY
from tests.factories import PASSWORD


def _form(title: str, slug: str, **extra) -> dict:
    return {"title": title, "slug": slug, "tier": "all", "summary": "", "body": BODY,
            "comments-TOTAL_FORMS": "0", "comments-INITIAL_FORMS": "0", "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000", **extra}


@pytest.fixture
def board_of_two(tree):
    """The district's Ban Biên tập: bbt.dt and a second editor."""
    create_member(username="bbt2.dt", full_name="Biên tập viên thứ hai", unit=tree["dt"], password=PASSWORD,
                  editor=True)
    return tree


def _submit(client, unit, title: str, slug: str):
    client.post(f"/admin/pages/add/publishing/newspage/{unit.pk}/", _form(title, slug, **{"action-submit": "1"}))
    return NewsPage.objects.get(title=title)


def test_the_author_cannot_approve_their_own_page(board_of_two, client):
    tree = board_of_two
    client.login(username="bbt.dt", password=PASSWORD)
    page = _submit(client, tree["dt"], "Tin tự duyệt", "tin-tu-duyet")
    state = WorkflowState.objects.get(object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS)
    task = state.current_task_state.task.specific
    author = tree["bbt.dt"].user
    assert task.get_actions(page, author) == []
    assert not task.get_task_states_user_can_moderate(author).exists()
    edit = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert 'data-workflow-action-name="approve"' not in edit and 'value="approve"' not in edit
    with pytest.raises(PermissionDenied):
        task.on_action(state.current_task_state, author, "approve")
    page.refresh_from_db()
    assert not page.live
    # The other board member has it waiting for them and may approve it.
    other = get_user_model().objects.get(username="bbt2.dt")
    assert task.get_task_states_user_can_moderate(other).exists()
    assert [name for name, *_ in task.get_actions(page, other)] == ["reject", "approve", "approve"]


def test_another_board_member_approves_and_is_told_it_went_live(board_of_two, client):
    tree = board_of_two
    client.login(username="bbt.dt", password=PASSWORD)
    page = _submit(client, tree["dt"], "Tin người khác duyệt", "tin-nguoi-khac-duyet")
    client.logout()
    client.login(username="bbt2.dt", password=PASSWORD)
    response = client.post(f"/admin/pages/{page.pk}/edit/", _form(
        "Tin người khác duyệt", "tin-nguoi-khac-duyet",
        **{"action-workflow-action": "1", "workflow-action-name": "approve", "workflow-action-extra-data": "{}"}),
        follow=True)
    page.refresh_from_db()
    assert page.live
    said = [str(m) for m in response.context["messages"]]
    assert said == ["Đã duyệt và xuất bản “Tin người khác duyệt”."]


def test_sending_back_says_to_whom_and_with_what_comment(board_of_two, client):
    tree = board_of_two
    client.login(username="bbt.dt", password=PASSWORD)
    page = _submit(client, tree["dt"], "Tin bị trả lại", "tin-bi-tra-lai")
    client.logout()
    client.login(username="bbt2.dt", password=PASSWORD)
    response = client.post(f"/admin/pages/{page.pk}/edit/", _form(
        "Tin bị trả lại", "tin-bi-tra-lai",
        **{"action-workflow-action": "1", "workflow-action-name": "reject",
           "workflow-action-extra-data": '{"comment": "Thiếu nguồn tin"}'}), follow=True)
    page.refresh_from_db()
    assert not page.live
    said = " ".join(str(m) for m in response.context["messages"])
    assert "Đã trả lại “Tin bị trả lại”" in said and "Thiếu nguồn tin" in said


def test_a_board_of_two_has_no_direct_publish(board_of_two, client):
    tree = board_of_two
    client.login(username="bbt.dt", password=PASSWORD)
    add_url = f"/admin/pages/add/publishing/newspage/{tree['dt'].pk}/"
    assert 'name="action-publish"' not in client.get(add_url).content.decode()
    client.post(add_url, _form("Tin xuất bản thẳng", "tin-xuat-ban-thang", **{"action-publish": "1"}))
    assert not NewsPage.objects.filter(title="Tin xuất bản thẳng", live=True).exists()


def test_a_board_of_one_publishes_directly_unless_the_unit_says_otherwise(tree, client):
    client.login(username="bbt.dt", password=PASSWORD)
    add_url = f"/admin/pages/add/publishing/newspage/{tree['dt'].pk}/"
    assert 'name="action-publish"' in client.get(add_url).content.decode()
    client.post(add_url, _form("Tin một người", "tin-mot-nguoi", **{"action-publish": "1"}))
    assert NewsPage.objects.get(title="Tin một người").live
    UnitReviewSetting.objects.create(unit=tree["dt"], single_editor_publishes=False)
    assert 'name="action-publish"' not in client.get(add_url).content.decode()
