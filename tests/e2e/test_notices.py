"""Thông báo khẩn on a phone (360×640): a cell's committee member sends one from the admin, a member finds it
at the top of the home and taps "Đã xem", and the committee sees it seen."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import log_in

TITLE = "Mưa lớn: dời sinh hoạt chi bộ"
BODY = "Do mưa lớn, buổi sinh hoạt tối nay dời sang 19 giờ 30 thứ Hai tuần sau tại nhà văn hóa xóm."


def acks(site, title: str) -> list[str]:
    query = ("SELECT u.username FROM notices_noticeack a JOIN notices_notice n ON a.notice_id = n.id "
             "JOIN org_member m ON a.member_id = m.id JOIN auth_user u ON m.user_id = u.id WHERE n.title = ?")
    with site.db() as db:
        return [row[0] for row in db.execute(query, (title,))]


def test_committee_sends_a_member_acknowledges_and_the_committee_sees_it_seen(site, phone):
    committee = phone().new_page()
    committee.goto(site.url + "/admin/login/?next=/admin/thong-bao-khan/")
    committee.locator("#id_username").press_sequentially("cuv.x1")
    committee.locator("#id_password").press_sequentially(site.password)
    committee.locator("button[type=submit]").click()
    committee.wait_for_url(site.url + "/admin/thong-bao-khan/")
    committee.get_by_label("Tiêu đề").press_sequentially(TITLE)
    committee.get_by_label("Nội dung").fill(BODY)
    committee.get_by_role("button", name="Gửi thông báo").click()
    expect(committee.locator(".messages")).to_contain_text(f"Đã gửi thông báo “{TITLE}”")
    row = committee.locator("#seen-table tr[data-unit='x1']")
    expect(row.locator(".seen-count")).to_have_text("0")
    seen_page = committee.url

    member = phone().new_page()
    log_in(member, site, "dv.x1")
    notice = member.locator("#notices-home .notice", has_text=TITLE)
    expect(notice).to_contain_text("Thông báo khẩn")
    expect(notice).to_contain_text("dời sang 19 giờ 30 thứ Hai")
    expect(notice).to_contain_text("Chi bộ xóm Đồng Tâm")
    assert notice.bounding_box()["y"] < member.locator("#home-title").bounding_box()["y"]  # on top of the news
    button = notice.get_by_role("button", name="Đã xem")
    assert button.bounding_box()["height"] >= 48
    button.click()
    expect(member.locator("#notices-home .notice")).to_have_count(0)
    assert acks(site, TITLE) == ["dv.x1"]
    member.reload()
    member.wait_for_selector("#notices-home[data-ready='1']", state="attached")
    expect(member.locator("#notices-home .notice")).to_have_count(0)  # seen stays seen

    other = phone().new_page()
    log_in(other, site, "dv.y1")  # another commune's cell: not for them
    other.wait_for_selector("#notices-home[data-ready='1']", state="attached")
    expect(other.locator("#notices-home .notice")).to_have_count(0)

    committee.goto(seen_page)
    expect(row.locator(".seen-count")).to_have_text("1")
    expect(committee.locator("#not-seen")).not_to_contain_text("Đảng viên dv.x1")
    expect(committee.locator("#not-seen")).to_contain_text("Đảng viên dv2.x1")
