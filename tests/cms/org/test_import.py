"""`sotay import-members FILE`: all rows or none, every bad row named with its number and reason."""

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from cms.org.importing import ImportFailed, import_members
from cms.org.models import Member

HEADER = "Tên đăng nhập,Họ và tên,Mã đơn vị,Vai trò,Tình trạng,Điện thoại,Năm sinh\n"


def write(tmp_path, rows: str, name="members.csv"):
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_a_clean_file_imports_every_member(tree, tmp_path):
    path = write(tmp_path, "nva,Nguyễn Văn An,x1,đảng viên,chính thức,0912345678,1958\n"
                           "htb,Hoàng Thị Bình,y1,Bí thư,Dự bị,,1990\n")
    before = Member.objects.count()
    assert import_members(path).created == 2
    assert Member.objects.count() == before + 2
    binh = Member.objects.get(user__username="htb")
    assert (binh.unit.code, binh.role, binh.status) == ("y1", "secretary", "probationary")


def test_any_bad_row_imports_nothing_and_every_error_is_reported(tree, tmp_path):
    path = write(tmp_path, "ok1,Nguyễn Văn An,x1,đảng viên,chính thức,0912345678,1958\n"
                           "dv.x1,Trùng Tên,x1,đảng viên,chính thức,,\n"
                           "moi2,,zz,thủ quỹ,đang ốm,12ab,1800\n"
                           "ok1,Lặp Lại,x1,,,,\n")
    before = Member.objects.count()
    with pytest.raises(ImportFailed) as failure:
        import_members(path)
    messages = [str(e) for e in failure.value.errors]
    assert any(m.startswith("Dòng 3:") and "đã có trong hệ thống" in m for m in messages)
    for fragment in ("thiếu họ và tên", "không có đơn vị mã “zz”", "vai trò “thủ quỹ”", "tình trạng “đang ốm”",
                     "số điện thoại “12ab”", "năm sinh “1800”"):
        assert any(m.startswith("Dòng 4:") and fragment in m for m in messages), fragment
    assert any(m.startswith("Dòng 5:") and "trùng với dòng 2" in m for m in messages)
    assert Member.objects.count() == before


def test_missing_columns_are_named(tree, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("Họ và tên,Năm sinh\nAn,1960\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="Thiếu cột: Tên đăng nhập, Mã đơn vị"):
        import_members(path)


def test_xlsx_files_import_too(tree, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["xl1", "Lê Văn Cường", "x2", "cấp ủy viên", "chính thức", "0387654321", 1972])
    path = tmp_path / "members.xlsx"
    book.save(path)
    assert import_members(path).created == 1
    assert Member.objects.get(user__username="xl1").birth_year == 1972


def test_the_command_reports_rows_in_vietnamese_and_fails(tree, tmp_path, capsys):
    path = write(tmp_path, "moi3,An,khongco,,,,\n")
    with pytest.raises(CommandError) as failure:
        call_command("import_members", str(path))
    assert str(failure.value) == ("Dòng 2: không có đơn vị mã “khongco”. Chưa nhập đảng viên nào; "
                                  "sửa dòng này rồi nhập lại.")


def test_the_command_lists_every_bad_row_then_fails(tree, tmp_path, capsys):
    path = write(tmp_path, "moi3,An,khongco,,,,\nmoi4,Ba,khongco2,,,,\n")
    with pytest.raises(CommandError, match="chưa nhập đảng viên nào"):
        call_command("import_members", str(path))
    err = capsys.readouterr().err
    assert "Dòng 2: không có đơn vị mã “khongco”." in err and "Dòng 3: không có đơn vị mã “khongco2”." in err
