"""`sotay bench reader [--json] [--var-dir DIR] [--runs N]`: the reader on a phone over 3G, in Debian's Chromium.

Starts the app on 127.0.0.1 against a built demo province (`--var-dir` of an existing `sotay load-demo`, or a
fresh one loaded with `--no-speech` into a temporary dir, about 2 minutes), then for a cell member measures
with Chromium's own network emulation (CDP `Network.emulateNetworkConditions`: 400 ms latency, 400 kbit/s
down and up):

- `first_view_kb_gz`: everything the first home view transfers from a cold cache, after login: the shell
  page, its CSS and scripts, each layer's signed manifest and signature, each feed, the unread list and the
  home's parts' answers (on a first visit these come inside the shell page: cms/reader/home_answers.py;
  bytes on the wire as Chromium counts them, headers included);
- `home_ready_s_3g`: from navigation to the merged feed drawn (performance mark `sotay-ready-home`);
- `article_ready_s_3g`: from tapping the newest article of the member's own cell to the article usable
  (its controls drawn: mark `sotay-ready-article`), once the service worker has kept the layers' theme and
  feeds (in the background after the first home view: `offline_kept_kb`; search indexes, all articles and
  audio only when the member chooses them in "Tải về máy");
  `article_ready_s_3g_first_visit` is the same tap on a phone without the service worker (nothing cached);
- `search_query_kb`: what one online search transfers (the API's JSON answer), the largest of a few queries.

The first home view is always without a service worker (it registers after that view).
Compression: the app runs behind cms/compression.py, as `sotay serve` does: what deploy/nginx/sotay.conf asks
of nginx (brotli or gzip level 5, from 512 bytes, the same types), and layer files from the build's
precompressed `.br`/`.gz` siblings (brotli_static/gzip_static).

Then Lighthouse over every reader page (bench/lighthouse.py): `lighthouse_performance_min`,
`lighthouse_accessibility_min`, `lighthouse_best_practices_min`, `cls_max` and the figures per page.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE = {"width": 360, "height": 640}
THREE_G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
QUERIES = ("nghi quyet", "dang vien", "xay dung dang", "chi bo")
# Issue 21's budgets (the Lighthouse ones are in bench/lighthouse.py).
TARGETS = {"first_view_kb_gz": 40, "home_ready_s_3g": 2.0, "article_ready_s_3g": 2.0,
           "article_ready_s_3g_first_visit": 1.5, "search_query_kb": 150}


def serve(port: int) -> None:
    """The app as `sotay serve` runs it (threads, static files), behind the same CompressLikeNginx."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    import django

    django.setup()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import run

    from cms.compression import CompressLikeNginx

    run("127.0.0.1", port, CompressLikeNginx(StaticFilesHandler(WSGIHandler())), threading=True)


def _env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOTAY_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(DJANGO_SETTINGS_MODULE="cms.settings.dev", SOTAY_VAR_DIR=str(var_dir), PYTHONPATH=str(ROOT))
    return env


def load_demo(var_dir: Path) -> None:
    env = _env(var_dir)
    for args in (["manage", "migrate", "-v0"], ["load-demo", "--no-speech"]):
        subprocess.run([sys.executable, "-m", "cms.cli", *args], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(var_dir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bench.reader", "--serve", str(port)], cwd=ROOT,
                            env=_env(var_dir), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/dang-nhap/", timeout=2):
                return proc, url
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("the reader did not start")


class Wire:
    """Bytes on the wire per request, as Chromium's network stack reports them to DevTools."""

    def __init__(self, cdp) -> None:
        self.requests: dict[str, dict] = {}
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)

    def _sent(self, event) -> None:
        self.requests[event["requestId"]] = {"url": event["request"]["url"], "bytes": 0, "done": False}

    def _response(self, event) -> None:
        entry = self.requests.get(event["requestId"])
        if entry is not None:
            headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
            entry.update(status=event["response"]["status"], encoding=headers.get("content-encoding", ""))

    def _finished(self, event) -> None:
        entry = self.requests.get(event["requestId"])
        if entry is not None:
            entry.update(bytes=event["encodedDataLength"], done=True)

    def reset(self) -> None:
        self.requests.clear()

    def total_kb(self) -> float:
        return round(sum(r["bytes"] for r in self.requests.values()) / 1024, 1)

    def listing(self, base: str) -> list[dict]:
        return [{"url": r["url"].removeprefix(base), "bytes": r["bytes"], "status": r.get("status"),
                 "encoding": r.get("encoding") or None} for r in self.requests.values()]


class ServiceWorkerWire:
    """Chromium applies a page's network emulation to the page only; the service worker fetches on its own
    connection, so it gets the same 3G profile through a browser-level DevTools session, and its bytes are
    counted from the events it sends back."""

    def __init__(self, browser, seconds: float = 30) -> None:
        self.cdp = browser.new_browser_cdp_session()
        self.bytes = 0
        self.cdp.on("Target.receivedMessageFromTarget", self._message)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            workers = [t for t in self.cdp.send("Target.getTargets")["targetInfos"] if t["type"] == "service_worker"]
            if workers:
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("no service worker started")
        self.session = self.cdp.send("Target.attachToTarget", {"targetId": workers[0]["targetId"], "flatten": False})[
            "sessionId"]
        self._send(1, "Network.enable", {})
        self._send(2, "Network.emulateNetworkConditions", THREE_G)

    def _send(self, number: int, method: str, params: dict) -> None:
        message = json.dumps({"id": number, "method": method, "params": params})
        self.cdp.send("Target.sendMessageToTarget", {"sessionId": self.session, "message": message})

    def _message(self, event) -> None:
        message = json.loads(event["message"])
        if message.get("method") == "Network.loadingFinished":
            self.bytes += message["params"]["encodedDataLength"]

    def take_kb(self) -> float:
        kb, self.bytes = round(self.bytes / 1024, 1), 0
        return kb

    def close(self) -> None:
        self.cdp.detach()


def _wait_done(page, wire: Wire, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not all(r["done"] for r in wire.requests.values()):
        page.wait_for_timeout(100)


def _mark(page, name: str) -> float:
    return page.evaluate(f"performance.getEntriesByName('sotay-ready-{name}')[0].startTime") / 1000


def _logged_in_cookies(browser, url: str, user: str, password: str) -> list[dict]:
    """Log in through the form without throttling; the measured phone starts with the session only."""
    # Without scripts: the phone gets the cookies of the login answer, not what the home's scripts set.
    login = browser.new_context(viewport=PHONE, service_workers="block", java_script_enabled=False)
    page = login.new_page()
    page.goto(url + "/dang-nhap/")
    page.fill("#id_username", user)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
    cookies = login.cookies()
    login.close()
    return cookies


def _throttled_phone(browser, cookies: list[dict], *, service_workers: str):
    context = browser.new_context(viewport=PHONE, service_workers=service_workers, locale="vi-VN")
    context.add_cookies(cookies)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", THREE_G)
    return context, page, Wire(cdp)


def _open_home(page, wire: Wire, url: str) -> dict:
    page.goto(url + "/", wait_until="commit")
    page.wait_for_selector("html[data-sotay-ready=home]", timeout=60_000)
    home_s = _mark(page, "home")
    _wait_done(page, wire)
    return {"s": round(home_s, 2), "kb": wire.total_kb(), "requests": wire.listing(url),
            "entries": page.locator("#feed .item").count()}


def _open_article(page, wire: Wire) -> dict:
    wire.reset()
    # The newest article of the member's own cell; in a big province the cell's articles can be older than
    # the newest 60 of the chain, and then the newest article of the feed is opened instead.
    cell = page.locator("#feed .badge.level-cell")
    target = cell.first.locator("xpath=ancestor::a") if cell.count() else page.locator("#feed a.item").first
    target.click()
    page.wait_for_selector("html[data-sotay-ready=article]", timeout=60_000)
    article_s = _mark(page, "article")
    fcp = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || 0")
    _wait_done(page, wire)
    return {"s": round(article_s, 2), "kb": wire.total_kb(), "fcp_s": round(fcp / 1000, 2)}


def measure_cold(browser, url: str, cookies: list[dict]) -> dict:
    """A first visit (no service worker): the home, then the newest cell article, then online searches."""
    context, page, wire = _throttled_phone(browser, cookies, service_workers="block")
    try:
        home = _open_home(page, wire, url)
        article = _open_article(page, wire)
        page.goto(url + "/tim-kiem/")
        page.wait_for_selector("html[data-sotay-ready=search]", timeout=60_000)
        searches = {}
        for query in QUERIES:
            page.wait_for_timeout(200)
            wire.reset()
            page.fill("#q", query)
            page.press("#q", "Enter")
            page.wait_for_selector("html[data-sotay-ready=search]", timeout=60_000)
            _wait_done(page, wire)
            searches[query] = {"kb": wire.total_kb(), "results": page.locator("#results .item").count()}
    finally:
        context.close()
    return {"home": home, "article": article, "searches": searches}


def measure_kept(browser, url: str, cookies: list[dict]) -> dict:
    """The normal case after the first minute: the service worker installed while the home was shown and kept
    the layers' theme and feeds; then the member opens the newest cell article."""
    context, page, wire = _throttled_phone(browser, cookies, service_workers="allow")
    worker = None
    try:
        _open_home(page, wire, url)
        worker = ServiceWorkerWire(browser)
        page.wait_for_selector("html[data-sotay-held]", state="attached", timeout=180_000)
        held_kb = worker.take_kb()
        article = _open_article(page, wire)
        article["kb"] = round(article["kb"] + worker.take_kb(), 1)
    finally:
        if worker is not None:
            worker.close()
        context.close()
    return {"held_kb": held_kb, "article": article}


def measure(url: str, user: str, password: str, runs: int, lighthouse: bool = True) -> dict:
    from playwright.sync_api import sync_playwright

    from bench import lighthouse as lh

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            cookies = _logged_in_cookies(browser, url, user, password)
            cold = [measure_cold(browser, url, cookies) for _ in range(runs)]
            kept = [measure_kept(browser, url, cookies) for _ in range(runs)]
            audited = lh.audit(browser, url, cookies) if lighthouse else {}
        finally:
            browser.close()
    result = {
        "first_view_kb_gz": max(s["home"]["kb"] for s in cold),
        "home_ready_s_3g": statistics.median(s["home"]["s"] for s in cold),
        "article_ready_s_3g": statistics.median(s["article"]["s"] for s in kept),
        "search_query_kb": max(q["kb"] for s in cold for q in s["searches"].values()),
        "article_ready_s_3g_first_visit": statistics.median(s["article"]["s"] for s in cold),
        "article_kb_gz": max(s["article"]["kb"] for s in kept),
        "article_kb_gz_first_visit": max(s["article"]["kb"] for s in cold),
        "article_fcp_s_3g_first_visit": statistics.median(s["article"]["fcp_s"] for s in cold),
        "offline_kept_kb": max(s["held_kb"] for s in kept),
        "home_ready_s_3g_runs": [s["home"]["s"] for s in cold],
        "article_ready_s_3g_runs": [s["article"]["s"] for s in kept],
        "article_ready_s_3g_first_visit_runs": [s["article"]["s"] for s in cold],
        "feed_entries": cold[-1]["home"]["entries"],
        "first_view_requests": cold[-1]["home"]["requests"],
        "searches": cold[-1]["searches"],
        "network": "CDP emulation of page and service worker: 400 ms latency, 400 kbit/s down and up",
        "compression": "brotli/gzip level 5 from 512 bytes, the types of deploy/nginx/sotay.conf; layer files "
                       "from their precompressed siblings",
        "targets": {**TARGETS, **(lh.TARGETS if lighthouse else {})},
    }
    result.update(audited)
    result["meets_targets"] = all(result[k] <= v for k, v in TARGETS.items()) and all(
        result[k] <= v if k == "cls_max" else result[k] >= v for k, v in lh.TARGETS.items() if k in result)
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sotay bench reader", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--var-dir", type=Path, help="var dir of a loaded demo (default: load one, ~2 min)")
    parser.add_argument("--user", default="dv.lb1", help="a cell member of the demo (default dv.lb1)")
    parser.add_argument("--password", default="sotay2026")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-lighthouse", action="store_true", help="skip the Lighthouse audit of every page")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve)
        return 0
    with tempfile.TemporaryDirectory(prefix="sotay-bench-reader-") as tmp:
        var_dir = args.var_dir
        if var_dir is None:
            var_dir = Path(tmp)
            sys.stderr.write("Đang nạp tỉnh mẫu (khoảng 2 phút)…\n")
            load_demo(var_dir)
        proc, url = start_server(var_dir.resolve())
        try:
            result = measure(url, args.user, args.password, args.runs, lighthouse=not args.no_lighthouse)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    if args.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        for key in ("first_view_kb_gz", "home_ready_s_3g", "article_ready_s_3g", "search_query_kb"):
            sys.stdout.write(f"{key}: {result[key]} (mục tiêu ≤ {TARGETS[key]})\n")
        for name, page in result.get("lighthouse_pages", {}).items():
            sys.stdout.write(f"{name} {page['path']}: performance {page['performance']}, accessibility "
                             f"{page['accessibility']}, best practices {page['best_practices']}, CLS {page['cls']}\n")
    return 0 if result["meets_targets"] else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
