"""Building and publishing a layer: what a reader gets, what changes on a rebuild, what survives a failure."""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from layerformat.manifest import part_of
from layerformat.model import LayerId
from layerformat.signing import read_public_key
from layerformat.verify import verify_layer
from site_builder import layout, pipeline
from site_builder.errors import BuildError
from site_builder.render import THEME_DIR, render_article_html, render_layer
from tests.site_builder.conftest import PROVINCE, Site, make_article, resolution

DISTRICT = LayerId(("tn", "dt"), "all")


def text_of(path: Path) -> str:
    return path.read_text("utf-8")


def changed_files(before: dict, after: dict) -> set[str]:
    return {p for p in set(before["files"]) | set(after["files"]) if before["files"].get(p) != after["files"].get(p)}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One small layer shared by the read-only checks below."""
    from layerformat.signing import load_or_create_key
    from tests.site_builder.conftest import Site

    root = tmp_path_factory.mktemp("layer")
    site = Site(root, load_or_create_key(root / "signing.key"))
    site.result = site.build([resolution(1), make_article(2), make_article(3, day=0)])
    return site


def test_article_page_shows_title_unit_date_and_document_meta(built):
    page = text_of(built.layer() / "a" / "1" / "index.html")
    assert "<h1>Nghị quyết số 09-NQ/TU về nâng cao chất lượng đảng viên</h1>" in page
    assert "Đảng bộ tỉnh Thái Nguyên" in page and "Cấp tỉnh" in page
    assert "02/03/2025" in page  # published date, Vietnamese style
    for shown in ("Số, ký hiệu", "09-NQ/TU", "Ban Chấp hành Đảng bộ tỉnh", "26/01/2025", "Hạn học tập", "30/04/2025"):
        assert shown in page
    assert 'data-page-id="1"' in page
    assert "quyết nghị nâng cao chất lượng đảng viên" in page
    assert '<html lang="vi"' in page


def test_layer_home_links_every_article(built):
    home = text_of(built.layer() / "index.html")
    for article_id in (1, 2, 3):
        assert f'href="a/{article_id}/"' in home


def test_feed_lists_articles_newest_first(built):
    feed = built.feed()
    assert [entry["id"] for entry in feed] == [2, 1, 3]
    first = feed[1]
    assert first["url"] == "a/1/"
    assert first["kind"] == "resolution" and first["level"] == "province"
    assert first["unit"] == "Đảng bộ tỉnh Thái Nguyên"
    assert first["summary"].startswith("Nghị quyết về công tác phát triển đảng viên")
    assert first["meta"]["document_code"] == "09-NQ/TU"
    assert "audio" not in first


# Literals in vendor JavaScript that never become requests here: in mkdocs-material's bundle the GitHub API
# (only with repo_url), a licence comment, Mermaid (only for diagrams) and a ResizeObserver polyfill (our pages
# define a stand-in first); in Pagefind's worker a dummy base for parsing relative URLs.
VENDOR_URLS = (
    "https://api.github.com/repos/",
    "https://api.github.com/users/",
    "https://clipboardjs.com/",
    "https://unpkg.com/mermaid",
    "https://unpkg.com/resize-observer-polyfill",
    "https://example.com${",
)
URL = re.compile(r"(?:https?:)?//[a-zA-Z0-9.-]+\.[a-z]{2,}[^\s\"')]*")


def test_nothing_in_a_layer_requests_another_host(built):
    checked = 0
    for path in built.layer().rglob("*"):
        if path.suffix not in (".html", ".css", ".js"):
            continue
        checked += 1
        text = text_of(path)
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text
        if path.suffix == ".html":
            for ref in re.findall(r'(?:src|href)="([^"]*)"', text):
                assert not re.match(r"(https?:)?//", ref), f"{path}: {ref}"
        elif path.suffix == ".css":
            for ref in re.findall(r"(?:url\(|@import\s+)['\"]?([^'\")\s]+)", text):
                assert not re.match(r"(https?:)?//", ref), f"{path}: {ref}"
        else:
            urls = {u for u in URL.findall(text) if not u.startswith(("http://www.w3.org/", "//"))}
            unexpected = {u for u in urls if not u.startswith(VENDOR_URLS)}
            assert not unexpected, f"{path}: {unexpected}"
            if path.parent.name == "sotay":
                assert not urls, f"our own script names another host: {urls}"
    assert checked > 5
    assert "window.ResizeObserver||" in text_of(built.layer() / "a" / "1" / "index.html")


def test_lunr_search_is_off(built):
    layer = built.layer()
    assert not (layer / "search").exists()
    assert not list(layer.rglob("search_index.json"))
    assert not (layer / "assets" / "javascripts" / "lunr").exists()
    assert 'data-md-component="search"' not in text_of(layer / "a" / "1" / "index.html")


def test_large_text_toggle_on_every_page(built):
    for page in (built.layer() / "index.html", built.layer() / "a" / "2" / "index.html"):
        html = text_of(page)
        assert re.search(r'<button[^>]*data-sotay-toggle="large"[^>]*>Chữ to</button>', html)
        assert 'localStorage.getItem("sotay.large")' in html  # applied before first paint
        assert "assets/sotay/sotay.css" in html and "assets/sotay/sotay.js" in html
    css = text_of(built.layer() / "assets" / "sotay" / "sotay.css")
    assert "html.sotay-large" in css and "min-height:48px" in css.replace(" ", "")
    assert "/*" not in css  # the layer's copy is minified; themes/ keeps the commented source
    assert "document$.subscribe" in text_of(built.layer() / "assets" / "sotay" / "sotay.js")


def test_first_build_renders_every_page(built):
    assert built.result.version == 1
    assert built.result.pages_rendered == 4 and built.result.pages_reused == 0  # 3 articles + home
    assert verify_layer(built.layer(), read_public_key(built.dir / "keys" / "signing.pub")) == []


def test_article_page_size_does_not_grow_with_the_layer(site):
    site.build([make_article(i) for i in range(1, 4)])
    small = (site.layer() / "a" / "1" / "index.html").read_bytes()
    site.build([make_article(i) for i in range(1, 61)])
    assert (site.layer() / "a" / "1" / "index.html").read_bytes() == small


def test_one_changed_article_rerenders_one_page_and_keeps_other_hashes(site):
    articles = [make_article(i, summary=f"Tóm tắt {i}") for i in range(1, 6)]
    site.build(articles)
    before = site.manifest()
    articles[2] = replace(articles[2], body_html="<p>Nội dung đã sửa lại.</p>")
    result = site.build(articles)
    after = site.manifest()
    assert result.pages_rendered == 1 and result.pages_reused == 5
    changed = changed_files(before, after)
    assert "a/3/index.html" in changed
    # The article's page and its precompressed copies, the manifest parts that list them, and the recent
    # search segment; nothing else.
    rule = site.manifest(head=True)["parts"]
    copies = {"a/3/index.html.br", "a/3/index.html.gz"}
    assert {p for p in changed if not p.startswith("pagefind-recent/")} == {
        "a/3/index.html", *copies, "manifest/a-0.json", *(part_of(p, rule) for p in copies)}
    unchanged = set(before["files"]) - changed
    assert {"a/1/index.html", "a/1/index.html.br", "index.html", "feed.json", "assets/sotay/sotay.css"} <= unchanged
    # Unchanged files are shared with the previous version, not copied.
    old = site.dir / ".versions" / PROVINCE.prefix / "1" / "a" / "1" / "index.html"
    assert os.stat(old).st_ino == os.stat(site.layer() / "a" / "1" / "index.html").st_ino
    assert result.files_copied == len({p for p in changed & set(after["files"]) if not p.startswith("manifest/")})


def test_rebuild_without_changes_renders_nothing(site):
    articles = [make_article(i) for i in range(1, 4)]
    site.build(articles)
    before = site.manifest()
    result = site.build(articles)
    assert result.pages_rendered == 0 and result.files_copied == 0
    assert changed_files(before, site.manifest()) == set()


def test_unpublished_article_leaves_the_layer(site):
    site.build([resolution(1), make_article(2)])
    result = site.build([make_article(2)])
    assert result.pages_removed == 1
    assert not (site.layer() / "a" / "1").exists()
    assert [e["id"] for e in site.feed()] == [2]
    assert not any(p.startswith("a/1/") for p in site.manifest()["files"])
    assert 'href="a/1/"' not in text_of(site.layer() / "index.html")


def test_versions_only_grow_and_old_ones_are_pruned(site):
    versions = [site.build([make_article(1, title=f"Bản {n}")]).version for n in range(3)]
    assert versions == [1, 2, 3]
    assert site.manifest()["version"] == 3
    assert os.readlink(site.layer()).endswith(".versions/u/tn/all/3")
    kept = sorted(p.name for p in (site.dir / ".versions" / PROVINCE.prefix).iterdir() if p.name.isdigit())
    assert kept == ["2", "3"]


def test_bad_article_fails_the_build_and_leaves_the_live_layer(site):
    site.build([make_article(1), make_article(2)])
    before = site.manifest()
    with pytest.raises(BuildError) as failure:
        site.build([make_article(1), make_article(9, kind="tuyên truyền")])
    assert failure.value.stage == "render" and failure.value.page == "a/9/"
    assert site.manifest() == before
    assert (site.layer() / "a" / "2" / "index.html").exists()
    assert verify_layer(site.layer(), read_public_key(site.dir / "keys" / "signing.pub")) == []


def test_failing_stage_leaves_the_live_layer_and_the_next_build_recovers(site, monkeypatch):
    site.build([make_article(1), make_article(2)])
    before = site.manifest()

    def broken_index(*args, **kwargs):
        raise BuildError("index", "Pagefind hết bộ nhớ")

    monkeypatch.setattr(pipeline, "index", broken_index)
    with pytest.raises(BuildError, match="index"):
        site.build([make_article(1, title="Tiêu đề mới"), make_article(2)])
    assert site.manifest() == before
    assert "Tiêu đề mới" not in text_of(site.layer() / "a" / "1" / "index.html")
    assert not list((site.dir / ".versions" / PROVINCE.prefix).glob(".staging-*"))
    monkeypatch.undo()
    result = site.build([make_article(1, title="Tiêu đề mới"), make_article(2)])
    assert result.version == 2
    assert "Tiêu đề mới" in text_of(site.layer() / "a" / "1" / "index.html")
    assert verify_layer(site.layer(), read_public_key(site.dir / "keys" / "signing.pub")) == []


def test_empty_layer_is_a_valid_signed_layer(site):
    site.build([make_article(1)])
    result = pipeline.remove_layer(PROVINCE, site_dir=site.dir, work_dir=site.work, key=site.key)
    assert result.version == 2
    assert site.feed() == []
    assert "Chưa có bài viết." in text_of(site.layer() / "index.html")
    assert not (site.layer() / "a").exists()
    assert verify_layer(site.layer(), read_public_key(site.dir / "keys" / "signing.pub")) == []


def test_layers_sharing_a_work_root_stay_apart(site):
    site.build([make_article(1)])
    site.build([make_article(7, layer=DISTRICT, unit_name="Đảng bộ huyện Đại Từ")], layer=DISTRICT)
    assert (site.work / "u" / "tn" / "all" / "site" / "a" / "1").is_dir()
    assert (site.work / "u" / "tn" / "dt" / "all" / "site" / "a" / "7").is_dir()
    assert not (site.layer(DISTRICT) / "a" / "1").exists()
    assert "Đảng bộ huyện Đại Từ" in text_of(site.layer(DISTRICT) / "a" / "7" / "index.html")


def test_article_from_another_layer_is_refused(site):
    with pytest.raises(BuildError, match="u/tn/dt/all"):
        site.build([make_article(1), make_article(2, layer=DISTRICT)])


def test_audio_placeholder_and_feed_entry(site):
    work = site.work / PROVINCE.prefix
    pipeline.render(
        PROVINCE, [make_article(1), make_article(2)], work_dir=work, unit_name="Tỉnh", audio={1: "audio/ab12.opus"}
    )
    page = text_of(work / "site" / "a" / "1" / "index.html")
    assert '<div class="sotay-audio" data-src="../../audio/ab12.opus" data-page-id="1">' in page
    assert "▶ Nghe đọc" in page  # drawn with the page, so nothing moves when the player's script arrives
    assert "sotay-audio" not in text_of(work / "site" / "a" / "2" / "index.html")
    feed = {e["id"]: e for e in __import__("json").loads(text_of(work / "site" / "feed.json"))}
    assert feed[1]["audio"] == "audio/ab12.opus" and "audio" not in feed[2]


def test_preview_renders_a_draft_with_the_live_layer_assets():
    html = render_article_html(resolution(5, title="Dự thảo nghị quyết"))
    assert "<h1>Dự thảo nghị quyết</h1>" in html
    assert 'href="/u/tn/all/assets/sotay/sotay.css"' in html
    assert '"../' not in html


@pytest.mark.slow
def test_speech_puts_audio_in_the_layer_and_drops_stale_files(site):
    # Real synthesis (espeak-ng, encoder) of two short articles, with a cache shared across layers.
    articles = [make_article(1), make_article(2, title="Nghị quyết số 09-NQ/TU")]
    site.build(articles, speech=True, speech_cache=site.root / "audio-cache")
    audio = {entry["id"]: entry["audio"] for entry in site.feed()}
    assert set(audio) == {1, 2} and all(path.startswith("audio/") for path in audio.values())
    assert set(audio.values()) <= set(site.manifest()["files"])
    assert (site.layer() / audio[2]).stat().st_size > 1000
    assert f'data-src="../../{audio[2]}"' in text_of(site.layer() / "a" / "2" / "index.html")
    result = site.build(articles[1:], speech=True, speech_cache=site.root / "audio-cache")
    assert result.audio == 1
    assert [p for p in site.manifest()["files"] if p.startswith("audio/")] == [audio[2]]


def test_refresh_resigns_the_live_layer_with_a_later_expiry(site):
    site.build([make_article(1), make_article(2)], expires_days=1)
    before = site.manifest()
    later = datetime.now(UTC) + timedelta(days=2)  # the layer has expired by then
    result = pipeline.refresh_layer(PROVINCE, site_dir=site.dir, work_dir=site.work, key=site.key, now=later)
    after = site.manifest()
    assert result.version == 2 and after["files"] == before["files"]
    assert after["expires"] > before["expires"]
    public = read_public_key(site.dir / "keys" / "signing.pub")
    assert verify_layer(site.layer(), public, now=later) == []
    # The next ordinary build still reuses everything.
    assert site.build([make_article(1), make_article(2)]).files_copied == 0


def test_refresh_refuses_a_tampered_layer(site):
    site.build([make_article(1)])
    target = site.layer() / "a" / "1" / "index.html"
    target.write_text("<p>nội dung bị thay</p>", "utf-8")
    with pytest.raises(BuildError, match="Tệp bị sửa: a/1/index.html"):
        pipeline.refresh_layer(PROVINCE, site_dir=site.dir, work_dir=site.work, key=site.key)
    assert site.manifest()["version"] == 1


def test_edited_theme_script_is_republished_without_rendering_pages(site, tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(THEME_DIR, theme)
    work = site.work / PROVINCE.prefix
    articles = [make_article(1), make_article(2)]
    render_layer(PROVINCE, articles, work_dir=work, unit_name="Tỉnh", theme_dir=theme)
    script = theme / "assets" / "sotay" / "sotay.js"
    script.write_text(script.read_text("utf-8") + "\n/* sửa */\nwindow.sotayEdited = 1;\n", "utf-8")
    stats = render_layer(PROVINCE, articles, work_dir=work, unit_name="Tỉnh", theme_dir=theme)
    assert stats.pages_rendered == 0 and not stats.full
    built = (work / "site" / "assets" / "sotay" / "sotay.js").read_text("utf-8")
    assert built.rstrip().endswith("window.sotayEdited=1;") and "sửa" not in built  # minified on the way
    main = theme / "main.html"
    main.write_text(main.read_text("utf-8").replace("Chữ to", "Cỡ chữ lớn"), "utf-8")
    stats = render_layer(PROVINCE, articles, work_dir=work, unit_name="Tỉnh", theme_dir=theme)
    assert stats.full and stats.pages_rendered == 3
    assert "Cỡ chữ lớn" in text_of(work / "site" / "a" / "1" / "index.html")


def test_versions_keep_growing_after_the_site_dir_is_wiped(site):
    site.build([make_article(1)])
    site.build([make_article(1), make_article(2)])
    layout.wait_for_pruning()
    shutil.rmtree(site.dir)
    assert site.build([make_article(1), make_article(2)]).version == 3
    assert verify_layer(site.layer(), read_public_key(site.dir / "keys" / "signing.pub")) == []


def test_incremental_build_gives_the_same_pages_as_a_full_build(tmp_path, key):
    """mkdocs is handed only the changed pages; every page must still come out as a full build makes it."""
    articles = [make_article(i, summary=f"Tóm tắt {i}") for i in range(1, 13)]
    step = Site(tmp_path / "step", key)
    step.build(articles)
    articles[4] = replace(articles[4], title="Tin đã sửa tiêu đề", body_html="<p>Nội dung mới.</p>")
    articles.append(make_article(13))
    step.build(articles[1:])  # one edited, one added, one removed
    full = Site(tmp_path / "full", key)
    full.build(articles[1:])
    pages = sorted(p.relative_to(full.layer()).as_posix() for p in full.layer().rglob("*.html"))
    assert "a/5/index.html" in pages and "a/13/index.html" in pages and "a/1/index.html" not in pages
    assert pages == sorted(p.relative_to(step.layer()).as_posix() for p in step.layer().rglob("*.html"))
    for rel in pages:
        assert (step.layer() / rel).read_bytes() == (full.layer() / rel).read_bytes(), rel


def test_a_build_and_a_resign_run_their_named_stages_in_order_and_upload_last(site):
    sent = []

    def upload(layer, live_dir):
        sent.append((layer, json.loads((live_dir / "manifest.json").read_text("utf-8"))["version"]))
        return "sent"

    built = site.build([make_article(1)], upload=upload)
    assert list(built.seconds) == [*pipeline.STAGES, "upload"] and built.uploaded == "sent"
    resigned = pipeline.refresh_layer(PROVINCE, site_dir=site.dir, work_dir=site.work, key=site.key, upload=upload)
    assert list(resigned.seconds) == ["verify", "sign", "publish", "prune", "upload"]
    assert sent == [(PROVINCE, 1), (PROVINCE, 2)]


def test_a_failed_upload_is_a_build_error_of_its_stage_after_the_layer_is_live_here(site):
    def upload(layer, live_dir):
        raise ConnectionError("kho không trả lời")

    with pytest.raises(BuildError) as failure:
        site.build([make_article(1)], upload=upload)
    assert failure.value.stage == "upload" and "kho không trả lời" in failure.value.message
    assert site.manifest()["version"] == 1
    assert site.build([make_article(1)]).version == 2  # the next build goes on from there


def test_a_layer_is_not_published_without_audio_when_the_speech_engine_cannot_load(tmp_path, monkeypatch):
    """Members expect to listen: a speech stage asked for audio and unable to load its engine fails the build."""
    import sys

    monkeypatch.setitem(sys.modules, "site_builder.speech", None)  # importing it now raises ImportError
    with pytest.raises(BuildError) as failure:
        pipeline.speech(LayerId(("tn",), "all"), [make_article(1)], work_dir=tmp_path, enabled=True)
    assert failure.value.stage == "speech"
    assert "bộ đọc" in str(failure.value)
