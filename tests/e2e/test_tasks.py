"""Giao việc on a phone (360×640): the cell's secretary gives a task to the whole cell, a member reports on it
with the network gone and the report arrives once; the district issues a plan with a report form, the cell's
secretary fills it, the district sees the total and sends the report back for correction."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.e2e.conftest import log_in, outbox_size, wait_for_service_worker, wait_until_sent

TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # the phones' clock: a due date is a day in Vietnam
TASK = "Vận động hai hộ tham gia ngày Chủ nhật xanh"
PLAN = "Kế hoạch ra quân Ngày Chủ nhật xanh quý IV"


def reports(site) -> list[tuple[int, str]]:
    with site.db() as db:
        return list(db.execute("SELECT r.percent, r.text FROM tasks_progressreport r JOIN tasks_assignment a "
                               "ON r.assignment_id = a.id JOIN tasks_task t ON a.task_id = t.id WHERE t.title = ?",
                               (TASK,)))


def test_a_task_reported_offline_arrives_once_and_a_plan_is_totalled_for_the_district(site, phone):
    due = (datetime.now(TZ).date() + timedelta(days=5)).isoformat()
    secretary = phone().new_page()
    log_in(secretary, site, "bt.x1")
    secretary.get_by_role("link", name="Giao việc").click()
    secretary.get_by_label("Việc cần làm").fill(TASK)
    secretary.get_by_label("Hạn hoàn thành").fill(due)
    secretary.get_by_role("button", name="Giao việc").click()
    expect(secretary.locator("#assign-status")).to_contain_text("Đã giao việc cho 4 đảng viên")

    member_phone = phone()
    member = member_phone.new_page()
    log_in(member, site, "dv.x1")
    card = member.locator("#tasks-list .task", has_text=TASK)
    expect(card).to_contain_text("Đã làm 0%")
    wait_for_service_worker(member)
    member.reload()  # the service worker now keeps the list for offline
    member.wait_for_selector("#tasks-home[data-ready='1']")

    member_phone.set_offline(True)
    card.get_by_role("button", name="Báo cáo tiến độ").click()
    card.get_by_label("Đã làm được (%)").fill("60")
    card.get_by_label("Kết quả, khó khăn").fill("Đã vận động được một hộ, hộ thứ hai hẹn cuối tuần")
    card.get_by_role("button", name="Gửi báo cáo").click()
    expect(card.locator(".task-report .status")).to_contain_text("Đã lưu trên máy")
    expect(card.locator(".task-progress")).to_have_text("Đã làm 60%")
    assert outbox_size(member) == 1
    assert reports(site) == []
    member.reload()  # offline: the home and the list come back from the phone, with what was reported
    member.wait_for_selector("#tasks-home[data-ready='1']")
    expect(member.locator("#tasks-list .task", has_text=TASK).locator(".task-progress")).to_have_text("Đã làm 60%")

    member_phone.set_offline(False)
    wait_until_sent(member)
    member.evaluate("sotayOutbox.flush()")  # sending again changes nothing
    assert reports(site) == [(60, "Đã vận động được một hộ, hộ thứ hai hẹn cuối tuần")]

    district = phone().new_page()
    log_in(district, site, "bt.dt")
    district.get_by_role("link", name="Kế hoạch ngành dọc").click()
    district.get_by_label("Số hiệu").fill("45-KH/HU")
    district.get_by_label("Tên kế hoạch").fill(PLAN)
    district.get_by_label("Hạn báo cáo").fill(due)
    district.get_by_label("Mục 1", exact=True).fill("Số hộ được vận động")
    district.get_by_label("Mục 2", exact=True).fill("Mức độ hoàn thành")
    district.get_by_label("Kiểu của mục 2").select_option("choice")
    district.locator("#field-choices-2").fill("Tốt; Đạt; Chưa đạt")
    district.get_by_role("button", name="Ban hành và gửi xuống cấp dưới").click()
    district.wait_for_selector("#plan-page[data-ready='1']")
    expect(district.locator("#plan-heading")).to_have_text("45-KH/HU — " + PLAN)
    district.wait_for_selector("#plan-rollup[data-ready='1']")
    expect(district.locator("#rollup-table tr[data-unit='dt'] td[data-key='f1']")).to_have_text("0")

    secretary.goto(site.url + "/")
    item = secretary.locator("#tasks-list .task[data-kind='plan']", has_text=PLAN)
    item.get_by_role("link", name="Điền báo cáo").click()
    secretary.get_by_label("Số hộ được vận động").fill("12")
    secretary.get_by_label("Mức độ hoàn thành").select_option("Tốt")
    secretary.get_by_role("button", name="Gửi báo cáo").click()
    expect(secretary.locator("#plan-report-status")).to_have_text("Đã gửi báo cáo.")

    district.reload()
    district.wait_for_selector("#plan-rollup[data-ready='1']")
    expect(district.locator("#rollup-table tr[data-unit='dt'] td[data-key='f1']")).to_have_text("12")
    expect(district.locator("#rollup-table tr[data-unit='hs']")).to_contain_text("1/3")
    assert district.evaluate("document.documentElement.scrollWidth") <= 360

    # Down to the base, and the cell's report sent back for correction: out of the totals, back on the cell's list.
    district.get_by_role("button", name="Đảng bộ xã Hùng Sơn").click()
    expect(district.locator("#rollup-table tr[data-unit='x1'] td[data-key='f1']")).to_have_text("12")
    district.once("dialog", lambda dialog: dialog.accept("Số hộ chưa khớp với biên bản"))
    district.get_by_role("button", name="Trả lại Chi bộ xóm Đồng Tâm").click()
    expect(district.locator("#plan-status")).to_have_text("Đã trả lại báo cáo của Chi bộ xóm Đồng Tâm.")
    expect(district.locator("#rollup-table tr[data-unit='hs'] td[data-key='f1']")).to_have_text("0")
    secretary.goto(site.url + "/")
    expect(secretary.locator("#tasks-list .task[data-kind='plan']", has_text=PLAN)).to_contain_text(
        "Cấp trên trả lại để sửa: Số hộ chưa khớp với biên bản")
