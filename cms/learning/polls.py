"""Góp ý dự thảo: a board asks a few structured questions about a draft document it has published (agree or
disagree, one choice, free text), optionally anonymously; members answer from the article; the board sees the
answers per unit and every comment, and exports them.

A poll is seen by exactly the readers of its article's layer. An anonymous poll still keeps who answered
(one answer per member, the newest replaces the older) but no result, table or export ever names them.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.api.selectors import oversight_unit, readable_page
from cms.api.services import Conflict, ServiceError
from cms.org.models import Member, UnitPage
from cms.org.selectors import may_still_read

from .models import Poll, PollResponse

AGREE = {"agree": "Đồng ý", "disagree": "Không đồng ý"}


def parse_questions(text: str) -> list[dict]:
    """The admin's notation, one question a line: `đồng ý: …`, `chọn: câu hỏi | A | B`, `ý kiến: …`."""
    questions = []
    for number, line in enumerate((line.strip() for line in text.splitlines()), start=1):
        if not line:
            continue
        kind, _sep, rest = line.partition(":")
        kind = kind.strip().lower()
        parts = [p.strip() for p in rest.split("|")]
        if kind in ("đồng ý", "dong y") and parts[0]:
            questions.append({"kind": "agree", "text": parts[0]})
        elif kind in ("chọn", "chon") and parts[0] and len([p for p in parts[1:] if p]) >= 2:
            questions.append({"kind": "choice", "text": parts[0], "options": [p for p in parts[1:] if p]})
        elif kind in ("ý kiến", "y kien") and parts[0]:
            questions.append({"kind": "text", "text": parts[0]})
        else:
            raise ServiceError(_("Dòng %(n)s: ghi “đồng ý: câu hỏi”, “chọn: câu hỏi | phương án | phương án” "
                                 "hoặc “ý kiến: câu hỏi”.") % {"n": number})
    if not questions:
        raise ServiceError(_("Cần ít nhất một câu hỏi."))
    return questions


def visible_polls(member: Member | None, page_id: int) -> QuerySet[Poll]:
    if not may_still_read(member) or readable_page(member, page_id) is None:
        return Poll.objects.none()
    return Poll.objects.filter(page_id=page_id)


def visible_poll(member: Member | None, pk: int) -> Poll | None:
    poll = Poll.objects.filter(pk=pk).first() if pk < 2**31 else None
    return poll if poll is not None and visible_polls(member, poll.page_id).filter(pk=pk).exists() else None


def answer_poll(*, member: Member, poll: Poll, answers: list) -> PollResponse:
    """Check every answer against its question; the member's newest answers replace the older ones."""
    if not poll.is_open():
        raise Conflict(_("Đợt lấy ý kiến đã kết thúc."))
    if len(answers) != len(poll.questions):
        raise ServiceError(_("Cần trả lời đủ %(n)s câu (có thể để trống câu ý kiến).") % {"n": len(poll.questions)})
    clean = []
    for number, (question, given) in enumerate(zip(poll.questions, answers, strict=True), start=1):
        value = "" if given is None else str(given).strip()
        if question["kind"] == "agree" and value not in AGREE:
            raise ServiceError(_("Câu %(n)s: chọn Đồng ý hoặc Không đồng ý.") % {"n": number})
        if question["kind"] == "choice" and value not in question["options"]:
            raise ServiceError(_("Câu %(n)s: chọn một trong các phương án.") % {"n": number})
        if question["kind"] == "text" and len(value) > 4000:
            raise ServiceError(_("Câu %(n)s: ý kiến quá dài (tối đa 4.000 ký tự).") % {"n": number})
        clean.append(value)
    response, _created = PollResponse.objects.update_or_create(
        poll=poll, member=member, defaults={"answers": clean, "unit": member.unit, "answered_at": timezone.now()})
    return response


def results_unit(user, poll: Poll) -> UnitPage | None:
    """Where a committee's or the owning board's view of a poll starts, or None."""
    owner = poll.page.get_parent().specific
    from .selectors import board_units

    if board_units(user).filter(pk=owner.pk).exists():
        return owner
    top = oversight_unit(user)
    if top is None:
        return None
    if top.path.startswith(owner.path):
        return top
    if owner.path.startswith(top.path):
        return owner
    return None


def results(poll: Poll, top: UnitPage) -> dict:
    """Counts per question for every unit of `top`'s subtree (summed up the tree) and every comment."""
    units = list(UnitPage.objects.filter(path__startswith=top.path).order_by("path").values("pk", "path", "depth",
                                                                                            "code", "title"))
    by_pk = {u["pk"]: u for u in units}
    counts = {u["pk"]: [Counter() for _q in poll.questions] for u in units}
    answered = Counter()
    comments = []
    rows = PollResponse.objects.filter(poll=poll, unit__path__startswith=top.path).select_related("member")
    for row in rows.order_by("answered_at"):
        unit = by_pk[row.unit_id]
        ancestors = [p for p in by_pk.values() if unit["path"].startswith(p["path"])]
        for a in ancestors:
            answered[a["pk"]] += 1
        for i, (question, value) in enumerate(zip(poll.questions, row.answers, strict=False)):
            if question["kind"] == "text":
                if value:
                    comments.append({"question": i, "unit": unit["title"], "text": value,
                                     "member": "" if poll.anonymous else row.member.full_name})
                continue
            for a in ancestors:
                counts[a["pk"]][i][value] += 1
    table = [{"code": u["code"], "name": u["title"], "depth": u["depth"] - top.depth, "answered": answered[u["pk"]],
              "questions": [dict(c) for c in counts[u["pk"]]]} for u in units]
    return {"poll": {"id": poll.pk, "title": poll.title, "anonymous": poll.anonymous, "questions": poll.questions},
            "unit": {"code": top.code, "name": top.title}, "units": table, "comments": comments}


def _table(data: dict) -> list[list]:
    questions = data["poll"]["questions"]
    header = ["Mã đơn vị", "Đơn vị", "Số người trả lời"]
    columns = []
    for i, q in enumerate(questions):
        if q["kind"] == "agree":
            columns += [(i, k, f"Câu {i + 1}: {label}") for k, label in AGREE.items()]
        elif q["kind"] == "choice":
            columns += [(i, o, f"Câu {i + 1}: {o}") for o in q["options"]]
    rows = [header + [c[2] for c in columns]]
    for u in data["units"]:
        rows.append([u["code"], "  " * u["depth"] + u["name"], u["answered"],
                     *(u["questions"][i].get(k, 0) for i, k, _label in columns)])
    rows.append([])
    rows.append(["Ý kiến", "Đơn vị", "Người gửi", "Nội dung"])
    for c in data["comments"]:
        rows.append([f"Câu {c['question'] + 1}", c["unit"], c["member"] or "(ẩn danh)", c["text"]])
    return rows


def results_csv(data: dict) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(_table(data))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def results_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Ý kiến dự thảo"
    for row in _table(data):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
