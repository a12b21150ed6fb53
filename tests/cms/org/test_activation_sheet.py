"""The activation sheet a cell's bí thư or phó bí thư prints before the monthly meeting: codes that last 14
days, a reprint that voids the unused ones, the PDF's text and QR codes, who may print it."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cms import cli
from cms.org.activation import SHEET_CODE_LIFETIME, activation_url, issue_sheet, render_sheet_pdf
from cms.org.models import ResetCode, Role
from cms.org.services import ResetCodeError, issue_reset_code, redeem_reset_code, secretaries_group
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Song-dep-2027"


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())  # lines wrap where the layout wants


def pdf_qr_codes(pdf: bytes, tmp_path) -> list[str]:
    """Decode every QR code on every page of the rendered PDF, as a phone's camera would."""
    import zxingcpp
    from PIL import Image

    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "page")], check=True)
    found = []
    for image in sorted(tmp_path.glob("page*.png")):
        found += [code.text for code in zxingcpp.read_barcodes(Image.open(image))]
    return found


def codes_by_username(sheet) -> dict[str, str]:
    return {entry.username: entry.code for entry in sheet.entries}


def test_sheet_codes_work_once_for_fourteen_days_then_expire(tree):
    sheet = issue_sheet(unit=tree.units["x1"], issued_by=tree["bt.x1"].user)
    assert set(codes_by_username(sheet)) == {"dv.x1", "dv2.x1", "cuv.x1", "bt.x1"}
    expires = ResetCode.objects.get(member=tree["dv.x1"], used_at__isnull=True).expires_at
    assert abs(expires - (timezone.now() + SHEET_CODE_LIFETIME)) < timedelta(minutes=1)

    code = codes_by_username(sheet)["dv.x1"]
    ResetCode.objects.filter(member=tree["dv.x1"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ResetCodeError):
        redeem_reset_code(username="dv.x1", code=code, new_password=NEW_PASSWORD)

    code = codes_by_username(sheet)["dv2.x1"]
    redeem_reset_code(username="dv2.x1", code=code, new_password=NEW_PASSWORD)
    with pytest.raises(ResetCodeError):
        redeem_reset_code(username="dv2.x1", code=code, new_password="Lan-thu-hai-2027")


def test_ad_hoc_codes_keep_their_own_lifetime(tree, settings):
    issue_reset_code(member=tree["dv.x1"], issued_by=None)
    expires = ResetCode.objects.get(member=tree["dv.x1"]).expires_at
    assert abs(expires - (timezone.now() + timedelta(minutes=settings.SOTAY_RESET_CODE_MINUTES))) < timedelta(minutes=1)
    assert timedelta(minutes=settings.SOTAY_RESET_CODE_MINUTES) < SHEET_CODE_LIFETIME


def test_printing_again_replaces_unused_codes(tree):
    first = codes_by_username(issue_sheet(unit=tree.units["x1"], issued_by=None))
    redeem_reset_code(username="cuv.x1", code=first["cuv.x1"], new_password=NEW_PASSWORD)
    second = codes_by_username(issue_sheet(unit=tree.units["x1"], issued_by=None))
    with pytest.raises(ResetCodeError):
        redeem_reset_code(username="dv.x1", code=first["dv.x1"], new_password=NEW_PASSWORD)
    redeem_reset_code(username="dv.x1", code=second["dv.x1"], new_password=NEW_PASSWORD)
    assert ResetCode.objects.filter(member=tree["dv.x1"], used_at__isnull=True).count() == 0
    assert ResetCode.objects.filter(member=tree["dv2.x1"], used_at__isnull=True).count() == 1


def test_members_without_a_smartphone_or_access_get_no_code(tree):
    tree["dv.x1"].no_smartphone = True
    tree["dv.x1"].save()
    tree["dv2.x1"].status = "deceased"
    tree["dv2.x1"].save()
    sheet = issue_sheet(unit=tree.units["x1"], issued_by=None)
    assert set(codes_by_username(sheet)) == {"cuv.x1", "bt.x1"}
    assert sheet.left_out == 1


def test_pdf_holds_names_usernames_codes_and_a_qr_code_to_the_activation_page(tree, tmp_path, settings):
    settings.SOTAY_PUBLIC_URL = "https://sotay.example.vn/"
    sheet = issue_sheet(unit=tree.units["x1"], issued_by=None)
    pdf = render_sheet_pdf(sheet)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert "Chi bộ xóm Đồng Tâm" in text  # Vietnamese glyphs survive into the PDF's text
    for entry in sheet.entries:
        assert entry.full_name in text and entry.username in text
        assert f"Mã kích hoạt: {entry.code}" in text
    assert text.count("Quét mã QR") == len(sheet.entries)
    assert sorted(pdf_qr_codes(pdf, tmp_path)) == sorted(
        f"https://sotay.example.vn/kich-hoat/?u={entry.username}" for entry in sheet.entries
    )
    assert activation_url("dv.x1") == "https://sotay.example.vn/kich-hoat/?u=dv.x1"


def test_command_writes_the_sheet(tree, tmp_path, capsys):
    out = tmp_path / "x1.pdf"
    assert cli.main(["activation-sheet", "--unit", "x1", "-o", str(out)]) == 0
    assert "4 mã kích hoạt" in capsys.readouterr().out
    text = pdf_text(out.read_bytes(), tmp_path)
    assert "dv2.x1" in text and "dv.y1" not in text
    assert ResetCode.objects.filter(member__unit=tree.units["x1"], used_at__isnull=True).count() == 4
    with pytest.raises(CommandError, match="Không có đơn vị mã “zz”"):
        call_command("activation_sheet", unit="zz", output=tmp_path / "zz.pdf")


def refused(response) -> bool:
    """Wagtail answers a refused admin view by sending the user back to the dashboard with its message."""
    return response.status_code in (302, 403) and response.get("Content-Type") != "application/pdf"


def _admin_client(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def test_secretary_downloads_the_pdf_from_the_admin(client, tree, tmp_path):
    admin = _admin_client(client, "bt.x1")
    index = admin.get("/admin/members/")
    assert "In phiếu kích hoạt" in index.content.decode()
    page = admin.get("/admin/members/activation-sheet/")
    assert page.status_code == 200 and "In lại phiếu" in page.content.decode()
    assert ResetCode.objects.count() == 0  # looking prints nothing
    response = admin.post("/admin/members/activation-sheet/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="phieu-kich-hoat-x1.pdf"' in response["Content-Disposition"]
    assert "dv.x1" in pdf_text(response.content, tmp_path)


def test_deputy_prints_their_cell_others_may_not(client, tree):
    deputy = tree["cuv.x1"]
    deputy.role = Role.DEPUTY
    deputy.save()
    deputy.user.groups.add(secretaries_group())  # the admin's door; who may print is the role's business
    assert _admin_client(client, "cuv.x1").post("/admin/members/activation-sheet/").status_code == 200
    client.logout()
    # Another unit's code is refused, not silently replaced by their own.
    bt_y1 = _admin_client(client, "bt.y1")
    assert refused(bt_y1.post("/admin/members/activation-sheet/", {"unit": "x1"}))
    assert ResetCode.objects.filter(member__unit=tree.units["y1"]).count() == 0
    client.logout()
    tree["dv.x1"].user.groups.add(secretaries_group())
    assert refused(_admin_client(client, "dv.x1").post("/admin/members/activation-sheet/"))
    assert ResetCode.objects.filter(member__unit=tree.units["x1"], used_at__isnull=True).count() == 4
