"""Logging in, who am I, logging out, throttled guessing, reset codes, and statuses that end access at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cms.org.models import ResetCode, Status
from cms.org.services import issue_reset_code, set_status

pytestmark = pytest.mark.django_db


def test_login_sets_a_session_and_returns_a_token(tree, api, password):
    reply = api.post("/api/login", {"username": "dv.x1", "password": password}, format="json")
    assert reply.status_code == 200
    body = reply.json()
    assert body["me"]["username"] == "dv.x1" and body["token"] and body["csrf_token"]
    assert api.get("/api/me").status_code == 200  # the session cookie alone
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert script.get("/api/me").json()["full_name"] == "Đảng viên dv.x1"


def test_me_says_who_and_what_layers(tree, as_member):
    me = as_member("dv.x2").get("/api/me").json()
    assert me["role"] == "member" and me["status"] == "official"
    assert me["units"][0] == {"code": "tn", "name": "Đảng bộ tỉnh Thái Nguyên", "level": "province"}
    assert me["layers"] == ["u/tn/all", "u/tn/dt/all", "u/tn/dt/hs/all", "u/tn/dt/hs/x2/all"]


def test_wrong_password_is_refused_in_vietnamese(tree, api):
    reply = api.post("/api/login", {"username": "dv.x1", "password": "sai-mat-khau"}, format="json")
    assert reply.status_code == 400
    assert reply.json()["detail"] == "Tên đăng nhập hoặc mật khẩu không đúng."


def test_anonymous_me_is_refused_in_vietnamese(tree, api):
    reply = api.get("/api/me")
    assert reply.status_code in (401, 403)
    assert "đăng nhập" in reply.json()["detail"]


def test_logout_ends_session_and_token(tree, api, password):
    token = api.post("/api/login", {"username": "dv.x1", "password": password}, format="json").json()["token"]
    assert api.post("/api/logout").status_code == 204
    assert api.get("/api/me").status_code in (401, 403)
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert script.post("/api/logout").status_code == 204
    assert script.get("/api/me").status_code in (401, 403)


def test_guessing_one_username_is_throttled_with_the_wait(tree, password):
    for i in range(5):
        client = APIClient(REMOTE_ADDR=f"10.0.0.{i + 1}")  # different addresses: the username limit applies
        assert client.post("/api/login", {"username": "dv.x1", "password": "sai"}, format="json").status_code == 400
    reply = APIClient(REMOTE_ADDR="10.0.0.99").post(
        "/api/login", {"username": "dv.x1", "password": password}, format="json"
    )
    assert reply.status_code == 429
    assert reply.json()["detail"].startswith("Bạn đã thử quá nhiều lần. Hãy thử lại sau ")
    assert int(reply["Retry-After"]) > 0
    # Another member is not slowed down by the guessing.
    other = APIClient(REMOTE_ADDR="10.0.0.99").post(
        "/api/login", {"username": "dv2.x1", "password": password}, format="json"
    )
    assert other.status_code == 200


def test_guessing_from_one_address_is_throttled(tree, password):
    client = APIClient(REMOTE_ADDR="10.1.1.1")
    for i in range(20):
        reply = client.post("/api/login", {"username": f"khong-co-{i}", "password": "sai"}, format="json")
        assert reply.status_code == 400
    blocked = client.post("/api/login", {"username": "dv.x1", "password": password}, format="json")
    assert blocked.status_code == 429 and "giây" in blocked.json()["detail"]


def test_right_passwords_are_never_throttled(tree, password):
    client = APIClient(REMOTE_ADDR="10.2.2.2")
    for _ in range(8):
        assert client.post("/api/login", {"username": "dv.x1", "password": password}, format="json").status_code == 200


def test_secretary_issues_a_code_that_works_once(tree, as_member, api):
    reply = as_member("bt.x1").post("/api/reset-codes", {"username": "dv.x1"}, format="json")
    assert reply.status_code == 201
    code = reply.json()["code"]
    assert len(code) == 6 and code.isdigit()
    new = {"username": "dv.x1", "code": code, "new_password": "Mat-khau-moi-2026"}
    assert api.post("/api/password-reset", new, format="json").status_code == 200
    relogin = api.post("/api/login", {"username": "dv.x1", "password": "Mat-khau-moi-2026"}, format="json")
    assert relogin.status_code == 200
    again = api.post("/api/password-reset", {**new, "new_password": "Lan-thu-hai-2026"}, format="json")
    assert again.status_code == 400 and "bí thư" in again.json()["detail"]


def test_expired_code_does_not_work(tree, api):
    code = issue_reset_code(member=tree["dv.x1"], issued_by=tree["bt.x1"].user)
    ResetCode.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    reply = api.post("/api/password-reset", {"username": "dv.x1", "code": code, "new_password": "Mat-khau-moi-2026"},
                     format="json")
    assert reply.status_code == 400 and "hết hạn" in reply.json()["detail"]


def test_weak_new_password_is_refused_and_the_code_still_works(tree, api):
    code = issue_reset_code(member=tree["dv.x1"], issued_by=tree["bt.x1"].user)
    weak = api.post("/api/password-reset", {"username": "dv.x1", "code": code, "new_password": "123"}, format="json")
    assert weak.status_code == 400 and weak.json()["new_password"]
    ok = api.post("/api/password-reset", {"username": "dv.x1", "code": code, "new_password": "Mat-khau-moi-2026"},
                  format="json")
    assert ok.status_code == 200


def test_secretary_cannot_issue_codes_for_other_units_and_members_cannot_at_all(tree, as_member):
    assert as_member("bt.x1").post("/api/reset-codes", {"username": "dv.x2"}, format="json").status_code == 404
    assert as_member("bt.x1").post("/api/reset-codes", {"username": "dv.y1"}, format="json").status_code == 404
    assert as_member("cuv.x1").post("/api/reset-codes", {"username": "dv.x1"}, format="json").status_code == 403
    assert as_member("dv.x1").post("/api/reset-codes", {"username": "dv2.x1"}, format="json").status_code == 403


def test_guessing_reset_codes_is_throttled(tree, api):
    issue_reset_code(member=tree["dv.x1"], issued_by=tree["bt.x1"].user)
    replies = [
        api.post("/api/password-reset", {"username": "dv.x1", "code": f"{n:06d}", "new_password": "Mat-khau-moi-2026"},
                 format="json").status_code
        for n in range(7)
    ]
    assert 429 in replies


@pytest.mark.parametrize("status", [Status.DECEASED, Status.STRUCK_OFF, Status.EXPELLED])
def test_lost_status_ends_session_and_token_mid_session(tree, api, password, status):
    token = api.post("/api/login", {"username": "dv.x1", "password": password}, format="json").json()["token"]
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/access", {"path": "/u/tn/all/a/1/"}).status_code == 200
    assert script.get("/api/me").status_code == 200
    set_status(member=tree["dv.x1"], status=status)
    assert api.get("/api/me").status_code in (401, 403)
    assert api.get("/api/access", {"path": "/u/tn/all/a/1/"}).status_code in (401, 403)
    assert script.get("/api/me").status_code in (401, 403)
    assert script.get("/api/search", {"q": "nghi quyet"}).status_code in (401, 403)
    relogin = APIClient().post("/api/login", {"username": "dv.x1", "password": password}, format="json")
    assert relogin.status_code == 400
