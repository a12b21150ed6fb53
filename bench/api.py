"""`sotay bench api [--json]`: the API under load on PostgreSQL, at the scale of a real province.

Seeds a generated province straight into the database with bulk inserts (units, every member, a few thousand
articles; the Wagtail tree paths are computed here instead of one `add_child` per page), indexes the articles
for search, runs gunicorn on 127.0.0.1, then measures three phases with concurrent clients over loopback:
receipts ingested per second (batches of 100), and the p95 latency of `/api/me` and `/api/search`; then the
adoption report of the whole province and what recording days of use costs `/api/me` (bench/adoption.py).

PostgreSQL: a throwaway cluster in a temporary directory (as the `postgres` user when run as root), or, when
SOTAY_DATABASE_URL is set, a fresh `sotay_bench_api` database on that server (the named database is not touched).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlparse

SCALES = {
    "full": {"districts": 16, "bases": 589, "cells": 5000, "members": 97250, "articles": 3000},
    "small": {"districts": 3, "bases": 16, "cells": 80, "members": 2000, "articles": 300},
    "tiny": {"districts": 2, "bases": 4, "cells": 8, "members": 120, "articles": 40},
}
QUERIES = ["nghi quyet", "dang vien", "chi bo", "phát triển kinh tế", "xay dung dang", "học tập", "an ninh",
           "nông thôn mới", "chuyen doi so", "đại hội", "cong tac can bo", "kiem tra giam sat"]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
_LOCALE = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- PostgreSQL ------------------------------------------------------------------------------------------------

class Postgres:
    """A database for the benchmark: its own throwaway cluster, or a fresh database on a given server."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.cluster: Path | None = None
        given = os.environ.get("SOTAY_DATABASE_URL", "")
        if given.startswith("postgres"):
            parsed = urlparse(given)
            self.url = parsed._replace(path="/sotay_bench_api").geturl()
            self._admin_url = given
        else:
            self.url = ""
            self._admin_url = ""

    def _as_postgres(self, cmd: list[str]) -> None:
        if os.geteuid() == 0:
            cmd = ["su", "postgres", "-c", shlex.join(cmd)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)

    def start(self) -> str:
        if self.url:
            import psycopg

            with psycopg.connect(self._admin_url, autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS sotay_bench_api")
                conn.execute("CREATE DATABASE sotay_bench_api")
            return self.url
        self.cluster = self.workdir / "pg"
        self.cluster.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres")
            shutil.chown(self.cluster, "postgres")
        port = free_port()
        self._as_postgres([str(PG_BIN / "initdb"), "-D", str(self.cluster / "data"), "-A", "trust", "-U", "postgres"])
        options = f"-p {port} -k {self.cluster} -c listen_addresses=127.0.0.1 -c max_connections=200"
        self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.cluster / "data"), "-o", options,
                           "-l", str(self.cluster / "log"), "-w", "start"])
        self._as_postgres([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "sotay"])
        self.url = f"postgres://postgres@127.0.0.1:{port}/sotay"
        return self.url

    def stop(self) -> None:
        if self.cluster is not None:
            self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.cluster / "data"), "-m", "fast", "stop"])


# --- seeding ---------------------------------------------------------------------------------------------------

@dataclass
class Seeded:
    units: int = 0
    members: int = 0
    articles: int = 0
    tokens: list[str] = field(default_factory=list)
    readable: list[list[int]] = field(default_factory=list)  # per client: ids of pages it may read
    queries: list[str] = field(default_factory=list)
    history: dict = field(default_factory=dict)
    admin_token: str = ""
    seconds: float = 0.0


def seed(scale: dict, clients: int, seed_value: int = 0) -> Seeded:
    """Province, members and articles by bulk insert; tokens for `clients` ordinary cell members."""
    from django.db import transaction

    from bench import generate as gen
    from cms.org.services import create_unit

    started = time.perf_counter()
    rng = random.Random(f"{seed_value}-api")
    units = gen.make_units(random.Random(f"{seed_value}-units"), scale["districts"], scale["bases"], scale["cells"])
    province = create_unit(code="tn", name=units[0].name, level="province", parent=None)
    owners = _article_owners(rng, units, scale["articles"])
    with transaction.atomic():
        unit_rows = _insert_units(units, province, owners)
        pages = _insert_articles(rng, units, unit_rows, owners)
        members = _insert_members(rng, units, unit_rows, scale["members"])
    result = Seeded(units=len(units), members=len(members), articles=len(pages))
    from bench.adoption import administrator_token, seed_history

    result.history = seed_history(members, seed_value)
    result.admin_token = administrator_token()
    _make_clients(rng, result, members, unit_rows, pages, clients)
    result.queries = _queries(rng, pages)
    _index(pages)
    result.seconds = round(time.perf_counter() - started, 1)
    return result


def _article_owners(rng: random.Random, units, total: int) -> list:
    from bench.generate import LEVEL_SHARE

    by_level = {lvl: [u for u in units if u.level == lvl] for lvl in LEVEL_SHARE}
    owners = []
    for level, share in LEVEL_SHARE.items():
        owners += rng.choices(by_level[level], k=max(1, round(total * share)))
    return owners


def _page(title: str, slug: str, content_type, path: str, depth: int, numchild: int, url_path: str, when):
    from wagtail.models import Locale, Page

    global _LOCALE
    _LOCALE = _LOCALE or Locale.get_default()
    return Page(title=title, draft_title=title, slug=slug, content_type=content_type, path=path, depth=depth,
                numchild=numchild, url_path=url_path, live=True, locale=_LOCALE,
                first_published_at=when, last_published_at=when)


def _insert_units(units, province, owners) -> dict[str, dict]:
    """Every unit below the province: wagtailcore_page rows, then the org_unitpage rows that extend them."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from wagtail.models import Page

    from cms.org.models import UnitPage

    ct = ContentType.objects.get_for_model(UnitPage)
    children = Counter(u.parent for u in units[1:]) + Counter(o.code for o in owners)
    rows = {"tn": {"path": province.path, "depth": province.depth, "code_path": "tn",
                   "url_path": province.url_path, "id": province.pk, "name": province.title, "level": "province",
                   "next": 0}}
    now = datetime.now(UTC)
    pages = []
    for unit in units[1:]:
        parent = rows[unit.parent]
        parent["next"] += 1
        path = Page._get_path(parent["path"], parent["depth"] + 1, parent["next"])
        rows[unit.code] = {
            "path": path, "depth": parent["depth"] + 1, "code_path": f"{parent['code_path']}/{unit.code}",
            "url_path": f"{parent['url_path']}{unit.code}/", "name": unit.name, "level": unit.level, "next": 0,
        }
        pages.append(_page(unit.name, unit.code, ct, path, parent["depth"] + 1, children[unit.code],
                           rows[unit.code]["url_path"], now))
    Page.objects.bulk_create(pages, batch_size=2000)
    Page.objects.filter(pk=province.pk).update(numchild=children["tn"])
    for unit, page in zip(units[1:], pages, strict=True):
        rows[unit.code]["id"] = page.pk
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {UnitPage._meta.db_table} (page_ptr_id, code, level, code_path) VALUES (%s, %s, %s, %s)",
            [(rows[u.code]["id"], u.code, u.level, rows[u.code]["code_path"]) for u in units[1:]],
        )
    return rows


def _insert_articles(rng: random.Random, units, unit_rows: dict, owners) -> list:
    """News pages with generated party-press text; returns them as builder Articles (for the search index)."""
    import markdown
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from wagtail.models import Page

    from bench.generate import compose
    from cms.publishing.models import ArticlePage, NewsPage
    from layerformat.model import Article, LayerId

    ct = ContentType.objects.get_for_model(NewsPage)
    first = datetime(2024, 1, 1, tzinfo=UTC)
    drafts = []
    for owner in owners:
        row = unit_rows[owner.code]
        when = first + timedelta(minutes=rng.randrange(60 * 24 * 700))
        meta, body = compose(rng, owner, "news", when.replace(tzinfo=None))
        row["next"] += 1
        path = Page._get_path(row["path"], row["depth"] + 1, row["next"])
        slug = f"bai-{len(drafts) + 1}"
        page = _page(meta["title"], slug, ct, path, row["depth"] + 1, 0, f"{row['url_path']}{slug}/", when)
        drafts.append((page, owner, meta, markdown.markdown(body)))
    Page.objects.bulk_create([d[0] for d in drafts], batch_size=2000)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {ArticlePage._meta.db_table} (page_ptr_id, tier, summary, body) VALUES (%s, %s, %s, %s)",
            [(p.pk, meta["tier"], meta["summary"], html) for p, _o, meta, html in drafts],
        )
        cursor.executemany(f"INSERT INTO {NewsPage._meta.db_table} (articlepage_ptr_id) VALUES (%s)",
                           [(p.pk,) for p, *_rest in drafts])
    return [
        Article(id=p.pk, slug=p.slug, kind="news", title=p.title, body_html=html, published_at=p.first_published_at,
                updated_at=p.first_published_at,
                layer=LayerId.for_unit_path(unit_rows[o.code]["code_path"], meta["tier"]),
                unit_name=o.name, unit_level=o.level, summary=meta["summary"])
        for p, o, meta, html in drafts
    ]


def _insert_members(rng: random.Random, units, unit_rows: dict, total: int) -> list:
    """Members in cells (and in cell-less base organisations), a secretary and committee in each."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from bench.generate import make_name, split_count
    from cms.org.models import Member

    homes = [u for u in units if u.level == "cell"]
    homes += [u for u in units if u.level == "base" and u.name.startswith("Chi bộ cơ sở")]
    password = make_password("sotay2026")
    users, profiles = [], []
    for unit, size in zip(homes, split_count(rng, total, len(homes), spread=0.7), strict=True):
        committee = 2 if size >= 9 else (1 if size >= 4 else 0)
        for i in range(size):
            users.append(get_user_model()(username=f"bench.{len(users) + 1:06d}", password=password))
            role = "secretary" if i == 0 else ("committee" if i <= committee else "member")
            profiles.append((make_name(rng), unit_rows[unit.code]["id"], role))
    get_user_model().objects.bulk_create(users, batch_size=5000)
    members = [Member(user=u, full_name=name, unit_id=unit_id, role=role)
               for u, (name, unit_id, role) in zip(users, profiles, strict=True)]
    Member.objects.bulk_create(members, batch_size=5000)
    return members


def _make_clients(rng, result: Seeded, members, unit_rows: dict, pages, clients: int) -> None:
    from rest_framework.authtoken.models import Token

    path_of = {row["id"]: row["code_path"] for row in unit_rows.values()}
    chosen = rng.sample([m for m in members if m.role == "member"], clients)
    Token.objects.bulk_create([Token(key=secrets.token_hex(20), user_id=m.user_id) for m in chosen])
    by_user = dict(Token.objects.filter(user_id__in=[m.user_id for m in chosen]).values_list("user_id", "key"))
    for member in chosen:
        chain = path_of[member.unit_id].split("/")
        layers = {f"u/{'/'.join(chain[: i + 1])}/all" for i in range(len(chain))}
        result.tokens.append(by_user[member.user_id])
        result.readable.append([a.id for a in pages if a.layer.prefix in layers])


def _index(articles) -> None:
    from cms.api.search_index import add_articles

    add_articles(articles)


# --- load ------------------------------------------------------------------------------------------------------

def _request(conn: http.client.HTTPConnection, method: str, path: str, token: str, body: bytes | None = None):
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status, (time.perf_counter() - started) * 1000


def run_clients(port: int, tokens: list[str], work, think_ms: float = 0) -> tuple[list[float], Counter, float]:
    """Run `work(client_index, token)` -> list of (method, path, body) in one thread per client.

    With `think_ms`, each client pauses 0.5–1.5 × think_ms between requests, as a member reading the answer
    would; without, clients fire back to back (saturation)."""
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(len(tokens) + 1)

    def client(index: int, token: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        requests = work(index, token)
        barrier.wait()
        own = []
        pause = random.Random(index)
        for method, path, body in requests:
            if think_ms:
                time.sleep(pause.uniform(0.5, 1.5) * think_ms / 1000)
            own.append(_request(conn, method, path, token, body))
        conn.close()
        with lock:
            for status, ms in own:
                statuses[status] += 1
                latencies.append(ms)

    threads = [threading.Thread(target=client, args=(i, t)) for i, t in enumerate(tokens)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.perf_counter() - started


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1) if ordered else 0.0


def receipts_work(seeded: Seeded, batches: int, size: int):
    def work(index: int, token: str):
        rng = random.Random(index)
        pages = seeded.readable[index]
        now = datetime.now(UTC)
        out = []
        for _ in range(batches):
            events = [{"client_id": str(uuid_from(rng)), "page": rng.choice(pages),
                       "event": rng.choice(("opened", "opened", "listened", "completed")),
                       "client_time": (now - timedelta(seconds=rng.randrange(86400))).isoformat()}
                      for _ in range(size)]
            out.append(("POST", "/api/receipts", json.dumps({"events": events}).encode()))
        return out

    return work


def uuid_from(rng: random.Random):
    import uuid

    return uuid.UUID(int=rng.getrandbits(128), version=4)


def start_server(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gunicorn", "cms.wsgi:application", "-w", str(workers), "-b", f"127.0.0.1:{port}",
           "--log-level", "warning", "--timeout", "120"]
    server = subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {log.read_text()[-2000:]}") from None
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def measure(port: int, seeded: Seeded, args, port_off: int | None = None) -> dict:
    def reads(path_of):
        return lambda index, token: [("GET", path_of(index, k), None) for k in range(args.requests)]

    def search_path(index: int, k: int) -> str:
        return "/api/search?q=" + quote(seeded.queries[(index * args.requests + k) % len(seeded.queries)])

    warm = run_clients(port, seeded.tokens, lambda i, t: [("GET", "/api/me", None),
                                                          ("GET", "/api/search?q=dang+vien", None)])
    receipts = run_clients(port, seeded.tokens, receipts_work(seeded, args.batches, args.batch_size))
    phases = {
        "me": run_clients(port, seeded.tokens, reads(lambda i, k: "/api/me"), args.think_ms),
        "search": run_clients(port, seeded.tokens, reads(search_path), args.think_ms),
        "me_saturated": run_clients(port, seeded.tokens, reads(lambda i, k: "/api/me")),
        "search_saturated": run_clients(port, seeded.tokens, reads(search_path)),
    }
    stored = receipts[1].get(200, 0) * args.batch_size
    result = {
        "receipts_per_s": round(stored / receipts[2], 1),
        "receipts_batches": sum(receipts[1].values()),
        "receipts_batch_p95_ms": p95(receipts[0]),
    }
    for name, (latencies, statuses, seconds) in phases.items():
        result[f"{name}_p95_ms"] = p95(latencies)
        result[f"{name}_median_ms"] = round(sorted(latencies)[len(latencies) // 2], 1)
        result[f"{name}_per_s"] = round(sum(statuses.values()) / seconds, 1)
    from bench.adoption import measure_overhead, measure_report

    result.update(measure_report(port, seeded.admin_token, args.report_requests))
    if port_off is not None:
        result.update(measure_overhead(port, port_off, seeded.tokens, args.requests, args.overhead_rounds))
    result["think_ms"] = args.think_ms
    result["statuses"] = {name: dict(r[1]) for name, r in (("warmup", warm), ("receipts", receipts), *phases.items())}
    return result


def _queries(rng: random.Random, pages) -> list[str]:
    """What members type: two or three words from real titles, half of them without tone marks."""
    from layerformat.text import fold

    out = list(QUERIES)
    for article in rng.sample(pages, min(len(pages), 400)):
        words = [w for w in article.title.split() if w.isalpha()]
        if len(words) >= 3:
            start = rng.randrange(len(words) - 2)
            phrase = " ".join(words[start:start + rng.choice((2, 3))])
            out.append(fold(phrase) if rng.random() < 0.5 else phrase)
    rng.shuffle(out)
    return out


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sotay bench api", description="Đo hiệu năng API trên PostgreSQL.")
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--articles", type=int, help="số bài viết (mặc định theo --scale)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--batches", type=int, default=10, help="số lô xác nhận mỗi máy khách gửi")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--requests", type=int, default=20, help="số lượt /api/me và /api/search mỗi máy khách")
    parser.add_argument("--workers", type=int, default=3, help="số tiến trình gunicorn")
    parser.add_argument("--report-requests", type=int, default=20,
                        help="số lượt xem báo cáo mức độ sử dụng toàn tỉnh (đo độ trễ)")
    parser.add_argument("--overhead-rounds", type=int, default=4,
                        help="số vòng /api/me xen kẽ có và không ghi nhận sử dụng")
    parser.add_argument("--think-ms", type=float, default=1000,
                        help="thời gian đọc trung bình giữa hai lượt của một đảng viên (pha đo độ trễ)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    scale = dict(SCALES[args.scale], **({"articles": args.articles} if args.articles else {}))
    workdir = Path(tempfile.mkdtemp(prefix="sotay-bench-api-"))
    os.chmod(workdir, 0o755)
    database = Postgres(workdir)
    server = server_off = None
    try:
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="cms.settings.production",
                   SOTAY_DATABASE_URL=database.start(), SOTAY_SECRET_KEY=secrets.token_urlsafe(40),
                   SOTAY_ALLOWED_HOSTS="127.0.0.1", SOTAY_VAR_DIR=str(workdir / "var"))
        os.environ.update(env)
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        seeded = seed(scale, args.clients)
        from django.db import connections

        connections.close_all()
        port = free_port()
        server = start_server(env, port, args.workers, workdir / "gunicorn.log")
        port_off = free_port()  # the same, not recording days of use: the baseline of activity_overhead_pct
        server_off = start_server(dict(env, SOTAY_RECORD_ACTIVITY="0"), port_off, args.workers,
                                  workdir / "gunicorn-off.log")
        result = {
            "scale": {"units": seeded.units, "members": seeded.members, "articles": seeded.articles,
                      "clients": args.clients, "gunicorn_workers": args.workers, "seed_s": seeded.seconds,
                      **seeded.history},
            **measure(port, seeded, args, port_off),
        }
    finally:
        for running in (server, server_off):
            if running is not None:
                running.terminate()
                running.wait(30)
        database.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        for key, value in result.items():
            sys.stdout.write(f"{key}: {value}\n")
    return 0
