"""An urgent notice reaches an open home within 5 seconds on a phone without push (360×640): the home asks the
notices' version every few seconds while it is shown and fetches the notice when it changes."""

from __future__ import annotations

import time

from playwright.sync_api import expect

from tests.e2e.conftest import log_in

TITLE = "Khẩn: nước sông Công lên nhanh"
BODY = "Đề nghị đảng viên các xóm ven sông giúp dân chuyển tài sản lên cao trước 17 giờ."

SEND = """([title, body]) => fetch("/api/notices", {method: "POST", credentials: "same-origin",
  headers: {"Content-Type": "application/json", Accept: "application/json",
            "X-CSRFToken": decodeURIComponent((/(?:^|;\\s*)csrftoken=([^;]+)/.exec(document.cookie) || [])[1] || "")},
  body: JSON.stringify({title: title, body: body})}).then(r => r.json().then(d => [r.status, d]))"""
WITHDRAW = """(id) => fetch("/api/notices/" + id + "/withdraw", {method: "POST", credentials: "same-origin",
  headers: {"X-CSRFToken": decodeURIComponent((/(?:^|;\\s*)csrftoken=([^;]+)/.exec(document.cookie) || [])[1])}})
  .then(r => r.status)"""


def test_a_notice_sent_while_a_home_is_open_appears_there_within_five_seconds_without_push(site, phone):
    member = phone().new_page()
    log_in(member, site, "dv.x2")
    member.wait_for_selector("#notices-home[data-ready='1']", state="attached")
    expect(member.locator("#notices-home .notice", has_text=TITLE)).to_have_count(0)
    assert member.evaluate("document.visibilityState") == "visible"
    assert member.evaluate("""navigator.serviceWorker.ready.then(r => r.pushManager.getSubscription())
                              .then(s => s === null)"""), "this phone has no push subscription"
    member.wait_for_timeout(1000)  # the home has been open a while: what follows is its steady state

    committee = phone().new_page()
    log_in(committee, site, "cuv.hs")
    status, notice = committee.evaluate(SEND, [TITLE, BODY])
    assert status == 201, notice
    sent = time.monotonic()
    try:
        card = member.locator("#notices-home .notice", has_text=TITLE)
        expect(card).to_be_visible(timeout=5000)
        assert time.monotonic() - sent <= 5
        expect(card).to_contain_text("giúp dân chuyển tài sản")
        expect(card).to_contain_text("Đảng bộ xã Hùng Sơn")
    finally:  # the other tests of this province expect no notice from this one on their homes
        assert committee.evaluate(WITHDRAW, notice["id"]) == 200
