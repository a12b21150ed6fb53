"""A role change takes effect in an open session, in Debian's Chromium at 1280×800: the province administrator makes
a member phó bí thư or chi ủy viên in the member form, clicking as a person does, and the member's session (signed
in on the reader, the same cookie) now reaches member management or the reports; a replaced secretary loses them on
the next request."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.province import ADMIN

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def site(admin_site):
    return admin_site


@pytest.fixture
def desktop(browser):
    contexts = []

    def _new():
        context = browser.new_context(viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        context.set_default_timeout(20000)
        contexts.append(context)
        return context.new_page()

    yield _new
    for context in contexts:
        context.close()


def _reader_login(page, site, username: str) -> None:
    page.goto(site.url + "/dang-nhap/")
    page.locator("#id_username").press_sequentially(username)
    page.locator("#id_password").press_sequentially(site.password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_selector("html[data-sotay-ready=home]")


def _admin_login(page, site, username: str) -> None:
    page.goto(site.url + "/admin/login/")
    page.locator("#id_username").press_sequentially(username)
    page.locator("#id_password").press_sequentially(site.password)
    page.locator("button[type=submit]").click()
    page.wait_for_url(site.url + "/admin/")


def _set_role(admin, site, full_name: str, role: str) -> None:
    """The administrator finds the member in "Đảng viên", opens them, picks the role and saves."""
    admin.goto(site.url + "/admin/")
    admin.get_by_role("link", name="Đảng viên", exact=True).click()
    admin.get_by_role("textbox", name="Từ khóa tìm kiếm").press_sequentially(full_name)
    admin.get_by_role("link", name=full_name, exact=True).click()
    admin.get_by_label("Vai trò").select_option(label=role)
    admin.get_by_role("button", name="Lưu").click()
    expect(admin.locator(".messages")).to_contain_text(full_name)


def _has_admin(page, site) -> bool:
    page.goto(site.url + "/admin/")
    return page.url.rstrip("/") == site.url + "/admin"


def test_a_member_made_deputy_or_committee_member_gets_the_right_admin_in_the_open_session(site, desktop):
    deputy, committee = desktop(), desktop()
    _reader_login(deputy, site, "dv.x2")
    _reader_login(committee, site, "dv2.x1")
    assert not _has_admin(deputy, site)  # a plain member has no admin
    assert not _has_admin(committee, site)

    admin = desktop()
    _admin_login(admin, site, ADMIN)
    _set_role(admin, site, "Đảng viên dv.x2", "Phó bí thư")
    _set_role(admin, site, "Đảng viên dv2.x1", "Chi ủy viên / cấp ủy viên")

    # The deputy's same session: member management of the cell, reset codes, and the reports.
    assert _has_admin(deputy, site)
    deputy.get_by_role("link", name="Đảng viên", exact=True).click()
    listing = deputy.locator("table.listing")
    expect(listing).to_contain_text("Đảng viên dv.x2")  # the deputy's own cell
    expect(listing).not_to_contain_text("Đảng viên dv.x1")  # another cell's member
    expect(listing.get_by_role("link", name="Cấp mã đặt lại").first).to_be_visible()
    deputy.get_by_role("button", name="Báo cáo").click()
    deputy.get_by_role("link", name="Tỷ lệ đọc").click()
    expect(deputy.locator("h1")).to_contain_text("Tỷ lệ đọc")
    expect(deputy.locator("body")).to_contain_text("Xã Hùng Sơn ra mắt mô hình dân vận khéo")

    # The chi ủy viên's same session: the cell's read rates and its feedback, no member management.
    assert _has_admin(committee, site)
    expect(committee.get_by_role("link", name="Góp ý gửi cấp ủy")).to_be_visible()
    expect(committee.get_by_role("link", name="Đảng viên", exact=True)).to_have_count(0)
    committee.get_by_role("button", name="Báo cáo").click()
    committee.get_by_role("link", name="Tỷ lệ đọc").click()
    expect(committee.locator("h1")).to_contain_text("Tỷ lệ đọc")
    expect(committee.locator("body")).to_contain_text("Tài liệu sinh hoạt chi bộ xóm Đồng Tâm tháng 11")
    committee.goto(site.url + "/admin/members/")
    expect(committee.locator("body")).not_to_contain_text("Đảng viên dv.x1")

    # Both changes are in the member's history with who made them.
    admin.goto(site.url + "/admin/members/")
    admin.get_by_role("textbox", name="Từ khóa tìm kiếm").press_sequentially("Đảng viên dv.x2")
    admin.get_by_role("link", name="Đảng viên dv.x2", exact=True).click()
    admin.get_by_role("link", name="Lịch sử").click()
    expect(admin.locator("table.listing")).to_contain_text("Vai trò: Đảng viên → Phó bí thư")


def test_a_replaced_secretary_loses_the_admin_on_the_next_request(site, desktop):
    secretary = desktop()
    _admin_login(secretary, site, "bt.y1")
    secretary.get_by_role("link", name="Đảng viên", exact=True).click()
    expect(secretary.locator("table.listing")).to_contain_text("Đảng viên dv.y1")

    admin = desktop()
    _admin_login(admin, site, ADMIN)
    _set_role(admin, site, "Đảng viên bt.y1", "Đảng viên")

    secretary.reload()
    expect(secretary.locator("table.listing")).to_have_count(0)
    assert not _has_admin(secretary, site)
    secretary.goto(site.url + "/")  # still a member: the reader opens as before
    secretary.wait_for_selector("html[data-sotay-ready=home]")
