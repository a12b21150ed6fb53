"""`sotay bench learning [--json]`: the last minute of a contest on the benchmark province, on PostgreSQL.

Seeds the generated province (bench.api's bulk inserts), a bank of 60 questions and an open contest round;
every member but the last `--submitters` has already submitted; those `--submitters` (5,000 by default) have an
attempt in progress and submit within the minute, through gunicorn, from `--concurrency` connections at once,
with one in ten of them sending their submission a second time at the same moment (a phone retrying). Measures:
- `submissions_per_s` and `submit_p95_ms` of `POST /api/learning/attempts/<id>/submit`;
- `lost_or_double`: submitters without exactly one submitted attempt, or whose stored score is not the score of
  the answers they sent (a retry scored twice, or an answer lost), plus any retry that counted;
- `ranking_s`: the round's ranking of every member (97,250 at full scale) once the round has closed;
- `cpu_ms_per_submit`: CPU time of gunicorn and of PostgreSQL (from /proc) per submit request, retries included,
  and of this process's clients: what a request costs whatever else the machine is running, unlike the rates.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from bench.api import SCALES, Postgres, free_port, p95, seed, start_server
from bench.cluster import cpu_seconds

QUESTIONS = 60
PER_ATTEMPT = 20


def seed_contest(now, submitters: int, rng: random.Random) -> dict:
    """The bank, the round, submitted attempts for everyone else, attempts in progress and tokens for the rest."""
    from rest_framework.authtoken.models import Token

    from cms.learning.models import Attempt, Question, Round
    from cms.org.models import Member, UnitPage
    from cms.org.selectors import active_members

    province = UnitPage.objects.order_by("depth", "path").first()
    Question.objects.bulk_create([Question(unit=province, text=f"Câu hỏi {i}", kind="single", choices=[
        {"text": f"Phương án {k}", "correct": k == i % 4} for k in range(4)]) for i in range(QUESTIONS)])
    bank = list(Question.objects.values_list("pk", flat=True))
    key = {q.pk: sorted(q.correct) for q in Question.objects.all()}
    contest = Round.objects.create(unit=province, kind="contest", title="Cuộc thi tìm hiểu Nghị quyết — vòng chung kết",
                                   opens_at=now - timedelta(hours=2), closes_at=now + timedelta(hours=1),
                                   question_count=PER_ATTEMPT, time_limit_s=7200, attempts_allowed=1)
    members = list(Member.objects.values_list("pk", "user_id"))
    rng.shuffle(members)
    readers = set(active_members().values_list("pk", flat=True))
    late = [m for m in members if m[0] in readers][:submitters]
    chosen = {pk for pk, _user in late}
    early = [m for m in members if m[0] not in chosen]
    done = []
    for pk, _user in early:
        started = now - timedelta(minutes=rng.randint(20, 110))
        done.append(Attempt(round=contest, member_id=pk, questions=rng.sample(bank, PER_ATTEMPT), started_at=started,
                            deadline=started + timedelta(seconds=1800), max_score=PER_ATTEMPT,
                            submitted_at=started + timedelta(seconds=rng.randint(200, 1790)),
                            score=rng.randint(4, PER_ATTEMPT)))
    Attempt.objects.bulk_create(done, batch_size=5000)
    going = [Attempt(round=contest, member_id=pk, questions=rng.sample(bank, PER_ATTEMPT),
                     # Time is left for the whole measurement, however slow the machine: a late submission
                     # is refused its answers by design, which is not what `lost_or_double` counts.
                     started_at=now - timedelta(minutes=25), deadline=now + timedelta(minutes=55),
                     max_score=PER_ATTEMPT) for pk, _user in late]
    Attempt.objects.bulk_create(going, batch_size=5000)
    Token.objects.bulk_create([Token(key=secrets.token_hex(20), user_id=user) for _pk, user in late],
                              batch_size=5000)
    tokens = dict(Token.objects.filter(user_id__in=[u for _p, u in late]).values_list("user_id", "key"))
    attempts = dict(Attempt.objects.filter(round=contest, submitted_at__isnull=True)
                    .values_list("member_id", "pk"))
    jobs, expected = [], {}
    for (pk, user), attempt in zip(late, going, strict=True):
        right = rng.randint(0, PER_ATTEMPT)
        answers = [{"question": q, "choices": key[q] if i < right else [(key[q][0] + 1) % 4]}
                   for i, q in enumerate(attempt.questions)]
        body = json.dumps({"answers": answers}).encode()
        jobs.append((tokens[user], attempts[pk], body))
        expected[attempts[pk]] = right
    return {"round": contest, "jobs": jobs, "expected": expected}


def submit_all(port: int, jobs: list, concurrency: int) -> tuple[list[float], Counter, float, Counter]:
    """Every job from a pool of `concurrency` connections; returns latencies, statuses, seconds, and how many
    answers said "counted" for each attempt."""
    work: queue.Queue = queue.Queue()
    for job in jobs:
        work.put(job)
    latencies: list[float] = []
    statuses: Counter = Counter()
    counted: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(concurrency + 1)

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        own, mine = [], Counter()
        barrier.wait()
        while True:
            try:
                token, attempt, body, _retry = work.get_nowait()
            except queue.Empty:
                break
            headers = {"Authorization": f"Token {token}", "Accept": "application/json",
                       "Content-Type": "application/json"}
            started = time.perf_counter()
            conn.request("POST", f"/api/learning/attempts/{attempt}/submit", body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            own.append((response.status, (time.perf_counter() - started) * 1000))
            if response.status == 200 and json.loads(data)["counted"]:
                mine[attempt] += 1
        conn.close()
        with lock:
            counted.update(mine)
            for status, ms in own:
                statuses[status] += 1
                latencies.append(ms)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.perf_counter() - started, counted


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sotay bench learning", description="Đo hiệu năng thi trực tuyến.")
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--submitters", type=int, default=5000, help="số đảng viên nộp bài trong phút cuối")
    parser.add_argument("--concurrency", type=int, default=64, help="số kết nối gửi cùng lúc")
    parser.add_argument("--workers", type=int, default=3, help="số tiến trình gunicorn")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    scale = dict(SCALES[args.scale], articles=10)
    workdir = Path(tempfile.mkdtemp(prefix="sotay-bench-learning-"))
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

        from cms.learning.models import Attempt, Round
        from cms.learning.selectors import ranking

        call_command("migrate", verbosity=0)
        seeded = seed(scale, 0)
        rng = random.Random(16)
        world = seed_contest(timezone.now(), min(args.submitters, seeded.members), rng)
        jobs = [(*job, False) for job in world["jobs"]]
        retries = [(*job, True) for job in rng.sample(world["jobs"], len(world["jobs"]) // 10)]
        # A retry goes right after its first send, from another connection: the two race for the row lock.
        for retry in retries:
            jobs.insert(jobs.index((*retry[:3], False)) + 1, retry)
        connections.close_all()
        port = free_port()
        server = start_server(env, port, args.workers, workdir / "gunicorn.log")
        # First requests load the URLconf, DRF and Wagtail in every gunicorn worker: not what is measured.
        submit_all(port, [(world["jobs"][0][0], 0, b"{}", False)] * (args.workers * 4), args.workers * 2)
        pids = {"gunicorn": [server.pid]}
        if database.cluster is not None:
            pids["postgres"] = [int((database.cluster / "data" / "postmaster.pid").read_text().split()[0])]
        load = os.getloadavg()
        cpu_before = {name: cpu_seconds(p) for name, p in pids.items()}
        client_before = time.process_time()
        latencies, statuses, seconds, counted = submit_all(port, jobs, args.concurrency)
        cpu = {name: cpu_seconds(p) - cpu_before[name] for name, p in pids.items()}
        cpu["clients"] = time.process_time() - client_before
        submitted = dict(Attempt.objects.filter(pk__in=list(world["expected"]), submitted_at__isnull=False)
                         .values_list("pk", "score"))
        wrong = sum(1 for pk, score in world["expected"].items() if submitted.get(pk) != score or counted[pk] != 1)
        extra = Attempt.objects.filter(round=world["round"], number__gt=1).count()
        Round.objects.filter(pk=world["round"].pk).update(closes_at=timezone.now())
        contest = Round.objects.get(pk=world["round"].pk)
        started = time.perf_counter()
        table = ranking(contest)
        ranking_s = time.perf_counter() - started
        result = {
            "scale": {"units": seeded.units, "members": seeded.members, "submitters": len(world["jobs"]),
                      "retries": len(retries), "concurrency": args.concurrency, "gunicorn_workers": args.workers,
                      "seed_s": seeded.seconds},
            "submissions_per_s": round(len(world["jobs"]) / seconds, 1),
            "submit_p95_ms": p95(latencies),
            "submit_statuses": dict(statuses),
            "lost_or_double": wrong + extra,
            "ranked": len(table),
            "ranking_s": round(ranking_s, 2),
            "cpu_ms_per_submit": {name: round(1000 * used / len(jobs), 2) for name, used in cpu.items()},
            "cores": os.cpu_count(),
            "load_before": [round(x, 2) for x in load],
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
