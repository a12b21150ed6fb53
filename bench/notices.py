"""`sotay bench notices [--json]`: every cell's weekly digest, and an urgent notice reaching members' homes.

Seeds the benchmark province (bench.api's bulk inserts, on its own PostgreSQL), puts a week's worth of news
into last week — as many articles per week as the generated province publishes on average, at every level —
then measures:
- `digests_all_cells_s`: `make_digests` for every cell (items, PDF in worker processes, audio through the
  speech pipeline and its cache), from an empty audio cache; `digests_rerun_s`: the same again (everything
  cached: the weekly job restarted);
- `notice_visible_s`: a province-wide notice sent through the API (gunicorn), until every one of `--members`
  members (50 at once, then 200: `notice_visible_s_200`) asking their home's `GET /api/notices?unseen=1` in
  parallel has it;
- `notice_visible_watch_s` and `version_*`, `full_check_*`: the same notice reaching homes that ask
  `/api/notices/version` every 3 s, and the cost of that question next to the full check (bench/notices_watch.py).
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
import threading
import time
from datetime import timedelta
from pathlib import Path

from bench import notices_watch as watching
from bench.api import SCALES, Postgres, free_port, run_clients, seed, start_server

# Articles per week in a province like Thái Nguyên (bench.generate: 20,000 articles over ~7 years, by level).
WEEKLY = {"province": 11, "district": 19, "base": 14, "cell": 11}


def news_last_week(period) -> int:
    """Move a week's worth of articles at every level into the period (`first_published_at`)."""
    from cms.org.models import UnitPage
    from cms.publishing.models import ArticlePage

    rng = random.Random(48)
    levels = dict(UnitPage.objects.values_list("path", "level"))
    chosen: dict[str, list[int]] = {level: [] for level in WEEKLY}
    for pk, path in ArticlePage.objects.filter(tier="all").values_list("pk", "path"):
        level = levels.get(path[:-4])
        if level in chosen:
            chosen[level].append(pk)
    moved = 0
    for level, count in WEEKLY.items():
        for pk in rng.sample(chosen[level], min(count, len(chosen[level]))):
            when = period.start + timedelta(seconds=rng.randrange(7 * 86400))
            ArticlePage.objects.filter(pk=pk).update(first_published_at=when, last_published_at=when)
            moved += 1
    return moved


def _poll(port: int, token: str, notice_id: int, started: float, deadline: float, out: list, lock) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.perf_counter() < deadline:
        conn.request("GET", "/api/notices?unseen=1", headers={"Authorization": f"Token {token}"})
        response = conn.getresponse()
        body = response.read()
        if response.status == 200 and any(n["id"] == notice_id for n in json.loads(body)):
            with lock:
                out.append(time.perf_counter() - started)
            break
        time.sleep(0.05)
    conn.close()


def notice_visible(port: int, sender_token: str, tokens: list[str]) -> dict:
    """Send through the API, then every member's home asks until it has it: seconds until the last one does."""
    seen: list[float] = []
    lock = threading.Lock()
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = json.dumps({"title": "Khẩn: phòng chống lũ", "body": "Đề nghị đảng viên giúp dân di dời tài sản."})
    conn.request("POST", "/api/notices", body=body, headers={"Authorization": f"Token {sender_token}",
                                                                "Content-Type": "application/json"})
    response = conn.getresponse()
    answer = json.loads(response.read())
    sent_s = time.perf_counter() - started
    if response.status != 201:
        raise RuntimeError(f"gửi thông báo thất bại: {response.status} {answer}")
    threads = [threading.Thread(target=_poll, args=(port, t, answer["id"], started, started + 60, seen, lock))
               for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"notice_visible_s": round(max(seen), 2) if len(seen) == len(tokens) else None,
            "send_s": round(sent_s, 3), "members_polled": len(tokens), "members_seen": len(seen),
            "median_visible_s": round(sorted(seen)[len(seen) // 2], 3) if seen else None}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sotay bench notices", description="Đo bản tin và thông báo khẩn.")
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--members", type=int, nargs="+", default=[50, 200],
                        help="số đảng viên cùng mở trang chủ (mỗi số một lần đo)")
    parser.add_argument("--skip-digests", action="store_true", help="chỉ đo thông báo khẩn")
    parser.add_argument("--workers", type=int, default=2, help="số tiến trình dựng PDF và âm thanh")
    parser.add_argument("--gunicorn", type=int, default=3, help="số tiến trình gunicorn")
    parser.add_argument("--no-speech", action="store_true")
    parser.add_argument("--skip-watch", action="store_true", help="không đo đường hỏi phiên bản thông báo")
    parser.add_argument("--watch-period", type=float, default=3.0, help="trang chủ hỏi phiên bản mỗi … giây")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    scale = dict(SCALES[args.scale], articles=args.articles)
    workdir = Path(tempfile.mkdtemp(prefix="sotay-bench-notices-"))
    os.chmod(workdir, 0o755)
    database = Postgres(workdir)
    server = None
    try:
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="cms.settings.production",
                   SOTAY_DATABASE_URL=database.start(), SOTAY_SECRET_KEY=secrets.token_urlsafe(40),
                   SOTAY_ALLOWED_HOSTS="127.0.0.1", SOTAY_VAR_DIR=str(workdir / "var"),
                   SOTAY_SPEECH="0" if args.no_speech else "1")
        os.environ.update(env)
        import django
        from django.core.management import call_command

        django.setup()
        from django.db import connections
        from rest_framework.authtoken.models import Token

        from cms.notices.digests import last_week, make_digests, parse_period
        from cms.org.models import Level, UnitPage
        from cms.org.services import create_member

        call_command("migrate", verbosity=0)
        seeded = seed(scale, max(args.members))
        period = parse_period(last_week())
        moved = news_last_week(period)
        cells = UnitPage.objects.filter(level=Level.CELL).count()
        connections.close_all()
        digests: dict = {}
        if not args.skip_digests:
            started = time.perf_counter()
            made = make_digests(period.name, workers=args.workers, speech=not args.no_speech)
            digests["digests_all_cells_s"] = round(time.perf_counter() - started, 1)
            digests["digests"] = made.__dict__
            started = time.perf_counter()
            again = make_digests(period.name, workers=args.workers, speech=not args.no_speech)
            digests["digests_rerun_s"] = round(time.perf_counter() - started, 1)
            digests["digests_rerun"] = again.__dict__

        province = UnitPage.objects.get(code="tn")
        sender = create_member(username="cuv.tinh.bench", full_name="Cấp ủy viên tỉnh", unit=province,
                               role="committee", password=secrets.token_urlsafe(12))
        sender_token = Token.objects.create(user=sender.user).key
        connections.close_all()
        port = free_port()
        server = start_server(env, port, args.gunicorn, workdir / "gunicorn.log")
        run_clients(port, seeded.tokens, lambda i, t: [("GET", "/api/notices", None)] * 2)  # warm the workers
        visible = {}
        for count in args.members:  # a new notice each time; the first count is the headline figure
            one = notice_visible(port, sender_token, seeded.tokens[:count])
            visible.update(one if not visible else {f"{k}_{count}": v for k, v in one.items()})
        if not args.skip_watch:  # the path an open home without push takes (bench/notices_watch.py)
            visible.update(watching.notice_visible_watch(port, sender_token, seeded.tokens[:max(args.members)],
                                                         args.watch_period))
            db_pid = watching.postmaster_pid(database)
            visible.update(watching.version_cost(port, seeded.tokens, server.pid, db_pid))
            visible.update(watching.version_cost(port, seeded.tokens, server.pid, db_pid, full=True))
        result = {
            "scale": {"units": seeded.units, "members": seeded.members, "cells": cells, "articles": seeded.articles,
                      "articles_in_week": moved, "period": period.name, "seed_s": seeded.seconds,
                      "workers": args.workers, "speech": not args.no_speech},
            **digests,
            **visible,
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
