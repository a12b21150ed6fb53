"""'Hồ sơ của tôi' in the reader: the member's record and the password change form, without the shell's scripts."""

from __future__ import annotations

from datetime import date

import pytest

from cms.org.models import Member

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_members_own_record(tree, login):
    Member.objects.filter(pk=tree["cuv.x1"].pk).update(
        card_number="012345678", joined_on=date(2015, 5, 19), official_on=date(2016, 5, 19),
        exempt_from=date(2026, 3, 1), exempt_reason="Tuổi cao", no_smartphone=False)
    page = login("cuv.x1").get("/ho-so/").content.decode()
    for text in ("Đảng viên cuv.x1", "Chi bộ xóm Đồng Tâm", "Chi ủy viên / cấp ủy viên", "012345678",
                 "19/05/2015", "19/05/2016", "từ 01/03/2026 (Tuổi cao)", "Đổi mật khẩu"):
        assert text in page
    assert "dv.x1" not in page.replace("cuv.x1", "")


def test_the_shell_links_to_the_record(tree, login):
    assert 'href="/ho-so/"' in login("dv.x1").get("/").content.decode()


def test_a_stranger_is_sent_to_the_login_page(client):
    response = client.get("/ho-so/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_the_password_is_changed_and_the_member_stays_signed_in(tree, login, password):
    client = login("dv.x1")
    response = client.post("/ho-so/", {"old_password": password, "new_password1": "Sotay-moi-2027",
                                       "new_password2": "Sotay-moi-2027"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Đã đổi mật khẩu" in page
    assert client.get("/").status_code == 200
    tree["dv.x1"].user.refresh_from_db()
    assert tree["dv.x1"].user.check_password("Sotay-moi-2027")


def test_a_wrong_current_password_is_refused_in_vietnamese(tree, login, password):
    response = login("dv.x1").post("/ho-so/", {"old_password": "khong-dung", "new_password1": "Sotay-moi-2027",
                                               "new_password2": "Sotay-moi-2027"})
    assert response.status_code == 400
    assert "Mật khẩu hiện tại không đúng" in response.content.decode()
    tree["dv.x1"].user.refresh_from_db()
    assert tree["dv.x1"].user.check_password(password)
