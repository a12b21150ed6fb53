"""`sotay import-members FILE [--dry-run]`: a sync with the member registry's export, keyed by card number.

The difference is shown first (new, changed field by field, leaving); a bad row stops everything with every error
listed; members missing from the file are reported, never deleted.
"""

import unicodedata
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from cms.org.importing import ImportFailed, apply_plan, import_members, plan_sync, preview, read_path
from cms.org.models import Member

pytestmark = pytest.mark.postgres
HEADER = ("Số thẻ đảng viên,Tên đăng nhập,Họ và tên,Mã đơn vị,Chức vụ,Tình trạng,Điện thoại,Năm sinh,"
          "Ngày vào Đảng,Ngày chính thức,Miễn sinh hoạt từ,Miễn sinh hoạt đến,Lý do miễn,"
          "Không có điện thoại thông minh")
FOLDED_HEADER = ("So the dang vien;Ho va ten;Ma don vi;Vai tro;Trang thai;So dien thoai;Nam sinh;"
                 "Ngay vao dang;Ngay chinh thuc;Mien sinh hoat tu;Mien sinh hoat den;Ly do mien;"
                 "Khong co dien thoai thong minh")
AN = "40012345,nva,Nguyễn Văn An,x1,đảng viên,chính thức,0912 345 678,1958,03/02/1985,03/02/1986,,,,"
BINH = "40012346,htb,Hoàng Thị Bình,x2,Phó bí thư,Dự bị,,1990,19/05/2026,,,,,x"
CUONG = "40012347,,Lê Văn Cường,x1,chi ủy viên,chính thức,,1949,07/11/1972,07/11/1973,01/03/2025,,tuổi cao sức yếu,x"


def write(tmp_path, *rows: str, header: str = HEADER, name="members.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


def run(path, *args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_members", str(path), *args, stdout=out)
    return out.getvalue()


def snapshot():
    return sorted(Member.objects.values_list("user__username", "full_name", "unit__code", "role", "status", "phone",
                                             "card_number", "exempt_reason", "no_smartphone"))


def test_a_dry_run_shows_the_difference_and_changes_nothing(tree, tmp_path):
    path = write(tmp_path, AN, "40012348,dv.x1,Nguyễn Văn Một,x1,bí thư,chính thức,0987654321,1970,,,,,,")
    before = snapshot()
    out = run(path, "--dry-run")
    assert snapshot() == before
    assert "Thêm mới: 1 đảng viên." in out and "+ 40012345  Nguyễn Văn An (nva), x1" in out
    # dv.x1 has no card number yet: matched by username, and every changed field is shown old → new.
    assert "Thay đổi: 1 đảng viên." in out
    assert "Vai trò: đảng viên → bí thư" in out
    assert "Số thẻ đảng viên: — → 40012348" in out
    assert "Điện thoại: — → 0987654321" in out
    # The file names cell x1 only: its other members are leaving, x2's are not mentioned.
    assert "dv2.x1" in out and "cuv.x1" in out and "dv.x2" not in out
    assert "Chạy thử (--dry-run): chưa thay đổi gì." in out


def test_applying_creates_new_members_and_updates_changed_ones(tree, tmp_path):
    path = write(tmp_path, AN, BINH, CUONG, "40012348,dv.x1,Nguyễn Văn Một,x1,phó bí thư,chính thức,,1970,,,,,,")
    out = run(path)
    assert "Đã áp dụng: thêm 3, cập nhật 1 đảng viên" in out
    an = Member.objects.get(card_number="40012345")
    assert (an.user.username, an.phone, an.joined_on, an.official_on) == ("nva", "0912345678", date(1985, 2, 3),
                                                                          date(1986, 2, 3))
    binh = Member.objects.get(user__username="htb")
    assert (binh.unit.code, binh.role, binh.status, binh.no_smartphone) == ("x2", "deputy", "probationary", True)
    cuong = Member.objects.get(card_number="40012347")
    assert cuong.user.username == "cuonglv01"  # no username in the file: made from the name
    assert (cuong.role, cuong.exempt_reason, cuong.exempt_from, cuong.is_exempt_on(date(2026, 1, 1))) == (
        "committee", "tuổi cao sức yếu", date(2025, 3, 1), True)
    one = Member.objects.get(user__username="dv.x1")
    assert (one.card_number, one.role, one.full_name) == ("40012348", "deputy", "Nguyễn Văn Một")


def test_a_second_apply_finds_nothing_to_change(tree, tmp_path):
    path = write(tmp_path, AN, BINH, CUONG)
    run(path)
    before = snapshot()
    out = run(path)
    assert "Thêm mới: 0 đảng viên." in out and "Thay đổi: 0 đảng viên." in out and "Không đổi: 3 đảng viên." in out
    assert "Không có gì để cập nhật." in out
    assert snapshot() == before
    assert not preview(read_path(path)).has_changes


def test_members_missing_from_the_file_are_reported_and_kept(tree, tmp_path):
    path = write(tmp_path, AN)
    plan = preview(read_path(path))
    leaving = {m.user.username for m in plan.leaving}
    assert leaving == {"dv.x1", "dv2.x1", "cuv.x1", "bt.x1"}
    result = apply_plan(plan)
    assert result.leaving == 4
    assert Member.objects.filter(user__username__in=leaving, status="official").count() == 4


def test_status_and_role_changes_take_effect(tree, tmp_path):
    run(write(tmp_path, "40012349,dv2.x1,Trần Văn Hai,x1,đảng viên,từ trần,,1931,,,,,,"))
    two = Member.objects.select_related("user").get(user__username="dv2.x1")
    assert two.status == "deceased" and two.user.is_active is False  # access ends at once


def test_a_file_with_bad_rows_lists_every_error_and_changes_nothing(tree, tmp_path):
    path = write(
        tmp_path,
        AN,
        "40012346,dv.x1,Trùng Tên,x1,đảng viên,chính thức,,,,,,,,",  # username of a member
        ",moi2,,zz,thủ quỹ,đang ốm,12ab,1800,31/02/2020,,,,,có lẽ",
        "40012345,khac,Lặp Lại,x1,,,,,,,,,,",
        "40012350,ndd,Nông Đức Dũng,x2,,,,,01/05/1990,01/05/1989,01/06/2026,01/01/2026,ốm đau,",
    )
    before = snapshot()
    with pytest.raises(CommandError, match="chưa thay đổi đảng viên nào"):
        run(path)
    assert snapshot() == before
    with pytest.raises(ImportFailed) as failure:
        preview(read_path(path))
    messages = [str(e) for e in failure.value.errors]
    for fragment in ("thiếu số thẻ đảng viên", "thiếu họ và tên", "không có đơn vị mã “zz”", "vai trò “thủ quỹ”",
                     "tình trạng “đang ốm”", "số điện thoại “12ab”", "năm sinh “1800”", "ngày vào Đảng “31/02/2020”",
                     "ghi “có lẽ”"):
        assert any(m.startswith("Dòng 4:") and fragment in m for m in messages), fragment
    assert any(m.startswith("Dòng 5:") and "số thẻ “40012345” trùng với dòng 2" in m for m in messages)
    assert any(m.startswith("Dòng 6:") and "ngày chính thức trước ngày vào Đảng" in m for m in messages)
    assert any(m.startswith("Dòng 6:") and "miễn sinh hoạt đến trước ngày bắt đầu miễn" in m for m in messages)


def test_a_username_of_another_card_holder_is_refused(tree, tmp_path):
    run(write(tmp_path, "40012348,dv.x1,Nguyễn Văn Một,x1,,,,,,,,,,"))
    with pytest.raises(ImportFailed, match="Dòng 2: tên đăng nhập “dv.x1” đã có trong hệ thống"):
        import_members(write(tmp_path, "49999999,dv.x1,Người Khác,x1,,,,,,,,,,", name="other.csv"))


def test_the_command_reports_rows_in_vietnamese_and_fails(tree, tmp_path, capsys):
    path = write(tmp_path, "40012345,moi3,An,khongco,,,,,,,,,,")
    with pytest.raises(CommandError) as failure:
        call_command("import_members", str(path))
    # One bad row: one line that names it and says nothing changed.
    assert str(failure.value) == ("Dòng 2: không có đơn vị mã “khongco”. Chưa thay đổi đảng viên nào; "
                                  "sửa dòng này rồi nhập lại.")


def test_the_command_lists_every_bad_row_then_fails(tree, tmp_path, capsys):
    path = write(tmp_path, "40012345,moi3,An,khongco,,,,,,,,,,", "40012346,moi4,Ba,khongco2,,,,,,,,,,")
    with pytest.raises(CommandError, match="chưa thay đổi đảng viên nào"):
        call_command("import_members", str(path))
    err = capsys.readouterr().err
    assert "Dòng 2: không có đơn vị mã “khongco”." in err and "Dòng 3: không có đơn vị mã “khongco2”." in err


def test_missing_columns_are_named(tree, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("Họ và tên,Năm sinh\nAn,1960\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="Dòng 1: thiếu cột: Số thẻ đảng viên, Mã đơn vị"):
        import_members(path)


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Excel writes it: a base letter (â, ê, ô, ơ, ư, ă where needed) plus a combining tone mark."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            out += unicodedata.normalize("NFC", decomposed[:-1]).encode("cp1258") + decomposed[-1].encode("cp1258")
    return out


def test_headers_without_tone_marks_and_a_windows_1258_csv_with_semicolons(tree, tmp_path):
    with_marks = write(tmp_path, AN.replace(",nva", ""), CUONG.replace(",,Lê", ",Lê"),
                       header=HEADER.replace("Tên đăng nhập,", ""), name="marks.csv")
    rows = [AN.replace(",nva", "").replace(",", ";"), CUONG.replace(",,Lê", ",Lê").replace(",", ";")]
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes(_cp1258("\r\n".join([FOLDED_HEADER, *rows]) + "\r\n"))
    assert b"Nguy\xea\xde" in legacy.read_bytes()  # "Nguyễ": ê, then the combining tilde
    plan_marks, plan_legacy = preview(read_path(with_marks)), preview(read_path(legacy))
    assert plan_marks.fingerprint() == plan_legacy.fingerprint()
    apply_plan(plan_legacy)
    assert Member.objects.get(card_number="40012347").full_name == "Lê Văn Cường"
    assert Member.objects.get(card_number="40012345").user.username == "annv01"
    assert not preview(read_path(with_marks)).has_changes


def test_tab_separated_files_are_read_too(tree, tmp_path):
    path = write(tmp_path, AN.replace(",", "\t"), header=HEADER.replace(",", "\t"), name="members.tsv")
    assert import_members(path).created == 1


def test_xlsx_exports_with_typed_cells(tree, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["STT", *HEADER.split(",")])
    # Excel keeps dates as dates and numbers as numbers: the phone loses its leading zero.
    sheet.append([1, 40012351, "xl1", "Lê Văn Cường", "x2", "Chi ủy viên", "Chính thức", 387654321, 1972,
                  date(1995, 9, 2), date(1996, 9, 2), None, None, None, None])
    path = tmp_path / "members.xlsx"
    book.save(path)
    assert import_members(path).created == 1
    member = Member.objects.get(user__username="xl1")
    assert (member.card_number, member.phone, member.birth_year, member.joined_on, member.role) == (
        "40012351", "0387654321", 1972, date(1995, 9, 2), "committee")


def test_a_scope_limits_the_file_to_a_subtree(tree, tmp_path):
    rows = read_path(write(tmp_path, AN, "40012352,dvy,Lò Văn Y,y1,,,,,,,,,,"))
    with pytest.raises(ImportFailed) as failure:
        plan_sync(rows, scope=tree.units["dt"])
    assert [str(e) for e in failure.value.errors] == ["Dòng 3: đơn vị “y1” không thuộc phạm vi bạn quản lý."]
    assert len(plan_sync(rows, scope=tree.units["tn"]).new) == 2
