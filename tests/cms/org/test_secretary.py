"""Cell secretaries manage their own members in the admin and issue one-time reset codes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cms.org.models import ResetCode
from cms.org.services import ResetCodeError, issue_reset_code, redeem_reset_code


def test_a_secretary_lists_only_the_members_of_their_unit(tree, login):
    page = login("bt.x1").get("/admin/members/").content.decode()
    assert "Đảng viên dv.x1" in page and "Đảng viên cuv.x1" in page
    assert "Đảng viên dv.x2" not in page and "Đảng viên dv.y1" not in page


def test_a_secretary_cannot_edit_another_units_member(tree, login):
    client = login("bt.x1")
    assert client.get(f"/admin/members/edit/{tree['dv.x1'].pk}/").status_code == 200
    response = client.get(f"/admin/members/edit/{tree['dv.y1'].pk}/", follow=True)
    assert "không có quyền" in response.content.decode()


def test_a_secretary_adds_a_member_to_their_cell(tree, login):
    client = login("bt.x1")
    response = client.post("/admin/members/new/", {
        "username": "moi.x1", "password": "Matkhau-moi-1", "full_name": "Trần Văn Mới", "unit": tree["x1"].pk,
        "role": "member", "status": "probationary", "phone": "0912000111", "birth_year": "1995",
    })
    assert response.status_code == 302
    assert client.login(username="moi.x1", password="Matkhau-moi-1")


def test_a_secretary_cannot_put_a_member_in_another_unit(tree, login):
    client = login("bt.x1")
    response = client.post("/admin/members/new/", {
        "username": "lac.x1", "full_name": "Lạc Đơn Vị", "unit": tree["y1"].pk, "role": "member",
        "status": "official",
    })
    assert response.status_code == 200
    assert not tree["y1"].members.filter(user__username="lac.x1").exists()


def test_members_without_the_secretary_role_cannot_manage_members(tree, login):
    response = login("cuv.x1").get("/admin/members/", follow=True)
    assert "Đảng viên dv.x1" not in response.content.decode()


def test_the_reset_code_page_shows_a_code_that_works_once(tree, login, password):
    client = login("bt.x1")
    page = client.post(f"/admin/members/{tree['dv.x1'].pk}/reset-code/").content.decode()
    code = page.split("data-reset-code>")[1].split("<")[0].strip()
    assert len(code) == 6 and code.isdigit()
    redeem_reset_code(username="dv.x1", code=code, new_password="Mat-khau-moi-2026")
    assert client.login(username="dv.x1", password="Mat-khau-moi-2026")
    with pytest.raises(ResetCodeError, match="không đúng hoặc đã hết hạn"):
        redeem_reset_code(username="dv.x1", code=code, new_password="Lan-thu-hai-2026")


def test_a_secretary_cannot_issue_codes_for_other_units(tree, login):
    response = login("bt.x1").post(f"/admin/members/{tree['dv.y1'].pk}/reset-code/")
    assert response.status_code in (302, 403)
    assert not ResetCode.objects.filter(member=tree["dv.y1"]).exists()


def test_expired_codes_are_refused(tree):
    code = issue_reset_code(member=tree["dv.x1"], issued_by=tree["bt.x1"].user)
    ResetCode.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ResetCodeError):
        redeem_reset_code(username="dv.x1", code=code, new_password="Mat-khau-moi-2026")
