"""`/api/me` keeps each unit's chain in the process's memory, yet a member moved to another unit or given
another role sees their new layers at once, on every node."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cms.org.models import Member

pytestmark = pytest.mark.django_db


def test_a_moved_member_and_a_new_role_show_in_me_at_once(tree, as_member):
    client = as_member("dv.x1")
    before = client.get("/api/me").json()
    assert [u["code"] for u in before["units"]] == ["tn", "dt", "hs", "x1"]
    assert "u/tn/dt/hs/x1/all" in before["layers"] and "u/tn/dt/hs/x1/committee" not in before["layers"]

    member = Member.objects.get(user__username="dv.x1")
    member.unit = tree["y1"]
    member.save()
    moved = client.get("/api/me").json()
    assert [u["code"] for u in moved["units"]] == ["tn", "pl", "dn", "y1"]
    assert "u/tn/pl/dn/y1/all" in moved["layers"] and not any("/dt/" in layer for layer in moved["layers"])

    member.refresh_from_db()
    member.role = "committee"
    member.save()
    assert "u/tn/pl/dn/y1/committee" in client.get("/api/me").json()["layers"]


def test_a_script_with_a_token_gets_the_same_answer_in_three_queries(tree, api, as_member, password,
                                                                     django_assert_max_num_queries):
    """The app's and scripts' path: the token with its user, the member with their unit and the feedback count,
    each one precompiled statement; an unknown or disabled token is refused in Vietnamese as before."""
    token = api.post("/api/login", {"username": "dv.x2", "password": password}, format="json").json()["token"]
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    with django_assert_max_num_queries(3):
        me = script.get("/api/me")
    assert me.status_code == 200
    assert me.json() == as_member("dv.x2").get("/api/me").json()
    assert me.json()["units"][-1]["code"] == "x2"

    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    refused = stranger.get("/api/me")
    assert refused.status_code in (401, 403) and refused.json()["detail"]

    user = Member.objects.get(user__username="dv.x2").user
    user.is_active = False
    user.save()
    assert script.get("/api/me").status_code in (401, 403)
