"""axe-core (the npm package, injected into the page) on every page members use, at phone size (the list is
tests/e2e/reader_pages.py: login, activation, the shell's views, profile, guide, meetings, an article with the
player and the feedback form, a layer's home). No violation is allowed on any of them; touch targets of the
reader's own controls are at least 48 px."""

from __future__ import annotations

import pytest

from bench.node_tools import AXE, ensure_node_tools
from tests.e2e.conftest import log_in
from tests.e2e.reader_pages import visit_all

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="session")
def axe_source() -> str:
    ensure_node_tools()  # a fresh clone: `npm ci` installs the locked versions
    return AXE.read_text("utf-8")


def serious_violations(page, axe_source: str) -> list[str]:
    page.add_script_tag(content=axe_source)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def small_targets(page, selector: str) -> list[str]:
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector))
            .filter(e => e.offsetParent !== null)
            .map(e => [e.textContent.trim() || e.outerHTML.slice(0, 60), e.getBoundingClientRect()])
            .filter(([, r]) => r.height < 48 || r.width < 48)
            .map(([name, r]) => `${name}: ${Math.round(r.width)}×${Math.round(r.height)}`)""",
        selector,
    )


def violations(page, axe_source: str) -> list[str]:
    page.add_script_tag(content=axe_source)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]


def test_every_reader_page_passes_axe(site, phone, axe_source):
    found = {}
    for name, page in visit_all(site, phone()):
        problems = violations(page, axe_source) + small_targets(page, "main button, main input, .tools button")
        if problems:
            found[name] = problems
    assert found == {}


def test_login_page_is_accessible(site, phone, axe_source):
    page = phone().new_page()
    page.goto(site.url + "/dang-nhap/")
    assert serious_violations(page, axe_source) == []
    assert small_targets(page, "button, input") == []


def test_home_and_search_are_accessible(site, phone, axe_source):
    page = phone().new_page()
    log_in(page, site, "cuv.hs")
    assert serious_violations(page, axe_source) == []
    assert small_targets(page, "button, .tabs a, .item, .reminders a") == []
    page.goto(site.url + "/tim-kiem/?q=nghi%20quyet")
    page.wait_for_selector("html[data-sotay-ready=search]")
    assert page.locator("#results .item").count() > 0
    assert serious_violations(page, axe_source) == []


def test_article_page_is_accessible_in_large_text_too(site, phone, axe_source):
    page = phone().new_page()
    log_in(page, site, "cuv.x1")  # a member whose receipts no other test counts
    page.goto(site.article("cell_news"))  # with the player
    page.wait_for_selector(".sotay-feedback")
    assert serious_violations(page, axe_source) == []
    assert small_targets(page, ".sotay-btn, .sotay-feedback textarea, .sotay-feedback select") == []
    page.get_by_role("button", name="Chữ to").click()
    page.reload()
    page.wait_for_selector(".sotay-feedback")
    assert serious_violations(page, axe_source) == []


def test_archive_and_offline_choices_are_accessible(site, phone, axe_source):
    page = phone().new_page()
    log_in(page, site, "dv.hs")
    page.goto(site.url + "/tai-ve/")
    page.wait_for_selector("html[data-sotay-ready=offline]")
    assert serious_violations(page, axe_source) == []
    assert small_targets(page, "label.check, #offline-start") == []
    page.goto(site.url + "/u/tn/all/luu-tru/")
    page.wait_for_selector(".sotay-archive")
    # The archive's own content (the theme's header is the layer pages' own, checked with the article page).
    page.add_script_tag(content=axe_source)
    found = page.evaluate("axe.run('.sotay-archive', {resultTypes: ['violations']})")["violations"]
    assert [v["id"] for v in found if v["impact"] in ("serious", "critical")] == []


def test_every_control_is_reached_by_keyboard_with_a_vietnamese_name(site, phone):
    page = phone().new_page()
    log_in(page, site, "dv.hs")
    names = []
    for _ in range(40):
        page.keyboard.press("Tab")
        names.append(page.evaluate(
            "(() => { const e = document.activeElement; return e.getAttribute('aria-label') || e.innerText"
            " || (e.labels && e.labels[0] && e.labels[0].innerText) || e.tagName; })()"
        ).strip())
    for wanted in ("Bỏ qua, đến nội dung chính", "Tìm kiếm", "Xem sau", "Chữ to", "Tương phản cao", "Đăng xuất"):
        assert wanted in names
