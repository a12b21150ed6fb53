"""“Quên mật khẩu / Kích hoạt” as a member uses it: username or phone, the code, a new password twice."""

from __future__ import annotations

import pytest
from django.core.cache import cache, caches

from cms.org.activation import issue_sheet
from cms.org.services import issue_reset_code

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Song-dep-2027"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def activate(client, username, code, password=NEW_PASSWORD, again=None):
    return client.post("/kich-hoat/", {"username": username, "code": code, "password1": password,
                                       "password2": password if again is None else again})


def test_login_page_links_to_the_activation_page(client):
    html = client.get("/dang-nhap/").content.decode()
    assert 'href="/kich-hoat/"' in html and "Quên mật khẩu / Kích hoạt" in html


def test_qr_link_fills_in_the_username(client):
    html = client.get("/kich-hoat/?u=dv.x1").content.decode()
    assert 'id="id_username" name="username" value="dv.x1"' in html
    assert "Mã kích hoạt" in html and "Nhập lại mật khẩu mới" in html


def test_code_sets_the_password_and_signs_the_member_in(client, tree):
    code = issue_reset_code(member=tree["dv.x1"], issued_by=None)
    response = activate(client, "dv.x1", code)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200  # the shell, signed in
    client.logout()
    assert client.login(username="dv.x1", password=NEW_PASSWORD)


def test_member_may_type_their_phone_number_instead(client, tree):
    member = tree["dv2.x1"]
    member.phone = "0912345678"
    member.save()
    code = issue_reset_code(member=member, issued_by=None)
    assert activate(client, "0912 345 678", code).status_code == 302
    member.user.refresh_from_db()
    assert member.user.check_password(NEW_PASSWORD)


def test_wrong_or_expired_code_gets_a_vietnamese_answer_and_changes_nothing(client, tree, password):
    issue_reset_code(member=tree["dv.x1"], issued_by=None)
    response = activate(client, "dv.x1", "000000")
    assert response.status_code == 400
    assert "Mã đặt lại không đúng hoặc đã hết hạn" in response.content.decode()
    tree["dv.x1"].user.refresh_from_db()
    assert tree["dv.x1"].user.check_password(password)
    assert "_auth_user_id" not in client.session


def test_passwords_that_differ_or_are_weak_keep_the_code(client, tree):
    code = issue_reset_code(member=tree["dv.x1"], issued_by=None)
    response = activate(client, "dv.x1", code, again="Khac-han-2027")
    assert response.status_code == 400 and "Hai lần nhập mật khẩu mới không giống nhau" in response.content.decode()
    response = activate(client, "dv.x1", code, password="12345678")
    assert response.status_code == 400 and "mật khẩu" in response.content.decode().lower()
    assert activate(client, "dv.x1", code).status_code == 302  # the code was not spent on the mistakes


def test_guessing_is_throttled_like_logins_even_for_the_right_code(client, tree, settings):
    code = issue_sheet(unit=tree.units["x1"], issued_by=None).entries[0]
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["reset"].split("/")[0])
    for _attempt in range(limit):
        assert activate(client, code.username, "999999").status_code == 400
    response = activate(client, code.username, code.code)
    assert response.status_code == 429
    assert "Bạn đã nhập sai nhiều lần" in response.content.decode()
    caches["shared"].clear()  # the minute has passed (throttles count in the cache every node shares)
    assert activate(client, code.username, code.code).status_code == 302
