"""`sotay bench tasks [--json]`: a province plan to every unit, its roll-up, and "Việc của tôi" under load.

Seeds the benchmark province (bench.api's bulk inserts; 5,606 units at full scale) on a throwaway PostgreSQL,
then measures:
- `plan_fanout_s`: `issue_plan` by the province's secretary to every unit below it (one `bulk_create`);
- `plan_rollup_p95_ms`: `GET /api/plans/<id>/rollup` for the whole province through gunicorn, after every unit
  but one in twelve has reported (the rest are late), so every number is a sum over the whole tree;
- `plan_export_ms`: the same roll-up as XLSX laid out like the form (every unit, one row each);
- `my_tasks_p95_ms`: `GET /api/tasks/mine` by 50 members at once, each with tasks of their cell, pausing about
  a second between requests as a member reading the list would (as `sotay bench api` does); and
  `my_tasks_saturated_p95_ms` with no pause at all (50 requests always in flight on 3 gunicorn workers).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.api import SCALES, Postgres, free_port, p95, run_clients, seed, start_server

FORM = [
    {"label": "Số hộ gia đình được vận động", "kind": "number"},
    {"label": "Số đảng viên tham gia", "kind": "number"},
    {"label": "Kinh phí huy động (triệu đồng)", "kind": "number"},
    {"label": "Mức độ hoàn thành", "kind": "choice", "choices": ["Hoàn thành tốt", "Hoàn thành", "Chưa hoàn thành"]},
    {"label": "Khó khăn, kiến nghị", "kind": "text"},
    {"label": "Biên bản", "kind": "file"},
]


def province_secretary():
    from rest_framework.authtoken.models import Token

    from cms.org.models import UnitPage
    from cms.org.services import create_member

    province = UnitPage.objects.get(depth=UnitPage.objects.order_by("depth").values_list("depth", flat=True)[0],
                                    level="province")
    member = create_member(username="bench.bt.tinh", full_name="Bí thư Tỉnh ủy", unit=province, role="secretary",
                           password=secrets.token_urlsafe(12))
    return member, Token.objects.create(user=member.user).key


def report_all(plan, now) -> int:
    """Every unit but one in twelve reports (random numbers); the rest are already late."""
    from cms.tasks.models import PlanTarget

    rng = random.Random(7)
    choices = FORM[3]["choices"]
    targets = list(PlanTarget.objects.filter(plan=plan).order_by("pk"))
    for i, t in enumerate(targets):
        if i % 12 == 11:
            t.due_at = now - timedelta(days=1)
            continue
        t.status, t.submitted_at = "submitted", now
        t.values = {"f1": rng.randint(0, 60), "f2": rng.randint(0, 30), "f3": round(rng.uniform(0, 20), 1),
                    "f4": rng.choice(choices), "f5": ""}
    PlanTarget.objects.bulk_update(targets, ["status", "submitted_at", "values", "due_at"], batch_size=2000)
    return sum(1 for t in targets if t.status == "submitted")


def give_tasks(tokens: list[str], per_cell: int, now) -> int:
    """`per_cell` whole-cell tasks (one done by half the members) in the cell of every measured member."""
    from rest_framework.authtoken.models import Token

    from cms.org.models import Member
    from cms.tasks.models import Assignment, Task

    users = Token.objects.filter(key__in=tokens).values_list("user_id", flat=True)
    cells = set(Member.objects.filter(user_id__in=users).values_list("unit_id", flat=True))
    tasks = Task.objects.bulk_create([
        Task(unit_id=cell, title=f"Việc số {k + 1} của chi bộ", whole_unit=True, due_at=now + timedelta(days=k - 2))
        for cell in sorted(cells) for k in range(per_cell)])
    members: dict[int, list[int]] = {}
    for pk, unit in Member.objects.filter(unit_id__in=cells).values_list("pk", "unit_id"):
        members.setdefault(unit, []).append(pk)
    rows = [Assignment(task=t, member_id=m, percent=(100 if i % 2 and t.title.endswith("1 của chi bộ") else 30),
                       done_at=now if i % 2 and t.title.endswith("1 của chi bộ") else None)
            for t in tasks for i, m in enumerate(members[t.unit_id])]
    Assignment.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def download(port: int, path: str, token: str) -> tuple[int, float, int]:
    """One GET as a browser downloading a file asks it (Accept: */*): status, milliseconds, size."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": f"Token {token}", "Accept": "*/*"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, round((time.perf_counter() - started) * 1000, 1), len(body)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sotay bench tasks", description="Đo hiệu năng giao việc, kế hoạch.")
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--clients", type=int, default=50, help="số đảng viên mở Việc của tôi cùng lúc")
    parser.add_argument("--requests", type=int, default=20, help="số lần mở của mỗi đảng viên")
    parser.add_argument("--think-ms", type=float, default=1000,
                        help="thời gian đọc trung bình giữa hai lần mở của một đảng viên (0: liên tục)")
    parser.add_argument("--tasks-per-cell", type=int, default=8)
    parser.add_argument("--rollups", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3, help="số tiến trình gunicorn")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    scale = dict(SCALES[args.scale], articles=10)
    workdir = Path(tempfile.mkdtemp(prefix="sotay-bench-tasks-"))
    os.chmod(workdir, 0o755)
    database = Postgres(workdir)
    server = None
    try:
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="cms.settings.production",
                   SOTAY_DATABASE_URL=database.start(), SOTAY_SECRET_KEY=secrets.token_urlsafe(40),
                   SOTAY_ALLOWED_HOSTS="127.0.0.1", SOTAY_VAR_DIR=str(workdir / "var"))
        os.environ.update(env)
        import django
        from django.core.management import call_command

        django.setup()
        from django.db import connections
        from django.utils import timezone

        from cms.tasks.models import PlanTarget
        from cms.tasks.plans import issue_plan

        call_command("migrate", verbosity=0)
        seeded = seed(scale, args.clients)
        now = timezone.now()
        secretary, secretary_token = province_secretary()
        started = time.perf_counter()
        plan = issue_plan(by=secretary, title="Kế hoạch ra quân toàn tỉnh", code="72-KH/TU",
                          due_at=now + timedelta(days=10), form=FORM)
        fanout_s = time.perf_counter() - started
        reached = PlanTarget.objects.filter(plan=plan).count()
        reported = report_all(plan, now)
        assignments = give_tasks(seeded.tokens, args.tasks_per_cell, now)
        connections.close_all()
        port = free_port()
        server = start_server(env, port, args.workers, workdir / "gunicorn.log")
        # First requests load the URLconf, DRF and Wagtail in every gunicorn worker: not what is measured.
        run_clients(port, seeded.tokens + [secretary_token], lambda i, t: [("GET", "/api/tasks/mine", None)] * 2)
        rollup = run_clients(port, [secretary_token],
                             lambda i, t: [("GET", f"/api/plans/{plan.pk}/rollup", None)] * args.rollups)
        export = [download(port, f"/api/plans/{plan.pk}/rollup?format=xlsx", secretary_token) for _ in range(3)]
        mine = run_clients(port, seeded.tokens, lambda i, t: [("GET", "/api/tasks/mine", None)] * args.requests,
                           args.think_ms)
        # The same load on /api/me (five queries, measured by `sotay bench api`) in the same run: a yardstick
        # for how much of the latency is the machine's load rather than the list.
        me = run_clients(port, seeded.tokens, lambda i, t: [("GET", "/api/me", None)] * args.requests, args.think_ms)
        saturated = run_clients(port, seeded.tokens,
                                lambda i, t: [("GET", "/api/tasks/mine", None)] * args.requests)
        result = {
            "scale": {"units": seeded.units, "members": seeded.members, "plan_targets": reached,
                      "reported": reported, "assignments": assignments, "clients": len(seeded.tokens),
                      "gunicorn_workers": args.workers, "seed_s": seeded.seconds},
            "plan_fanout_s": round(fanout_s, 2),
            "plan_rollup_p95_ms": p95(rollup[0]),
            "plan_rollup_statuses": dict(rollup[1]),
            "plan_export_ms": p95([ms for _status, ms, _size in export]),
            "plan_export_statuses": sorted({status for status, _ms, _size in export}),
            "plan_export_bytes": export[-1][2],
            "my_tasks_p95_ms": p95(mine[0]),
            "my_tasks_median_ms": round(sorted(mine[0])[len(mine[0]) // 2], 1),
            "my_tasks_statuses": dict(mine[1]),
            "my_tasks_saturated_p95_ms": p95(saturated[0]),
            "my_tasks_saturated_per_s": round(sum(saturated[1].values()) / saturated[2], 1),
            "me_reference_p95_ms": p95(me[0]),
            "me_reference_median_ms": round(sorted(me[0])[len(me[0]) // 2], 1),
            "think_ms": args.think_ms,
        }
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        database.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        for key, value in result.items():
            sys.stdout.write(f"{key}: {value}\n")
    return 0
