"""Nguồn tin: feeds served by a local HTTP server become drafts of the unit's news, named and linked to their
source, never twice; a broken, malformed or unreachable feed is recorded on its source and shown in the admin."""

from __future__ import annotations

import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cms.notices.feeds import import_due_feeds, import_source
from cms.notices.models import FeedItem, FeedSource
from cms.publishing.models import NewsPage

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
RECORDED = Path(__file__).parent / "feeds"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def feed_server(tmp_path):
    """Serves a copy of the recorded feeds from tmp_path, so a test can change a feed between fetches."""
    for path in RECORDED.iterdir():
        shutil.copy(path, tmp_path / path.name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", tmp_path
    server.shutdown()


def test_new_items_become_drafts_named_and_linked_never_twice(tree, feed_server):
    url, folder = feed_server
    rss = FeedSource.objects.create(unit=tree["tn"], name="Báo Thái Nguyên", url=f"{url}/tinh.rss")
    atom = FeedSource.objects.create(unit=tree["dt"], name="Cổng thông tin tỉnh", url=f"{url}/cong.atom")
    results = import_due_feeds()
    assert sorted(len(r.taken) for r in results) == [2, 2]
    drafts = NewsPage.objects.child_of(tree["tn"])
    assert {p.title for p in drafts} == {"Tỉnh ủy Thái Nguyên sơ kết công tác xây dựng Đảng quý IV",
                                         "Đại Từ phát triển đảng viên trong thanh niên nông thôn"}
    assert not any(p.live for p in drafts)
    page = drafts.get(title__startswith="Tỉnh ủy")
    assert ('Nguồn: <a href="https://baothainguyen.vn/chinh-tri/so-ket-cong-tac-xay-dung-dang-quy-iv">'
            'Báo Thái Nguyên</a>') in page.body
    assert page.summary.startswith("Ban Thường vụ Tỉnh ủy sơ kết")
    assert NewsPage.objects.child_of(tree["dt"]).filter(title__startswith="UBND tỉnh chỉ đạo").exists()

    # The next fetch brings the same items again plus one new: only the new one is taken.
    text = (folder / "tinh.rss").read_text("utf-8").replace("<channel>", """<channel>
<item><title>Phú Lương ra quân phòng chống cháy rừng</title><guid>btn-2026-12-01-03</guid>
<link>https://baothainguyen.vn/chinh-tri/phu-luong-chay-rung</link></item>""")
    (folder / "tinh.rss").write_text(text, "utf-8")
    again = import_source(FeedSource.objects.get(pk=rss.pk))
    assert len(again.taken) == 1 and again.skipped == 2
    assert FeedItem.objects.filter(source=rss).count() == 3
    assert NewsPage.objects.child_of(tree["tn"]).count() == 3
    assert import_source(FeedSource.objects.get(pk=atom.pk)).taken == []
    assert FeedSource.objects.get(pk=rss.pk).items_taken == 3


def test_broken_feeds_are_recorded_and_shown_not_a_crash(tree, feed_server, client, password):
    url, _folder = feed_server
    malformed = FeedSource.objects.create(unit=tree["tn"], name="Trang lỗi", url=f"{url}/broken.rss")
    missing = FeedSource.objects.create(unit=tree["tn"], name="Không còn", url=f"{url}/khong-co.rss")
    good = FeedSource.objects.create(unit=tree["tn"], name="Báo Thái Nguyên", url=f"{url}/tinh.rss")
    results = {r.source: r for r in import_due_feeds()}
    assert len(results[good.pk].taken) == 2
    assert "không phải RSS/Atom" in FeedSource.objects.get(pk=malformed.pk).last_error
    assert "404" in FeedSource.objects.get(pk=missing.pk).last_error
    assert FeedSource.objects.get(pk=good.pk).last_error == ""
    local = FeedSource.objects.create(unit=tree["tn"], name="Tệp hệ thống", url="file:///etc/passwd")
    import_source(local)
    assert "http://" in FeedSource.objects.get(pk=local.pk).last_error
    assert not FeedItem.objects.filter(source=local).exists()

    assert client.login(username="bbt.tn", password=password)
    listing = client.get("/admin/nguon-tin/").content.decode()
    assert "Trang lỗi" in listing and "không phải RSS/Atom" in listing
