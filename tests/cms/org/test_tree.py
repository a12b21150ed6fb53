"""The unit tree: province → district → base → cell, each with its own editorial board."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from wagtail.models import GroupPagePermission

from cms.org.models import UnitPage
from cms.org.services import board_name, create_unit


def test_code_path_runs_from_the_province_down(tree):
    assert tree["x1"].code_path == "tn/dt/hs/x1"
    assert [u.code for u in tree["x1"].ancestor_units()] == ["tn", "dt", "hs", "x1"]


@pytest.mark.parametrize(
    "level,parent",
    [("cell", "dt"), ("district", "hs"), ("province", "tn"), ("base", "tn"), ("district", None)],
)
def test_a_unit_can_only_sit_one_level_below_its_parent(tree, level, parent):
    with pytest.raises(ValidationError):
        create_unit(code="moi", name="Đơn vị mới", level=level, parent=tree.units.get(parent))
    assert not UnitPage.objects.filter(code="moi").exists()


def test_unit_codes_are_unique_and_plain(tree):
    with pytest.raises(ValidationError, match="đã tồn tại"):
        create_unit(code="x1", name="Trùng mã", level="cell", parent=tree["hs"])
    with pytest.raises(ValidationError):
        create_unit(code="Xóm 3", name="Mã có dấu", level="cell", parent=tree["hs"])


def test_every_unit_gets_a_board_with_rights_on_its_own_subtree(tree):
    for unit in tree.units.values():
        board = Group.objects.get(name=board_name(unit))
        pages = set(GroupPagePermission.objects.filter(group=board).values_list("page_id", flat=True))
        assert pages == {unit.pk}
        codenames = set(
            GroupPagePermission.objects.filter(group=board).values_list("permission__codename", flat=True)
        )
        assert {"add_page", "change_page", "publish_page"} <= codenames


def test_editors_and_base_and_cell_secretaries_sit_on_their_board(tree):
    assert tree["bbt.dt"].user.groups.filter(name=board_name(tree["dt"])).exists()
    assert tree["bt.x1"].user.groups.filter(name=board_name(tree["x1"])).exists()
    assert not tree["dv.x1"].user.groups.filter(name__startswith="Ban Biên tập").exists()
