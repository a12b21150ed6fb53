"""`sotay bench scale [--json]`: two web nodes behind nginx on one PostgreSQL, at 20,000 articles.

Seeds a generated province (bench/api.py's bulk seed, `--articles` articles indexed for search), gives each web
node its own directory with its own copy of the search index (what `sotay rebuild-search-index` makes on a new
node), starts two gunicorn nodes and nginx in front, then measures through nginx:

- `receipts_per_s`: receipt events stored per second, batches of `--batch-size`;
- `me_req_per_s`, `me_p95_ms`: `/api/me` with `--me-clients` members firing back to back;
- `search_p95_ms`, `search_per_s`: `/api/search` over 20,000 articles;
- the same `/api/me` load on one node alone (`me_req_per_s_1node`), and the CPU time every request costs in
  gunicorn, PostgreSQL and nginx (`cpu_ms_per_me`), from /proc: what the 2-node/1-node ratio on more cores is
  argued from (docs/scaling.md);
- `lost_receipts`, `duplicated_receipts`: members keep sending receipts (a failed batch is sent again with the
  same UUIDs, as the reader's outbox does) while one node is killed with SIGKILL; every batch a node answered
  200 for must be stored, once.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

from bench.api import SCALES, Postgres, free_port, p95, receipts_work, run_clients, seed, start_server
from bench.cluster import cpu_seconds, kill_tree, start_nginx


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sotay bench scale", description="Đo hai máy chủ web sau nginx.")
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--clients", type=int, default=40, help="số đảng viên gửi xác nhận đọc cùng lúc")
    parser.add_argument("--me-clients", type=int, default=16, help="số đảng viên gọi /api/me cùng lúc")
    parser.add_argument("--batches", type=int, default=6)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--requests", type=int, default=150, help="số lượt /api/me, /api/search mỗi đảng viên")
    parser.add_argument("--workers", type=int, default=2, help="tiến trình gunicorn mỗi máy chủ web")
    parser.add_argument("--kill-seconds", type=float, default=8.0)
    return parser.parse_args(argv)


def _phase(port: int, tokens: list[str], work, pids: dict[str, list[int]]) -> dict:
    before = {name: cpu_seconds(p) for name, p in pids.items()}
    latencies, statuses, seconds = run_clients(port, tokens, work)
    used = {name: cpu_seconds(p) - before[name] for name, p in pids.items()}
    count = sum(statuses.values())
    return {"latencies": latencies, "statuses": dict(statuses), "seconds": seconds, "count": count,
            "per_s": round(statuses.get(200, 0) / seconds, 1), "p95_ms": p95(latencies),
            "cpu_ms": {name: round(1000 * s / max(count, 1), 2) for name, s in used.items()}}


def _kill_run(url: str, seeded, node: subprocess.Popen, seconds: float) -> dict:
    """Receipts while `node` is killed; returns what the server acknowledged and what was stored."""
    import psycopg

    from bench.load import run_load

    common = sorted(set.intersection(*(set(r) for r in seeded.readable)))
    timer = threading.Timer(seconds / 3, lambda: kill_tree(node.pid))
    timer.start()
    load = run_load(url, seeded.tokens, common, seconds=seconds, words=lambda: [], batch=100, me_per_round=0,
                    think_s=0.0)
    timer.join()
    ids = sorted(load.acknowledged)
    with psycopg.connect(os.environ["SOTAY_DATABASE_URL"]) as db:
        stored = db.execute("SELECT count(*), count(DISTINCT client_id) FROM api_receipt"
                            " WHERE client_id = ANY(%s::uuid[])", [ids]).fetchone()
    return {"kill_acknowledged": len(ids), "lost_receipts": len(ids) - stored[1],
            "duplicated_receipts": stored[0] - stored[1], "kill_unsent": load.unsent,
            "kill_errors": load.errors}


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    scale = dict(SCALES[args.scale], articles=args.articles)
    workdir = Path(tempfile.mkdtemp(prefix="sotay-bench-scale-"))
    os.chmod(workdir, 0o755)
    database = Postgres(workdir)
    procs: list[subprocess.Popen] = []
    try:
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="cms.settings.production",
                   SOTAY_DATABASE_URL=database.start(), SOTAY_SECRET_KEY=secrets.token_urlsafe(40),
                   SOTAY_ALLOWED_HOSTS="127.0.0.1,localhost", SOTAY_VAR_DIR=str(workdir / "var"))
        os.environ.update(env)
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        seeded = seed(scale, args.clients)
        from django.db import connections

        connections.close_all()
        ports, nodes = [], []
        for name in ("web1", "web2"):
            var = workdir / name / "var"
            shutil.copytree(workdir / "var" / "search", var / "search")  # the node's own index
            port = free_port()
            node = start_server(dict(env, SOTAY_VAR_DIR=str(var)), port, args.workers, workdir / f"{name}.log")
            procs.append(node)
            nodes.append(node)
            ports.append(port)
        lb_port = free_port()
        nginx = start_nginx(workdir / "nginx", lb_port, [f"127.0.0.1:{p}" for p in ports])
        procs.append(nginx)
        time.sleep(1)
        postmaster = int((database.cluster / "data" / "postmaster.pid").read_text().split()[0]) \
            if database.cluster else None
        pids = {"gunicorn": [n.pid for n in nodes], "nginx": [nginx.pid],
                **({"postgres": [postmaster]} if postmaster else {})}

        def reads(path_of):
            return lambda index, token: [("GET", path_of(index, k), None) for k in range(args.requests)]

        me_tokens = seeded.tokens[:args.me_clients]
        run_clients(lb_port, seeded.tokens, lambda i, t: [("GET", "/api/me", None),
                                                           ("GET", "/api/search?q=dang+vien", None)])
        receipts = _phase(lb_port, seeded.tokens, receipts_work(seeded, args.batches, args.batch_size), pids)
        me = _phase(lb_port, me_tokens, reads(lambda i, k: "/api/me"), pids)
        me_one = _phase(ports[0], me_tokens, reads(lambda i, k: "/api/me"), pids)

        def search_path(index: int, k: int) -> str:
            return "/api/search?q=" + quote(seeded.queries[(index * args.requests + k) % len(seeded.queries)])

        search = _phase(lb_port, me_tokens, reads(search_path), pids)
        killed = _kill_run(f"http://127.0.0.1:{lb_port}", seeded, nodes[1], args.kill_seconds)
        result = {
            "scale": {"units": seeded.units, "members": seeded.members, "articles": seeded.articles,
                      "clients": args.clients, "me_clients": args.me_clients, "web_nodes": 2,
                      "gunicorn_workers_per_node": args.workers, "cores": os.cpu_count(),
                      "load_average_at_start": os.getloadavg()},
            "receipts_per_s": round(receipts["statuses"].get(200, 0) * args.batch_size / receipts["seconds"], 1),
            "receipts_batch_p95_ms": receipts["p95_ms"],
            "me_req_per_s": me["per_s"], "me_p95_ms": me["p95_ms"],
            "me_req_per_s_1node": me_one["per_s"], "me_p95_ms_1node": me_one["p95_ms"],
            "search_per_s": search["per_s"], "search_p95_ms": search["p95_ms"],
            "cpu_ms_per_me": me["cpu_ms"], "cpu_ms_per_me_1node": me_one["cpu_ms"],
            "cpu_ms_per_search": search["cpu_ms"],
            "cpu_ms_per_receipt_batch": receipts["cpu_ms"],
            **killed,
            "statuses": {"receipts": receipts["statuses"], "me": me["statuses"], "me_1node": me_one["statuses"],
                         "search": search["statuses"]},
            "load_average_at_end": os.getloadavg(),
        }
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
        database.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        for key, value in result.items():
            sys.stdout.write(f"{key}: {value}\n")
    return 0
