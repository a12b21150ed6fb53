"""The province administrator syncs members with the registry's export in Debian's Chromium at 1280×800: chooses
the file, reads the difference, confirms, and the same file then shows nothing to change."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.province import ADMIN
from tests.e2e.test_admin_oversight import DESKTOP, _admin_login

pytestmark = pytest.mark.e2e

# Cell x2 and commune hs of the browser tests' province: dv.x2 and cuv.hs get their card numbers and records,
# dv.hs is a member of hs the export does not list.
EXPORT = (
    "Số thẻ đảng viên;Tên đăng nhập;Họ và tên;Mã đơn vị;Chức vụ;Tình trạng;Điện thoại;Ngày vào Đảng;Ngày chính thức\n"
    "40020001;dv.x2;Đảng viên dv.x2;x2;Đảng viên;Chính thức;0912 345 678;03/02/1990;03/02/1991\n"
    "40020002;cuv.hs;Đảng viên cuv.hs;hs;Đảng ủy viên;Chính thức;;19/05/1985;19/05/1986\n"
)


@pytest.fixture
def site(admin_site):
    return admin_site


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(20000)
    yield context
    context.close()


def _upload(page, path) -> None:
    page.get_by_label("Tệp xuất từ phần mềm quản lý đảng viên (CSV hoặc XLSX)").set_input_files(str(path))
    page.get_by_role("button", name="Xem trước phần khác biệt").click()


def test_the_administrator_previews_and_confirms_a_registry_export(site, desktop, tmp_path):
    export = tmp_path / "xuat-tu-phan-mem.csv"
    export.write_text(EXPORT, encoding="utf-8")
    page = desktop.new_page()
    _admin_login(page, site, ADMIN)
    page.get_by_role("link", name="Nhập đảng viên").click()
    expect(page.locator("h1")).to_contain_text("Nhập đảng viên")
    _upload(page, export)

    expect(page.locator("[data-import-summary]")).to_contain_text("Thêm mới 0, thay đổi 2, không có trong tệp 1")
    changed = page.locator("[data-import-changed]")
    row = changed.locator("tr", has_text="Điện thoại")
    expect(row).to_contain_text("—")
    expect(row).to_contain_text("0912345678")
    expect(changed.locator("tr", has_text="Ngày vào Đảng").first).to_contain_text("03/02/1990")
    expect(page.locator("[data-import-leaving]")).to_contain_text("dv.hs")
    with site.db() as db:
        assert db.execute("SELECT count(*) FROM org_member WHERE card_number IS NOT NULL").fetchone()[0] == 0

    page.get_by_role("button", name="Xác nhận cập nhật").click()
    expect(page.locator(".messages")).to_contain_text("thêm 0, cập nhật 2 đảng viên; 1 đảng viên không có trong tệp")
    with site.db() as db:
        rows = db.execute("SELECT u.username, m.card_number, m.phone, m.joined_on FROM org_member m "
                          "JOIN auth_user u ON m.user_id = u.id WHERE m.card_number IS NOT NULL "
                          "ORDER BY u.username").fetchall()
        kept = db.execute("SELECT count(*) FROM org_member m JOIN auth_user u ON m.user_id = u.id "
                          "WHERE u.username = 'dv.hs'").fetchone()[0]
    assert rows == [("cuv.hs", "40020002", "", "1985-05-19"), ("dv.x2", "40020001", "0912345678", "1990-02-03")]
    assert kept == 1

    _upload(page, export)  # the same export again: nothing left to change
    expect(page.locator("[data-import-nothing]")).to_be_visible()
    expect(page.get_by_role("button", name="Xác nhận cập nhật")).to_have_count(0)
