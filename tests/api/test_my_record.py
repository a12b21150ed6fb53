"""A member reads their own record and changes their password through the API; the session stays signed in."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.authtoken.models import Token

from cms.org.models import Member

pytestmark = pytest.mark.django_db


def test_the_member_sees_their_own_record(tree, deputy, as_member):
    Member.objects.filter(pk=tree["pbt.x2"].pk).update(
        card_number="012345678", joined_on=date(2015, 5, 19), official_on=date(2016, 5, 19), phone="0912345678",
        exempt_from=date(2020, 1, 1), exempt_until=date(2099, 1, 1), exempt_reason="Đi làm ăn xa",
    )
    record = as_member("pbt.x2").get("/api/me/profile").json()
    assert record["full_name"] == "Đảng viên pbt.x2"
    assert record["unit"] == {"code": "x2", "name": "Chi bộ xóm Tân Sơn", "level": "cell"}
    assert (record["role"], record["role_label"]) == ("deputy", "Phó bí thư")
    assert (record["card_number"], record["joined_on"], record["official_on"]) == (
        "012345678", "2015-05-19", "2016-05-19")
    assert record["exemption"] == {"exempt_now": True, "from": "2020-01-01", "until": "2099-01-01",
                                   "reason": "Đi làm ăn xa"}


def test_the_record_needs_a_signed_in_active_member(tree, api, as_member):
    assert api.get("/api/me/profile").status_code in (401, 403)
    client = as_member("dv.x1")
    Member.objects.filter(pk=tree["dv.x1"].pk).update(status="expelled")
    assert client.get("/api/me/profile").status_code in (401, 403)


def test_changing_the_password_keeps_this_session_and_ends_the_others(tree, as_member, password):
    phone, laptop = as_member("dv.x1"), as_member("dv.x1")
    token = Token.objects.create(user=tree["dv.x1"].user)
    answer = phone.post("/api/me/password", {"old_password": password, "new_password1": "Sotay-moi-2027",
                                             "new_password2": "Sotay-moi-2027"}, format="json")
    assert answer.status_code == 200 and answer.json()["detail"] == "Đã đổi mật khẩu."
    assert phone.get("/api/me").status_code == 200
    assert laptop.get("/api/me").status_code in (401, 403)
    assert not Token.objects.filter(key=token.key).exists()
    tree["dv.x1"].user.refresh_from_db()
    assert tree["dv.x1"].user.check_password("Sotay-moi-2027")


@pytest.mark.parametrize(("old", "new1", "new2", "field", "message"), [
    ("sai-mat-khau", "Sotay-moi-2027", "Sotay-moi-2027", "old_password", "Mật khẩu hiện tại không đúng"),
    (None, "Sotay-moi-2027", "Sotay-moi-2028", "new_password2", "không giống nhau"),
    (None, "12345678", "12345678", "new_password2", "hoàn toàn là số"),
    (None, "abc", "abc", "new_password2", "quá ngắn"),
])
def test_a_bad_change_is_refused_in_vietnamese_and_the_password_stays(tree, as_member, password, old, new1, new2,
                                                                       field, message):
    client = as_member("dv.x1")
    answer = client.post("/api/me/password", {"old_password": old or password, "new_password1": new1,
                                              "new_password2": new2}, format="json")
    assert answer.status_code == 400
    assert message in " ".join(answer.json()[field])
    tree["dv.x1"].user.refresh_from_db()
    assert tree["dv.x1"].user.check_password(password)


def test_guessing_the_current_password_is_throttled_like_a_login(tree, as_member):
    client = as_member("dv.x1")
    wrong = {"old_password": "doan-mo", "new_password1": "Sotay-moi-2027", "new_password2": "Sotay-moi-2027"}
    codes = [client.post("/api/me/password", wrong, format="json").status_code for _ in range(6)]
    assert codes == [400] * 5 + [429]
