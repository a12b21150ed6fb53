"""What the admin opens for a page: its preview (inside the admin's frame) and its live place in the reader."""

from __future__ import annotations

import re

import pytest

from cms.publishing.models import KIND_MODELS
from tests.factories import publish

KIND_FIELDS = {"resolution": {"document_code": "01-NQ/HU"}}


def test_the_preview_may_be_shown_in_the_admin_frame(tree, login):
    from cms.publishing.models import NewsPage

    draft = NewsPage(title="Bản nháp trong khung", body="<p>Nháp.</p>", live=False)
    tree["dt"].add_child(instance=draft)
    client = login("bbt.dt")
    preview = draft.create_page_preview()
    response = client.get("/preview/", {"content_type": "publishing.newspage", "token": preview.token})
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "Bản nháp trong khung" in response.content.decode()


def _live_links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"[^>]*>\s*(?:<[^>]+>\s*)*(?:Xem bản đã xuất bản|View live)', html))


@pytest.mark.parametrize("kind", sorted(KIND_MODELS))
def test_view_live_opens_the_page_in_the_reader(tree, login, kind, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the build the publish queues
        page = publish(tree["hs"], f"Bài {kind} đã xuất bản", kind=kind, **KIND_FIELDS.get(kind, {}))
    client = login("bbt.tn")
    edit = client.get(f"/admin/pages/{page.pk}/edit/")
    assert edit.status_code == 200
    expected = f"/u/tn/dt/hs/all/a/{page.pk}/"
    assert page.url == expected
    assert expected in edit.content.decode()
    # The reader's place answers (a member of the unit reads it).
    reader = login("dv.hs").get(expected)
    assert reader.status_code == 200
    assert f"Bài {kind} đã xuất bản" in b"".join(reader.streaming_content).decode()


def test_view_live_of_a_unit_opens_the_reader_home(tree, login):
    client = login("bbt.tn")
    unit = tree["dt"]
    assert unit.url == "/"
    edit = client.get(f"/admin/pages/{unit.pk}/edit/")
    assert edit.status_code == 200
    listing = client.get(f"/admin/pages/{tree['tn'].pk}/")
    assert listing.status_code == 200


def test_a_cell_is_not_offered_a_unit_as_a_page_kind(tree, login):
    client = login("bbt.tn")
    under_cell = client.get(f"/admin/pages/{tree['x1'].pk}/add_subpage/").content.decode()
    under_base = client.get(f"/admin/pages/{tree['hs'].pk}/add_subpage/").content.decode()
    assert "org/unitpage" in under_base
    assert "org/unitpage" not in under_cell and "publishing/newspage" in under_cell


def test_the_status_panel_says_when_the_publish_reached_members(tree, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = publish(tree["dt"], "Bài có trạng thái xuất bản")
    client = login("bbt.dt")
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "data-sotay-publish-status" in html
    assert re.search(r"Đã đến đảng viên lúc \d\d:\d\d \(phiên bản 1\)", html)
    answer = client.get(f"/admin/trang-thai-xuat-ban/{page.pk}/").json()
    assert answer["state"] == "live" and answer["version"] == 1


def test_the_status_of_another_units_page_is_not_shown(tree, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = publish(tree["dt"], "Bài của huyện khác")
    assert login("bbt.pl").get(f"/admin/trang-thai-xuat-ban/{page.pk}/").status_code == 404
