"""Mức độ sử dụng: counts per unit rolled up the tree, ranked, on the eligible base; exports; who may see it."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cms.adoption.models import MemberActivity, MemberAdoption
from cms.org.models import Member
from tests.factories import PASSWORD, publish

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC).isoformat()


def used(tree, username: str, *days_ago: int, installed: bool = False) -> None:
    member = tree[username]
    today = timezone.localdate()
    first = max(days_ago)
    MemberAdoption.objects.update_or_create(member=member, defaults={
        "first_sign_in_at": timezone.now() - timedelta(days=first),
        "installed_at": timezone.now() if installed else None,
    })
    MemberActivity.objects.bulk_create([MemberActivity(member=member, day=today - timedelta(days=d))
                                        for d in days_ago], ignore_conflicts=True)


@pytest.fixture
def history(tree, as_member):
    """Đại Từ: x1 well used (3 of 4 active), x2's one member lapsed, hs itself half active; a study material."""
    study = publish(tree["tn"], "Chuyên đề học tập và làm theo tư tưởng Hồ Chí Minh", kind="study")
    for username in ("dv.x1", "cuv.x1"):
        done = [{"client_id": str(uuid.uuid4()), "page": study.pk, "event": "completed", "client_time": NOW}]
        assert as_member(username).post("/api/receipts", {"events": done}, format="json").status_code == 200
    MemberActivity.objects.all().delete()
    MemberAdoption.objects.all().delete()  # the logins above are not part of the story
    used(tree, "dv.x1", 3, 40, installed=True)
    used(tree, "cuv.x1", 1)
    used(tree, "bt.x1", 10, 12, installed=True)
    used(tree, "dv.x2", 45)  # signed in, not in the last 30 days
    used(tree, "cuv.hs", 5)
    used(tree, "dv.y1", 2)
    today = timezone.localdate()
    Member.objects.filter(pk=tree["dv2.x1"].pk).update(exempt_from=today - timedelta(days=10))
    Member.objects.filter(pk=tree["dv.hs"].pk).update(no_smartphone=True)
    return study


def rows(report) -> dict[str, dict]:
    return {r["code"]: r for r in report["units"]}


def test_a_district_committee_sees_its_units_rolled_up_and_ranked(tree, history, as_member):
    client = as_member("cuv.dt")
    MemberActivity.objects.filter(member=tree["cuv.dt"]).delete()  # this test's own sign-in
    MemberAdoption.objects.filter(member=tree["cuv.dt"]).delete()
    report = client.get("/api/reports/adoption").json()
    assert set(rows(report)) == {"dt", "hs", "x1", "x2"}
    x1, x2, hs, dt = (rows(report)[c] for c in ("x1", "x2", "hs", "dt"))
    assert (x1["members"], x1["eligible"], x1["exempt"], x1["no_smartphone"]) == (4, 3, 1, 0)
    assert (x1["signed_in"], x1["active"], x1["installed"], x1["study_completed"]) == (3, 3, 2, 2)
    assert (x2["members"], x2["signed_in"], x2["active"]) == (1, 1, 0)
    assert (hs["members"], hs["eligible"], hs["no_smartphone"], hs["active"]) == (7, 5, 1, 4)
    assert (dt["members"], dt["eligible"], dt["active"], dt["installed"]) == (10, 8, 4, 2)
    assert dt["active_rate"] == 0.5 and x1["active_rate"] == 1.0
    assert report["ranking"] == ["hs"]
    assert [r["code"] for r in sorted((x1, x2), key=lambda r: r["rank"])] == ["x1", "x2"]
    assert report["base"] == {"eligible": 8, "exempt": 1, "no_smartphone": 1}
    assert "không kể 1 miễn sinh hoạt và 1 không có điện thoại thông minh" in report["base_sentence"]
    below = client.get("/api/reports/adoption?unit=hs").json()
    assert below["unit"]["code"] == "hs" and below["ranking"] == ["x1", "x2"]


def test_who_may_see_adoption(tree, history, as_member, django_user_model, api):
    assert as_member("dv.x1").get("/api/reports/adoption").status_code == 403  # a plain member
    assert as_member("bbt.dt").get("/api/reports/adoption").status_code == 403  # an editor off the committee
    assert as_member("cuv.dt").get("/api/reports/adoption?unit=pl").status_code == 403  # another district
    assert as_member("bt.x1").get("/api/reports/adoption?unit=hs").status_code == 403  # above their cell
    assert as_member("bt.x1").get("/api/reports/adoption").json()["unit"]["code"] == "x1"
    assert as_member("cuv.tn").get("/api/reports/adoption?unit=x1").status_code == 200  # an ancestor
    assert api.get("/api/reports/adoption").status_code in (401, 403)
    admin = django_user_model.objects.create_superuser("quantri", password=PASSWORD)
    api.force_login(admin)
    province = api.get("/api/reports/adoption").json()
    assert province["unit"]["code"] == "tn" and set(province["ranking"]) == {"dt", "pl"}


def test_exports_as_csv_and_xlsx(tree, history, as_member):
    client = as_member("cuv.dt")
    response = client.get("/api/reports/adoption?format=csv&unit=hs")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "muc-do-su-dung-hs-" in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[1][:6] == ["Mã đơn vị", "Tên đơn vị", "Cấp", "Hạng", "Đảng viên", "Đang sinh hoạt (cơ sở tính)"]
    x1 = next(r for r in table if r[0] == "x1")
    assert x1[4:12] == ["4", "3", "1", "0", "3", "3", "2", "2"]
    assert table[-1][0].startswith("Cơ sở tính: 5 đảng viên đang sinh hoạt")
    book = load_workbook(io.BytesIO(client.get("/api/reports/adoption?format=xlsx").content))
    sheet = book["Mức độ sử dụng"]
    assert [c.value for c in sheet[3]][:2] == ["dt", "Đảng bộ huyện Đại Từ"]
    assert as_member("dv.x1").get("/api/reports/adoption?format=csv").status_code == 403


def test_the_admin_page_ranks_draws_and_offers_downloads(tree, history, client):
    assert client.login(username="cuv.dt", password=PASSWORD)
    menu = client.get("/admin/").content.decode()
    assert '"name": "sotay-adoption"' in menu
    page = client.get("/admin/muc-do-su-dung/?unit=hs").content.decode()
    assert "Mức độ sử dụng" in page and "Chi bộ xóm Đồng Tâm" in page
    assert page.index('data-unit="x1"') < page.index('data-unit="x2"')
    assert "/api/reports/adoption?format=csv&amp;unit=hs" in page
    assert "Cơ sở tính: 5 đảng viên đang sinh hoạt, không kể 1 miễn sinh hoạt" in page
    start = page.index('<svg class="sotay-chart"')
    svg = page[start:page.index("</svg>", start)]
    assert svg.count("<rect") >= 3 * 3 and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")
    client.logout()
    assert client.login(username="dv.x1", password=PASSWORD)
    assert client.get("/admin/muc-do-su-dung/").status_code in (302, 403)


def test_the_report_costs_the_same_few_queries_whatever_the_tree(tree, history):
    """Not a query per unit: the province (8 units) costs what a cell costs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cms.adoption.selectors import adoption_rows

    counts = []
    for code in ("tn", "x1"):
        with CaptureQueriesContext(connection) as queries:
            adoption_rows(tree[code])
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1] <= 8  # PostgreSQL adds SET LOCAL jit = off


def test_the_schema_documents_the_endpoint(tree, api):
    paths = api.get("/api/schema/?format=json").json()["paths"]
    assert "/api/reports/adoption" in paths
    assert "Mức độ sử dụng" in paths["/api/reports/adoption"]["get"]["summary"]


def test_a_large_province_reads_the_workers_snapshot_and_says_when_it_was_counted(tree, history, as_member,
                                                                                   monkeypatch, settings):
    """Above LIVE_LIMIT members the report reads the snapshot the worker keeps (every 5 minutes) instead of
    counting every member on each request; the figures are the same, and the answer says when they were counted.
    Below the limit, or once the snapshot is stale, it counts live."""
    from cms.adoption import selectors, services
    from cms.adoption.models import UsageSnapshot
    from cms.publishing.events import worker_tick

    client = as_member("cuv.dt")
    MemberActivity.objects.filter(member=tree["cuv.dt"]).delete()
    MemberAdoption.objects.filter(member=tree["cuv.dt"]).delete()
    live = client.get("/api/reports/adoption").json()
    assert live["live"] is True
    worker_tick.send_robust(sender=None)  # a small installation: the worker does not count
    assert not UsageSnapshot.objects.exists()

    monkeypatch.setattr(selectors, "LIVE_LIMIT", 3)
    worker_tick.send_robust(sender=None)
    snapshot = UsageSnapshot.objects.get()
    from_snapshot = client.get("/api/reports/adoption").json()
    assert from_snapshot["live"] is False
    assert from_snapshot["units"] == live["units"] and from_snapshot["base"] == live["base"]
    assert from_snapshot["as_of"] == timezone.localtime(snapshot.computed_at).isoformat(timespec="minutes")

    used(tree, "dv.x2", 0)  # a new day of use: seen at the next count, not before
    assert rows(client.get("/api/reports/adoption").json())["dt"]["active"] == rows(live)["dt"]["active"]
    worker_tick.send_robust(sender=None)  # the snapshot is younger than five minutes: not counted again
    assert UsageSnapshot.objects.get().computed_at == snapshot.computed_at
    assert services.refresh_snapshot(now=snapshot.computed_at + timedelta(minutes=6))
    assert rows(client.get("/api/reports/adoption").json())["dt"]["active"] == rows(live)["dt"]["active"] + 1

    UsageSnapshot.objects.update(computed_at=timezone.now() - timedelta(hours=1))  # a worker that stopped
    stale = client.get("/api/reports/adoption").json()
    assert stale["live"] is True and rows(stale)["dt"]["active"] == rows(live)["dt"]["active"] + 1


def test_the_admin_page_says_when_the_figures_were_counted(tree, history, client, monkeypatch):
    from cms.adoption import selectors
    from cms.adoption.services import refresh_snapshot

    monkeypatch.setattr(selectors, "LIVE_LIMIT", 3)
    assert refresh_snapshot(force=True)
    client.login(username="cuv.dt", password=PASSWORD)
    html = client.get("/admin/muc-do-su-dung/").content.decode()
    assert "Số liệu tính sẵn lúc" in html


def test_the_screen_lists_two_levels_and_a_file_every_unit_with_the_same_totals(tree, history, as_member):
    """A province's answer on screen is its districts and their bases, not every cell; the totals still count
    everybody below, and the CSV export (or depth=all) lists every unit."""
    client = as_member("cuv.tn")
    two = client.get("/api/reports/adoption").json()
    assert two["depth"] == 2 and {r["depth"] for r in two["units"]} == {0, 1, 2}
    every = client.get("/api/reports/adoption?depth=all").json()
    assert every["depth"] is None and max(r["depth"] for r in every["units"]) == 3
    assert two["total"] == every["total"] and two["total"]["members"] == every["total"]["members"] > 0
    assert set(rows(two)) < set(rows(every))
    one = client.get("/api/reports/adoption?depth=1").json()
    assert {r["code"] for r in one["units"]} == {"tn", *one["ranking"]}
    csv_rows = list(csv.reader(io.StringIO(client.get("/api/reports/adoption?format=csv").content.decode("utf-8-sig"))))
    assert set(rows(every)) <= {r[0] for r in csv_rows if r}
    wrong = client.get("/api/reports/adoption?depth=muoi")
    assert wrong.status_code == 400 and "Số cấp phải từ 1 đến 9" in str(wrong.json())
