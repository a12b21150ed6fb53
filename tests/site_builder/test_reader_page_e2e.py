"""A built layer in Debian's Chromium: the large-text toggle works and is remembered, and the first view of an
article asks nothing from any other host and stays small."""

from __future__ import annotations

import functools
import gzip
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.site_builder.conftest import resolution

CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium")]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def served(site):
    site.build([resolution(1)])
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site.dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def test_large_text_toggle_is_remembered(served, browser):
    _site, base = served
    page = browser.new_page(viewport={"width": 360, "height": 640})
    page.goto(f"{base}/u/tn/all/a/1/")
    body_size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.sotay-body p')).fontSize)")
    button = page.get_by_role("button", name="Chữ to")
    box = button.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 48
    button.click()
    assert "sotay-large" in page.evaluate("document.documentElement.className")
    assert button.get_attribute("aria-pressed") == "true"
    larger = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.sotay-body p')).fontSize)")
    assert larger >= body_size * 1.4
    page.reload()
    assert "sotay-large" in page.evaluate("document.documentElement.className")
    assert page.get_by_role("button", name="Chữ to").get_attribute("aria-pressed") == "true"


def test_first_view_stays_on_this_host_and_small(served, browser):
    site, base = served
    page = browser.new_page(viewport={"width": 360, "height": 640})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{base}/u/tn/all/a/1/", wait_until="load")
    page.wait_for_timeout(500)
    assert {urlparse(url).netloc for url in requested} == {urlparse(base).netloc}
    # What a phone downloads on first view, as a server with gzip would send it (receipts go to the API,
    # which this static server does not have).
    files = [site.dir / urlparse(url).path.lstrip("/") for url in requested if "/u/" in url]
    files = [path / "index.html" if path.is_dir() else path for path in files]
    assert len(files) >= 5 and all(path.is_file() for path in files)
    sent = sum(len(gzip.compress(path.read_bytes())) for path in files)
    assert sent < 90_000, f"first view is {sent} bytes gzipped"
