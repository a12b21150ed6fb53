"""Browser tests against a real server: a small built province (tests/e2e/province.py) served by `sotay serve`
in its own var dir, driven by Debian's Chromium through Playwright at a phone's 360×640 viewport.

The server and the province are built once per session; each test opens fresh browser contexts (a fresh phone).
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required",
]
PHONE = {"width": 360, "height": 640}
ARTICLE_LAYERS = {
    "province_news": "u/tn/all", "resolution": "u/tn/all", "old_news": "u/tn/all", "district_study": "u/tn/dt/all",
    "commune_news": "u/tn/dt/hs/all", "cell_meeting": "u/tn/dt/hs/x1/all", "cell_news": "u/tn/dt/hs/x1/all",
    "other_district": "u/tn/pl/all", "other_cell": "u/tn/pl/dn/y1/all",
}


@dataclass
class Site:
    url: str
    var_dir: Path
    ids: dict[str, int]
    password: str

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.var_dir / "db.sqlite3", timeout=10)

    def receipts(self, username: str, page_id: int) -> list[str]:
        """Events stored for this member and page, sorted; a duplicate would show up twice."""
        query = (
            "SELECT r.event FROM api_receipt r JOIN org_member m ON r.member_id = m.id "
            "JOIN auth_user u ON m.user_id = u.id WHERE u.username = ? AND r.page_id = ? ORDER BY r.event"
        )
        with self.db() as db:
            return [row[0] for row in db.execute(query, (username, page_id))]

    def feedback(self, username: str) -> list[tuple[str, str, int | None]]:
        query = (
            "SELECT f.kind, f.body, f.page_id FROM api_feedback f JOIN org_member m ON f.member_id = m.id "
            "JOIN auth_user u ON m.user_id = u.id WHERE u.username = ? ORDER BY f.id"
        )
        with self.db() as db:
            return list(db.execute(query, (username,)))

    def saved(self, username: str) -> list[int]:
        query = (
            "SELECT s.page_id FROM api_saveditem s JOIN org_member m ON s.member_id = m.id "
            "JOIN auth_user u ON m.user_id = u.id WHERE u.username = ? ORDER BY s.page_id"
        )
        with self.db() as db:
            return [row[0] for row in db.execute(query, (username,))]

    def article(self, name: str) -> str:
        """URL of a named article of tests/e2e/province.py."""
        return f"{self.url}/{ARTICLE_LAYERS[name]}/a/{self.ids[name]}/"

    def layer_file(self, layer: str, rel: str) -> Path:
        return (self.var_dir / "site" / layer / rel).resolve()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOTAY_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(DJANGO_SETTINGS_MODULE="cms.settings.dev", SOTAY_VAR_DIR=str(var_dir), SOTAY_SPEECH="0",
               PYTHONPATH=str(ROOT))
    return env


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(url)


def _serve_province(tmp_path_factory, name: str):
    var_dir = tmp_path_factory.mktemp(name)
    env = server_env(var_dir)
    log = (var_dir / "build.log").open("w")
    subprocess.run([sys.executable, "-m", "tests.e2e.province", str(var_dir)], cwd=ROOT, env=env, check=True,
                   stdout=log, stderr=subprocess.STDOUT)
    data = json.loads((var_dir / "province.json").read_text("utf-8"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env["SOTAY_PUBLIC_URL"] = url  # what printed QR codes open
    server_log = (var_dir / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "cms.cli", "serve", "--port", str(port), "--no-worker"],
                            cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT)
    try:
        wait_for(url + "/dang-nhap/", proc)
        yield Site(url=url, var_dir=var_dir, ids=data["ids"], password=data["password"])
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Site:
    """The province members read: tests here change receipts and saved items, never what is published."""
    yield from _serve_province(tmp_path_factory, "e2e-var")


@pytest.fixture(scope="session")
def admin_site(tmp_path_factory) -> Site:
    """A second province for the admin's tests, which publish, so the reader's tests see a known set of articles."""
    yield from _serve_province(tmp_path_factory, "e2e-admin-var")


@pytest.fixture(scope="module")  # closed after each module: other packages' tests start their own Playwright
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    """A fresh phone: its own cookies, caches, service worker and IndexedDB."""
    contexts = []

    def _new(**options):
        context = browser.new_context(viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", **options)
        context.set_default_timeout(15000)
        contexts.append(context)
        return context

    yield _new
    for context in contexts:
        context.close()


def log_in(page, site: Site, username: str) -> None:
    page.goto(site.url + "/")
    page.fill("#id_username", username)
    page.fill("#id_password", site.password)
    page.click("button[type=submit]")
    page.wait_for_selector("html[data-sotay-ready=home]")


def wait_for_service_worker(page) -> None:
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null")


def wait_for_value(page, expression: str, seconds: float = 10):
    """Until a page expression (a promise may be) gives something truthy; that value. Playwright's
    wait_for_function takes a promise itself for a truthy answer, so it cannot wait on one."""
    deadline = time.monotonic() + seconds
    while not (value := page.evaluate(expression)) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    return value


def outbox_size(page) -> int:
    return page.evaluate("sotayOutbox.pending().then(function (items) { return items.length; })")


def wait_until_sent(page, seconds: float = 20) -> None:
    """Until the phone's outbox is empty (the reader retries on its own; this only nudges it)."""
    deadline = time.monotonic() + seconds
    script = "sotayOutbox.flush().then(() => sotayOutbox.pending()).then(items => items.length)"
    while (left := page.evaluate(script)) and time.monotonic() < deadline:
        page.wait_for_timeout(300)
    assert left == 0, f"{left} items still waiting in the outbox"
