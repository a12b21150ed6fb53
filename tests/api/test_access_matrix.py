"""The access matrix: every role at every level tries every layer, page and feedback thread of every unit.

The expected answer is stated here again from the rule in DESIGN.md, independently of the code under test:
a member reads layer (U, t) iff U is their unit or above it, and t is `all` or they sit on a committee.
Roles and what they may do besides reading (issue 13): chi ủy viên see their unit's reports and answer its
feedback; phó bí thư and bí thư also manage members and issue reset codes; the province administrator sees
every report and feedback and manages every member; every member reads their own record and changes their
own password.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from cms.api import search_index
from cms.api.models import Feedback
from cms.org.models import ResetCode
from cms.publishing.events import offline_items
from cms.publishing.export import export_layer
from layerformat.model import TIERS
from tests.factories import MEMBERS, PASSWORD, UNITS, publish

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC).isoformat()
COMMITTEE = {"committee", "deputy", "secretary"}
LEADERS = {"deputy", "secretary"}


def chain(code: str) -> list[str]:
    parents = {c: p for c, p, _level, _name in UNITS}
    result = [code]
    while parents[result[0]]:
        result.insert(0, parents[result[0]])
    return result


# The phó bí thư comes from the `deputy` fixture, outside the shared tree (see tests/conftest.py).
EVERYONE = [*MEMBERS, ("pbt.x2", "x2", "deputy", False)]


def may_read(username: str, unit: str, tier: str) -> bool:
    _name, home, role, _editor = next(m for m in EVERYONE if m[0] == username)
    return unit in chain(home) and (tier == "all" or role in COMMITTEE)


@pytest.fixture
def world(tree, deputy, search_dir):
    """One page in every layer (each with the shared word "bimat"), indexed; one feedback from every member."""
    pages = {}
    for code, *_rest in UNITS:
        for tier in TIERS:
            pages[(code, tier)] = publish(tree[code], f"Bài {code} {tier}", tier=tier,
                                          body=f"<p>Tài liệu bimat của {code} dành cho {tier}.</p>")
    for code, *_rest in UNITS:
        for layer in tree[code].layers():
            search_index.update_layer(layer, export_layer(layer))
    feedback = {
        username: Feedback.objects.create(kind="report", member=tree[username], unit=tree[username].unit,
                                          body=f"Kiến nghị của {username}")
        for username, *_rest in EVERYONE
    }
    return pages, feedback


def layer_path(tree, code: str, tier: str, rest: str = "index.html") -> str:
    return f"/u/{tree[code].code_path}/{tier}/{rest}"


@pytest.mark.parametrize("username", [m[0] for m in EVERYONE])
def test_no_leak_for_any_role_at_any_level(tree, world, as_member, username):
    pages, feedback = world
    client = as_member(username)
    readable = {key for key in pages if may_read(username, *key)}
    assert readable, "every member reads at least the province layer"

    for (code, tier), page in pages.items():
        allowed = (code, tier) in readable
        # Pages, search index, audio, manifest; an article's resized images and attached files; the archive.
        for rest in ("index.html", f"a/{page.pk}/", "search/pagefind-entry.json", "audio/x.opus", "manifest.json",
                     f"a/{page.pk}/img/0a1b2c-360.jpg", f"a/{page.pk}/files/nghi-quyet.pdf", "luu-tru/2026/"):
            status = client.get("/api/access", {"path": layer_path(tree, code, tier, rest)}).status_code
            assert status == (200 if allowed else 403), (username, code, tier, rest)
        receipt = {"client_id": str(uuid.uuid4()), "page": page.pk, "event": "opened", "client_time": NOW}
        status = client.post("/api/receipts", {"events": [receipt]}, format="json").status_code
        assert status == (200 if allowed else 403), (username, code, tier, "receipt")
        status = client.post("/api/saved", {"page": page.pk}, format="json").status_code
        assert status == (201 if allowed else 400), (username, code, tier, "saved")
        report = client.get(f"/api/reports/pages/{page.pk}")
        role = tree[username].role
        home = tree[username].unit.code
        # Committees report on pages published for them (above) and on pages published in their subtree.
        reportable = role in COMMITTEE and (code in chain(home) or home in chain(code))
        assert report.status_code == (200 if reportable else 403), (username, code, tier)
        if report.status_code == 200:
            top = home if code in chain(home) else code
            covered = {c for c, *_r in UNITS if top in chain(c)}
            assert {row["code"] for row in report.json()["units"]} == covered
            assert {m["username"] for m in report.json()["unread"]} <= {m[0] for m in EVERYONE if m[1] in covered}

    # "Tải về máy" offers what other apps provide (a digest, ...) only where the member may read it.
    def offer_every_layer(sender, member, **kwargs):
        return [{"key": f"{code}-{tier}", "label": f"Bản tin {code}", "bytes": 1000,
                 "urls": [layer_path(tree, code, tier, "feed.json")]} for code, tier in pages]

    offline_items.connect(offer_every_layer)
    try:
        offered = client.get("/api/offline-items")
    finally:
        offline_items.disconnect(offer_every_layer)
    assert offered.status_code == 200
    assert {item["key"] for item in offered.json()["items"]} == {f"{code}-{tier}" for code, tier in readable}

    found = client.get("/api/search", {"q": "bimat", "limit": 50}).json()["results"]
    assert {tuple(r["title"].split()[1:]) for r in found} == readable
    assert {r["url"].split("/a/")[0] for r in found} == {f"/u/{tree[c].code_path}/{t}" for c, t in readable}
    unread = {r["id"] for r in client.get("/api/unread", {"limit": 500}).json()["results"]}
    assert unread <= {pages[key].pk for key in readable}
    saved = {item["page"] for item in client.get("/api/saved").json()}
    assert saved == {pages[key].pk for key in readable}

    member = tree[username]
    expected = {
        f.pk for owner, f in feedback.items()
        if owner == username or (member.role in COMMITTEE and f.unit_id == member.unit_id)
    }
    assert {f["id"] for f in client.get("/api/feedback").json()} == expected
    for f in feedback.values():
        assert client.get(f"/api/feedback/{f.pk}").status_code == (200 if f.pk in expected else 404)
        # Only the sender marks a thread seen; a committee that sees it may not, others do not learn it exists.
        seen = client.post(f"/api/feedback/{f.pk}/seen").status_code
        assert seen == (200 if f.member_id == member.pk else 403 if f.pk in expected else 404), (username, f.pk)


def test_a_committee_member_sees_the_reports_of_their_own_unit_not_anothers(tree, as_member):
    own = publish(tree["x1"], "Tài liệu sinh hoạt chi bộ Đồng Tâm", kind="meeting")
    other = publish(tree["y1"], "Tài liệu sinh hoạt chi bộ Làng Lớn", kind="meeting")
    client = as_member("cuv.x1")  # chi ủy viên, not the secretary
    assert client.get(f"/api/reports/pages/{own.pk}").status_code == 200
    assert client.get(f"/api/reports/pages/{other.pk}").status_code == 403
    assert client.get(f"/api/reports/pages/{own.pk}?unit=y1").status_code == 403
    assert as_member("dv.x1").get(f"/api/reports/pages/{own.pk}").status_code == 403


@pytest.mark.parametrize("username", [m[0] for m in MEMBERS])
def test_only_a_units_leader_prints_its_activation_sheet(tree, username):
    """The sheet hands out codes that open accounts: bí thư (and phó bí thư) of the unit print it for their own
    unit and nobody else does, whatever unit they name. The activation page and the guide are open to all."""
    from django.test import Client

    from cms.org.models import ResetCode

    client = Client()
    assert client.login(username=username, password=PASSWORD)
    _name, home, role, _editor = next(m for m in MEMBERS if m[0] == username)
    for code, *_rest in UNITS:
        response = client.post("/admin/members/activation-sheet/", {"unit": code})
        printed = response.get("Content-Type") == "application/pdf"
        assert printed == (role == "secretary" and code == home), (username, code)
    issued = set(ResetCode.objects.filter(used_at__isnull=True).values_list("member__unit__code", flat=True))
    assert issued <= ({home} if role == "secretary" else set())
    for path in ("/kich-hoat/", "/huong-dan/"):
        assert Client().get(path).status_code == 200


@pytest.mark.parametrize("username", [m[0] for m in MEMBERS])
def test_adoption_report_for_every_role_at_every_level(tree, as_member, username):
    """Mức độ sử dụng: committees see their unit and every unit below it, nobody else sees anything."""
    client = as_member(username)
    _name, home, role, _editor = next(m for m in MEMBERS if m[0] == username)
    own = client.get("/api/reports/adoption", {"depth": "all"})
    assert own.status_code == (200 if role in COMMITTEE else 403), username
    if own.status_code == 200:
        assert {row["code"] for row in own.json()["units"]} == {c for c, *_r in UNITS if home in chain(c)}
    for code, *_rest in UNITS:
        allowed = role in COMMITTEE and home in chain(code)
        answer = client.get("/api/reports/adoption", {"unit": code, "format": "csv"})
        assert answer.status_code == (200 if allowed else 403), (username, code)


@pytest.mark.parametrize("username", [m[0] for m in MEMBERS])
def test_meetings_follow_the_layer_rule_for_every_role_at_every_level(tree, as_member, username):
    """A meeting of unit U for tier t is seen, answered and put in the calendar exactly like layer (U, t);
    only the leaders of U (and its committee for a committee meeting) see the attendance list and mark it."""
    from datetime import timedelta

    from django.utils import timezone

    from cms.meetings.models import Meeting

    soon = timezone.now() + timedelta(hours=1)
    meetings = {
        (code, tier): Meeting.objects.create(unit=tree[code], title=f"Họp {code} {tier}", starts_at=soon, tier=tier,
                                             kind="committee" if tier == "committee" else "regular")
        for code, *_rest in UNITS for tier in TIERS
    }
    client = as_member(username)
    member = tree[username]
    readable = {key for key in meetings if may_read(username, *key)}
    assert {(m["unit"]["code"], m["tier"]) for m in client.get("/api/meetings").json()} == readable
    for (code, tier), meeting in meetings.items():
        allowed = (code, tier) in readable
        assert client.get(f"/api/meetings/{meeting.pk}").status_code == (200 if allowed else 404)
        answer = {"client_id": str(uuid.uuid4()), "answer": "attend", "client_time": NOW}
        status = client.post(f"/api/meetings/{meeting.pk}/response", answer, format="json").status_code
        assert status == (200 if allowed else 404), (username, code, tier)
        manages = member.unit.code == code and (
            member.role == "secretary" or (member.role == "committee" and tier == "committee"))
        status = client.get(f"/api/meetings/{meeting.pk}/attendance").status_code
        assert status == (200 if manages else 403 if allowed else 404), (username, code, tier)
        mark = {"client_id": str(uuid.uuid4()), "member": member.pk, "mark": "present", "client_time": NOW}
        status = client.post(f"/api/meetings/{meeting.pk}/attendance", {"marks": [mark]}, format="json").status_code
        assert status == (200 if manages else 403 if allowed else 404), (username, code, tier, "mark")
    feed = client.post("/api/calendar/token").json()["url"].split("testserver", 1)[1]
    from icalendar import Calendar

    summaries = {str(e["SUMMARY"]) for e in Calendar.from_ical(client.get(feed).content).walk("VEVENT")}
    assert summaries == {f"Họp {code} {tier}" for code, tier in readable}
    for tier in TIERS:  # the material picker of the schedule form: for those who schedule, readable by all called
        may_schedule = member.is_leader or (member.role == "committee" and tier == "committee")
        choices = client.get("/api/meetings/materials", {"tier": tier})
        assert choices.status_code == (200 if may_schedule else 403), (username, tier)
        if may_schedule:
            from cms.api.selectors import page_layers

            layers = page_layers([c["id"] for c in choices.json()])
            assert len(layers) == len(choices.json())
            assert all(list(layer.unit_path) == member.unit.code_path.split("/")[: len(layer.unit_path)]
                       and layer.tier in ("all", tier) for layer in layers.values())
    rollup = client.get("/api/meetings/rollup")
    assert rollup.status_code == (200 if member.role in COMMITTEE else 403)
    if rollup.status_code == 200:
        assert {r["code"] for r in rollup.json()["units"]} == {c for c, *_r in UNITS if member.unit.code in chain(c)}


@pytest.mark.parametrize("username", [m[0] for m in MEMBERS])
def test_notices_and_digests_follow_the_layer_rule_for_every_role_at_every_level(tree, as_member, username,
                                                                                settings):
    """A notice of unit U for tier t reaches exactly the readers of layer (U, t); a cell's digest exactly the
    readers of the cell's `all` layer; committees see who has seen the notices of their unit's subtree and
    of the units above it; only committees send."""
    from pathlib import Path

    from cms.notices.models import Digest, Notice

    notices = {(code, tier): Notice.objects.create(unit=tree[code], tier=tier, title=f"Khẩn {code} {tier}",
                                                   body="Nội dung khẩn.")
               for code, *_rest in UNITS for tier in TIERS}
    folder = Path(settings.SOTAY_VAR_DIR) / "digests" / "pdf"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "matrix.pdf").write_bytes(b"%PDF-1.7 matrix")
    digests = {code: Digest.objects.create(unit=tree[code], period="2026-W48", pdf="matrix.pdf")
               for code, _parent, level, _name in UNITS if level == "cell"}
    client = as_member(username)
    member = tree[username]
    readable = {key for key in notices if may_read(username, *key)}
    assert {tuple(n["title"].split()[1:]) for n in client.get("/api/notices").json()} == readable
    for (code, tier), notice in notices.items():
        allowed = (code, tier) in readable
        assert client.get(f"/api/notices/{notice.pk}").status_code == (200 if allowed else 404), (code, tier)
        assert client.post(f"/api/notices/{notice.pk}/seen").status_code == (200 if allowed else 404), (code, tier)
        home = member.unit.code
        oversees = member.role in COMMITTEE and (code in chain(home) or home in chain(code))
        status = client.get(f"/api/notices/{notice.pk}/rollup", {"format": "csv"}).status_code
        assert status == (200 if oversees else 403), (username, code, tier, "rollup")
    sent = client.post("/api/notices", {"title": "Khẩn", "body": "Nội dung."}, format="json").status_code
    assert sent == (201 if member.role in COMMITTEE else 403)
    for code, digest in digests.items():
        allowed = may_read(username, code, "all")
        for path in (f"/api/digests/{digest.pk}", f"/api/digests/{digest.pk}/pdf", f"/ban-tin/{digest.pk}/"):
            assert client.get(path).status_code == (200 if allowed else 404), (username, code, path)
    assert [d["unit"]["code"] for d in client.get("/api/digests").json()] == (
        [member.unit.code] if member.unit.code in digests else [])


# --- what each role may do besides reading: own record, password, reports, feedback, members, reset codes ---

ROLES = {"dv.x1": "member", "cuv.x1": "committee", "pbt.x2": "deputy", "bt.x1": "secretary", "qt.tinh": "admin"}


@pytest.fixture
def province_admin(tree):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("qt.tinh", "", PASSWORD)


def client_for(username: str):
    from rest_framework.test import APIClient

    client = APIClient()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.mark.parametrize("username", list(ROLES))
def test_every_role_on_the_record_password_reports_feedback_members_and_codes(tree, deputy, province_admin,
                                                                            username):
    role = ROLES[username]
    is_member = role != "admin"
    oversees = role in COMMITTEE or role == "admin"
    manages = role in LEADERS or role == "admin"
    client = client_for(username)
    cell = tree[username].unit.code if is_member else "x1"
    plain = {"x1": "dv2.x1", "x2": "dv.x2"}[cell]  # another, plain member of the same cell
    cell_page = publish(tree[cell], "Tài liệu sinh hoạt chi bộ tháng 12", kind="meeting")
    other_page = publish(tree["y1"], "Tài liệu của chi bộ khác", kind="meeting")
    own_feedback = Feedback.objects.create(kind="report", member=tree[plain], unit=tree[cell], body="Kiến nghị")
    other_feedback = Feedback.objects.create(kind="report", member=tree["dv.y1"], unit=tree["y1"], body="Khác")

    # What "Tải về máy" may offer besides the layers: members only, like the layers themselves.
    assert client.get("/api/offline-items").status_code == (200 if is_member else 403)

    # The member's own record and password: members only (the administrator has no party record).
    record = client.get("/api/me/profile")
    assert record.status_code == (200 if is_member else 403)
    if is_member:
        assert (record.json()["username"], record.json()["role"]) == (username, role)
    wrong = {"old_password": "khong-dung", "new_password1": "Sotay-moi-2027", "new_password2": "Sotay-moi-2027"}
    assert client.post("/api/me/password", wrong, format="json").status_code == (400 if is_member else 403)
    assert client.get("/ho-so/").status_code == (200 if is_member else 302)

    # Read rates: committees of the cell (and the administrator), in the API and in the admin.
    assert client.get(f"/api/reports/pages/{cell_page.pk}").status_code == (200 if oversees else 403)
    assert client.get(f"/api/reports/pages/{other_page.pk}").status_code == (200 if role == "admin" else 403)
    assert client.get("/admin/ty-le-doc/").status_code == (200 if oversees else 302)
    assert client.get(f"/admin/ty-le-doc/{cell_page.pk}/").status_code == (200 if oversees else 302)

    # Feedback to the cell: its committee answers it; a plain member does not see another's.
    answered = client.post(f"/api/feedback/{own_feedback.pk}/replies", {"body": "Chi ủy đã nhận."}, format="json")
    assert answered.status_code == (201 if role in COMMITTEE else 403 if role == "admin" else 404)
    assert client.get(f"/api/feedback/{other_feedback.pk}").status_code == (403 if role == "admin" else 404)
    assert client.get("/admin/gop-y/").status_code == (200 if oversees else 302)
    thread = client.get(f"/admin/gop-y/{own_feedback.pk}/")
    # The province's inbox holds what is addressed or escalated to it, not every cell's threads.
    assert thread.status_code == (200 if role in COMMITTEE else 404 if role == "admin" else 302)

    # Members and reset codes: leaders of the cell and the administrator.
    listing = client.get("/admin/members/", follow=True).content.decode()
    assert (f"Đảng viên {plain}" in listing) == manages
    assert ("Đảng viên dv.y1" in listing) == (role == "admin")
    edit = client.get(f"/admin/members/edit/{tree[plain].pk}/", follow=True).content.decode()
    assert ('name="card_number"' in edit) == manages
    code = client.post(f"/admin/members/{tree[plain].pk}/reset-code/")
    assert code.status_code == (200 if manages else 302)  # the admin turns a refusal into a redirect
    assert ResetCode.objects.filter(member=tree[plain]).exists() == manages
    ResetCode.objects.all().delete()
    issued = client.post("/api/reset-codes", {"username": plain}, format="json").status_code
    assert issued == (201 if role in LEADERS else 403)
    assert client.post("/api/reset-codes", {"username": "dv.y1"}, format="json").status_code == (
        404 if role in LEADERS else 403)


@pytest.mark.parametrize("username", [m[0] for m in MEMBERS])
def test_tasks_and_plans_follow_the_layer_rule_for_every_role_at_every_level(tree, as_member, username):
    """Giao việc: a task of unit U is seen by the members it was given to and by U's committee, who manage it; a
    plan issued by U is read like layer (U, committee), its report is filled by the leaders of each unit reached,
    and its roll-up covers the reader's own subtree; work calendar entries are read like layer (U, tier)."""
    from datetime import timedelta

    from django.utils import timezone

    from cms.org.models import COMMITTEE_ROLES
    from cms.tasks import plans, services
    from cms.tasks.models import Task, WorkEntry

    due = timezone.now() + timedelta(days=3)
    tasks = {}
    for code, *_rest in UNITS:
        secretary = next((tree[m[0]] for m in MEMBERS if m[1] == code and m[2] == "secretary"), None)
        if secretary is not None:
            tasks[code] = services.assign_task(by=secretary, title=f"Việc {code}", due_at=due, whole_unit=True)
        for tier in TIERS:
            WorkEntry.objects.create(unit=tree[code], title=f"Công tác {code} {tier}", starts_at=due, tier=tier)
    issued = {code: plans.issue_plan(by=tree[f"bt.{code}"], title=f"Kế hoạch {code}", due_at=due,
                                     form=[{"label": "Số hộ", "kind": "number"}]) for code in ("dt",)}
    client = as_member(username)
    member = tree[username]
    home, role = member.unit.code, member.role

    mine = {i["id"] for i in client.get("/api/tasks/mine").json() if i["kind"] == "task"}
    assert mine == {t.pk for code, t in tasks.items() if code == home}
    for code, task in tasks.items():
        manages = code == home and role in COMMITTEE_ROLES
        status = client.get(f"/api/tasks/{task.pk}").status_code
        assert status == (200 if code == home else 404), (username, code)
        if status == 200:
            assert (client.get(f"/api/tasks/{task.pk}").json()["progress"] is not None) == manages
        answer = client.post(f"/api/tasks/{task.pk}/reports", {"client_id": str(uuid.uuid4()), "percent": 10,
                                                              "client_time": NOW}, format="json").status_code
        assert answer == (201 if code == home else 404), (username, code, "report")
    assert client.get("/api/tasks/late").status_code == (200 if role in COMMITTEE_ROLES else 403)
    assert Task.objects.count() == len(tasks)

    for code, plan in issued.items():
        reads = role in COMMITTEE_ROLES and code in chain(home)
        fills = role == "secretary" and code in chain(home) and home != code
        status = client.get(f"/api/plans/{plan.pk}").status_code
        assert status == (200 if reads or fills else 404), (username, code)
        rollup = client.get(f"/api/plans/{plan.pk}/rollup")
        assert rollup.status_code == (200 if reads else 403 if fills else 404), (username, code, "rollup")
        if rollup.status_code == 200:
            assert {r["code"] for r in rollup.json()["units"]} <= {c for c, *_r in UNITS if home in chain(c)}
        sent = client.post(f"/api/plans/{plan.pk}/report", {"client_id": str(uuid.uuid4()), "values": {"f1": "3"}},
                           format="json").status_code
        assert sent == (200 if fills else 403 if reads else 404), (username, code, "report")

    work = {e["title"] for e in client.get("/api/my-calendar", {"days": 10}).json() if e["kind"] == "work"}
    assert work == {f"Công tác {c} {t}" for c, *_r in UNITS for t in TIERS if may_read(username, c, t)}


@pytest.mark.parametrize("username", [m[0] for m in MEMBERS])
def test_learning_follows_the_layer_rule_for_every_role_at_every_level(tree, as_member, username):
    """A round of unit U for tier t is listed, opened and taken exactly like layer (U, t), and so are its Q&A
    entries; a round's table by unit is for committees, over the part of the tree they and the round share."""
    from datetime import timedelta

    from django.utils import timezone

    from cms.learning.models import QAEntry, Question, Round

    now = timezone.now()
    rounds, entries = {}, {}
    for code, *_rest in UNITS:
        Question.objects.create(unit=tree[code], text=f"Câu hỏi {code}", choices=[
            {"text": "Đúng", "correct": True}, {"text": "Sai", "correct": False}])
        entries[code] = QAEntry.objects.create(unit=tree[code], topic="Điều lệ", question=f"Hỏi {code}",
                                               answer="Đáp")
        for tier in TIERS:
            rounds[(code, tier)] = Round.objects.create(
                unit=tree[code], tier=tier, title=f"Thi {code} {tier}", opens_at=now - timedelta(hours=1),
                closes_at=now + timedelta(hours=1), question_count=1)
    client = as_member(username)
    others = [as_member(other) for other in ("dv.y1", "dv.x1") if other != username]
    member = tree[username]
    readable = {key for key in rounds if may_read(username, *key)}
    listed = {(r["unit"]["code"], r["tier"]) for r in client.get("/api/learning/rounds").json()}
    assert listed == readable
    for (code, tier), round_ in rounds.items():
        allowed = (code, tier) in readable
        assert client.get(f"/api/learning/rounds/{round_.pk}").status_code == (200 if allowed else 404)
        started = client.post(f"/api/learning/rounds/{round_.pk}/attempt")
        assert started.status_code == (200 if allowed else 404), (username, code, tier)
        if allowed:
            attempt = started.json()["id"]
            for other in others:  # an attempt is its member's alone
                assert other.get(f"/api/learning/attempts/{attempt}").status_code == 404
        home = member.unit.code
        shares = code in chain(home) or home in chain(code)
        rollup = client.get(f"/api/learning/rounds/{round_.pk}/rollup", {"format": "csv"})
        assert rollup.status_code == (200 if member.role in COMMITTEE and shares else 403), (username, code, tier)
    qa = {e["question"] for e in client.get("/api/learning/qa").json()}
    assert qa == {f"Hỏi {code}" for code in entries if may_read(username, code, "all")}

    # Polls on drafts and essays on study materials: the article's layer decides; results are for the board
    # and the committees whose subtree meets the draft's unit.
    from cms.learning.models import Poll

    for code, *_rest in UNITS:
        for tier in TIERS:
            page = publish(tree[code], f"Dự thảo {code} {tier}", kind="study", tier=tier)
            poll = Poll.objects.create(page=page, title=f"Ý kiến {code} {tier}", closes_at=now + timedelta(days=1),
                                       questions=[{"kind": "agree", "text": "Đồng ý?"}])
            allowed = may_read(username, code, tier)
            listed = client.get("/api/learning/polls", {"page": page.pk}).json()
            assert [p["id"] for p in listed] == ([poll.pk] if allowed else []), (username, code, tier)
            answered = client.post(f"/api/learning/polls/{poll.pk}/answer", {"answers": ["agree"]}, format="json")
            assert answered.status_code == (200 if allowed else 404), (username, code, tier, "poll")
            essay = client.post("/api/learning/essays", {"page": page.pk, "text": "Bài thu hoạch."},
                                format="multipart")
            assert essay.status_code == (201 if allowed else 400), (username, code, tier, "essay")
            home = member.unit.code
            editor = next(m[3] for m in MEMBERS if m[0] == username)  # the Ban Biên tập of the draft's unit or above
            sees = (member.role in COMMITTEE and (code in chain(home) or home in chain(code))) or (
                editor and home in chain(code))
            results = client.get(f"/api/learning/polls/{poll.pk}/results").status_code
            assert results == (200 if sees else 403), (username, code, tier, "poll results")


@pytest.mark.parametrize("username", [m[0] for m in MEMBERS])
def test_the_notices_version_changes_only_for_the_readers_of_the_notice_for_every_role_at_every_level(
        tree, as_member, username, django_capture_on_commit_callbacks):
    """`/api/notices/version`, answered from the shared cache with a watch token, changes for a member when and
    only when a notice of a layer they may read is sent; without a token or session it answers nothing."""
    from rest_framework.test import APIClient

    from cms.notices.models import Notice
    from cms.notices.watch import WATCH_HEADER

    client = as_member(username)
    first = client.get("/api/notices/version").json()
    version, token = first["version"], first["watch"]
    for code, *_rest in UNITS:
        for tier in TIERS:
            with django_capture_on_commit_callbacks(execute=True):
                Notice.objects.create(unit=tree[code], tier=tier, title=f"Khẩn {code} {tier}", body="Nội dung.")
            answer = client.get("/api/notices/version", headers={WATCH_HEADER: token, "If-None-Match": f'"{version}"'})
            changed = answer.status_code == 200
            assert changed == may_read(username, code, tier), (username, code, tier)
            if changed:
                version = answer.json()["version"]
    assert APIClient().get("/api/notices/version").status_code in (401, 403)
    assert APIClient().get("/api/notices/version", headers={WATCH_HEADER: token}).status_code == 200  # its scope only
