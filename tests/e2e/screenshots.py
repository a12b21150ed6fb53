"""Regenerate docs/screenshots/{home,article,large-text}.png: the reader at phone size (360×640) in Debian's
Chromium, on the small province of the browser tests (tests/e2e/province.py), logged in as a cell member.

    .venv/bin/python -m tests.e2e.screenshots [OUT_DIR]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    ROOT,
    Site,
    free_port,
    log_in,
    server_env,
    wait_for,
)

OUT_DIR = ROOT / "docs" / "screenshots"


def shoot(site: Site, out_dir: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="vi-VN",
                                      timezone_id="Asia/Ho_Chi_Minh", service_workers="block")
        page = context.new_page()
        log_in(page, site, "dv.x1")
        shots.append(out_dir / "home.png")
        page.screenshot(path=shots[-1])
        page.goto(site.article("cell_meeting"))
        page.wait_for_selector("html[data-sotay-ready=article]")
        page.locator(".sotay-back").scroll_into_view_if_needed()
        shots.append(out_dir / "article.png")
        page.screenshot(path=shots[-1])
        page.get_by_role("button", name="Chữ to").click()
        page.evaluate("window.scrollTo(0, 0)")
        shots.append(out_dir / "large-text.png")
        page.screenshot(path=shots[-1])
        browser.close()
    return shots


@contextmanager
def served_province() -> Iterator[Site]:
    """The small province of the browser tests, built in a temporary var dir and served on a free port."""
    with tempfile.TemporaryDirectory(prefix="sotay-shots-") as tmp:
        var_dir = Path(tmp)
        env = server_env(var_dir)
        subprocess.run([sys.executable, "-m", "tests.e2e.province", str(var_dir)], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        data = json.loads((var_dir / "province.json").read_text("utf-8"))
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "cms.cli", "serve", "--port", str(port), "--no-worker"],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for(url + "/dang-nhap/", proc)
            yield Site(url, var_dir, data["ids"], data["password"])
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out_dir = Path(argv[0]) if argv else OUT_DIR
    with served_province() as site:
        for path in shoot(site, out_dir):
            sys.stdout.write(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
