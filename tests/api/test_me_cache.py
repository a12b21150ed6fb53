"""`/api/me` keeps each unit's chain in the process's memory, yet a member moved to another unit or given
another role sees their new layers at once, on every node."""

from __future__ import annotations

import pytest

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
