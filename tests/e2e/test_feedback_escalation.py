"""Feedback that climbs the tree, in Debian's Chromium: a member writes on the phone, the cell secretary hands it
to the commune in the admin, the commune's chi ủy viên answers there, and the member's list marks the answer and
says where the feedback went."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DESKTOP = {"width": 1280, "height": 800}
BODY = "Đề nghị xã sửa lại đoạn đường liên xóm trước mùa mưa."


@pytest.fixture
def site(admin_site):
    """The admin's province: the reader's tests count this member's feedback in theirs."""
    return admin_site


def _admin(browser, site, username: str):
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(20000)
    page = context.new_page()
    page.goto(site.url + "/admin/login/")
    page.locator("#id_username").press_sequentially(username)
    page.locator("#id_password").press_sequentially(site.password)
    page.locator("button[type=submit]").click()
    page.wait_for_url(site.url + "/admin/")
    return context, page


def _open_thread(page, site):
    page.goto(site.url + "/admin/gop-y/")
    page.get_by_role("row", name=BODY[:40]).get_by_role("link").first.click()
    expect(page.locator("blockquote").first).to_contain_text(BODY)


def test_escalated_feedback_keeps_its_path_and_the_answer_is_marked_new(site, browser, phone):
    member = phone().new_page()
    log_in(member, site, "dv.x1")
    member.goto(site.url + "/gop-y/")
    member.get_by_label("Nội dung gửi cấp ủy chi bộ").fill(BODY)
    member.get_by_role("button", name="Gửi góp ý").click()
    expect(member.locator("#feedback-list .item", has_text=BODY)).to_have_count(1)

    cell, page = _admin(browser, site, "bt.x1")
    _open_thread(page, site)
    page.get_by_role("button", name="Chuyển lên cấp ủy cấp trên").click()
    escalated = page.locator("[data-feedback-escalated]")
    expect(escalated.get_by_role("row", name=BODY[:40])).to_contain_text("Chi bộ xóm Đồng Tâm → Đảng bộ xã Hùng Sơn")
    _open_thread(page, site)
    expect(page.locator("[data-feedback-readonly]")).to_be_visible()  # the cell still sees it, read only
    expect(page.locator("[data-feedback-route]")).to_have_text("Chi bộ xóm Đồng Tâm → Đảng bộ xã Hùng Sơn")
    expect(page.get_by_role("button", name="Gửi trả lời")).to_have_count(0)
    cell.close()

    commune, page = _admin(browser, site, "cuv.hs")
    _open_thread(page, site)
    page.get_by_label("Trả lời").fill("Xã đã đưa vào kế hoạch sửa đường tháng 12.")
    page.get_by_role("button", name="Gửi trả lời").click()
    expect(page.locator("blockquote").nth(1)).to_contain_text("Xã đã đưa vào kế hoạch")
    commune.close()

    member.reload()
    item = member.locator("#feedback-list .item", has_text=BODY)
    expect(item.locator(".badge", has_text="Có cập nhật")).to_be_visible()
    expect(item.locator(".fb-state")).to_contain_text("Đã chuyển lên Đảng bộ xã Hùng Sơn")
    expect(item.locator(".reply.new")).to_contain_text("Xã đã đưa vào kế hoạch sửa đường tháng 12.")
    expect(item.locator(".badge", has_text="Trả lời mới")).to_be_visible()

    member.reload()  # seen once: the marks are gone, the answer stays
    item = member.locator("#feedback-list .item", has_text=BODY)
    expect(item.locator(".reply")).to_contain_text("Xã đã đưa vào kế hoạch")
    expect(item.locator(".badge")).to_have_count(0)
