"""Demo content for học tập và thi, added when the demo is loaded (`cms.publishing.events.demo_loaded`):
a province question bank on the demo's resolutions (questions made from each document's code, issuing body,
date and summary, plus the hand-written ones of content/demo/learning/cau-hoi.csv), an open quiz, a closed contest
with its results, a draft with members' opinions, study essays (some marked), and the Hỏi – Đáp entries of
content/demo/learning/hoi-dap.csv. Loading again adds nothing."""

from __future__ import annotations

import csv
import random
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from cms.org.models import Level, Member, UnitPage
from cms.org.selectors import eligible_members

from .bank import LETTERS
from .models import Attempt, AttemptAnswer, QAEntry, Question, QuestionKind, Round, RoundKind

OPEN_QUIZ = "Trắc nghiệm tìm hiểu các văn bản của Đảng bộ tỉnh"
CLOSED_CONTEST = "Cuộc thi trực tuyến tìm hiểu Điều lệ Đảng và nghị quyết của Tỉnh ủy — vòng 1"
KINDS = {"NQ": "Nghị quyết", "CT": "Chỉ thị", "KL": "Kết luận", "QĐ": "Quy định", "KH": "Kế hoạch"}


def _topic(code: str) -> str:
    kind = code.split("/")[0].split("-")[-1]
    return KINDS.get(kind, "Văn bản")


def _options(right: str, others: list[str], rng: random.Random) -> tuple[list[dict], int]:
    wrong = rng.sample([o for o in dict.fromkeys(others) if o and o != right], 3)
    texts = [right, *wrong]
    rng.shuffle(texts)
    return [{"text": t, "correct": t == right} for t in texts], texts.index(right)


def resolution_questions(province: UnitPage, rng: random.Random) -> list[Question]:
    from cms.publishing.models import ResolutionPage

    docs = list(ResolutionPage.objects.live().exclude(document_code="").order_by("document_code")
                .values("document_code", "issuing_body", "issue_date", "title", "summary"))
    bodies = [d["issuing_body"] for d in docs] + ["Ủy ban Kiểm tra Tỉnh ủy", "Ban Thường vụ Tỉnh ủy"]
    dates = [f"{d['issue_date']:%d/%m/%Y}" for d in docs if d["issue_date"]]
    titles = [d["title"] for d in docs]
    summaries = [d["summary"] for d in docs if d["summary"]]
    questions = []
    for d in docs:
        code = d["document_code"]
        made = []
        if d["issuing_body"]:
            made.append((f"Văn bản số {code} do cơ quan nào ban hành?", d["issuing_body"], bodies,
                         f"{code} do {d['issuing_body']} ban hành."))
        if d["issue_date"]:
            day = f"{d['issue_date']:%d/%m/%Y}"
            shifted = [f"{d['issue_date'] + timedelta(days=n):%d/%m/%Y}" for n in (-31, 7, 365)]
            made.append((f"Văn bản số {code} được ban hành ngày nào?", day, dates + shifted,
                         f"{code} ban hành ngày {day}."))
        made.append((f"Văn bản nào có số, ký hiệu {code}?", d["title"], titles, f"{code} là {d['title']}."))
        if d["summary"]:
            made.append((f"Nội dung chính của văn bản số {code} là gì?", d["summary"], summaries, d["summary"]))
        for text, right, others, why in made:
            if len({o for o in others if o != right}) < 3:
                continue
            choices, _index = _options(right, others, rng)
            questions.append(Question(unit=province, text=text, kind=QuestionKind.SINGLE, choices=choices,
                                      explanation=why, resolution=code, topic=_topic(code)))
    return questions


def handwritten_questions(root: Path, province: UnitPage) -> list[Question]:
    path = root / "learning" / "cau-hoi.csv"
    questions = []
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            right = {LETTERS.index(x) for x in row["correct"].split(";")}
            texts = row["choices"].split("|")
            questions.append(Question(
                unit=province, text=row["question"], kind=QuestionKind.MULTIPLE if len(right) > 1 else
                QuestionKind.SINGLE, choices=[{"text": t, "correct": i in right} for i, t in enumerate(texts)],
                explanation=row["explanation"], resolution="Điều lệ Đảng", topic=row["topic"]))
    return questions


def _closed_contest(province: UnitPage, rng: random.Random) -> None:
    now = timezone.now()
    contest = Round.objects.create(
        unit=province, kind=RoundKind.CONTEST, title=CLOSED_CONTEST, opens_at=now - timedelta(days=10),
        closes_at=now - timedelta(days=3), question_count=10, time_limit_s=900, attempts_allowed=1, winners=3,
        description="Mỗi đảng viên làm một lượt, 10 câu trong 15 phút. Xếp hạng theo điểm, bằng điểm thì ai làm "
                    "nhanh hơn xếp trên.")
    pool = list(contest.pool())
    drawn_count = min(contest.question_count, len(pool))  # a province with few resolutions has a smaller bank
    if not drawn_count:
        return
    members = list(eligible_members(Member.objects.all()).order_by("pk"))
    attempts, answers = [], []
    for member in members:
        if rng.random() > 0.7:
            continue  # three in ten did not take part
        drawn = rng.sample(pool, drawn_count)
        started = contest.opens_at + timedelta(hours=rng.randint(1, 150))
        taken = timedelta(seconds=rng.randint(180, 880))
        skill = rng.uniform(0.4, 0.95)
        given = {}
        for q in drawn:
            right = sorted(q.correct)
            given[q.pk] = right if rng.random() < skill else [next(i for i in range(len(q.choices))
                                                                   if i not in right)]
        score = sum(frozenset(c) == q.correct for q, c in zip(drawn, given.values(), strict=True))
        attempts.append(Attempt(round=contest, member=member, questions=[q.pk for q in drawn], started_at=started,
                                deadline=started + timedelta(seconds=900), submitted_at=started + taken,
                                score=score, max_score=10))
        answers.append(given)
    Attempt.objects.bulk_create(attempts)
    saved = Attempt.objects.filter(round=contest).order_by("pk")
    AttemptAnswer.objects.bulk_create([
        AttemptAnswer(attempt=a, question_id=q, choices=c) for a, given in zip(saved, answers, strict=True)
        for q, c in given.items()])


COMMENTS = [
    "Đề nghị bổ sung chỉ tiêu về tỷ lệ hộ dùng điện thoại thông minh ở các xóm vùng cao.",
    "Phần đánh giá hạn chế nên nêu rõ nguyên nhân chủ quan.",
    "Cần có giải pháp cụ thể hơn cho tiêu thụ chè của hợp tác xã.",
    "Nhất trí với dự thảo, đề nghị giữ nguyên các chỉ tiêu.",
    "Nên thêm nội dung về bồi dưỡng đảng viên trẻ.",
]
ESSAYS = [
    "Qua học tập chuyên đề, bản thân tôi nhận thức rõ hơn trách nhiệm nêu gương, công khai minh bạch trong công việc "
    "được giao ở thôn; tôi đăng ký không nhận quà biếu trong các dịp lễ, Tết và vận động gia đình cùng thực hiện.",
    "Tôi sẽ tham gia giám sát việc sử dụng kinh phí làm đường bê tông của xóm và phản ánh kịp thời với chi bộ.",
    "Bản thân tôi tiếp tục học tập, rèn luyện; kiên quyết đấu tranh với biểu hiện nhũng nhiễu, gây phiền hà cho dân.",
]


def _draft_opinions(province: UnitPage, rng: random.Random) -> None:
    from cms.publishing.models import ResolutionPage

    from .models import Poll, PollResponse
    from .polls import parse_questions

    page = ResolutionPage.objects.live().child_of(province).order_by("-first_published_at").first()
    if page is None:
        return
    poll = Poll.objects.create(
        page=page, title="Lấy ý kiến đảng viên vào dự thảo Báo cáo chính trị Đại hội Đảng bộ tỉnh", anonymous=True,
        closes_at=timezone.now() + timedelta(days=10),
        questions=parse_questions(
            "đồng ý: Đồng chí có nhất trí với các mục tiêu, chỉ tiêu của dự thảo không?\n"
            "chọn: Nội dung nào cần bổ sung nhất? | Chuyển đổi số | Phát triển cây chè | Xây dựng Đảng | "
            "Văn hóa, xã hội\n"
            "ý kiến: Ý kiến khác của đồng chí"))
    rows = []
    for member in eligible_members(Member.objects.all()).order_by("pk"):
        if rng.random() > 0.45:
            continue
        comment = rng.choice(COMMENTS) if rng.random() < 0.3 else ""
        rows.append(PollResponse(poll=poll, member=member, unit_id=member.unit_id, answered_at=timezone.now(),
                                 answers=["agree" if rng.random() < 0.85 else "disagree",
                                          rng.choice(poll.questions[1]["options"]), comment]))
    PollResponse.objects.bulk_create(rows)


def _essays(rng: random.Random) -> None:
    from cms.org.models import LEADER_ROLES
    from cms.publishing.models import StudyMaterialPage

    from .models import Essay, EssayMark

    for page in StudyMaterialPage.objects.live().filter(tier="all").order_by("pk")[:2]:
        owner = page.get_parent().specific
        for member in eligible_members(Member.objects.filter(unit__path__startswith=owner.path)).order_by("pk"):
            if rng.random() > 0.5:
                continue
            essay = Essay.objects.create(member=member, page=page, text=rng.choice(ESSAYS))
            leader = Member.objects.filter(unit_id=member.unit_id, role__in=LEADER_ROLES).exclude(pk=member.pk).first()
            if leader is not None and rng.random() < 0.6:
                Essay.objects.filter(pk=essay.pk).update(
                    mark=rng.choice(EssayMark.values[:3]), comment="Bài viết có liên hệ thực tế ở cơ sở.",
                    marked_by=leader, marked_at=timezone.now())


def add_demo_learning(sender=None, root: Path | None = None, units: dict | None = None, **kwargs) -> int:
    """Returns how many questions were added (0 when the demo already has them)."""
    root = Path(root or Path(settings.BASE_DIR) / "content" / "demo")
    province = UnitPage.objects.filter(level=Level.PROVINCE).order_by("path").first()
    if province is None or Round.objects.filter(title=OPEN_QUIZ).exists():
        return 0
    rng = random.Random(16)
    questions = resolution_questions(province, rng) + handwritten_questions(root, province)
    Question.objects.bulk_create(questions)
    now = timezone.now()
    Round.objects.create(unit=province, kind=RoundKind.QUIZ, title=OPEN_QUIZ, opens_at=now - timedelta(days=1),
                         closes_at=now + timedelta(days=14), question_count=10, time_limit_s=900,
                         attempts_allowed=3,
                         description="Mười câu hỏi rút ngẫu nhiên từ ngân hàng câu hỏi; làm tối đa ba lượt.")
    _closed_contest(province, rng)
    _draft_opinions(province, rng)
    _essays(rng)
    with (root / "learning" / "hoi-dap.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            QAEntry.objects.create(unit=province, topic=row["topic"], question=row["question"],
                                   answer=row["answer"])
    return len(questions)
