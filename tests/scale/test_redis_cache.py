"""The shared cache in Redis (`SOTAY_REDIS_URL`, django-redis), as docs/scaling.md offers it for many nodes:
two web nodes on "separate machines" behind nginx share login throttles and the receipts' rate limit through
a real redis-server, and a member signed in on one node is known on the other."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
import requests

from bench.cluster import NGINX, REDIS_SERVER, Cluster
from tests.factories import PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.scale,
              pytest.mark.skipif(not (Path(NGINX).exists() and Path(REDIS_SERVER).exists()),
                                 reason="Debian's nginx and redis-server are not installed")]


@pytest.fixture(scope="module")
def cluster():
    root = Path(tempfile.mkdtemp(prefix="sotay-redis-"))
    os.chmod(root, 0o755)
    with Cluster(root, workers=0, redis=True) as running:
        yield running


def test_two_nodes_share_throttles_and_sign_in_through_redis(cluster):
    import redis

    seed = json.loads(cluster.python("tests.scale.seed", "--members", "2").strip().splitlines()[-1])
    web1, web2 = cluster.web
    store = redis.Redis.from_url(cluster.redis_url)
    store.flushdb()

    # A guesser alternating between the nodes is stopped after five failures, as on one node.
    answers = [requests.post(f"{(web1, web2)[i % 2].url}/api/login",
                             json={"username": "dv.x1", "password": f"sai-{i}"}, timeout=10) for i in range(6)]
    assert [a.status_code for a in answers] == [400] * 5 + [429], [a.text for a in answers]
    assert "thử lại sau" in answers[5].json()["detail"]
    assert any(b"throttle" in key for key in store.keys("*")), "the throttle's history is not in Redis"

    # Signed in on one node, known on the other; the session needs no node of its own.
    login = requests.post(f"{web1.url}/api/login", json={"username": "dv.x2", "password": PASSWORD}, timeout=10)
    assert login.status_code == 200, login.text
    # The cookie is Secure (production settings); nginx would carry it over HTTPS, here it is sent by hand.
    me = requests.get(f"{web2.url}/api/me", headers={"Cookie": f"sessionid={login.cookies['sessionid']}"},
                      timeout=10)
    assert me.status_code == 200 and me.json()["units"][-1]["code"] == "x2"

    # The receipts' rate limit counts one member's batches on both nodes together (120 a minute).
    token = seed["tokens"][0]
    headers = {"Authorization": f"Token {token}"}
    codes = [requests.post(f"{(web1, web2)[i % 2].url}/api/receipts", json={"events": []}, headers=headers,
                           timeout=10).status_code for i in range(121)]
    assert 429 not in codes[:120] and codes[120] == 429, codes[-5:]
