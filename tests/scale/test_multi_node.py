"""Two web nodes and two workers on "separate machines" (own directories; shared: PostgreSQL, the bucket, the
signing key) behind nginx. Members read, search and send receipts while an editor publishes; one web node and
one worker are killed mid-run. Then: no receipt lost or stored twice, every publish live in the bucket with the
version the database says, search current on both surviving-and-restarted nodes, login throttles shared.

`make test` runs it small; `make scale-test` runs it larger (SOTAY_SCALE_MEMBERS, SOTAY_SCALE_SECONDS).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import pytest
import requests

from bench.cluster import NGINX, REPO, Cluster
from bench.load import run_load

pytestmark = [pytest.mark.slow, pytest.mark.scale,
              pytest.mark.skipif(not Path(NGINX).exists(), reason="Debian's nginx is not installed")]

MEMBERS = int(os.environ.get("SOTAY_SCALE_MEMBERS", "8"))
SECONDS = float(os.environ.get("SOTAY_SCALE_SECONDS", "14"))
PUBLISHES = int(os.environ.get("SOTAY_SCALE_PUBLISHES", "5"))


@pytest.fixture(scope="module")
def cluster():
    # Not under pytest's tmp dir: PostgreSQL runs as the postgres user, who may not enter root's 0700 dirs.
    root = Path(tempfile.mkdtemp(prefix="sotay-scale-"))
    os.chmod(root, 0o755)
    with Cluster(root) as running:
        yield running


def published_in_bucket(cluster: Cluster, layer: str, page: int) -> int | None:
    """The bucket's version of `layer` if its head lists the page, else None."""
    from deploy import layout
    from deploy.s3server import FAKE_CREDENTIALS
    from deploy.stores import S3Store

    os.environ.update({k: os.environ.get(k, v) for k, v in FAKE_CREDENTIALS.items()})
    store = S3Store(cluster.bucket, endpoint_url=cluster.s3_url)
    raw = store.get(layout.head_key(layer))
    if raw is None:
        return None
    head = layout.Manifest.parse(raw)
    whole = head.with_parts(head.store_reader(store))
    return head.version if any(p.startswith(f"a/{page}/") for p in whole.files) else None


def test_members_read_search_and_send_receipts_while_nodes_die(cluster):
    seed = json.loads(cluster.python("tests.scale.seed", "--members", str(MEMBERS)).strip().splitlines()[-1])
    tokens, pages = seed["tokens"], seed["pages"]
    published: list[dict] = []

    editor = subprocess.Popen(
        [sys.executable, "-m", "tests.scale.editor", "--count", str(PUBLISHES),
         "--interval", str(SECONDS / (PUBLISHES + 1))],
        cwd=REPO, env=cluster.env(cluster.root / "editor"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)

    def read_editor() -> None:
        for line in editor.stdout:
            if line.startswith("{"):
                published.append(json.loads(line))

    reader = threading.Thread(target=read_editor, daemon=True)
    reader.start()

    web1, worker1 = cluster.web[0], cluster.worker_nodes[0]

    def kill_mid_run() -> None:
        time.sleep(SECONDS / 3)
        web1.kill()
        worker1.kill()

    killer = threading.Thread(target=kill_mid_run)
    killer.start()
    load = run_load(cluster.url, tokens, pages, seconds=SECONDS,
                    words=lambda: [p["word"] for p in published] or ["thong bao"])
    killer.join()
    assert editor.wait(120) == 0, editor.stderr.read()
    reader.join(10)
    assert not web1.alive() and not worker1.alive()
    assert len(published) == PUBLISHES

    # No receipt lost, none stored twice.
    with psycopg.connect(cluster.database_url) as db:
        rows = db.execute("SELECT client_id::text FROM api_receipt").fetchall()
    stored = [r[0] for r in rows]
    assert load.acknowledged, load.errors
    assert load.acknowledged <= set(stored), f"{len(load.acknowledged - set(stored))} receipts lost"
    assert len(stored) == len(set(stored))
    assert load.me_ms and load.search_ms

    # Every publish is live in the bucket, at the version the database records as live.
    deadline = time.monotonic() + 90
    missing = list(published)
    while missing and time.monotonic() < deadline:
        missing = [p for p in missing if published_in_bucket(cluster, p["layer"], p["page"]) is None]
        time.sleep(1)
    assert not missing, f"not in the bucket: {missing}\n{cluster.logs()}"
    with psycopg.connect(cluster.database_url, autocommit=True) as db:
        live = dict(db.execute("SELECT layer, live_version FROM publishing_layerbuild").fetchall())
        for p in published:
            assert published_in_bucket(cluster, p["layer"], p["page"]) == live[p["layer"]]
        # A task the killed worker had claimed goes back to the queue and is done by the other one.
        deadline = time.monotonic() + 30
        while (left := db.execute("SELECT count(*) FROM django_tasks_database_dbtaskresult"
                                  " WHERE status IN ('RUNNING', 'READY')").fetchone()[0]) and \
                time.monotonic() < deadline:
            time.sleep(0.5)
        assert left == 0, "the queue was left with tasks nobody runs"

    # The killed web node comes back with an empty disk: its index follows the published layers by itself.
    import shutil

    shutil.rmtree(web1.directory / "var", ignore_errors=True)
    cluster._spawn(web1, web1.proc.args)
    from bench.cluster import wait_http

    wait_http(f"{web1.url}/api/me")
    session = requests.Session()
    session.headers["Authorization"] = f"Token {tokens[0]}"
    reader_of_all = [p for p in published if "/pl/" not in p["layer"]]  # the chain of a member in x1
    deadline = time.monotonic() + 30
    for node in cluster.web:
        for p in reader_of_all:
            while True:
                hits = session.get(f"{node.url}/api/search", params={"q": p["word"]}, timeout=10).json()["results"]
                if any(p["word"] in h["title"] for h in hits) or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            assert any(p["word"] in h["title"] for h in hits), f"{node.name} does not find {p['word']}"

    # A guesser spread over both nodes is throttled as on one: 5 failures a minute per username.
    answers = [requests.post(f"{cluster.web[i % 2].url}/api/login",
                             json={"username": "dv.x2", "password": f"sai-{i}"}, timeout=10).status_code
               for i in range(6)]
    assert answers[:5] == [400] * 5 and answers[5] == 429, answers
