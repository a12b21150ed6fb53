"""`sotay bench meetings [--json]`: reminder fan-out, the province roll-up and attendance marks on PostgreSQL.

Seeds a generated province with bench.api's bulk inserts, gives every cell a meeting an hour ago and one
tomorrow, subscribes every member to a push endpoint running in its own process on 127.0.0.1, then measures:
- `notifications_per_s`: `send_due_reminders` for tomorrow's meetings (claims, RFC 8291 encryption, VAPID,
  HTTP to the endpoint), pushes accepted per second;
- `rollup_p95_ms`: `GET /api/meetings/rollup` for the whole province and this month, through gunicorn;
- `attendance_marks_per_s`: secretaries of different cells marking their cell at once, batches of 10 marks.
"""

from __future__ import annotations

import argparse
import base64
import json
import multiprocessing
import os
import secrets
import shutil
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.api import SCALES, Postgres, free_port, p95, run_clients, seed, start_server


def _push_endpoint(port: int, count) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):  # noqa: N802 - http.server's naming
            self.rfile.read(int(self.headers["Content-Length"]))
            with count.get_lock():
                count.value += 1
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def seed_meetings(now) -> dict:
    """A meeting an hour ago and one in 20 hours for every cell with members; one push subscription each."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from cms.meetings.models import Meeting, PushSubscription
    from cms.org.models import Member

    cells = sorted(set(Member.objects.values_list("unit_id", flat=True)))
    past = Meeting.objects.bulk_create([Meeting(unit_id=u, title="Sinh hoạt chi bộ", starts_at=now - timedelta(hours=1))
                                        for u in cells], batch_size=5000)
    Meeting.objects.bulk_create([Meeting(unit_id=u, title="Sinh hoạt chi bộ tháng tới",
                                         starts_at=now + timedelta(hours=20)) for u in cells], batch_size=5000)
    private = ec.generate_private_key(ec.SECP256R1())
    point = private.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    p256dh = base64.urlsafe_b64encode(point).rstrip(b"=").decode()
    auth = base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode()
    return {"past": {m.unit_id: m.pk for m in past}, "cells": cells, "keys": (p256dh, auth),
            "subscribe": lambda url: PushSubscription.objects.bulk_create(
                [PushSubscription(member_id=pk, endpoint=f"{url}/p/{pk}", p256dh=p256dh, auth=auth)
                 for pk in Member.objects.values_list("pk", flat=True)], batch_size=5000)}


def secretaries(past: dict, count: int) -> list[tuple[str, int, list[int]]]:
    """(token, meeting id, member ids) for the secretaries of `count` cells."""
    from rest_framework.authtoken.models import Token

    from cms.org.models import Member

    chosen = list(Member.objects.filter(role="secretary", unit_id__in=list(past)).order_by("unit_id")[:count])
    Token.objects.bulk_create([Token(key=secrets.token_hex(20), user_id=m.user_id) for m in chosen])
    tokens = dict(Token.objects.filter(user_id__in=[m.user_id for m in chosen]).values_list("user_id", "key"))
    roster = {}
    for pk, unit_id in Member.objects.filter(unit_id__in=[m.unit_id for m in chosen]).values_list("pk", "unit_id"):
        roster.setdefault(unit_id, []).append(pk)
    return [(tokens[m.user_id], past[m.unit_id], roster[m.unit_id]) for m in chosen]


def marks_work(jobs, rounds: int, size: int):
    marks = ("present", "present", "online", "excused", "absent")

    def work(index: int, token: str):
        _token, meeting, members = jobs[index]
        out = []
        for r in range(rounds):
            stamp = f"2026-01-01T00:00:{r:02d}+00:00"
            batch = [{"client_id": str(uuid.uuid4()), "member": m, "mark": marks[(i + r) % len(marks)],
                      "client_time": stamp} for i, m in enumerate(members)]
            for start in range(0, len(batch), size):
                out.append(("POST", f"/api/meetings/{meeting}/attendance",
                            json.dumps({"marks": batch[start:start + size]}).encode()))
        return out

    return work


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sotay bench meetings", description="Đo hiệu năng sinh hoạt chi bộ.")
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--secretaries", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="số lượt điểm danh cả chi bộ của mỗi bí thư")
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--rollups", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3, help="số tiến trình gunicorn")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    scale = dict(SCALES[args.scale], articles=10)
    workdir = Path(tempfile.mkdtemp(prefix="sotay-bench-meetings-"))
    os.chmod(workdir, 0o755)
    database = Postgres(workdir)
    server = endpoint = None
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

        from cms.meetings.push import send_due_reminders

        call_command("migrate", verbosity=0)
        seeded = seed(scale, 1)
        now = timezone.now()
        world = seed_meetings(now)
        push_port = free_port()
        count = multiprocessing.Value("i", 0)
        endpoint = multiprocessing.Process(target=_push_endpoint, args=(push_port, count), daemon=True)
        endpoint.start()
        time.sleep(0.5)
        world["subscribe"](f"http://127.0.0.1:{push_port}")
        started = time.perf_counter()
        sent = send_due_reminders()
        push_s = time.perf_counter() - started
        jobs = secretaries(world["past"], args.secretaries)
        admin_token = seeded.admin_token  # the province's administrator, made by the seeding
        connections.close_all()
        port = free_port()
        server = start_server(env, port, args.workers, workdir / "gunicorn.log")
        month = timezone.localtime(now - timedelta(hours=1)).strftime("%Y-%m")
        # First requests load the URLconf, DRF and Wagtail in every gunicorn worker: not what is measured.
        run_clients(port, [j[0] for j in jobs] + [admin_token], lambda i, t: [("GET", "/api/meetings", None)] * 3)
        marks = run_clients(port, [j[0] for j in jobs], marks_work(jobs, args.rounds, args.batch_size))
        marked = sum(len(j[2]) for j in jobs) * args.rounds
        rollup = run_clients(port, [admin_token], lambda i, t: [("GET", f"/api/meetings/rollup?month={month}", None)]
                             * args.rollups)
        result = {
            "scale": {"units": seeded.units, "members": seeded.members, "cells_with_meetings": len(world["cells"]),
                      "secretaries": len(jobs), "gunicorn_workers": args.workers, "seed_s": seeded.seconds},
            "notifications_per_s": round(sent.delivered / push_s, 1),
            "notifications": {"claimed": sent.claimed, "delivered": sent.delivered, "received": count.value,
                              "failed": sent.failed, "seconds": round(push_s, 1)},
            "rollup_p95_ms": p95(rollup[0]),
            "rollup_statuses": dict(rollup[1]),
            "attendance_marks_per_s": round(marked * (marks[1].get(200, 0) / max(1, sum(marks[1].values())))
                                            / marks[2], 1),
            "attendance_batch_p95_ms": p95(marks[0]),
            "attendance_statuses": dict(marks[1]),
        }
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        if endpoint is not None:
            endpoint.terminate()
        database.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        for key, value in result.items():
            sys.stdout.write(f"{key}: {value}\n")
    return 0
