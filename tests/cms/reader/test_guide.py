"""“Hướng dẫn” for members (reader) and “Hướng dẫn bí thư” (admin): both open and hold their sections; the
members' guide shows its pictures and, once layers were built with speech, plays each section aloud."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

from cms.reader import guide

pytestmark = pytest.mark.django_db
MEMBER_SECTIONS = ("Đọc bài", "Nghe đọc", "Tìm kiếm", "Lưu để xem sau", "Gửi góp ý", "Đăng nhập lần đầu")


def test_member_guide_explains_each_thing_with_a_picture(client, settings, tmp_path):
    settings.SOTAY_VAR_DIR = tmp_path  # a fresh installation: no layer built yet, so no guide audio either
    response = client.get("/huong-dan/")
    html = response.content.decode()
    assert response.status_code == 200 and "Hướng dẫn sử dụng" in html
    for title in MEMBER_SECTIONS:
        assert re.search(rf"<h2[^>]*>\d+\. {title}", html), title
    images = re.findall(r'<img src="/static/(reader/guide/[^"]+)" alt="([^"]+)"', html)
    assert len(images) == len(MEMBER_SECTIONS)
    for path, alt in images:
        assert finders.find(path), path
        assert alt
    assert "<audio" not in html  # no audio made yet: the page says nothing it cannot play


def test_shell_and_login_page_link_to_the_guide(client, tree, login):
    assert 'href="/huong-dan/"' in client.get("/dang-nhap/").content.decode()
    login("dv.x1")
    assert '<a href="/huong-dan/">Hướng dẫn</a>' in client.get("/").content.decode()


@pytest.fixture
def speech_var(settings, tmp_path):
    settings.SOTAY_VAR_DIR = tmp_path
    settings.SOTAY_SPEECH = True
    return tmp_path


def test_building_with_speech_voices_the_guide(client, speech_var):
    from cms.publishing.events import layer_built
    from layerformat.model import LayerId

    layer_built.send(sender=LayerId, layer=LayerId.for_unit_path("tn", "all"), articles=[])
    index = guide.audio_index()
    assert set(index) == {section.slug for section in guide.SECTIONS}
    html = client.get("/huong-dan/").content.decode()
    sources = re.findall(r'<audio controls preload="none" src="([^"]+)"', html)
    assert len(sources) == len(guide.SECTIONS)
    audio = client.get(sources[0])
    assert audio.status_code == 200 and audio["Content-Type"].startswith("audio/")
    assert len(b"".join(audio.streaming_content)) > 1000
    # Unchanged text: a second build reuses every file.
    assert guide.make_guide_audio() == index
    assert client.get("/huong-dan/am-thanh/" + "0" * 64 + ".opus").status_code == 404


def test_no_guide_audio_when_speech_is_off(settings, tmp_path):
    from cms.publishing.events import layer_built
    from layerformat.model import LayerId

    settings.SOTAY_VAR_DIR = tmp_path
    settings.SOTAY_SPEECH = False
    layer_built.send(sender=LayerId, layer=LayerId.for_unit_path("tn", "all"), articles=[])
    assert guide.audio_index() == {}


def test_secretary_guide_in_the_admin(client, tree, login):
    login("bt.x1")
    dashboard = client.get("/admin/").content.decode()  # the sidebar is JSON: its labels are \u-escaped
    assert '"name": "sotay-secretary-guide"' in dashboard
    response = client.get("/admin/huong-dan-bi-thu/")
    html = response.content.decode()
    assert response.status_code == 200
    for title in ("Quản lý đảng viên", "In phiếu kích hoạt", "Xem báo cáo", "Trả lời góp ý"):
        assert re.search(rf"<h2[^>]*>\d+\. {title}</h2>", html), title


def test_secretary_guide_is_not_in_an_editors_menu(client, tree, login):
    login("bbt.dt")  # an editor of the district board, not on its committee
    assert '"name": "sotay-secretary-guide"' not in client.get("/admin/").content.decode()
