"""Nothing on a reader page moves after it first appears (Chromium's layout-shift entries, summed as the
cumulative layout shift, CLS ≤ 0.05 — "good" is 0.1), in normal text and in large text with high contrast; and
in large text every page still fits a 360 px phone: no sideways scrolling, every tab label whole on screen."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import log_in
from tests.e2e.reader_pages import MEMBER, visit_all

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CLS_MAX = 0.05
# Summed from the first paint on, leaving out shifts that follow the member's own input (as CLS does).
WATCH_SHIFTS = """
window.__sotayShift = 0; window.__sotayShifts = [];
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) {
    if (e.hadRecentInput) return;
    window.__sotayShift += e.value;
    window.__sotayShifts.push([e.value, (e.sources || []).map(function (s) {
      var n = s.node; return n && n.nodeType === 1 ? n.tagName + (n.id ? "#" + n.id : "") + "." + n.className : "#text";
    })]);
  });
}).observe({type: "layout-shift", buffered: true});
"""
LARGE = "localStorage.setItem('sotay.large', '1'); localStorage.setItem('sotay.contrast', '1');"


def shift_of(page) -> tuple[float, list]:
    page.wait_for_timeout(300)  # a shift after the page reports itself drawn is still counted
    return page.evaluate("[window.__sotayShift, window.__sotayShifts]")


def test_no_reader_page_moves_after_it_appears(site, phone):
    context = phone()
    context.add_init_script(WATCH_SHIFTS)
    moved = {}
    for name, page in visit_all(site, context):
        total, shifts = shift_of(page)
        if total > CLS_MAX:
            moved[name] = (round(total, 3), shifts)
    assert moved == {}


def test_large_text_and_high_contrast_fit_a_small_phone_and_do_not_move(site, phone):
    context = phone()
    context.add_init_script(WATCH_SHIFTS + LARGE)
    problems = {}
    for name, page in visit_all(site, context):
        assert page.evaluate("document.documentElement.classList.contains('sotay-large')"), name
        total, shifts = shift_of(page)
        if total > CLS_MAX:
            problems[name] = f"CLS {total:.3f}: {shifts}"
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > 360:
            problems[name] = f"{wide} px wide"
        cut = page.evaluate("""Array.from(document.querySelectorAll('.tabs a')).filter(a => {
            const r = a.getBoundingClientRect();
            return a.scrollWidth > a.clientWidth + 1 || r.left < 0 || r.right > 361; }).map(a => a.textContent)""")
        if cut:
            problems[name] = f"tabs cut: {cut}"
        # The text-size control is at the top of the screen, reached without scrolling.
        top = page.evaluate("""(() => {
            const b = document.querySelector('[data-toggle=large], [data-sotay-toggle=large]');
            return b ? b.getBoundingClientRect().top + window.scrollY : null; })()""")
        if top is None or top > 640:
            problems[name] = f"text-size control at {top}"
    assert problems == {}


def test_the_demo_server_compresses_like_production(site, phone):
    page = phone().new_page()
    shell = page.goto(site.url + "/dang-nhap/")
    assert shell.headers.get("content-encoding") in ("br", "gzip")  # what Chromium asks for over plain http
    brotli = {"Accept-Encoding": "br, gzip"}
    assert page.request.get(site.url + "/static/reader/reader.css", headers=brotli).headers["content-encoding"] == "br"
    log_in(page, site, MEMBER)
    layer_file = page.request.get(site.article("cell_news"), headers=brotli)  # from the build's .br sibling
    assert layer_file.ok and layer_file.headers["content-encoding"] == "br"
    assert "Chi bộ xóm Đồng Tâm" in layer_file.text()
