"""The one access rule: own unit or an ancestor, tier allowed by role, active status."""

import pytest

from cms.org.models import Member, Status
from cms.org.selectors import active_members, can_read, layers_for, may_still_read
from cms.org.services import set_status


def test_a_member_reads_the_all_tier_of_their_chain_only(tree):
    prefixes = [layer.prefix for layer in layers_for(tree["dv.x1"])]
    assert prefixes == ["u/tn/all", "u/tn/dt/all", "u/tn/dt/hs/all", "u/tn/dt/hs/x1/all"]


def test_committee_members_also_read_the_committee_tier(tree):
    prefixes = {layer.prefix for layer in layers_for(tree["cuv.hs"])}
    assert "u/tn/dt/hs/committee" in prefixes and "u/tn/committee" in prefixes
    assert not any("/x1/" in p for p in prefixes), "a base committee member does not read cell layers"


@pytest.mark.parametrize(
    "username,path,allowed",
    [
        ("dv.x1", "/u/tn/dt/all/a/1/", True),
        ("dv.x1", "/u/tn/dt/committee/a/1/", False),
        ("dv.x1", "/u/tn/pl/all/a/1/", False),
        ("dv.x1", "/u/tn/dt/hs/x2/all/", False),
        ("dv.y1", "/u/tn/dt/all/", False),
        ("cuv.x1", "/u/tn/dt/hs/x1/committee/feed.json", True),
        ("dv.x1", "/u/tn/dt/../pl/all/", False),
        ("dv.x1", "/etc/passwd", False),
    ],
)
def test_can_read_paths(tree, username, path, allowed):
    assert can_read(tree[username].user, path) is allowed


@pytest.mark.parametrize("status", [Status.DECEASED, Status.STRUCK_OFF, Status.EXPELLED])
def test_ending_statuses_end_access_at_once_including_open_sessions(tree, login, status):
    client = login("bbt.dt")
    assert client.get("/admin/").status_code == 200
    set_status(member=tree["bbt.dt"], status=status)
    assert layers_for(tree["bbt.dt"]) == []
    assert not can_read(tree["bbt.dt"].user, "/u/tn/all/")
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_probationary_members_keep_access(tree):
    set_status(member=tree["dv.x1"], status=Status.PROBATIONARY)
    assert len(layers_for(tree["dv.x1"])) == 4


@pytest.mark.parametrize("status", [Status.DECEASED, Status.STRUCK_OFF, Status.EXPELLED])
def test_one_rule_says_who_may_still_read_for_one_member_and_for_many(tree, status):
    set_status(member=tree["dv.x1"], status=status)
    set_status(member=tree["dv2.x1"], status=Status.PROBATIONARY)
    locked = tree["cuv.x1"].user
    locked.is_active = False  # an administrator switched the login off in the user admin
    locked.save(update_fields=["is_active"])

    still_reading = set(active_members().values_list("user__username", flat=True))
    for member in Member.objects.select_related("user"):
        assert may_still_read(member) is (member.user.username in still_reading), member.user.username
    assert "dv2.x1" in still_reading
    assert not {"dv.x1", "cuv.x1"} & still_reading
    assert not may_still_read(None)
    in_cell = active_members(Member.objects.filter(unit=tree["x1"]))
    assert sorted(in_cell.values_list("user__username", flat=True)) == ["bt.x1", "dv2.x1"]
