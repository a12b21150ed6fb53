"""Gửi lên cấp trên: a cell's board sends an article up from the page editor; the district's board approves
it into its own layer crediting the cell, or returns it with a comment the cell sees."""

from __future__ import annotations

import pytest
from django.test import Client

from cms.notices.models import Submission
from cms.publishing.demo import builds_suspended
from cms.publishing.models import ArticlePage
from tests.factories import PASSWORD, publish

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def admin_as(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture(autouse=True)
def _no_builds():
    with builds_suspended():  # what is checked is the pages and their state, not the built layers
        yield


def test_a_cell_sends_up_and_the_district_approves_with_the_cell_credited(tree):
    page = publish(tree["x1"], "Chi bộ Đồng Tâm ra quân làm đường giao thông nông thôn",
                   body="<p>Hơn 40 hộ góp ngày công.</p>")
    cell = admin_as("bt.x1")  # bí thư chi bộ: on the cell's board
    editor = cell.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "Gửi lên cấp trên" in editor
    sent = cell.post(f"/admin/gui-len/trang/{page.pk}/", {"note": "Đề nghị huyện đăng tin."}, follow=True)
    assert "Đã gửi bài lên Đảng bộ huyện Đại Từ" in sent.content.decode()
    submission = Submission.objects.get(page=page)
    assert (submission.from_unit.code, submission.to_unit.code, submission.status) == ("x1", "dt", "pending")
    again = cell.post(f"/admin/gui-len/trang/{page.pk}/", {"note": "Gửi lại"}, follow=True).content.decode()
    assert "đang chờ cấp trên duyệt" in again
    assert Submission.objects.filter(page=page).count() == 1

    other_district = admin_as("bbt.pl")
    refused = other_district.post("/admin/gui-len/", {"submission": submission.pk, "action": "approve"}, follow=True)
    assert "Chỉ ban biên tập cấp trên" in refused.content.decode()
    assert Submission.objects.get(pk=submission.pk).status == "pending"

    district = admin_as("bbt.dt")
    listing = district.get("/admin/gui-len/").content.decode()
    assert "Chi bộ Đồng Tâm ra quân" in listing and "Duyệt và đăng" in listing
    done = district.post("/admin/gui-len/", {"submission": submission.pk, "action": "approve"}, follow=True)
    assert "Đã duyệt và đăng" in done.content.decode()
    submission.refresh_from_db()
    assert submission.status == "approved"
    copy = ArticlePage.objects.get(pk=submission.result_page_id).specific
    assert copy.live and copy.get_parent().specific.code == "dt"
    assert copy.title == page.title and "Bài do Chi bộ xóm Đồng Tâm gửi lên." in copy.body
    assert copy.reader_path().startswith("/u/tn/dt/all/a/")
    assert ArticlePage.objects.get(pk=page.pk).live  # the cell keeps its own article


def test_the_district_returns_with_a_comment_the_cell_sees(tree):
    page = publish(tree["x1"], "Tin hoạt động chi bộ tháng 11")
    admin_as("bt.x1").post(f"/admin/gui-len/trang/{page.pk}/", {"note": ""})
    submission = Submission.objects.get(page=page)
    district = admin_as("bbt.dt")
    empty = district.post("/admin/gui-len/", {"submission": submission.pk, "action": "return", "comment": " "},
                          follow=True)
    assert "Hãy ghi ý kiến" in empty.content.decode()
    district.post("/admin/gui-len/", {"submission": submission.pk, "action": "return",
                                      "comment": "Cần bổ sung ảnh và số liệu cụ thể."})
    submission.refresh_from_db()
    assert (submission.status, submission.comment) == ("returned", "Cần bổ sung ảnh và số liệu cụ thể.")
    seen_by_cell = admin_as("bt.x1").get("/admin/gui-len/").content.decode()
    assert "Trả lại: Cần bổ sung ảnh và số liệu cụ thể." in seen_by_cell
    assert ArticlePage.objects.child_of(tree["dt"]).count() == 0
    # A plain member is not on any board: no sending up.
    assert admin_as("dv.x1").post(f"/admin/gui-len/trang/{page.pk}/").status_code in (302, 403)
