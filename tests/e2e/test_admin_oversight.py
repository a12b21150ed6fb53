"""The province administrator's reports and an editor's schedule, in Debian's Chromium at 1280×800, clicked and
typed as a person does."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.province import ADMIN

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1280, "height": 800}
PRODUCT = "Sổ tay đảng viên điện tử"


@pytest.fixture
def site(admin_site):
    return admin_site


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(20000)
    yield context
    context.close()


def _admin_login(page, site, username: str) -> None:
    page.goto(site.url + "/admin/login/")
    expect(page).to_have_title(f"Đăng nhập - {PRODUCT}")
    page.locator("#id_username").press_sequentially(username)
    page.locator("#id_password").press_sequentially(site.password)
    page.locator("button[type=submit]").click()
    page.wait_for_url(site.url + "/admin/")


def test_the_province_administrator_sees_read_rates_and_feedback_of_the_whole_province(site, desktop):
    page = desktop.new_page()
    _admin_login(page, site, ADMIN)
    expect(page).to_have_title(f"Bảng điều khiển - {PRODUCT}")
    expect(page.locator("h1")).to_have_text(PRODUCT)  # the same dashboard title every role sees

    page.get_by_role("button", name="Báo cáo").click()
    page.get_by_role("link", name="Tỷ lệ đọc").click()
    expect(page.locator("h1")).to_contain_text("Tỷ lệ đọc")
    # Pages of every unit are listed, the district's study material among them.
    page.get_by_role("link", name="Tài liệu học tập chuyên đề năm 2026 cho đảng viên").click()
    expect(page.locator("h1")).to_contain_text("Tài liệu học tập chuyên đề năm 2026")
    rows = page.locator("table.sotay-bars tbody tr")
    expect(rows.filter(has_text="Đảng bộ huyện Đại Từ")).to_have_count(1)
    expect(rows.filter(has_text="Đảng bộ xã Hùng Sơn")).to_have_count(1)
    unread = page.locator("table.listing")
    # The roll-up reaches the cells below the commune, and the administrator is nobody's unread member.
    expect(unread).to_contain_text("dv.x1")
    expect(unread).to_contain_text("Chi bộ xóm Đồng Tâm")
    expect(unread).not_to_contain_text(ADMIN)

    page.get_by_role("link", name="Góp ý gửi cấp ủy").click()
    expect(page.locator("h1")).to_contain_text("Góp ý")
    expect(page.locator("body")).not_to_contain_text("không có quyền")


def test_an_editor_schedules_a_page_and_the_picker_leaves_the_save_button_free(site, desktop):
    page = desktop.new_page()
    _admin_login(page, site, "bbt.dt")
    with site.db() as db:
        district = db.execute("SELECT page_ptr_id FROM org_unitpage WHERE code = 'dt'").fetchone()[0]
    page.goto(f"{site.url}/admin/pages/add/publishing/newspage/{district}/")
    page.locator("#id_title").press_sequentially("Hội nghị sơ kết được lên lịch")
    page.locator(".public-DraftEditor-content").first.click()
    page.keyboard.type("Thông báo hội nghị sơ kết sáu tháng.")
    page.locator('[data-side-panel-toggle="status"]').click()
    page.get_by_role("button", name="Đặt lịch").click()
    go_live = page.get_by_label("Thời điểm bắt đầu xuất bản")
    go_live.click()
    # The browser's own picker: it opens as a popup of its own and covers nothing of the dialog.
    go_live.fill("2026-12-20T08:30")
    save = page.get_by_role("button", name="Lưu lịch")
    expect(save).to_be_visible()
    save.click(trial=True)  # nothing lies over the button
    save.click()
    page.locator("button", has_text="Lưu bản nháp").first.click()
    expect(page.locator(".messages")).to_contain_text("Hội nghị sơ kết được lên lịch")
    page.locator('[data-side-panel-toggle="status"]').click()
    expect(page.locator("body")).to_contain_text("08:30 Ngày 20 tháng 12 năm 2026")
    with site.db() as db:
        row = db.execute("SELECT go_live_at, live FROM wagtailcore_page WHERE title = ?",
                         ("Hội nghị sơ kết được lên lịch",)).fetchone()
    assert row == ("2026-12-20 01:30:00", 0)  # 08:30 in Hà Nội, stored in UTC, not yet live
