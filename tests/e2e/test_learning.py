"""Học tập và thi on a phone (360×640): a member takes a timed quiz, the network drops mid-way, the answers
chosen offline wait on the phone and reach the server when it is back, the page comes back with every answer,
and the submission is scored on the server."""

from __future__ import annotations

import json
import subprocess
import sys

from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, log_in, server_env

SETUP = """
import django, json
django.setup()
from datetime import timedelta
from django.utils import timezone
from cms.learning.models import Question, Round
from cms.org.models import UnitPage
unit = UnitPage.objects.get(code="tn")
for i in range(4):
    Question.objects.create(unit=unit, text=f"Câu hỏi thử số {i} về Nghị quyết Đại hội XIII", kind="single",
        choices=[{"text": f"Phương án {k}", "correct": k == 1} for k in range(3)], explanation="Giải thích",
        resolution="E2E", topic="E2E")
now = timezone.now()
r = Round.objects.create(unit=unit, title="Trắc nghiệm nhanh Nghị quyết Đại hội XIII",
    opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=1),
    question_count=4, time_limit_s=300, attempts_allowed=1, resolution="E2E")
print(json.dumps({"round": r.pk}))
"""


def answers(site, round_id: int) -> dict[int, list[int]]:
    query = ("SELECT x.question_id, x.choices FROM learning_attemptanswer x "
             "JOIN learning_attempt a ON x.attempt_id = a.id "
             "JOIN org_member m ON a.member_id = m.id JOIN auth_user u ON m.user_id = u.id "
             "WHERE u.username = 'dv.x1' AND a.round_id = ?")
    with site.db() as db:
        return {q: json.loads(c) for q, c in db.execute(query, (round_id,))}


def test_a_timed_quiz_keeps_the_answers_given_while_the_network_was_gone(site, phone):
    made = subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=server_env(site.var_dir), check=True,
                          capture_output=True, text=True)
    round_id = json.loads(made.stdout.strip().splitlines()[-1])["round"]
    context = phone()
    page = context.new_page()
    log_in(page, site, "dv.x1")
    page.get_by_role("link", name="Học tập và thi · Hỏi – Đáp").click()
    page.get_by_role("link", name="Trắc nghiệm nhanh Nghị quyết Đại hội XIII").click()
    page.wait_for_selector("#quiz[data-ready='1']")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.locator("#quiz-timer")).to_contain_text("Còn lại 4:5")
    cards = page.locator(".question")
    expect(cards).to_have_count(4)
    text_size = page.locator(".question .text").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert text_size >= 20  # large text
    box = cards.nth(0).locator(".choice").first.bounding_box()
    assert box["height"] >= 56 and box["width"] >= 300
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    cards.nth(0).get_by_role("button", name="B. Phương án 1").click()
    cards.nth(1).get_by_role("button", name="A. Phương án 0").click()
    expect(page.locator("#quiz-status")).to_contain_text("Đã trả lời 2/4 câu")
    page.wait_for_function("document.getElementById('quiz-pending').hidden")
    assert sorted(answers(site, round_id).values()) == [[0], [1]]

    context.set_offline(True)
    cards.nth(2).get_by_role("button", name="B. Phương án 1").click()
    cards.nth(3).get_by_role("button", name="C. Phương án 2").click()
    cards.nth(1).get_by_role("button", name="B. Phương án 1").click()  # a change of mind, offline
    expect(page.locator("#quiz-pending")).to_contain_text("Có 3 câu đã lưu trên máy, sẽ gửi khi có mạng")
    assert sorted(answers(site, round_id).values()) == [[0], [1]]

    context.set_offline(False)
    page.wait_for_function("document.getElementById('quiz-pending').hidden", timeout=20000)
    ids = [int(cards.nth(i).get_attribute("data-question")) for i in range(4)]
    assert answers(site, round_id) == {ids[0]: [1], ids[1]: [1], ids[2]: [1], ids[3]: [2]}

    page.reload()  # the phone lost the page: the attempt resumes with every answer and the server's clock
    page.wait_for_selector("#quiz[data-ready='1']")
    expect(page.locator(".choice[aria-pressed='true']")).to_have_count(4)
    expect(page.locator("#quiz-timer")).to_contain_text("Còn lại 4:")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Nộp bài").click()
    expect(page.locator("#quiz-status")).to_contain_text("Đã nộp bài")
    with site.db() as db:
        score, submitted = db.execute("SELECT score, submitted_at FROM learning_attempt WHERE round_id = ?",
                                      (round_id,)).fetchone()
    assert score == 3 and submitted is not None  # three of four were "Phương án 1", the right one
    assert "correct" not in page.content() and "Giải thích" not in page.content()
