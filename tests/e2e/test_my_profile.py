"""'Hồ sơ của tôi' on a phone (Debian's Chromium at 360×640): the member opens their record from the reader and
changes their password, typing as a person does; the phone stays signed in and the new password works."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "Dong-Tam-2027"


def test_a_member_reads_their_record_and_changes_the_password_on_a_phone(site, phone):
    page = phone().new_page()
    log_in(page, site, "bt.y1")  # no other test of this province signs in as this member
    page.get_by_role("link", name="Hồ sơ của tôi").click()
    expect(page.locator("h1")).to_have_text("Hồ sơ của tôi")
    record = page.get_by_label("Hồ sơ đảng viên")
    expect(record.locator("[data-field=full_name]")).to_have_text("Đảng viên bt.y1")
    expect(record.locator("[data-field=unit]")).to_have_text("Chi bộ xóm Làng Lớn")
    expect(record.locator("[data-field=role]")).to_have_text("Bí thư")
    expect(record.locator("[data-field=exemption]")).to_have_text("Không")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing runs off a 360 px screen

    page.get_by_label("Mật khẩu hiện tại").press_sequentially("khong-phai-mat-khau")
    page.get_by_label("Mật khẩu mới", exact=True).press_sequentially(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").press_sequentially(NEW_PASSWORD)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.locator("#password-error")).to_be_visible()
    expect(page.locator("#id_old_password-error")).to_have_text("Mật khẩu hiện tại không đúng. Hãy nhập lại.")

    page.get_by_label("Mật khẩu hiện tại").press_sequentially(site.password)
    page.get_by_label("Mật khẩu mới", exact=True).press_sequentially(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").press_sequentially("Dong-Tam-2028")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.locator("#id_new_password2-error")).to_have_text("Hai lần nhập mật khẩu mới không giống nhau.")

    page.get_by_label("Mật khẩu hiện tại").press_sequentially(site.password)
    page.get_by_label("Mật khẩu mới", exact=True).press_sequentially(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").press_sequentially(NEW_PASSWORD)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.locator("#password-changed")).to_have_text(
        "Đã đổi mật khẩu. Lần sau hãy đăng nhập bằng mật khẩu mới.")

    page.get_by_role("link", name="Về trang chủ").click()  # still signed in on this phone
    page.wait_for_selector("html[data-sotay-ready=home]")
    page.get_by_role("button", name="Đăng xuất").click()
    page.locator("#id_username").press_sequentially("bt.y1")
    page.locator("#id_password").press_sequentially(NEW_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_selector("html[data-sotay-ready=home]")
