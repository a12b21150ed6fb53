"""The adoption part of `sotay bench api`: a province's history of use, the report's latency, and what recording
days of use costs `/api/me`.

- `seed_history`: for the bench province, about 88 % of members signed in at least once, each with their own
  habit of use over the last 60 days, two thirds of those installed; every 17th member without a smartphone
  and every 23rd exempt from meetings (so the report's base is not everybody).
- `measure_report`: the province administrator asks for the whole province (`/api/reports/adoption`), one
  request after another, p95 of the latency, with the snapshot the worker keeps for large subtrees.
- `main` (`sotay bench adoption`): only the report: counted live in one process, then through gunicorn.
- `measure_overhead`: the same saturated `/api/me` load against two gunicorn servers on the same database, one
  recording activity and one not (`SOTAY_RECORD_ACTIVITY=0`), in alternating rounds; the overhead is the loss
  of throughput in per cent.
"""

from __future__ import annotations

import random
import secrets
import time
from datetime import timedelta

HISTORY_DAYS = 60


def seed_history(members, seed_value: int = 0) -> dict:
    """Adoption rows and days of use for `members` (org.Member instances with pk and user_id)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from cms.adoption.models import MemberActivity, MemberAdoption

    rng = random.Random(f"{seed_value}-adoption")
    today = timezone.localdate()
    now = timezone.now()
    adoptions, days = [], []
    for member in members:
        if member.pk % 17 == 0 or rng.random() > 0.88:
            continue
        first = rng.randrange(1, HISTORY_DAYS)
        habit = rng.choice((0.02, 0.05, 0.1, 0.2))
        seen = {first} | {d for d in range(first) if rng.random() < habit}
        signed = now - timedelta(days=first, minutes=rng.randrange(600))
        adoptions.append(MemberAdoption(member_id=member.pk, first_sign_in_at=signed,
                                        installed_at=signed if rng.random() < 0.66 else None))
        days += [MemberActivity(member_id=member.pk, day=today - timedelta(days=d)) for d in seen]
    with transaction.atomic():
        MemberAdoption.objects.bulk_create(adoptions, batch_size=10000)
        MemberActivity.objects.bulk_create(days, batch_size=10000)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE org_member SET no_smartphone = true WHERE id % 17 = 0")
            cursor.execute("UPDATE org_member SET exempt_from = %s, exempt_reason = 'Tuổi cao' WHERE id %% 23 = 0",
                           [today - timedelta(days=200)])
            cursor.execute("ANALYZE")
    return {"signed_in": len(adoptions), "activity_days": len(days)}


def administrator_token() -> str:
    """A token for the province's system administrator (a superuser without a party record)."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    user = get_user_model().objects.create_superuser("bench.admin", password=secrets.token_urlsafe(12))
    return Token.objects.create(user=user).key


def measure_report(port: int, token: str, requests: int) -> dict:
    """Through gunicorn, with the snapshot the worker keeps (counted here first, as the worker's minute would)."""
    from bench.api import p95, run_clients
    from cms.adoption.services import refresh_snapshot

    started = time.perf_counter()
    refresh_snapshot(force=True)
    snapshot_ms = round((time.perf_counter() - started) * 1000, 1)
    # Warm every gunicorn worker (its first request loads Django, DRF and Wagtail): concurrent clients.
    run_clients(port, [token] * 4, lambda i, t: [("GET", "/api/reports/adoption", None)] * 2)
    latencies, statuses, _seconds = run_clients(
        port, [token], lambda i, t: [("GET", "/api/reports/adoption", None)] * requests
    )
    return {"adoption_report_p95_ms": p95(latencies), "adoption_snapshot_ms": snapshot_ms,
            "adoption_report_median_ms": round(sorted(latencies)[len(latencies) // 2], 1),
            "adoption_report_statuses": dict(statuses)}


def measure_overhead(port_on: int, port_off: int, tokens: list[str], requests: int, rounds: int) -> dict:
    """Saturated `/api/me` throughput with recording on and off, alternating, `rounds` each."""
    from bench.api import run_clients

    def me(index, token):
        return [("GET", "/api/me", None)] * requests

    totals = {"on": [0, 0.0], "off": [0, 0.0]}
    for port in (port_on, port_off):  # warm both: the first request of the day writes, later ones only look
        run_clients(port, tokens, lambda i, t: [("GET", "/api/me", None)] * 3)
    for _round in range(rounds):
        for name, port in (("off", port_off), ("on", port_on)):
            _latencies, statuses, seconds = run_clients(port, tokens, me)
            totals[name][0] += statuses.get(200, 0)
            totals[name][1] += seconds
    on = totals["on"][0] / totals["on"][1]
    off = totals["off"][0] / totals["off"][1]
    return {"me_recording_on_per_s": round(on, 1), "me_recording_off_per_s": round(off, 1),
            "activity_overhead_pct": round((off - on) / off * 100, 2)}



def main(argv: list[str]) -> int:
    """`sotay bench adoption [--json] [--scale full|small|tiny]`: only the adoption report, on the API bench's
    province and history of use: in one process stage by stage, and through gunicorn one request after another."""
    import argparse
    import json
    import os
    import shutil
    import sys
    import tempfile
    from pathlib import Path

    from bench.api import SCALES, Postgres, free_port, seed, start_server

    parser = argparse.ArgumentParser(prog="sotay bench adoption", description="Đo báo cáo mức độ sử dụng.")
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--requests", type=int, default=20, help="số lượt hỏi báo cáo")
    parser.add_argument("--workers", type=int, default=2, help="số tiến trình gunicorn")
    args = parser.parse_args(argv)
    scale = dict(SCALES[args.scale], articles=min(SCALES[args.scale]["articles"], 300))
    workdir = Path(tempfile.mkdtemp(prefix="sotay-bench-adoption-"))
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
        call_command("migrate", verbosity=0)
        seeded = seed(scale, 1)
        result: dict = {"scale": {"units": seeded.units, "members": seeded.members, **seeded.history}}
        result.update(measure_in_process(args.requests))
        from django.db import connections

        connections.close_all()
        port = free_port()
        server = start_server(env, port, args.workers, workdir / "gunicorn.log")
        started = time.perf_counter()
        result.update(measure_report(port, seeded.admin_token, args.requests))
        result["http_s"] = round(time.perf_counter() - started, 1)
        result["load_avg"] = os.getloadavg()[0]
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


def measure_in_process(requests: int) -> dict:
    """The report counted live for the whole province in this process (no snapshot yet): the selector, then JSON
    rendering."""
    from django.contrib.auth import get_user_model
    from rest_framework.renderers import JSONRenderer

    from bench.api import p95
    from cms.adoption.selectors import adoption_report

    admin = get_user_model().objects.get(username="bench.admin")
    select, render, size = [], [], 0
    for _ in range(max(3, requests // 2)):
        started = time.perf_counter()
        report = adoption_report(admin)
        middle = time.perf_counter()
        size = len(JSONRenderer().render(report))
        select.append((middle - started) * 1000)
        render.append((time.perf_counter() - middle) * 1000)
    return {"report_live_select_p95_ms": p95(select), "report_render_p95_ms": p95(render), "report_kb": size // 1024}
