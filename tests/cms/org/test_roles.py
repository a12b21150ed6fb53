"""Roles act at once: a new leader gets the admin, member management and (base, cell) the unit's board; a replaced
one loses them, except a board membership given by hand; chi ủy viên reach reports and feedback only; every change
of role, status or unit is in the audit log with who made it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import ModelLogEntry

from cms.org.models import Member, RoleGrant
from cms.org.roles import COMMITTEE_GROUP, set_role
from cms.org.services import board_name, create_member, set_status

pytestmark = pytest.mark.django_db


def groups(member: Member) -> set[str]:
    return set(member.user.groups.values_list("name", flat=True))


def board(member: Member) -> str:
    return board_name(member.unit)


def test_a_new_deputy_gets_the_admin_and_the_cells_board_and_a_replaced_secretary_loses_them(tree):
    admin = get_user_model().objects.create_superuser("qt", "", "x")
    deputy = set_role(member=tree["dv.x1"], role="deputy", changed_by=admin)
    assert groups(deputy) == {"Bí thư các cấp", board(deputy)}
    secretary = set_role(member=tree["bt.x1"], role="member", changed_by=admin)
    assert groups(secretary) == set()
    assert not RoleGrant.objects.filter(user=secretary.user).exists()


def test_a_district_secretary_gets_no_board_a_committee_member_gets_reports_only(tree):
    assert groups(tree["bt.dt"]) == {"Bí thư các cấp"}
    assert groups(tree["cuv.x1"]) == {COMMITTEE_GROUP}
    set_role(member=tree["cuv.x1"], role="member")
    assert groups(tree["cuv.x1"]) == set()


def test_an_editor_who_was_secretary_keeps_the_board(tree):
    editor = create_member(username="bt.bbt.x2", full_name="Bí thư kiêm biên tập", unit=tree["x2"],
                           role="secretary", password="Matkhau-2026", editor=True)
    assert groups(editor) == {"Bí thư các cấp", board(editor)}
    set_role(member=editor, role="member")
    assert groups(editor) == {board(editor)}  # given by hand: stays with the editor


def test_a_secretary_moved_to_another_cell_takes_the_role_with_them(tree):
    member = tree["bt.x1"]
    member.unit = tree["x2"]
    member.save()
    assert groups(member) == {"Bí thư các cấp", board_name(tree["x2"])}


def test_a_struck_off_secretary_loses_every_group_and_a_restored_one_gets_them_back(tree):
    set_status(member=tree["bt.x1"], status="struck_off")
    assert groups(tree["bt.x1"]) == set()
    set_status(member=tree["bt.x1"], status="official")
    assert groups(tree["bt.x1"]) == {"Bí thư các cấp", board(tree["bt.x1"])}


def test_role_status_and_unit_changes_are_in_the_audit_log_with_who_and_from_to(tree):
    admin = get_user_model().objects.create_superuser("qt", "", "x")
    member = tree["dv.x1"]
    set_role(member=member, role="committee", changed_by=admin)
    set_status(member=member, status="deceased", changed_by=tree["bt.x1"].user)
    entries = list(ModelLogEntry.objects.filter(object_id=str(member.pk)).order_by("timestamp", "pk"))
    assert [(e.action, e.user_id, e.data["from"], e.data["to"]) for e in entries] == [
        ("sotay.role_change", admin.pk, "member", "committee"),
        ("sotay.status_change", tree["bt.x1"].user.pk, "official", "deceased"),
    ]
    assert entries[0].message == "Vai trò: Đảng viên → Chi ủy viên / cấp ủy viên"
    assert entries[1].message == "Tình trạng: Chính thức → Từ trần"


def test_saving_without_a_change_writes_no_log(tree):
    tree["dv.x1"].save()
    assert not ModelLogEntry.objects.filter(object_id=str(tree["dv.x1"].pk), action__startswith="sotay.").exists()


def test_an_ordinary_save_does_not_touch_the_groups(tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    member = tree["bt.x1"]
    member.phone = "0912345678"
    with CaptureQueriesContext(connection) as queries:
        member.save()
    assert not [q for q in queries.captured_queries if "rolegrant" in q["sql"].lower()]
    assert groups(member) == {"Bí thư các cấp", board(member)}
