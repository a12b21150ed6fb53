"""A district committee member opens "Mức độ sử dụng" in Debian's Chromium at 1280×800, sees the units below
them ranked with the numbers the history below gives, goes down to a commune and downloads the CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1280, "height": 800}
TODAY = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
# username: days ago they used the handbook, installed as an app
HISTORY = {"dv.x1": ([2, 9], True), "dv2.x1": ([5], False), "bt.x1": ([1], True), "dv.x2": ([45], False),
           "cuv.hs": ([3, 20], False), "dv.y1": ([1], True)}


@pytest.fixture
def site(admin_site):
    return admin_site


def _set_history(site) -> None:
    with site.db() as db:
        ids = dict(db.execute("SELECT u.username, m.id FROM org_member m JOIN auth_user u ON m.user_id = u.id"))
        db.execute("UPDATE org_member SET no_smartphone = 1 WHERE id = ?", (ids["dv.hs"],))
        for username, (days, installed) in HISTORY.items():
            first = datetime.combine(TODAY - timedelta(days=max(days)), datetime.min.time()).isoformat()
            db.execute("INSERT OR REPLACE INTO adoption_memberadoption (member_id, first_sign_in_at, installed_at) "
                       "VALUES (?, ?, ?)", (ids[username], first, first if installed else None))
            db.executemany("INSERT OR IGNORE INTO adoption_memberactivity (member_id, day) VALUES (?, ?)",
                           [(ids[username], (TODAY - timedelta(days=d)).isoformat()) for d in days])


def _truth(site, cell: str) -> tuple[int, int]:
    """(eligible members, of them active in the last 30 days) of a cell, straight from the database."""
    since = (TODAY - timedelta(days=29)).isoformat()
    with site.db() as db:
        eligible = db.execute(
            "SELECT m.id FROM org_member m JOIN org_unitpage u ON m.unit_id = u.page_ptr_id "
            "WHERE u.code = ? AND m.no_smartphone = 0 AND m.exempt_from IS NULL AND m.exempt_until IS NULL",
            (cell,)).fetchall()
        active = {row[0] for row in db.execute(
            "SELECT DISTINCT member_id FROM adoption_memberactivity WHERE day >= ?", (since,))}
    return len(eligible), len({r[0] for r in eligible} & active)


def test_a_district_committee_sees_adoption_ranked_and_downloads_it(site, browser):
    _set_history(site)
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  accept_downloads=True)
    context.set_default_timeout(20000)
    page = context.new_page()
    page.goto(site.url + "/admin/login/")
    page.locator("#id_username").press_sequentially("cuv.dt")
    page.locator("#id_password").press_sequentially(site.password)
    page.locator("button[type=submit]").click()
    page.wait_for_url(site.url + "/admin/")

    page.get_by_role("button", name="Báo cáo").click()
    page.get_by_role("link", name="Mức độ sử dụng").click()
    expect(page.locator("h1")).to_contain_text("Mức độ sử dụng")
    table = page.locator("table[data-usage-table]")
    expect(table.locator("tbody tr")).to_have_count(1)  # Đại Từ has one commune below it
    expect(table.locator("tbody tr[data-unit=hs]")).to_contain_text("Đảng bộ xã Hùng Sơn")
    expect(page.locator("[data-usage-base]")).to_contain_text("1 không có điện thoại thông minh")
    expect(page.locator("svg.sotay-chart rect")).not_to_have_count(0)

    page.get_by_role("link", name="Đảng bộ xã Hùng Sơn").click()
    expect(table.locator("tbody tr")).to_have_count(2)
    x1_eligible, x1_active = _truth(site, "x1")
    x2_eligible, x2_active = _truth(site, "x2")
    assert x1_active / x1_eligible > x2_active / x2_eligible  # what the history above makes true
    first, second = table.locator("tbody tr").nth(0), table.locator("tbody tr").nth(1)
    expect(first).to_have_attribute("data-unit", "x1")
    expect(second).to_have_attribute("data-unit", "x2")
    expect(first.locator("td[data-active]")).to_contain_text(f"{x1_active} (")
    expect(second.locator("td[data-active]")).to_contain_text(f"{x2_active} (")

    with page.expect_download() as info:
        page.get_by_role("link", name="Tải CSV").click()
    download = info.value
    assert download.suggested_filename == f"muc-do-su-dung-hs-{TODAY.isoformat()}.csv"
    rows = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))
    by_code = {r[0]: r for r in rows if r and r[0] in ("hs", "x1", "x2")}
    assert (by_code["x1"][5], by_code["x1"][9]) == (str(x1_eligible), str(x1_active))
    assert (by_code["x2"][5], by_code["x2"][9]) == (str(x2_eligible), str(x2_active))
    assert by_code["hs"][7] == "1"  # dv.hs, without a smartphone
    assert isinstance(date.fromisoformat(rows[0][0].rsplit(" ", 1)[-1]), date)
    context.close()
