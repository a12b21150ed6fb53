"""A progress report with a phone photo made with the network gone (360×640): the photo is shrunk and kept on the
phone with the report, survives a reload while still offline ("Chờ gửi"), and arrives once with its photo."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, outbox_size, wait_for_service_worker, wait_until_sent

TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # the phones' clock: a due date is a day in Vietnam
TASK = "Chụp ảnh đoạn đường xóm đã phát quang"
TEXT = "Đã phát quang xong đoạn từ nhà văn hóa đến cầu tràn"

GIVE = """([title, due, member]) => fetch("/api/tasks", {method: "POST", credentials: "same-origin",
  headers: {"Content-Type": "application/json", Accept: "application/json",
            "X-CSRFToken": decodeURIComponent((/(?:^|;\\s*)csrftoken=([^;]+)/.exec(document.cookie) || [])[1] || "")},
  body: JSON.stringify({client_id: crypto.randomUUID(), title: title, body: "", due_at: due + "T17:00:00+07:00",
                        whole_unit: false, members: [member]})}).then(r => r.status)"""
KEPT_PHOTO = """sotayOutbox.pending().then(items => createImageBitmap(items[0].payload.photos[0]))
  .then(b => [b.width, b.height])"""


def stored(site) -> list[tuple[int, str, int]]:
    query = ("SELECT r.percent, r.text, (SELECT COUNT(*) FROM tasks_reportphoto p WHERE p.report_id = r.id) "
             "FROM tasks_progressreport r JOIN tasks_assignment a ON r.assignment_id = a.id "
             "JOIN tasks_task t ON a.task_id = t.id WHERE t.title = ?")
    with site.db() as db:
        return list(db.execute(query, (TASK,)))


def test_a_report_with_a_photo_made_offline_survives_a_reload_and_arrives_once(site, phone, tmp_path):
    with site.db() as db:
        member_id = db.execute("SELECT m.id FROM org_member m JOIN auth_user u ON m.user_id = u.id "
                               "WHERE u.username = 'dv.x1'").fetchone()[0]
    secretary = phone().new_page()
    log_in(secretary, site, "bt.x1")
    assert secretary.evaluate(GIVE, [TASK, (datetime.now(TZ).date() + timedelta(days=4)).isoformat(), member_id]) == 201
    photo = tmp_path / "IMG_20261207_083015.jpg"
    Image.new("RGB", (4000, 3000), (40, 110, 60)).save(photo, "JPEG", quality=95)  # a phone camera's photo

    member_phone = phone()
    member = member_phone.new_page()
    log_in(member, site, "dv.x1")
    wait_for_service_worker(member)
    member.reload()  # the service worker now keeps the list for offline
    member.wait_for_selector("#tasks-home[data-ready='1']")
    card = member.locator("#tasks-list .task", has_text=TASK)

    member_phone.set_offline(True)
    card.get_by_role("button", name="Báo cáo tiến độ").click()
    card.get_by_label("Đã làm được (%)").fill("80")
    card.get_by_label("Kết quả, khó khăn").fill(TEXT)
    card.get_by_label("Ảnh chụp").set_input_files(photo)
    card.get_by_role("button", name="Gửi báo cáo").click()
    expect(card.locator(".task-report .status")).to_contain_text("Đã lưu báo cáo và 1 ảnh trên máy")
    expect(card.locator(".task-waiting")).to_contain_text("Chờ gửi: báo cáo 80% kèm 1 ảnh")
    assert outbox_size(member) == 1
    assert max(member.evaluate(KEPT_PHOTO)) == 1280  # shrunk on the phone before it was kept
    assert stored(site) == []

    member.reload()  # still offline: the report and its photo come back from the phone
    member.wait_for_selector("#tasks-home[data-ready='1']")
    card = member.locator("#tasks-list .task", has_text=TASK)
    expect(card.locator(".task-waiting")).to_contain_text("Chờ gửi: báo cáo 80% kèm 1 ảnh")
    expect(card.locator(".task-waiting img")).to_have_count(1)

    member_phone.set_offline(False)
    wait_until_sent(member)
    expect(card.locator(".task-waiting")).to_be_hidden()
    member.evaluate("sotayOutbox.flush()")  # sending again changes nothing
    assert stored(site) == [(80, TEXT, 1)]
