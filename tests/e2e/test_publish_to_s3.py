"""One-way house with a bucket: a district editor types and publishes in the admin, the worker builds the layer and
uploads it to S3 by itself, the status panel says when it reached members, and a cell member reads the article
through the gate and Debian's nginx, which fetches it from the bucket.

The S3 API is moto's server on 127.0.0.1; `sotay serve` runs with its build worker and `SOTAY_STORE_BUCKET`, as
production does; nginx runs the production config `deploy/nginx/sotay-s3.conf`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from deploy.s3server import FAKE_CREDENTIALS, running_s3_server
from tests.deploy.test_nginx_config import NGINX, render
from tests.e2e.conftest import ROOT, Site, free_port, server_env, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not Path(NGINX).exists(), reason="Debian's nginx is missing")]
DESKTOP = {"width": 1280, "height": 800}
BUCKET = "sotay-e2e"


@pytest.fixture(scope="module")
def s3_site(tmp_path_factory):
    """A province whose layers live in a bucket: the server (with its worker) and nginx in front of it."""
    root = tmp_path_factory.mktemp("e2e-s3")
    var_dir = root / "var"  # where render() points the config's /var/lib/sotay
    var_dir.mkdir()
    with running_s3_server() as endpoint:
        env = {**server_env(var_dir), **FAKE_CREDENTIALS, "SOTAY_STORE_BUCKET": BUCKET,
               "SOTAY_STORE_ENDPOINT_URL": endpoint}
        saved = {k: os.environ.get(k) for k in FAKE_CREDENTIALS}
        os.environ.update(FAKE_CREDENTIALS)
        from deploy.stores import S3Store

        store = S3Store(BUCKET, endpoint_url=endpoint)
        store.create_private_bucket()
        with (root / "build.log").open("w") as log:
            subprocess.run([sys.executable, "-m", "tests.e2e.province", str(var_dir)], cwd=ROOT, env=env,
                           check=True, stdout=log, stderr=subprocess.STDOUT)
            subprocess.run([sys.executable, "-m", "cms.cli", "manage", "collectstatic", "--noinput", "-v", "0"],
                           cwd=ROOT, env=env, check=True, stdout=log, stderr=subprocess.STDOUT)
        import json

        data = json.loads((var_dir / "province.json").read_text("utf-8"))
        app_port, nginx_port = free_port(), free_port()
        server = subprocess.Popen([sys.executable, "-m", "cms.cli", "serve", "--port", str(app_port)], cwd=ROOT,
                                  env=env, stdout=(root / "server.log").open("w"), stderr=subprocess.STDOUT)
        nginx = subprocess.Popen([NGINX, "-c", str(render("sotay-s3.conf", root, nginx_port, app_port, endpoint)),
                                  "-e", str(root / "error.log")], stderr=subprocess.DEVNULL)
        try:
            wait_for(f"http://127.0.0.1:{app_port}/dang-nhap/", server)
            wait_for(f"http://127.0.0.1:{nginx_port}/dang-nhap/", nginx)
            yield {"admin": Site(url=f"http://127.0.0.1:{app_port}", var_dir=var_dir, ids=data["ids"],
                                 password=data["password"]),
                   "reader": f"http://127.0.0.1:{nginx_port}", "store": store}
        finally:
            nginx.terminate()
            server.terminate()
            nginx.wait(timeout=10)
            server.wait(timeout=15)
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def _unit_id(site: Site, code: str) -> int:
    with site.db() as db:
        return db.execute("SELECT page_ptr_id FROM org_unitpage WHERE code = ?", (code,)).fetchone()[0]


def _page_id(site: Site, title: str) -> int:
    with site.db() as db:
        return db.execute("SELECT id FROM wagtailcore_page WHERE title = ?", (title,)).fetchone()[0]


def test_an_editor_publishes_and_a_cell_member_reads_it_from_the_bucket(s3_site, browser):
    admin: Site = s3_site["admin"]
    title = "Huyện ủy Đại Từ phát động thi đua đến kho lưu trữ"
    body = "Các chi bộ tổ chức học tập chuyên đề năm 2026 trước ngày 15/12."
    editor = browser.new_context(viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    editor.set_default_timeout(20000)
    page = editor.new_page()
    page.goto(admin.url + "/admin/login/")
    page.locator("#id_username").press_sequentially("bbt.dt")
    page.locator("#id_password").press_sequentially(admin.password)
    page.locator("button[type=submit]").click()
    page.wait_for_url(admin.url + "/admin/")
    page.goto(f"{admin.url}/admin/pages/add/publishing/newspage/{_unit_id(admin, 'dt')}/")
    page.locator("#id_title").press_sequentially(title)
    editor_box = page.locator(".public-DraftEditor-content").first
    editor_box.click()
    page.keyboard.type(body)
    expect(editor_box).to_contain_text(body)
    # Draftail writes its content into the form a moment after the last key, as it does when an editor pauses.
    expect(page.locator("input[name=body]")).to_have_value(re.compile("chuyên đề năm 2026"))
    publish = page.locator("button[name=action-publish]")
    if not publish.is_visible():
        page.locator("footer [data-w-dropdown-target=toggle], footer .w-dropdown__toggle").first.click()
    publish.click()
    page.wait_for_url("**/admin/pages/**")

    # The editor opens the page again: the status panel follows the build until the article reached members.
    page_id = _page_id(admin, title)
    page.goto(f"{admin.url}/admin/pages/{page_id}/edit/")
    page.locator('[data-side-panel-toggle="status"]').click()
    status = page.locator("[data-sotay-publish-status-text]")
    expect(status).to_have_text(re.compile(r"Đang chờ dựng|Đang dựng|Đã đến đảng viên"))
    expect(status).to_have_text(re.compile(r"^Đã đến đảng viên lúc \d\d:\d\d \(phiên bản \d+\)$"), timeout=60000)
    version = int(re.search(r"phiên bản (\d+)", status.inner_text()).group(1))
    editor.close()

    # The bucket holds that version: the worker uploaded it, nobody ran `sotay publish`.
    from deploy import layout
    from deploy.layout import Manifest

    head = Manifest.parse(s3_site["store"].get(layout.head_key("u/tn/dt/all")))
    # The text-first build the status showed may already be followed by the build that adds the new audio.
    assert head.version >= version and f"a/{page_id}/index.html" in head.with_parts(
        head.store_reader(s3_site["store"])).files

    # A member of a cell of the district reads it through nginx, the gate and the bucket.
    member = browser.new_context(viewport={"width": 360, "height": 640}, locale="vi-VN")
    member.set_default_timeout(20000)
    reader = member.new_page()
    # (Logging in at the application's own port: nginx's `Host $host` drops the port, so Django's CSRF origin
    # check refuses a form posted through it here; the session cookie holds for every port of the host.)
    reader.goto(admin.url + "/dang-nhap/")
    reader.locator("#id_username").press_sequentially("dv.x1")
    reader.locator("#id_password").press_sequentially(admin.password)
    reader.locator("button[type=submit]").click()
    reader.wait_for_url(admin.url + "/")
    response = reader.goto(f"{s3_site['reader']}/u/tn/dt/all/a/{page_id}/")
    assert response.status == 200 and "x-accel-redirect" not in response.headers
    expect(reader.locator("h1")).to_contain_text(title)
    expect(reader.locator("article, .md-content").first).to_contain_text("học tập chuyên đề năm 2026")
    member.close()
