"""From "Xuất bản" to a member's phone: how long until a cell member's reader gets the text of a new 1,000-word
article through the gate, and until its audio is fetchable, with the local store and with an S3 bucket.

Part of `sotay bench publish --json` (keys `publish_to_readable_s_local|s3`, `publish_to_audio_s_local|s3`); also
`python -m bench.publish_live [--json]`. Per store, in its own var dir with SQLite: a small province
(tests/factories.py) whose district layer already holds `FILLERS` articles with audio is set up, then `sotay
worker` runs as in production (database queue, speech on) while this process publishes through Wagtail as an
editor's Publish does and asks for the article as the member's browser would: through the gate view (Django's
test client, logged in as the member) and, for S3, on to the object nginx would fetch (the presigned URL the
gate names) — the text until it holds the article's last sentence, then the audio the page embeds.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

REPEATS = 3
FILLERS = 12
WORDS = 1000
TIMEOUT_S = 120
LAYER = "u/tn/dt/all"
MEMBER = "dv.x1"  # a member of a cell two levels below the district


def article_text(seed: int, words: int = WORDS) -> list[str]:
    """Paragraphs of party-press sentences (the generator's pools, placeholders filled), `words` words in all."""
    from bench.generate import pools

    rng = random.Random(seed)
    sentences = [re.sub(r"\{[^}]*\}", "Đảng bộ huyện Đại Từ", s)
                 for group in pools()["sentences"].values() for s in group if isinstance(s, str)]
    paragraphs, count = [], 0
    while count < words:
        paragraph = " ".join(rng.choice(sentences) for _ in range(4))
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    paragraphs.append(f"Kết thúc bài số {seed}.")
    return paragraphs


def _env(var: Path, endpoint: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOTAY_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(DJANGO_SETTINGS_MODULE="cms.settings.dev", SOTAY_VAR_DIR=str(var), SOTAY_SPEECH="1",
               PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    if endpoint:
        from deploy.s3server import FAKE_CREDENTIALS

        env.update(FAKE_CREDENTIALS, SOTAY_STORE_BUCKET="sotay-bench", SOTAY_STORE_ENDPOINT_URL=endpoint)
    return env


def setup_child() -> dict:
    """In the child: database, province, the district layer built once with its fillers' audio."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from cms.publishing import signals
    from cms.publishing.build import build_one
    from tests.factories import make_tree, publish

    tree = make_tree()
    signals.SUSPENDED = True  # the fillers are built once, below
    for n in range(FILLERS):
        body = "".join(f"<p>{p}</p>" for p in article_text(1000 + n, 120))
        publish(tree["dt"], f"Tin hoạt động của huyện số {n + 1}", body=body)
    signals.SUSPENDED = False
    stats = build_one(LAYER)
    return {"fillers": FILLERS, "initial_build_s": round(sum(stats["seconds"].values()), 2)}


def measure_child(endpoint: str | None, repeats: int) -> dict:
    """In the child, while the worker runs: publish, then read as the member until text and audio arrive."""
    import django

    django.setup()
    from django.db import transaction
    from django.test import Client

    from cms.org.models import UnitPage
    from cms.publishing.models import NewsPage
    from tests.factories import PASSWORD

    client = Client(HTTP_HOST="127.0.0.1")
    assert client.login(username=MEMBER, password=PASSWORD)
    readable, audible, audio = [], [], []
    # The first round only warms the worker up (a worker runs for days; its first build imports mkdocs and
    # starts the speech processes), so it is not counted.
    for n in range(-1, repeats):
        paragraphs = article_text(n + 100)
        unit = UnitPage.objects.get(code="dt")
        started = time.perf_counter()
        with transaction.atomic():
            page = NewsPage(title=f"Hội nghị quán triệt nghị quyết, bài {n + 1}",
                            body="".join(f"<p>{p}</p>" for p in paragraphs))
            unit.add_child(instance=page)
            page.save_revision().publish()
        path = f"/{LAYER}/a/{page.pk}/"
        _poll(functools.partial(_text, client, path, endpoint), paragraphs[-1])
        readable.append(time.perf_counter() - started)
        audio.append(_poll(functools.partial(_audio_path, client, path, endpoint), None))
        audible.append(time.perf_counter() - started)
        if n < 0:
            readable, audible, audio = [], [], []
    return {"readable_s": [round(t, 3) for t in readable], "audio_s": [round(t, 3) for t in audible],
            "publish_to_readable_s": round(statistics.median(readable), 3),
            "publish_to_audio_s": round(statistics.median(audible), 3), "words": WORDS}


def _poll(fetch, needle: str | None):
    deadline = time.perf_counter() + TIMEOUT_S
    while time.perf_counter() < deadline:
        got = fetch()
        if got and (needle is None or needle in got):
            return got
        time.sleep(0.02)
    raise TimeoutError(f"not there after {TIMEOUT_S} s")


def _get(client, path: str, endpoint: str | None) -> tuple[int, bytes]:
    """What the member's browser gets for `path`: from the gate, and for S3 on from where the gate points."""
    response = client.get(path)
    if response.status_code == 200 and response.get("X-Accel-Redirect", "").startswith("/_s3/"):
        url = endpoint + "/" + response["X-Accel-Redirect"][len("/_s3/"):]  # what nginx's internal location does
        return _fetch(url)
    if response.status_code == 302 and "X-Amz-Signature" in response.get("Location", ""):
        return _fetch(response["Location"])
    if response.status_code != 200:
        return response.status_code, b""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return 200, body


def _fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except OSError:
        return 0, b""


def _text(client, path: str, endpoint: str | None) -> str | None:
    status, body = _get(client, path, endpoint)
    return body.decode("utf-8", "replace") if status == 200 else None


def _audio_path(client, page_path: str, endpoint: str | None) -> str | None:
    html = _text(client, page_path, endpoint) or ""
    found = re.search(r'(?:src|href)="((?:\.\./)*audio/[^"]+)"', html)
    if not found:
        return None
    name = found.group(1).rsplit("audio/", 1)[1]
    status, body = _get(client, f"/{LAYER}/audio/{name}", endpoint)
    return name if status == 200 and len(body) > 1000 else None


def run_store(store: str, work: Path, repeats: int = REPEATS) -> dict:
    """Set up, start the worker, measure, stop: one store."""
    import shutil

    var = work / f"live-{store}"
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    with ExitStack() as stack:
        endpoint = None
        if store == "s3":
            from deploy.s3server import FAKE_CREDENTIALS, running_s3_server
            from deploy.stores import S3Store

            endpoint = stack.enter_context(running_s3_server())
            os.environ.update(FAKE_CREDENTIALS)
            S3Store("sotay-bench", endpoint_url=endpoint).create_private_bucket()
        env = _env(var, endpoint)
        setup = _child(["--setup"], env)
        worker = subprocess.Popen([sys.executable, "-m", "cms.cli", "worker", "--interval", "0.1"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=(var / "worker.log").open("w"))
        try:
            result = _child(["--measure", str(repeats)] + (["--endpoint", endpoint] if endpoint else []), env)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
    return {**setup, **result}


def _child(args: list[str], env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.publish_live", *args, "--json"], env=env, capture_output=True,
                         text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"bench child {args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(work: Path, repeats: int = REPEATS) -> dict:
    """The keys `sotay bench publish` reports, plus the details per store."""
    stores = {store: run_store(store, work, repeats) for store in ("local", "s3")}
    keys = {}
    for store, result in stores.items():
        keys[f"publish_to_readable_s_{store}"] = result["publish_to_readable_s"]
        keys[f"publish_to_audio_s_{store}"] = result["publish_to_audio_s"]
    return {**keys, "publish_live": stores}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.publish_live")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setup:
        result = setup_child()
    elif args.measure:
        result = measure_child(args.endpoint, args.measure)
    else:
        with tempfile.TemporaryDirectory(prefix="sotay-bench-live-") as tmp:
            result = run(Path(tmp), args.repeats)
    sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
