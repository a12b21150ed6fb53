"""The reader shell as the server answers it: login rules, the member's profile in the page, the service worker
and web app manifest a phone needs to install the reader, and the shared scripts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from cms.org.models import Member

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    for path in ("/", "/tim-kiem/", "/chua-doc/", "/xem-sau/", "/gop-y/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/dang-nhap/?next=")


def test_login_page_is_vietnamese_and_installable(client):
    response = client.get("/dang-nhap/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "Tên đăng nhập" in html and "Mật khẩu" in html
    assert 'rel="manifest" href="/manifest.webmanifest"' in html


def test_member_logs_in_and_sees_their_shell_with_their_profile(client, tree, password):
    response = client.post("/dang-nhap/", {"username": "dv.x1", "password": password})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/")
    html = page.content.decode()
    me = json.loads(re.search(r'<script id="sotay-me" type="application/json">(.*?)</script>', html).group(1))
    assert me["username"] == "dv.x1"
    assert me["layers"] == ["u/tn/all", "u/tn/dt/all", "u/tn/dt/hs/all", "u/tn/dt/hs/x1/all"]
    assert page["Cache-Control"] == "private, no-cache"
    assert "csrftoken" in page.cookies


def test_wrong_password_is_explained_in_vietnamese(client, tree):
    response = client.post("/dang-nhap/", {"username": "dv.x1", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


def test_struck_off_member_cannot_open_the_reader(client, tree, password):
    Member.objects.filter(user__username="dv.x1").update(status="struck_off")
    response = client.post("/dang-nhap/", {"username": "dv.x1", "password": password})
    assert response.status_code == 200
    assert "Tài khoản này không còn quyền đọc sổ tay." in response.content.decode()


def test_expired_session_is_told_apart_from_a_first_visit(client, tree, password):
    client.post("/dang-nhap/", {"username": "dv.x1", "password": password})
    client.cookies.pop("sessionid")
    response = client.get("/xem-sau/")
    assert response["Location"] == "/dang-nhap/?het-phien=1&next=/xem-sau/"
    assert "Phiên đăng nhập đã hết" in client.get(response["Location"]).content.decode()


def test_logout_needs_a_post_and_ends_the_session(client, tree, password):
    client.post("/dang-nhap/", {"username": "dv.x1", "password": password})
    assert client.get("/dang-xuat/").status_code == 405
    response = client.post("/dang-xuat/")
    assert response["Location"] == "/dang-nhap/?da-dang-xuat=1"
    assert client.get("/")["Location"].startswith("/dang-nhap/?next=")


def test_service_worker_is_served_at_the_root_with_its_version_and_precache(client):
    response = client.get("/sw.js")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    version = re.search(r'var SOTAY_VERSION = "([0-9a-f]{12})";', body).group(1)
    precache = json.loads(re.search(r"var SOTAY_PRECACHE = (\[.*?\]);", body).group(1))
    assert any(url.startswith("/static/reader/shell.js?v=") for url in precache)
    assert any(url.startswith("/r/receipts.js?v=") for url in precache)
    assert version == re.search(r'"([0-9a-f]{12})"', client.get("/sw.js").content.decode()).group(1)


def test_web_app_manifest_names_the_handbook_in_vietnamese_with_icons(client):
    response = client.get("/manifest.webmanifest")
    data = json.loads(response.content)
    assert response["Content-Type"].startswith("application/manifest+json")
    assert data["name"] == "Sổ tay đảng viên"
    assert data["lang"] == "vi" and data["start_url"] == "/" and data["display"] == "standalone"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert sizes == {"192x192", "512x512"}
    for icon in data["icons"]:
        path = finders.find(icon["src"].split("?")[0].removeprefix("/static/"))
        assert Path(path).read_bytes().startswith(b"\x89PNG")


def test_shared_scripts_are_served_from_the_theme_and_nothing_else(client):
    response = client.get("/r/receipts.js?v=1")
    assert response.status_code == 200
    assert b"sotayOutbox" in response.content
    assert "immutable" in response["Cache-Control"]
    assert client.get("/r/sotay.js").status_code == 404
    assert client.get("/r/..%2Fmain.html").status_code == 404
