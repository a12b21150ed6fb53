"""`sotay import-units FILE`: the province's own tree, each unit with its Ban Biên tập, all rows or none; and the
first editors from `sotay import-members` (column "Ban biên tập")."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from wagtail.models import Site

from cms.org.importing import ImportFailed, import_members
from cms.org.models import Member, UnitPage
from cms.org.services import board_name
from cms.org.unit_import import import_units

UNITS = """code,parent_code,level,name
tn,,tinh,Đảng bộ tỉnh Thái Nguyên
dh,tn,huyen,Đảng bộ huyện Định Hóa
xpl,dh,co so,Đảng bộ xã Phượng Tiến
cb1,xpl,chi bo,Chi bộ xóm Nà Chú
"""


def write(tmp_path, text: str, name: str = "units.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_the_tree_is_created_with_a_board_per_unit_and_the_site_starts_at_the_province(tmp_path):
    assert call_command("import-units".replace("-", "_"), str(write(tmp_path, UNITS))) is None
    cell = UnitPage.objects.get(code="cb1")
    assert cell.code_path == "tn/dh/xpl/cb1" and cell.level == "cell"
    for unit in UnitPage.objects.all():
        assert Group.objects.filter(name=board_name(unit)).exists()
    assert Site.objects.get(is_default_site=True).root_page.specific == UnitPage.objects.get(code="tn")


@pytest.mark.django_db
def test_importing_again_keeps_existing_units_and_adds_new_rows(tmp_path):
    import_units(write(tmp_path, UNITS))
    result = import_units(write(tmp_path, UNITS + "cb2,xpl,cell,Chi bộ xóm Bản Cọ\n"))
    assert (result.created, result.existing) == (1, 4)
    assert UnitPage.objects.get(code="cb2").code_path == "tn/dh/xpl/cb2"


@pytest.mark.django_db
def test_any_bad_row_creates_nothing_and_every_row_is_named(tmp_path):
    bad = UNITS + "zz,khong-co,chi bo,Chi bộ lạc\nyy,tn,phuong,Cấp lạ\nxx,tn,chi bo,\n"
    with pytest.raises(ImportFailed) as failure:
        import_units(write(tmp_path, bad))
    messages = [str(e) for e in failure.value.errors]
    assert any(m.startswith("Dòng 6:") and "“khong-co” chưa có" in m for m in messages)
    assert any(m.startswith("Dòng 7:") and "cấp “phuong”" in m for m in messages)
    assert any(m.startswith("Dòng 8:") and "tên đơn vị" in m for m in messages)
    assert not UnitPage.objects.exists()
    with pytest.raises(CommandError, match="chưa nhập đơn vị nào"):
        call_command("import_units", str(write(tmp_path, bad)))


@pytest.mark.django_db
def test_a_cell_directly_under_the_province_is_refused(tmp_path):
    with pytest.raises(ImportFailed) as failure:
        import_units(write(tmp_path, "code,parent_code,level,name\ntn,,tinh,Tỉnh\ncb,tn,chi bo,Chi bộ\n"))
    assert failure.value.errors[0].row == 3


@pytest.mark.django_db
def test_members_marked_for_the_board_become_its_first_editors(tmp_path):
    import_units(write(tmp_path, UNITS))
    members = write(tmp_path, "Tên đăng nhập,Họ và tên,Mã đơn vị,Vai trò,Mật khẩu,Ban biên tập\n"
                              "bbt.tn,Lê Thị Thu,tn,cấp ủy viên,Matkhau-2026,có\n"
                              "dv.cb1,Nông Văn Hùng,cb1,đảng viên,Matkhau-2026,không\n", "members.csv")
    assert import_members(members).created == 2
    board = board_name(UnitPage.objects.get(code="tn"))
    editor = Member.objects.get(user__username="bbt.tn").user
    assert editor.groups.filter(name=board).exists() and editor.check_password("Matkhau-2026")
    assert not Member.objects.get(user__username="dv.cb1").user.groups.exists()
    with pytest.raises(ImportFailed, match="Ban biên tập “đôi khi”"):
        import_members(write(tmp_path, "Tên đăng nhập,Họ và tên,Mã đơn vị,Ban biên tập\nabc,An,tn,đôi khi\n",
                             "more.csv"))
