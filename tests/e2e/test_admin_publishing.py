"""The admin as a board uses it, in Debian's Chromium at 1280×800: preview in the panel and in a new tab, view
live in the reader, review by another board member and no self-approval."""

from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, server_env

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def site(admin_site):
    """The admin's own province: what these tests publish stays out of the reader's tests."""
    return admin_site


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(20000)
    yield context
    context.close()


def _admin_login(page, site, username: str) -> None:
    page.goto(site.url + "/admin/login/")
    page.locator("#id_username").press_sequentially(username)
    page.locator("#id_password").press_sequentially(site.password)
    page.locator("button[type=submit]").click()
    page.wait_for_url(site.url + "/admin/")


def _unit_id(site, code: str) -> int:
    with site.db() as db:
        return db.execute("SELECT page_ptr_id FROM org_unitpage WHERE code = ?", (code,)).fetchone()[0]


def _write_draft(page, site, unit: str, title: str, body: str) -> None:
    page.goto(f"{site.url}/admin/pages/add/publishing/newspage/{_unit_id(site, unit)}/")
    page.locator("#id_title").press_sequentially(title)
    page.locator(".public-DraftEditor-content").first.click()
    page.keyboard.type(body)


def test_an_editor_previews_a_draft_in_the_panel_and_in_a_new_tab(site, desktop):
    page = desktop.new_page()
    _admin_login(page, site, "bbt.dt")
    _write_draft(page, site, "dt", "Tin xem trước trong khung", "Đoạn văn nháp để xem trước.")
    page.locator('[data-side-panel-toggle="preview"]').click()
    # The panel's frame holds wagtail-headless-preview's page, which frames sotay's /preview/ rendering.
    frame = page.frame_locator("#w-preview-iframe").frame_locator("iframe")
    expect(frame.locator("h1")).to_contain_text("Tin xem trước trong khung")
    expect(frame.locator(".md-typeset").first).to_be_visible()  # the reader's own theme, as members see it
    with desktop.expect_page() as new_tab:
        page.locator('[data-w-preview-target="newTab"]').click()
    tab = new_tab.value
    expect(tab.frame_locator("iframe").locator("h1")).to_contain_text("Tin xem trước trong khung")


def test_view_live_opens_the_page_in_the_reader(site, desktop):
    page = desktop.new_page()
    _admin_login(page, site, "bbt.dt")
    page_id = site.ids["district_study"]
    page.goto(f"{site.url}/admin/pages/{page_id}/edit/")
    # The "ĐÃ XUẤT BẢN" badge in the header (and "Xem bản đã xuất bản" in its menu) lead to the reader.
    live = page.locator(f'a[href$="/u/tn/dt/all/a/{page_id}/"]')
    assert live.count() >= 2
    badge = page.locator(f'a[href$="/u/tn/dt/all/a/{page_id}/"]:visible').first
    expect(badge).to_be_visible()
    with desktop.expect_page() as opened:
        badge.click()
    reader = opened.value
    reader.wait_for_load_state()
    assert reader.url.endswith(f"/u/tn/dt/all/a/{page_id}/")
    expect(reader.locator("h1")).to_contain_text("Tài liệu học tập chuyên đề năm 2026")


def test_another_board_member_approves_and_the_author_cannot(site, desktop):
    # A second editor joins the district's board (as an administrator would add one).
    script = ("from cms.org.models import UnitPage; from cms.org.services import create_member; "
              f"create_member(username='bbt2.dt', full_name='Lê Văn Duyệt', unit=UnitPage.objects.get(code='dt'), "
              f"password='{site.password}', editor=True)")
    subprocess.run([sys.executable, "-m", "cms.cli", "manage", "shell", "-c", script], cwd=ROOT,
                   env=server_env(site.var_dir), check=True)
    author = desktop.new_page()
    _admin_login(author, site, "bbt.dt")
    _write_draft(author, site, "dt", "Tin chờ người khác duyệt", "Nội dung cần duyệt.")
    expect(author.locator('button[name="action-publish"]')).to_have_count(0)
    author.locator("button.dropdown-toggle, [data-w-dropdown-target=toggle]").last.click()
    author.locator('button[name="action-submit"]').click()
    expect(author.locator(".messages")).to_be_visible()
    with site.db() as db:
        page_id = db.execute("SELECT id FROM wagtailcore_page WHERE title = ?",
                             ("Tin chờ người khác duyệt",)).fetchone()[0]
    author.goto(f"{site.url}/admin/pages/{page_id}/edit/")
    expect(author.locator('[data-workflow-action-name="approve"], button[value="approve"]')).to_have_count(0)

    reviewer_context = desktop.browser.new_context(viewport=DESKTOP, locale="vi-VN")
    reviewer = reviewer_context.new_page()
    try:
        _admin_login(reviewer, site, "bbt2.dt")
        expect(reviewer.locator("body")).to_contain_text("Tin chờ người khác duyệt")
        reviewer.goto(f"{site.url}/admin/pages/{page_id}/edit/")
        reviewer.locator("button.dropdown-toggle, [data-w-dropdown-target=toggle]").last.click()
        reviewer.locator('[data-workflow-action-name="approve"]').first.click()
        expect(reviewer.locator(".messages")).to_contain_text("Đã duyệt và xuất bản")
        with site.db() as db:
            assert db.execute("SELECT live FROM wagtailcore_page WHERE id = ?", (page_id,)).fetchone()[0] == 1
        # The author, who has no e-mail, reads the outcome on the dashboard.
        author.goto(site.url + "/admin/")
        outcome = author.locator("[data-review-outcomes]").get_by_role("row", name="Tin chờ người khác duyệt")
        expect(outcome).to_contain_text("Đã duyệt")
        expect(outcome).to_contain_text("Lê Văn Duyệt")
    finally:
        reviewer_context.close()
        # The second editor leaves the board again: the district is a one-person board for the other tests.
        leave = ("from django.contrib.auth.models import User; "
                 "User.objects.filter(username='bbt2.dt').update(is_active=False)")
        subprocess.run([sys.executable, "-m", "cms.cli", "manage", "shell", "-c", leave], cwd=ROOT,
                       env=server_env(site.var_dir), check=True)


def test_publishing_while_other_writers_work_gives_no_error_and_reaches_members(site, desktop):
    from tests.e2e.conftest import log_in

    # Autosave-like writer: another editor's page saved as a revision again and again, each in a transaction
    # that reads and then writes, plus a build of the province's layers (what the worker does) at the same time.
    other_id = site.ids["province_news"]
    autosave = ("import time; from django.db import transaction; from wagtail.models import Page\n"
                "for _ in range(60):\n"
                "    with transaction.atomic():\n"
                f"        Page.objects.get(pk={other_id}).specific.save_revision()\n"
                "    time.sleep(0.05)\n")
    env = server_env(site.var_dir)
    writers = [
        subprocess.Popen([sys.executable, "-m", "cms.cli", "manage", "shell", "-c", autosave], cwd=ROOT, env=env),
        subprocess.Popen([sys.executable, "-m", "cms.cli", "build", "--unit", "tn"], cwd=ROOT, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    try:
        page = desktop.new_page()
        _admin_login(page, site, "bbt.tn")
        statuses: list[int] = []
        page.on("response", lambda response: statuses.append(response.status))
        _write_draft(page, site, "tn", "Tin xuất bản giữa lúc bận", "Nội dung đến đảng viên.")
        page.locator("button.dropdown-toggle, [data-w-dropdown-target=toggle]").last.click()
        page.locator('button[name="action-publish"]').click()
        expect(page.locator(".messages")).to_contain_text("Tin xuất bản giữa lúc bận")
        assert 500 not in statuses and 503 not in statuses
    finally:
        for writer in writers:
            writer.wait(timeout=120)
    assert writers[0].returncode == 0, "the autosave writer met a locked database"
    with site.db() as db:
        page_id, live = db.execute("SELECT id, live FROM wagtailcore_page WHERE title = ?",
                                   ("Tin xuất bản giữa lúc bận",)).fetchone()
    assert live == 1
    # The worker runs the build the publish queued; the page then reaches a member of the province.
    subprocess.run([sys.executable, "-m", "cms.cli", "manage", "db_worker", "--batch", "--no-reload"], cwd=ROOT,
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    member = desktop.browser.new_context(viewport={"width": 360, "height": 640}, locale="vi-VN")
    try:
        phone = member.new_page()
        log_in(phone, site, "cuv.tn")
        response = phone.goto(f"{site.url}/u/tn/all/a/{page_id}/")
        assert response.status == 200
        expect(phone.locator("h1")).to_contain_text("Tin xuất bản giữa lúc bận")
    finally:
        member.close()
