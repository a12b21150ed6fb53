"""Every published article gets audio in its layer, gated like the page, and unchanged text is never re-spoken."""

import json
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from cms.publishing.build import build_one
from tests.factories import publish

pytestmark = pytest.mark.slow


def duration(path: Path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def test_published_articles_have_audio_that_survives_an_unchanged_rebuild(tree, login):
    page = publish(tree["dt"], "Nghị quyết số 09-NQ/HU về xây dựng Đảng",
                   body="<p>Ngày 26/01/2022, Ban Chấp hành Đảng bộ huyện ban hành Nghị quyết 09-NQ/HU.</p>")
    first = build_one("u/tn/dt/all", speech=True)
    assert first["audio"] == 1
    site = Path(settings.SOTAY_SITE_DIR) / "u/tn/dt/all"
    item = json.loads((site / "feed.json").read_text())[0]
    audio = site / item["audio"]
    assert audio.is_file() and 3 < duration(audio) < 40
    assert f'data-src="../../{item["audio"]}"' in (site / f"a/{page.pk}/index.html").read_text() or \
        item["audio"] in (site / f"a/{page.pk}/index.html").read_text()
    cache = Path(settings.SOTAY_VAR_DIR) / "cache" / "audio"
    cached = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}
    build_one("u/tn/dt/all", speech=True)
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()} == cached, "nothing re-synthesised"
    member = login("dv.x1")
    assert member.get(f"/u/tn/dt/all/{item['audio']}").status_code == 200
    member.logout()
    assert login("dv.y1").get(f"/u/tn/dt/all/{item['audio']}").status_code == 403


def test_an_editor_hears_the_draft_in_preview(tree, login, settings):
    from cms.publishing.models import NewsPage

    settings.SOTAY_SPEECH = True
    draft = NewsPage(title="Bản nháp có âm thanh", body="<p>Hội nghị lần thứ IX, ngày 03/02/2024.</p>", live=False)
    tree["dt"].add_child(instance=draft)
    client = login("bbt.dt")
    token = draft.create_page_preview().token
    html = client.get("/preview/", {"content_type": "publishing.newspage", "token": token}).content.decode()
    src = html.split('class="sotay-audio" data-src="')[1].split('"')[0]
    assert src.startswith("/preview/audio/")
    audio = client.get(src)
    assert audio.status_code == 200
    path = Path(settings.SOTAY_VAR_DIR) / "preview-audio" / src.rsplit("/", 1)[1]
    assert 1 < duration(path) < 30
    client.logout()
    assert login("dv.x1").get(src).status_code == 403


def test_a_publish_gives_the_text_first_and_the_audio_with_the_next_build(tree, settings, monkeypatch,
                                                                           django_capture_on_commit_callbacks):
    from cms.publishing import build as build_module

    settings.SOTAY_SPEECH = True
    builds = []
    real = build_module.build_one

    def recording(prefix, **kwargs):
        stats = real(prefix, **kwargs)
        builds.append((kwargs.get("text_first"), stats["audio"], stats["audio_pending"], stats["search"]))
        return stats

    monkeypatch.setattr(build_module, "build_one", recording)
    with django_capture_on_commit_callbacks(execute=True):
        page = publish(tree["dt"], "Thông báo kết luận hội nghị", body="<p>Ban Thường vụ Huyện ủy kết luận.</p>")
    # First the text (no audio synthesised yet, Pagefind left to the next build), then the audio.
    assert [b[:3] for b in builds] == [(True, 0, 1), (False, 1, 0)]
    assert builds[1][3]["recent_rebuilt"]
    site = Path(settings.SOTAY_SITE_DIR) / "u/tn/dt/all"
    assert "audio/" in (site / f"a/{page.pk}/index.html").read_text()
    # Republishing the same text: its audio is cached, so the first build has it and none follows.
    builds.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert [b[:3] for b in builds] == [(True, 1, 0)]
