"""Images, attached files, the archive and "Tải về máy" on a phone (Debian's Chromium at 360×640): a member
sees a resolution's photo at phone width, downloads its signed PDF, browses older articles by year and by
column, chooses what to keep offline seeing each size, and reads an article never opened, offline. A file
changed on the server after signing is refused by the reader."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import log_in, wait_for_service_worker
from tests.e2e.province import RESOLUTION_FILE, RESOLUTION_PHOTO

PDF_NAME = "toan-van-nghi-quyet-09-nq-tu.pdf"  # its title, as a file name


def attachment(site) -> Path:
    return site.layer_file("u/tn/all", f"a/{site.ids['resolution']}/files/{PDF_NAME}")


def test_photo_download_archive_and_offline_choices(site, phone):
    context = phone(accept_downloads=True)
    page = context.new_page()
    log_in(page, site, "dv.x1")
    wait_for_service_worker(page)

    page.locator("#feed a", has_text="Nghị quyết về phát triển kinh tế đồi rừng").click()
    photo = page.locator(".sotay-body img")
    expect(photo).to_have_attribute("alt", RESOLUTION_PHOTO)
    assert (photo.get_attribute("width"), photo.get_attribute("height")) == ("720", "450")  # no layout shift
    photo.scroll_into_view_if_needed()
    page.wait_for_function("(i => i.complete && i.naturalWidth > 0)(document.querySelector('.sotay-body img'))")
    assert page.evaluate("document.querySelector('.sotay-body img').currentSrc").endswith("-360.jpg")
    box = photo.bounding_box()
    assert box["width"] <= 360 and abs(box["height"] / box["width"] - 450 / 720) < 0.02

    link = page.locator("a.sotay-file", has_text=RESOLUTION_FILE)
    expect(link).to_contain_text("PDF")
    with page.expect_download() as download:
        link.click()
    saved = Path(download.value.path()).read_bytes()
    assert saved.startswith(b"%PDF") and saved == attachment(site).read_bytes()
    assert download.value.suggested_filename == PDF_NAME

    page.goto(site.url + "/")
    page.wait_for_selector("html[data-sotay-ready=home]")
    page.get_by_role("link", name="Bài cũ hơn: xem theo năm, chuyên mục").click()
    page.wait_for_selector("html[data-sotay-ready=archive]")
    page.get_by_role("link", name="Đảng bộ tỉnh Thái Nguyên").click()
    expect(page.locator(".sotay-archive h1")).to_contain_text("Lưu trữ")
    page.get_by_role("link", name="Năm 2024").click()
    page.get_by_role("link", name="Tỉnh ủy tổng kết công tác dân vận năm 2024").click()
    expect(page.locator(".sotay-article h1")).to_have_text("Tỉnh ủy tổng kết công tác dân vận năm 2024")
    page.go_back()
    page.get_by_role("link", name="Lưu trữ").click()
    page.get_by_role("link", name="Xây dựng Đảng").click()
    expect(page.locator(".sotay-archive .sotay-list a")).to_have_text(["Nghị quyết về phát triển kinh tế đồi rừng"])

    page.goto(site.url + "/tai-ve/")
    page.wait_for_selector("html[data-sotay-ready=offline]")
    sizes = {name: page.locator(f"label[for=keep-{name}] .offline-size").inner_text()
             for name in ("text", "audio", "search")}
    assert all(re.fullmatch(r"\(\d+(,\d)? (kB|MB)\)", size) for size in sizes.values()), sizes
    expect(page.locator("#offline-always")).to_contain_text("Luôn có trên máy")
    page.get_by_label("Toàn bộ bài viết, kèm ảnh và tệp đính kèm").check()
    expect(page.locator("#offline-total")).to_contain_text("Đã chọn: " + sizes["text"].strip("()"))
    page.get_by_label("Chỉ tải qua Wi-Fi").check()
    page.get_by_role("button", name="Tải về máy").click()
    page.wait_for_selector("html[data-sotay-kept]:not([data-sotay-kept=failed])", state="attached")
    expect(page.locator("#offline-status")).to_contain_text("Đã tải về máy")

    context.set_offline(True)  # an article the member never opened, kept because they chose the text
    page.goto(site.article("district_study"))
    expect(page.locator(".sotay-article h1")).to_have_text("Tài liệu học tập chuyên đề năm 2026 cho đảng viên")
    context.set_offline(False)


def test_an_attachment_changed_after_signing_is_refused_by_the_reader(site, phone):
    original = attachment(site).read_bytes()
    page = phone().new_page()
    log_in(page, site, "dv.x1")
    wait_for_service_worker(page)
    target = attachment(site)
    try:
        target.unlink()
        target.write_bytes(original.replace(b"%PDF", b"%PDF\n% sua doi", 1))
        page.goto(site.article("resolution"))
        expect(page.locator(".sotay-article h1")).to_be_visible()
        href = page.locator("a.sotay-file").get_attribute("href")
        answer = page.evaluate("url => fetch(url).then(r => [r.status, r.headers.get('X-Sotay-Refused')])", href)
        assert answer == [422, "hash"]
        page.goto(site.article("resolution") + href)
        expect(page.locator("h1")).to_have_text("Nội dung bị từ chối")
        expect(page.get_by_role("alert")).to_contain_text("đã bị thay đổi so với bản đã ký")
    finally:
        target.unlink()
        target.write_bytes(original)
