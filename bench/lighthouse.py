"""Lighthouse (the npm package, locked in package-lock.json) over every page of the reader, as the web's own
tooling measures a phone: the mobile preset (simulated slow 4G, 4× CPU slowdown, 412 px Moto G), Debian's
Chromium headless, on a server bound to 127.0.0.1 (nothing leaves the machine), signed in as a cell member
through the session cookie (sent as a request header to every request of the page).

Each page is a cold first visit: Lighthouse starts from an empty cache and no service worker, which is what a
member who opens a shared link meets. Part of `sotay bench reader` (bench/reader.py starts the server)."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from bench.node_tools import LIGHTHOUSE, ensure_node_tools

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update", "--no-default-browser-check"]
CATEGORIES = ("performance", "accessibility", "best-practices")
PUBLIC = ("login", "activation")  # audited without the session
TARGETS = {"lighthouse_performance_min": 0.95, "lighthouse_accessibility_min": 1.0,
           "lighthouse_best_practices_min": 0.95, "cls_max": 0.05}


def reader_pages(browser, url: str, cookies: list[dict]) -> dict[str, str]:
    """Every page of the reader a member can open, by name → path: the server-drawn pages, the shell's
    views, one article and its layer's home, one meeting. Found the way a member finds them (links)."""
    pages = {
        "login": "/dang-nhap/",
        "activation": "/kich-hoat/",
        "home": "/",
        "search": "/tim-kiem/?q=nghi%20quyet",
        "unread": "/chua-doc/",
        "saved": "/xem-sau/",
        "feedback": "/gop-y/",
        "profile": "/ho-so/",
        "guide": "/huong-dan/",
        "meetings": "/sinh-hoat/",
    }
    context = browser.new_context(viewport={"width": 360, "height": 640}, service_workers="block")
    context.add_cookies(cookies)
    page = context.new_page()
    try:
        page.goto(url + "/")
        page.wait_for_selector("html[data-sotay-ready=home]", timeout=60_000)
        cell = page.locator("#feed .badge.level-cell")
        link = cell.first.locator("xpath=ancestor::a") if cell.count() else page.locator("#feed a.item").first
        article = link.get_attribute("href")
        pages["article"] = article
        pages["layer_home"] = article.split("/a/")[0] + "/"
        meeting = page.locator("a[href^='/sinh-hoat/']").evaluate_all(
            "links => links.map(a => a.getAttribute('href')).filter(h => /^\\/sinh-hoat\\/\\d+\\/$/.test(h))")
        if meeting:
            pages["meeting"] = meeting[0]
    finally:
        context.close()
    return pages


@contextlib.contextmanager
def signed_in_chromium(browser_type, cookies: list[dict]) -> Iterator[int]:
    """Debian's Chromium, headless, with the member's session cookies set (through `browser_type`, Playwright's
    chromium): Lighthouse connects to it by its DevTools port. Lighthouse clears caches, storage and service
    workers before each page, not cookies."""
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="sotay-lh-profile-") as profile:
        proc = subprocess.Popen([CHROMIUM, *CHROMIUM_FLAGS, f"--remote-debugging-port={port}",
                                 f"--user-data-dir={profile}", "about:blank"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            endpoint = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(endpoint + "/json/version", timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise RuntimeError("Chromium did not open its DevTools port") from None
                    time.sleep(0.2)
            if cookies:
                browser = browser_type.connect_over_cdp(endpoint)
                browser.contexts[0].add_cookies(cookies)
            yield port
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_one(url: str, port: int) -> dict:
    """One Lighthouse run (mobile preset) in the Chromium on `port`, reduced to the figures reported."""
    with tempfile.TemporaryDirectory(prefix="sotay-lh-") as tmp:
        out = Path(tmp) / "report.json"
        args = ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
                "--only-categories=" + ",".join(CATEGORIES), "--max-wait-for-load=60000", f"--port={port}"]
        for _attempt in range(3):  # Lighthouse now and then loses the trace of a load (NO_NAVSTART): again
            done = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=tmp)
            if done.returncode == 0 and out.exists():
                break
        else:
            raise RuntimeError(f"Lighthouse failed on {url}: {done.stderr[-2000:]}")
        report = json.loads(out.read_text("utf-8"))
    audits = report["audits"]
    scores = {name: report["categories"][name]["score"] for name in CATEGORIES}
    failing = sorted({
        ref["id"]
        for name in CATEGORIES
        for ref in report["categories"][name]["auditRefs"]
        if audits[ref["id"]].get("score") is not None and audits[ref["id"]]["score"] < 0.9
        and audits[ref["id"]].get("scoreDisplayMode") not in ("informative", "manual", "notApplicable")
    })
    shifts = [
        {"node": (item.get("node") or {}).get("selector", ""), "score": round(item.get("score", 0), 3)}
        for item in (audits.get("layout-shifts", {}).get("details") or {}).get("items", [])[:5]
    ]
    console = [item.get("description", "")[:200]
               for item in (audits["errors-in-console"].get("details") or {}).get("items", [])]
    return {
        "performance": scores["performance"],
        "accessibility": scores["accessibility"],
        "best_practices": scores["best-practices"],
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "lcp_s": round(audits["largest-contentful-paint"]["numericValue"] / 1000, 2),
        "fcp_s": round(audits["first-contentful-paint"]["numericValue"] / 1000, 2),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "kb": round(audits["total-byte-weight"]["numericValue"] / 1024, 1),
        "failing": failing,
        "shifts": shifts,
        "console_errors": console,
    }


def audit(browser, url: str, cookies: list[dict]) -> dict:
    """Lighthouse over every reader page; the login and activation pages without the session."""
    ensure_node_tools()
    pages = reader_pages(browser, url, cookies)
    results = {}
    with signed_in_chromium(browser.browser_type, []) as port:
        for name in PUBLIC:
            results[name] = {"path": pages[name], **run_one(url + pages[name], port)}
    with signed_in_chromium(browser.browser_type, cookies) as port:
        for name, path in pages.items():
            if name not in PUBLIC:
                results[name] = {"path": path, **run_one(url + path, port)}
    return {
        "lighthouse_performance_min": min(r["performance"] for r in results.values()),
        "lighthouse_accessibility_min": min(r["accessibility"] for r in results.values()),
        "lighthouse_best_practices_min": min(r["best_practices"] for r in results.values()),
        "cls_max": max(r["cls"] for r in results.values()),
        "lighthouse_pages": results,
        "lighthouse": "Lighthouse 12.2.3, mobile preset (simulated slow 4G, 4× CPU), Debian's Chromium headless",
    }
