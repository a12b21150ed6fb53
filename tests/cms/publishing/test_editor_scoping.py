"""Editors publish in their own unit's subtree only; the admin refuses anything else with a clear message."""

import json

import pytest

from cms.publishing.models import ArticlePage, NewsPage
from tests.factories import publish

BODY = json.dumps({"blocks": [{"key": "a1", "type": "unstyled", "text": "Nội dung bài viết.", "depth": 0,
                               "inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}})
KIND_URLS = {"news": "newspage", "resolution": "resolutionpage", "study": "studymaterialpage",
             "meeting": "meetingmaterialpage"}
EXTRA = {"resolution": {"document_code": "09-NQ/HU", "issuing_body": "Huyện ủy Đại Từ", "issue_date": "2026-11-20"},
         "study": {"study_deadline": "2026-12-31"}, "meeting": {"meeting_date": "2026-12-05"}}
REFUSED = "không có quyền truy cập khu vực này"


def add_page(client, unit, kind, title, action="action-publish"):
    data = {"title": title, "slug": f"bai-{abs(hash(title))}", "tier": "all", "summary": "", "body": BODY,
            action: "1", **EXTRA.get(kind, {})}
    return client.post(f"/admin/pages/add/publishing/{KIND_URLS[kind]}/{unit.pk}/", data, follow=True)


@pytest.mark.parametrize("kind", list(KIND_URLS))
def test_a_district_editor_publishes_every_kind_in_their_district(tree, login, kind):
    add_page(login("bbt.dt"), tree["dt"], kind, f"Bài {kind} của huyện")
    page = ArticlePage.objects.get(title=f"Bài {kind} của huyện")
    assert page.live and page.get_parent().pk == tree["dt"].pk and page.specific.kind == kind


def test_a_district_editor_can_publish_in_a_cell_below(tree, login):
    add_page(login("bbt.dt"), tree["x1"], "meeting", "Tài liệu sinh hoạt tháng 12")
    assert ArticlePage.objects.get(title="Tài liệu sinh hoạt tháng 12").live


def test_a_district_editor_is_refused_in_another_district(tree, login):
    response = add_page(login("bbt.dt"), tree["pl"], "news", "Bài lạc sang Phú Lương")
    assert REFUSED in response.content.decode()
    assert not ArticlePage.objects.filter(title="Bài lạc sang Phú Lương").exists()


def test_another_districts_pages_cannot_be_opened_edited_or_unpublished(tree, login):
    page = publish(tree["pl"], "Tin Phú Lương")
    client = login("bbt.dt")
    for url in (f"/admin/pages/{page.pk}/edit/", f"/admin/pages/{page.pk}/unpublish/",
                f"/admin/pages/{page.pk}/delete/"):
        assert REFUSED in client.get(url, follow=True).content.decode(), url
    client.post(f"/admin/pages/{page.pk}/unpublish/", follow=True)
    page.refresh_from_db()
    assert page.live


def test_the_explorer_of_another_district_is_not_shown(tree, login):
    publish(tree["pl"], "Tin riêng Phú Lương")
    response = login("bbt.dt").get(f"/admin/pages/{tree['pl'].pk}/", follow=True)
    assert "Tin riêng Phú Lương" not in response.content.decode()


def test_a_cell_secretary_publishes_meeting_materials_for_the_cell(tree, login):
    add_page(login("bt.x1"), tree["x1"], "meeting", "Sinh hoạt chi bộ tháng 12/2026")
    assert ArticlePage.objects.get(title="Sinh hoạt chi bộ tháng 12/2026").live
    response = add_page(login("bt.x1"), tree["x2"], "meeting", "Sang chi bộ bên cạnh")
    assert REFUSED in response.content.decode()


def test_an_editor_unpublishes_their_own_page(tree, login):
    page = publish(tree["dt"], "Tin sẽ gỡ")
    client = login("bbt.dt")
    client.post(f"/admin/pages/{page.pk}/unpublish/", follow=True)
    page.refresh_from_db()
    assert not page.live


def test_articles_only_live_directly_under_a_unit(tree):
    assert NewsPage.parent_page_types == ["org.UnitPage"] and NewsPage.subpage_types == []
    assert NewsPage.can_create_at(tree["dt"]) and not NewsPage.can_create_at(publish(tree["dt"], "Cha"))


def test_the_admin_speaks_vietnamese(tree, login):
    page = login("bbt.dt").get(f"/admin/pages/{tree['dt'].pk}/").content.decode()
    assert 'lang="vi"' in page
