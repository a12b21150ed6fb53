"""What a member needs is on the phone before the network goes (360×640, Chromium): the coming meeting's material
is readable offline though it was never opened, urgent notices show offline and "Đã xem" pressed offline reaches
the server once, and a started quiz opens offline after a reload with the answers chosen so far.

Each test makes its own meeting, notice or round for the cell x1 and removes it afterwards, so the other tests of
the session see the province as built."""

from __future__ import annotations

import json
import subprocess
import sys

from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, log_in, outbox_size, server_env, wait_for_service_worker, wait_until_sent

MATERIAL = "Tài liệu sinh hoạt chi bộ xóm Đồng Tâm tháng 11"
MEETING = "Sinh hoạt chuyên đề: học tập Nghị quyết 09-NQ/TU"
NOTICE = "Bão số 5: chuẩn bị sơ tán"
ROUND = "Trắc nghiệm Nghị quyết 09-NQ/TU"


def django(site, code: str) -> dict:
    """Run `code` in the site's Django (it prints one JSON line last) — what an editor or a board does elsewhere."""
    done = subprocess.run([sys.executable, "-c", "import django, json\ndjango.setup()\n" + code], cwd=ROOT,
                          env=server_env(site.var_dir), check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_coming_meetings_material_is_readable_offline_without_having_been_opened(site, phone):
    made = django(site, f"""
from datetime import timedelta
from django.utils import timezone
from cms.meetings.services import AgendaEntry, schedule_meeting
from cms.org.models import Member
secretary = Member.objects.get(user__username="bt.x1")
[m] = schedule_meeting(by=secretary, unit=secretary.unit, kind="thematic", title={MEETING!r},
    starts_at=timezone.now() + timedelta(days=5), place="Nhà văn hóa xóm",
    agenda=[AgendaEntry(title="Học tập Nghị quyết", material={site.ids["cell_meeting"]})])
print(json.dumps({{"meeting": m.pk}}))
""")
    try:
        context = phone()
        page = context.new_page()
        log_in(page, site, "dv.x1")
        card = page.locator(f"#meetings-list .meeting[data-meeting='{made['meeting']}']")
        link = card.get_by_role("link", name="Đọc trước: " + MATERIAL)
        expect(link).to_have_attribute("href", f"/u/tn/dt/hs/x1/all/a/{site.ids['cell_meeting']}/")
        # The phone has synced: the home says the material is on the phone.
        expect(card.locator(".material-kept")).to_have_text("✓ Đã lưu trên máy", timeout=30000)

        context.set_offline(True)
        link.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(MATERIAL)
        expect(page.locator("article, main").first).to_contain_text("Mỗi đảng viên đăng ký một việc làm cụ thể")
        # Audio was not chosen in "Tải về máy": it is not fetched ahead (the download rule), so it needs a network.
        status = page.evaluate("fetch(document.querySelector('.sotay-audio audio').src).then(r => r.status)")
        assert status == 503
        # The phone stays offline to the end: the "opened" receipt waiting in its outbox is not sent, so the
        # other tests' read counts of this article stay as they expect.
    finally:
        django(site, f"from cms.meetings.models import Meeting\nMeeting.objects.filter(pk={made['meeting']}).delete()\n"
                     "print('{}')")


def acks(site, notice_id: int) -> list[str]:
    query = ("SELECT u.username FROM notices_noticeack a JOIN org_member m ON a.member_id = m.id "
             "JOIN auth_user u ON m.user_id = u.id WHERE a.notice_id = ?")
    with site.db() as db:
        return [row[0] for row in db.execute(query, (notice_id,))]


def test_an_urgent_notice_shows_offline_and_seen_offline_reaches_the_committee_once(site, phone):
    made = django(site, f"""
from cms.notices.services import send_notice
from cms.org.models import Member
n = send_notice(by=Member.objects.get(user__username="cuv.x1"), title={NOTICE!r},
    body="Các hộ ven sông chuẩn bị sơ tán trước 17 giờ. Đảng viên giúp người già, trẻ em.")
print(json.dumps({{"notice": n.pk}}))
""")
    try:
        context = phone()
        page = context.new_page()
        log_in(page, site, "dv2.x1")
        notice = page.locator("#notices-home .notice", has_text=NOTICE)
        expect(notice).to_be_visible()
        wait_for_service_worker(page)
        page.reload()  # the phone syncs again, now through its service worker
        expect(notice).to_be_visible()

        context.set_offline(True)
        page.goto(site.url + "/")  # the home, offline: the notice is still on top
        expect(page.locator("#offline")).to_be_visible()
        expect(notice).to_contain_text("chuẩn bị sơ tán trước 17 giờ")
        notice.get_by_role("button", name="Đã xem").click()
        expect(notice).to_have_count(0)
        assert outbox_size(page) == 1
        page.reload()  # seen on this phone stays seen, though the server does not know yet
        page.wait_for_selector("#notices-home[data-ready='1']", state="attached")
        expect(notice).to_have_count(0)
        assert acks(site, made["notice"]) == []

        context.set_offline(False)
        wait_until_sent(page)
        page.evaluate("sotayOutbox.flush()")
        assert acks(site, made["notice"]) == ["dv2.x1"]
        page.reload()
        page.wait_for_selector("#notices-home[data-ready='1']", state="attached")
        expect(notice).to_have_count(0)
    finally:
        django(site, f"from cms.notices.models import Notice\nNotice.objects.filter(pk={made['notice']}).delete()\n"
                     "print('{}')")


def test_a_started_quiz_opens_offline_after_a_reload_and_is_submitted_when_back(site, phone):
    made = django(site, f"""
from datetime import timedelta
from django.utils import timezone
from cms.learning.models import Question, Round
from cms.org.models import UnitPage
unit = UnitPage.objects.get(code="tn")
for i in range(3):
    Question.objects.create(unit=unit, text=f"Câu hỏi ngoại tuyến số {{i}}", kind="single",
        choices=[{{"text": f"Lựa chọn {{k}}", "correct": k == 1}} for k in range(3)], explanation="Giải thích",
        resolution="E2E-OFFLINE", topic="E2E")
now = timezone.now()
r = Round.objects.create(unit=unit, title={ROUND!r}, opens_at=now - timedelta(hours=1),
    closes_at=now + timedelta(hours=1), question_count=3, time_limit_s=300, attempts_allowed=1,
    resolution="E2E-OFFLINE")
print(json.dumps({{"round": r.pk}}))
""")
    try:
        context = phone()
        page = context.new_page()
        log_in(page, site, "dv2.x1")
        wait_for_service_worker(page)
        page.get_by_role("link", name="Học tập và thi · Hỏi – Đáp").click()
        page.get_by_role("link", name=ROUND).click()
        page.wait_for_selector("#quiz[data-ready='1']")
        page.get_by_role("button", name="Bắt đầu làm bài").click()
        cards = page.locator(".question")
        expect(cards).to_have_count(3)
        cards.nth(0).get_by_role("button", name="B. Lựa chọn 1").click()
        cards.nth(1).get_by_role("button", name="A. Lựa chọn 0").click()
        page.wait_for_function("document.getElementById('quiz-pending').hidden")
        texts = cards.locator(".text").all_inner_texts()

        context.set_offline(True)
        cards.nth(2).get_by_role("button", name="B. Lựa chọn 1").click()
        page.reload()  # offline: the page, its questions and the answers come back from the phone
        page.wait_for_selector("#quiz[data-ready='1']")
        expect(page.locator("#quiz-title")).to_have_text(ROUND)
        assert cards.locator(".text").all_inner_texts() == texts
        expect(page.locator(".choice[aria-pressed='true']")).to_have_count(3)
        expect(cards.nth(0).get_by_role("button", name="B. Lựa chọn 1")).to_have_attribute("aria-pressed", "true")
        expect(cards.nth(2).get_by_role("button", name="B. Lựa chọn 1")).to_have_attribute("aria-pressed", "true")
        expect(page.locator("#quiz-pending")).to_contain_text("Có 1 câu đã lưu trên máy")
        expect(page.locator("#quiz-timer")).to_contain_text("Còn lại 4:")
        page.on("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Nộp bài").click()
        expect(page.locator("#quiz-pending")).to_contain_text("Bài sẽ được nộp khi có mạng trở lại")

        context.set_offline(False)
        expect(page.locator("#quiz-status")).to_contain_text("Đã nộp bài", timeout=20000)
        with site.db() as db:
            rows = db.execute("SELECT a.score, a.submitted_at FROM learning_attempt a WHERE a.round_id = ?",
                              (made["round"],)).fetchall()
        assert len(rows) == 1 and rows[0][1] is not None
        assert rows[0][0] == 2  # two of three were "Lựa chọn 1", the right one: the answer given offline counted
    finally:
        django(site, "from cms.learning.models import Question, Round\n"
                     f"Round.objects.filter(pk={made['round']}).delete()\n"
                     "Question.objects.filter(resolution='E2E-OFFLINE').delete()\nprint('{}')")
