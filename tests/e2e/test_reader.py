"""The reader on a phone, end to end in Debian's Chromium: log in, the merged home feed, search without tone
marks, an article with its player, receipts and feedback sent exactly once through an offline spell and a
cut connection, another district's article refused, tampered layer files and manifest parts refused, an
article read earlier still readable offline after its layer was published again."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from layerformat.manifest import part_of
from tests.e2e.conftest import (
    ROOT,
    log_in,
    outbox_size,
    server_env,
    wait_for_service_worker,
    wait_for_value,
    wait_until_sent,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NO_ACCESS = "Bạn không có quyền xem nội dung này, hoặc nội dung không tồn tại."


def test_anonymous_visitor_gets_the_login_page(site, phone):
    page = phone().new_page()
    page.goto(site.url + "/")
    assert page.url.startswith(site.url + "/dang-nhap/")
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    page.goto(site.article("cell_news"))
    assert page.url.startswith(site.url + "/dang-nhap/")
    assert "Tài liệu sinh hoạt" not in page.content()


def test_home_merges_the_chain_newest_first_marked_by_level(site, phone):
    page = phone().new_page()
    log_in(page, site, "dv.x1")
    titles = page.locator("#feed .title").all_inner_texts()
    assert titles == [
        "Tài liệu sinh hoạt chi bộ xóm Đồng Tâm tháng 11",
        "Chi bộ xóm Đồng Tâm kết nạp đảng viên mới",
        "Xã Hùng Sơn ra mắt mô hình dân vận khéo",
        "Tài liệu học tập chuyên đề năm 2026 cho đảng viên",
        "Tỉnh ủy sơ kết công tác xây dựng Đảng năm 2026",
        "Nghị quyết về phát triển kinh tế đồi rừng",
        "Tỉnh ủy tổng kết công tác dân vận năm 2024",
    ]
    levels = page.locator("#feed .badge[class*='level-']").all_inner_texts()
    assert levels == ["Chi bộ", "Chi bộ", "Cơ sở", "Huyện", "Tỉnh", "Tỉnh", "Tỉnh"]
    expect(page.locator("#feed .unread-mark")).to_have_count(7)
    reminder = page.locator("#reminders")
    expect(reminder).to_contain_text("Nhắc hạn học tập")
    expect(reminder).to_contain_text("Tài liệu học tập chuyên đề năm 2026 cho đảng viên")
    expect(reminder).to_contain_text("còn 5 ngày")
    assert "Phú Lương" not in page.content()


@pytest.mark.parametrize(
    ("typed", "found", "marked"),
    [("nghi quyet", "Nghị quyết về phát triển kinh tế đồi rừng", "Nghị"),
     ("dang vien", "Tài liệu học tập chuyên đề năm 2026 cho đảng viên", "đảng")],
)
def test_search_without_tone_marks(site, phone, typed, found, marked):
    page = phone().new_page()
    log_in(page, site, "dv.x1")
    page.get_by_role("link", name="Tìm kiếm").click()
    page.wait_for_selector("html[data-sotay-ready=search]")  # the view is drawn before the member types
    page.get_by_label("Từ cần tìm").fill(typed)
    page.get_by_label("Từ cần tìm").press("Enter")
    page.wait_for_selector("html[data-sotay-ready=search]")
    expect(page.locator("#results .title", has_text=found)).to_have_count(1)
    assert marked in page.locator("#results mark").all_inner_texts()
    assert "Phú Lương" not in page.locator("#results").inner_text()
    assert page.url.endswith("/tim-kiem/?q=" + typed.replace(" ", "%20"))


def play_at(page, label: str) -> None:
    speed = page.locator(".sotay-audio button", has_text="Tốc độ")
    for _ in range(4):
        if speed.inner_text() == label:
            break
        speed.click()
    expect(speed).to_have_text(label)
    page.locator(".sotay-audio button", has_text="Nghe").click()


def test_read_listen_and_work_offline_then_everything_arrives_once(site, phone):
    context = phone()
    page = context.new_page()
    log_in(page, site, "dv.x1")
    wait_for_service_worker(page)
    meeting, news = site.ids["cell_meeting"], site.ids["cell_news"]

    page.locator("#feed a", has_text="Tài liệu sinh hoạt chi bộ xóm Đồng Tâm tháng 11").click()
    expect(page.locator(".sotay-article h1")).to_have_text("Tài liệu sinh hoạt chi bộ xóm Đồng Tâm tháng 11")
    play_at(page, "Tốc độ 1,25×")
    page.wait_for_function("document.querySelector('.sotay-audio audio').currentTime > 0.5")
    assert page.evaluate("document.querySelector('.sotay-audio audio').playbackRate") == 1.25
    page.wait_for_function("document.querySelector('.sotay-audio audio').ended")
    page.get_by_role("button", name="Đánh dấu đã đọc").click()
    expect(page.get_by_role("button", name="✓ Đã đọc")).to_have_attribute("aria-pressed", "true")
    wait_until_sent(page)
    assert site.receipts("dv.x1", meeting) == ["completed", "listened", "opened"]

    page.goto(site.article("cell_news"))  # opened online once, so it is kept on the phone
    expect(page.locator(".sotay-actions")).to_be_visible()
    wait_until_sent(page)
    page.goto(site.url + "/")
    page.wait_for_selector("html[data-sotay-ready=home]")
    page.wait_for_selector("html[data-sotay-held]", state="attached")  # feeds and theme kept
    page.goto(site.url + "/tai-ve/")  # search indexes only when the member asks for them
    page.wait_for_selector("html[data-sotay-ready=offline]")
    page.get_by_label("Chỉ mục tìm kiếm khi không có mạng").check()
    page.get_by_role("button", name="Tải về máy").click()
    page.wait_for_selector("html[data-sotay-kept]:not([data-sotay-kept=failed])", state="attached")

    context.set_offline(True)
    page.goto(site.article("cell_news"))
    expect(page.locator(".sotay-offline")).to_be_visible()
    page.get_by_role("button", name="Đánh dấu đã đọc").click()
    expect(page.locator(".sotay-actions + .sotay-status")).to_contain_text("sẽ được gửi khi có mạng")
    page.get_by_label("Nội dung").fill("Đề nghị chi bộ bổ sung danh sách đảng viên mới vào sổ theo dõi.")
    page.get_by_role("button", name="Gửi góp ý").click()
    expect(page.locator(".sotay-feedback .sotay-status")).to_contain_text("sẽ tự gửi khi có mạng")
    assert outbox_size(page) == 2
    assert site.receipts("dv.x1", news) == ["opened"]
    assert site.feedback("dv.x1") == []

    page.goto(site.url + "/")  # the shell and the home feed, offline
    page.wait_for_selector("html[data-sotay-ready=home]")
    expect(page.locator("#offline")).to_be_visible()
    expect(page.locator("#feed .item")).to_have_count(7)
    page.goto(site.url + "/tim-kiem/?q=dang%20vien")  # Pagefind indexes of the layers kept on the phone
    page.wait_for_selector("html[data-sotay-ready=search]")
    expect(page.locator("#search-status")).to_contain_text("Tìm trên các bài đã lưu trên máy")
    study = "Tài liệu học tập chuyên đề năm 2026 cho đảng viên"
    expect(page.locator("#results .title", has_text=study)).to_have_count(1)
    page.goto(site.article("cell_meeting"))  # its audio was played, so it is kept too
    expect(page.locator(".sotay-article h1")).to_be_visible()
    audio_ok = page.evaluate("fetch(document.querySelector('.sotay-audio').dataset.src).then(r => r.status)")
    assert audio_ok == 200

    context.set_offline(False)
    wait_until_sent(page)
    assert site.receipts("dv.x1", news) == ["completed", "opened"]
    assert site.feedback("dv.x1") == [
        ("comment", "Đề nghị chi bộ bổ sung danh sách đảng viên mới vào sổ theo dõi.", news)
    ]


def test_a_connection_cut_after_the_server_stored_a_batch_loses_and_doubles_nothing(site, phone):
    context = phone(service_workers="block")  # the page's own requests, as an old WebView without a worker
    page = context.new_page()
    cut = []

    def answer_lost_once(route):
        if not cut:
            cut.append(route.fetch())  # the server stores the batch…
            route.abort("connectionreset")  # …and the answer never reaches the phone
        else:
            route.continue_()

    log_in(page, site, "dv2.x1")
    page.route("**/api/receipts", answer_lost_once)
    page.goto(site.article("resolution"))
    page.get_by_role("button", name="Đánh dấu đã đọc").click()
    wait_until_sent(page)
    assert len(cut) == 1 and cut[0].status == 200
    assert site.receipts("dv2.x1", site.ids["resolution"]) == ["completed", "opened"]


OLD_WEBVIEW = """(() => {
  const importKey = crypto.subtle.importKey.bind(crypto.subtle);
  crypto.subtle.importKey = (format, key, algorithm, ...rest) =>
    (algorithm && algorithm.name === "Ed25519") ? Promise.reject(new DOMException("not supported", "NotSupportedError"))
      : importKey(format, key, algorithm, ...rest);
})()"""


def test_webview_without_webcrypto_ed25519_checks_manifests_with_the_fallback(site, phone):
    context = phone(service_workers="block")
    context.add_init_script(OLD_WEBVIEW)
    page = context.new_page()
    nacl = []
    page.on("request", lambda r: nacl.append(r.url) if "nacl.min.js" in r.url else None)
    log_in(page, site, "dv.x1")
    expect(page.locator("#feed .item")).to_have_count(7)
    assert page.locator("#alerts").inner_text() == ""
    assert len(nacl) == 1


def test_member_of_another_district_cannot_open_the_article(site, phone):
    page = phone().new_page()
    log_in(page, site, "dv.y1")
    assert "Đồng Tâm" not in page.locator("#feed").inner_text()
    expect(page.locator("#feed .title", has_text="Huyện ủy Phú Lương tổng kết vụ chè")).to_have_count(1)
    wait_for_service_worker(page)
    existing = page.goto(site.article("cell_news"))
    assert existing.status == 403
    assert page.locator("body").inner_text().strip() == NO_ACCESS
    missing = page.goto(site.url + "/u/tn/dt/hs/x9/all/a/1/")
    assert (missing.status, page.locator("body").inner_text().strip()) == (403, NO_ACCESS)
    feed = page.request.get(site.url + "/u/tn/dt/hs/x1/all/feed.json")
    assert feed.status == 403


def test_choices_of_large_text_and_contrast_are_remembered(site, phone):
    page = phone().new_page()
    log_in(page, site, "cuv.x1")
    small = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#feed .title')).fontSize)")
    page.get_by_role("button", name="Chữ to").click()
    page.get_by_role("button", name="Tương phản cao").click()
    page.reload()
    page.wait_for_selector("html[data-sotay-ready=home]")
    assert page.evaluate("document.documentElement.className") == "sotay-large sotay-contrast"
    large = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#feed .title')).fontSize)")
    assert large >= small * 1.25
    expect(page.get_by_role("button", name="Chữ to")).to_have_attribute("aria-pressed", "true")
    page.goto(site.article("commune_news"))
    assert "sotay-large" in page.evaluate("document.documentElement.className")
    expect(page.get_by_role("button", name="Chữ to")).to_have_attribute("aria-pressed", "true")


def test_saved_for_later_is_listed_and_synced(site, phone):
    page = phone().new_page()
    log_in(page, site, "bt.x1")
    page.goto(site.article("district_study"))
    page.get_by_role("button", name="Xem sau").click()
    expect(page.get_by_role("button", name="✓ Đã lưu xem sau")).to_have_attribute("aria-pressed", "true")
    wait_until_sent(page)
    assert site.saved("bt.x1") == [site.ids["district_study"]]
    page.goto(site.url + "/xem-sau/")
    page.wait_for_selector("html[data-sotay-ready=saved]")
    expect(page.locator("#saved .title")).to_have_text(["Tài liệu học tập chuyên đề năm 2026 cho đảng viên"])
    page.goto(site.url + "/chua-doc/")
    page.wait_for_selector("html[data-sotay-ready=unread]")
    expect(page.locator("#unread .title").first).to_have_text("Tài liệu học tập chuyên đề năm 2026 cho đảng viên")
    expect(page.locator("#unread .summary").first).to_contain_text("Hạn học tập")


def test_expired_session_is_explained_and_queued_receipts_wait_for_the_next_login(site, phone):
    context = phone()
    page = context.new_page()
    log_in(page, site, "dv.x2")
    page.goto(site.url + "/")  # x2 reads tn, dt, hs: pick the commune article
    page.goto(site.article("commune_news"))
    wait_until_sent(page)
    context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="Đánh dấu đã đọc").click()
    status = page.locator(".sotay-actions + .sotay-status")
    expect(status).to_contain_text("Phiên đăng nhập đã hết")
    expect(status.get_by_role("link", name="Đăng nhập lại")).to_be_visible()
    assert outbox_size(page) == 1
    page.goto(site.url + "/")
    expect(page.locator(".notice")).to_contain_text("Phiên đăng nhập đã hết")
    page.fill("#id_username", "dv.x2")
    page.fill("#id_password", site.password)
    page.click("button[type=submit]")
    page.wait_for_selector("html[data-sotay-ready=home]")
    wait_until_sent(page)
    assert site.receipts("dv.x2", site.ids["commune_news"]) == ["completed", "opened"]


def tamper(path, old: bytes, new: bytes) -> bytes:
    original = path.read_bytes()
    assert old in original
    path.write_bytes(original.replace(old, new))
    return original


def tamper_served(path, old: bytes, new: bytes) -> dict:
    """Change a layer file and the precompressed copies the server sends in its place (site_builder/compress.py);
    the originals, to put back."""
    import gzip

    import brotli

    originals = {path: tamper(path, old, new)}
    changed = path.read_bytes()
    for suffix, pack in ((".br", brotli.compress), (".gz", gzip.compress)):
        sibling = path.with_name(path.name + suffix)
        if sibling.exists():
            originals[sibling] = sibling.read_bytes()
            sibling.write_bytes(pack(changed))
    return originals


def test_tampered_layer_files_are_refused_in_the_browser(site, phone):
    page = phone().new_page()
    log_in(page, site, "dv.hs")
    wait_for_service_worker(page)
    layer = "u/tn/dt/hs/all"
    article = site.layer_file(layer, f"a/{site.ids['commune_news']}/index.html")
    feed = site.layer_file(layer, "feed.json")
    manifest = site.layer_file("u/tn/dt/all", "manifest.json")
    originals = {
        **tamper_served(article, "dân vận khéo".encode(), "TIN GIẢ MẠO".encode()),
        **tamper_served(feed, "dân vận khéo".encode(), "TIN GIẢ MẠO".encode()),
        **tamper_served(manifest, b'"expires":"', b'"expires":"9'),
    }
    try:
        page.goto(site.article("commune_news"))
        expect(page.get_by_role("heading", name="Nội dung bị từ chối")).to_be_visible()
        assert "TIN GIẢ MẠO" not in page.content()

        page.goto(site.url + "/")
        page.wait_for_selector("html[data-sotay-ready=home]")
        alerts = page.locator("#alerts")
        expect(alerts).to_contain_text("không qua được kiểm tra chữ ký số")
        expect(alerts).to_contain_text("đã bị thay đổi so với bản đã ký")
        titles = page.locator("#feed .title").all_inner_texts()
        assert "TIN GIẢ MẠO" not in " ".join(titles)
        assert titles == ["Tỉnh ủy sơ kết công tác xây dựng Đảng năm 2026", "Nghị quyết về phát triển kinh tế đồi rừng",
                          "Tỉnh ủy tổng kết công tác dân vận năm 2024"]
    finally:
        for path, data in originals.items():
            path.write_bytes(data)
    assert re.search(r"dân vận khéo", article.read_text("utf-8"))


def head_of(site, layer: str) -> dict:
    return json.loads(site.layer_file(layer, "manifest.json").read_text("utf-8"))


def test_a_tampered_manifest_part_is_refused_in_the_browser(site, phone):
    layer = "u/tn/dt/hs/x1/all"
    part = part_of(f"a/{site.ids['cell_news']}/index.html", head_of(site, layer)["parts"])
    path = site.layer_file(layer, part)
    # Tampered before the phone sees the layer: a part checked and kept earlier (the home keeps the coming
    # meeting's material, which may share it) is rightly trusted from the phone.
    originals = tamper_served(path, b'"length":', b'"length":9')
    try:
        page = phone().new_page()
        log_in(page, site, "dv.x1")
        wait_for_service_worker(page)
        page.goto(site.article("cell_news"))
        expect(page.get_by_role("heading", name="Nội dung bị từ chối")).to_be_visible()
    finally:
        for changed, data in originals.items():
            changed.write_bytes(data)


PUBLISH_IN_HS = """
from django.db import transaction
from cms.org.models import UnitPage
from cms.publishing.models import NewsPage
unit = UnitPage.objects.get(code="hs")
with transaction.atomic():
    page = NewsPage(title="Xã Hùng Sơn tổng kết công tác năm 2026", body="<p>Đảng bộ xã tổng kết công tác năm.</p>")
    unit.add_child(instance=page)
    page.save_revision().publish()
"""


def test_an_article_read_online_stays_readable_offline_after_its_layer_is_published_again(site, phone):
    context = phone()
    page = context.new_page()
    log_in(page, site, "dv.hs")
    wait_for_service_worker(page)
    layer = "u/tn/dt/hs/all"
    before = head_of(site, layer)["files"]
    page.goto(site.article("commune_news"))
    expect(page.locator(".sotay-actions")).to_be_visible()

    # A new article in the same layer: a new version whose manifest part for a/… is no longer the kept one.
    env = server_env(site.var_dir)
    for command in (["manage", "shell", "-c", PUBLISH_IN_HS], ["build", "--unit", "hs"]):
        subprocess.run([sys.executable, "-m", "cms.cli", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    head = head_of(site, layer)
    part = part_of(f"a/{site.ids['commune_news']}/index.html", head["parts"])
    assert head["files"][part] != before[part]

    page.goto(site.url + "/")
    page.wait_for_selector("html[data-sotay-ready=home]")
    expect(page.locator("#feed .title", has_text="Xã Hùng Sơn tổng kết công tác năm 2026")).to_have_count(1)
    # The worker fetches the new part before it drops what no kept manifest lists any more.
    kept = f"caches.open('sotay-blobs').then(c => c.match('/__sotay/blob/{head['files'][part]['sha256']}'))"
    assert wait_for_value(page, f"{kept}.then(Boolean)"), "the new part is not kept on the phone"
    page.wait_for_timeout(1000)

    context.set_offline(True)
    page.goto(site.article("commune_news"))
    expect(page.locator(".sotay-article h1")).to_have_text("Xã Hùng Sơn ra mắt mô hình dân vận khéo")
    context.set_offline(False)
