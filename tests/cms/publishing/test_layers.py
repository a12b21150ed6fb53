"""Publishing in Wagtail rebuilds the owner's layer at once; the gate serves it only to the unit's subtree."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from cms.publishing.build import build_one
from tests.factories import publish


def live_feed(prefix: str) -> list[dict]:
    path = Path(settings.SOTAY_SITE_DIR) / prefix / "feed.json"
    return json.loads(path.read_text()) if path.exists() else []


@pytest.fixture
def published(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = publish(tree["dt"], "Nghị quyết về phát triển đảng viên", body="<p>Kết nạp đảng viên mới.</p>")
    return page


def test_publishing_builds_the_owner_layer(published):
    assert [item["title"] for item in live_feed("u/tn/dt/all")] == ["Nghị quyết về phát triển đảng viên"]
    assert (Path(settings.SOTAY_SITE_DIR) / "u/tn/dt/all/manifest.json.sig").exists()


def test_unpublishing_removes_the_page_from_the_layer(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        published.unpublish()
    assert live_feed("u/tn/dt/all") == []
    article = Path(settings.SOTAY_SITE_DIR) / f"u/tn/dt/all/a/{published.pk}/index.html"
    assert not article.exists()


def test_a_committee_page_goes_to_the_committee_layer_only(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publish(tree["dt"], "Tài liệu mật của cấp ủy", tier="committee")
    assert [i["title"] for i in live_feed("u/tn/dt/committee")] == ["Tài liệu mật của cấp ủy"]
    assert live_feed("u/tn/dt/all") == []


def test_members_of_the_subtree_read_the_article(published, login):
    for username in ("dv.x1", "dv.hs", "cuv.dt"):
        client = login(username)
        response = client.get(f"/u/tn/dt/all/a/{published.pk}/")
        assert response.status_code == 200, username
        assert "Nghị quyết về phát triển đảng viên" in b"".join(response.streaming_content).decode()
        client.logout()


def test_another_district_gets_the_same_refusal_for_existing_and_missing_layers(published, login):
    client = login("dv.y1")
    existing = client.get(f"/u/tn/dt/all/a/{published.pk}/")
    missing = client.get("/u/tn/dt/all/a/999999/")
    nonexistent_layer = client.get("/u/tn/zz/all/")
    assert existing.status_code == missing.status_code == nonexistent_layer.status_code == 403
    assert existing.content == missing.content == nonexistent_layer.content


def test_a_plain_member_cannot_fetch_the_committee_tier(published, login):
    assert login("dv.x1").get("/u/tn/dt/committee/feed.json").status_code == 403


def test_anonymous_visitors_get_the_login_page(published, client):
    response = client.get(f"/u/tn/dt/all/a/{published.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    assert client.get("/u/tn/dt/all/feed.json").status_code == 401


def test_path_tricks_do_not_escape_the_gate(published, login):
    client = login("dv.x1")
    for path in ("/u/tn/dt/all/../../pl/all/feed.json", "/u/tn/dt/all/%2e%2e/%2e%2e/pl/all/feed.json"):
        assert client.get(path).status_code in (403, 404)


def test_expelled_members_lose_layers_mid_session(published, tree, login):
    from cms.org.services import set_status

    client = login("dv.x1")
    assert client.get("/u/tn/dt/all/feed.json").status_code == 200
    set_status(member=tree["dv.x1"], status="expelled")
    assert client.get("/u/tn/dt/all/feed.json").status_code in (302, 401)


def test_rebuilding_without_changes_keeps_every_file_hash(published):
    manifest = Path(settings.SOTAY_SITE_DIR) / "u/tn/dt/all/manifest.json"
    before = json.loads(manifest.read_text())["files"]
    build_one("u/tn/dt/all", speech=False)
    after = json.loads(manifest.read_text())
    assert after["files"] == before and after["version"] >= 2


def test_the_preview_renders_a_draft_like_the_reader(tree, login):
    from cms.publishing.models import NewsPage

    draft = NewsPage(title="Bản nháp chờ xem trước", body="<p>Đoạn văn nháp.</p>", live=False)
    tree["dt"].add_child(instance=draft)
    client = login("bbt.dt")
    preview = draft.create_page_preview()
    response = client.get("/preview/", {"content_type": "publishing.newspage", "token": preview.token})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bản nháp chờ xem trước" in html and "Đoạn văn nháp." in html
    assert "md-typeset" in html, "rendered through the mkdocs-material theme of the layers"


def test_an_ordinary_publish_rebuilds_one_layer_and_a_tier_change_both(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        page = publish(tree["dt"], "Tin một lớp")
    assert len(callbacks) == 1
    page.tier = "committee"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        page.save_revision().publish()
    assert len(callbacks) == 2
    assert [i["title"] for i in live_feed("u/tn/dt/committee")] == ["Tin một lớp"]
    assert live_feed("u/tn/dt/all") == []


def test_layers_close_to_expiry_are_re_signed_and_others_left_alone(published):
    from datetime import UTC, datetime, timedelta

    from cms.publishing.build import refresh_expiring
    from layerformat.model import LayerId
    from site_builder.layout import read_live_manifest

    layer = LayerId(("tn", "dt"), "all")
    before = read_live_manifest(settings.SOTAY_SITE_DIR, layer)
    assert "u/tn/dt/all" not in refresh_expiring(within_days=10, compact=False)
    refreshed = refresh_expiring(within_days=40, compact=False)
    after = read_live_manifest(settings.SOTAY_SITE_DIR, layer)
    assert "u/tn/dt/all" in refreshed and after["version"] > before["version"]
    assert after["files"] == before["files"]
    assert datetime.fromisoformat(after["expires"]) > datetime.now(UTC) + timedelta(days=29)


def test_the_gate_sends_the_precompressed_page_a_browser_accepts(published, login):
    import gzip

    import brotli

    client = login("dv.x1")
    url = f"/u/tn/dt/all/a/{published.pk}/"
    plain = b"".join(client.get(url).streaming_content)
    as_br = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    as_gz = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert as_br["Content-Encoding"] == "br" and as_gz["Content-Encoding"] == "gzip"
    assert brotli.decompress(b"".join(as_br.streaming_content)) == plain
    assert gzip.decompress(b"".join(as_gz.streaming_content)) == plain
    assert as_br["Content-Type"].startswith("text/html") and "Accept-Encoding" in as_br["Vary"]
    assert int(as_br["Content-Length"]) < len(plain) / 2
    # The siblings are layer files like any other: listed in the signed manifest.
    from layerformat.model import LayerId
    from site_builder.layout import read_live_manifest

    files = read_live_manifest(Path(settings.SOTAY_SITE_DIR), LayerId.parse("/u/tn/dt/all/"))["files"]
    assert {f"a/{published.pk}/index.html.br", f"a/{published.pk}/index.html.gz"} <= set(files)
