"""The admin's "Nhập đảng viên": upload, see the difference, confirm; a secretary only within their subtree."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cms.org.models import Member

pytestmark = pytest.mark.postgres
HEADER = "Số thẻ đảng viên,Họ và tên,Mã đơn vị,Chức vụ,Tình trạng,Điện thoại"
URL = "/admin/member-import/"


def upload(client, *rows: str, name="members.csv"):
    data = ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def confirm(client, response, **overrides):
    fields = {"sha256": response.context["digest"], "fingerprint": response.context["plan"].fingerprint()}
    return client.post(URL + "confirm/", {**fields, **overrides}, follow=True)


def test_a_secretary_previews_then_confirms_a_file_of_their_subtree(tree, login):
    client = login("bt.dt")
    response = upload(client, "40010001,Ma Văn Sáu,x1,đảng viên,chính thức,0912000111")
    page = response.content.decode()
    assert "Thêm mới <strong>1</strong>" in page and "Ma Văn Sáu" in page and "saumv01" in page
    assert "dv.x1" in page  # x1's members are not in the file: listed as leaving
    assert not Member.objects.filter(card_number="40010001").exists()  # nothing before confirming
    done = confirm(client, response)
    assert "thêm 1, cập nhật 0 đảng viên" in done.content.decode()
    assert Member.objects.get(card_number="40010001").unit.code == "x1"
    assert Member.objects.filter(user__username="dv.x1").exists()


def test_a_secretary_cannot_sync_another_district(tree, login):
    client = login("bt.dt")
    page = upload(client, "40010002,Lò Văn Bảy,y1,,,").content.decode()
    assert "Dòng 2: đơn vị “y1” không thuộc phạm vi bạn quản lý." in page
    assert "chưa thay đổi đảng viên nào" in page
    assert not Member.objects.filter(card_number="40010002").exists()


def test_a_confirmation_applies_only_the_file_previewed(tree, login):
    client = login("bt.dt")
    response = upload(client, "40010003,Ma Văn Tám,x1,,,")
    page = confirm(client, response, sha256="0" * 64).content.decode()
    assert "Hãy tải tệp lên lại" in page
    assert not Member.objects.filter(card_number="40010003").exists()


def test_a_change_between_preview_and_confirmation_is_shown_again(tree, login):
    client = login("bt.dt")
    response = upload(client, "40010004,Nguyễn Văn Một Mới,x1,bí thư,,", )
    Member.objects.filter(user__username="dv2.x1").update(card_number="40010004")
    page = confirm(client, response).content.decode()
    assert "đã thay đổi từ lúc xem trước" in page and "dv2.x1" in page
    assert Member.objects.get(user__username="dv2.x1").role == "member"


def test_members_without_a_managed_unit_cannot_import(tree, login):
    assert login("dv.x1").get(URL).status_code in (302, 403)
    client = login("cuv.x1")
    response = client.get(URL)
    assert response.status_code in (302, 403)
