"""Regenerate the pictures of the reader's “Hướng dẫn” (cms/reader/static/reader/guide/*.jpg): the reader at
phone size (360×640) in Debian's Chromium, on the small province of the browser tests, as a cell member does
each thing the guide explains. Small JPEGs, since every phone that opens the guide downloads them.

    .venv/bin/python -m tests.e2e.guide_screenshots [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, ROOT, Site, log_in
from tests.e2e.screenshots import served_province

OUT_DIR = ROOT / "cms" / "reader" / "static" / "reader" / "guide"
QUALITY = 60


def shoot(site: Site, out_dir: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []

    def snap(page, name: str) -> None:
        shots.append(out_dir / name)
        page.screenshot(path=shots[-1], type="jpeg", quality=QUALITY)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        options = {"viewport": PHONE, "device_scale_factor": 1, "locale": "vi-VN",
                   "timezone_id": "Asia/Ho_Chi_Minh", "service_workers": "block"}
        page = browser.new_context(**options).new_page()
        page.goto(site.url + "/kich-hoat/?u=dv.x1")
        snap(page, "kich-hoat.jpg")
        log_in(page, site, "dv.x1")
        snap(page, "doc.jpg")
        page.goto(site.article("cell_meeting"))
        page.wait_for_selector("html[data-sotay-ready=article]")
        page.locator(".sotay-audio").scroll_into_view_if_needed()
        snap(page, "nghe.jpg")
        page.get_by_role("button", name="Xem sau").click()
        page.goto(site.url + "/xem-sau/")
        page.wait_for_selector("#saved li")
        snap(page, "xem-sau.jpg")
        page.goto(site.url + "/tim-kiem/?q=nghi+quyet")
        page.wait_for_selector("#results li")
        snap(page, "tim-kiem.jpg")
        page.goto(site.url + "/gop-y/")
        page.fill("#fb-body", "Đề nghị chi bộ tổ chức học nghị quyết vào tối thứ Bảy để đảng viên đi làm xa dự được.")
        snap(page, "gop-y.jpg")
        browser.close()
    return shots


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out_dir = Path(argv[0]) if argv else OUT_DIR
    with served_province() as site:
        for path in shoot(site, out_dir):
            sys.stdout.write(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
