"""Editors publish by typing only: title and body in the Wagtail admin, then "Xuất bản", on a laptop and a phone.

The slug is never typed: the title panel keeps it in step with the title.
"""

from __future__ import annotations

import json

import pytest

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 640}


@pytest.fixture
def site(admin_site):
    """The admin's own province: what these tests publish stays out of the reader's tests."""
    return admin_site


def _unit_page_id(site, code: str) -> int:
    query = "SELECT page_ptr_id FROM org_unitpage WHERE code = ?"
    with site.db() as db:
        return db.execute(query, (code,)).fetchone()[0]


def _page(site, title: str) -> tuple[int, str, int]:
    query = "SELECT live, slug, id FROM wagtailcore_page WHERE title = ?"
    with site.db() as db:
        return db.execute(query, (title,)).fetchone()


def _queued_builds(site) -> set[str]:
    """Layers waiting for the build worker (the test server runs without one)."""
    query = ("SELECT args_kwargs FROM django_tasks_database_dbtaskresult WHERE status = 'READY' "
             "AND task_path LIKE '%build_layer%'")
    with site.db() as db:
        return {json.loads(row[0])["args"][0] for row in db.execute(query)}


def _admin(browser, site, username: str, viewport: dict):
    context = browser.new_context(viewport=viewport, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(20000)
    page = context.new_page()
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", site.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    return context, page


def _type_and_publish(page, site, *, unit: str, model: str, title: str, body: str) -> None:
    page.goto(f"{site.url}/admin/pages/add/publishing/{model}/{_unit_page_id(site, unit)}/")
    page.locator("#id_title").press_sequentially(title)
    page.locator(".public-DraftEditor-content").first.click()
    page.keyboard.type(body)
    publish = page.locator("button[name=action-publish]")
    if not publish.is_visible():
        page.locator("footer [data-w-dropdown-target=toggle], footer .w-dropdown__toggle").first.click()
    publish.click()
    page.wait_for_url("**/admin/pages/**")
    assert "lỗi" not in page.locator(".messages").inner_text().lower()


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_district_editor_types_and_publishes_news(site, browser, viewport):
    title = f"Huyện ủy Đại Từ triển khai sổ tay điện tử {viewport['width']}"
    context, page = _admin(browser, site, "bbt.dt", viewport)
    try:
        _type_and_publish(page, site, unit="dt", model="newspage", title=title,
                          body="Các chi bộ hướng dẫn đảng viên cài đặt sổ tay trước kỳ sinh hoạt.")
    finally:
        context.close()
    live, slug, _ = _page(site, title)
    assert live == 1
    assert slug == f"huyện-ủy-đại-từ-triển-khai-sổ-tay-điện-tử-{viewport['width']}"
    assert "u/tn/dt/all" in _queued_builds(site)


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_cell_secretary_types_and_publishes_meeting_material(site, browser, viewport):
    title = f"Tài liệu sinh hoạt chi bộ tháng 12 ({viewport['width']})"
    context, page = _admin(browser, site, "bt.x1", viewport)
    try:
        _type_and_publish(page, site, unit="x1", model="meetingmaterialpage", title=title,
                          body="Nội dung sinh hoạt: kiểm điểm việc làm theo Nghị quyết 09-NQ/TU.")
    finally:
        context.close()
    live, slug, _ = _page(site, title)
    assert live == 1
    assert slug.startswith("tài-liệu-sinh-hoạt-chi-bộ-tháng-12")
    assert "u/tn/dt/hs/x1/all" in _queued_builds(site)
