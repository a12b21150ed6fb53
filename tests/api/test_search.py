"""Search: with or without tone marks, only within the caller's layers, snippets of the original text."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from cms.api import search_index
from cms.publishing.export import export_layer
from layerformat.model import LayerId
from tests.factories import publish

pytestmark = pytest.mark.django_db


def index_unit(unit) -> None:
    """What the build queue does after building the unit's two layers."""
    for layer in unit.layers():
        search_index.update_layer(layer, export_layer(layer))


@pytest.fixture
def indexed(tree, search_dir):
    publish(tree["tn"], "Nghị quyết về phát triển kinh tế số",
            body="<p>Đảng viên học tập <b>Nghị quyết</b> số 09-NQ/TU của Tỉnh ủy.</p>")
    publish(tree["x1"], "Sinh hoạt chi bộ Đồng Tâm", kind="meeting",
            body="<p>Chi bộ thảo luận nghị quyết về an ninh trật tự trong xóm.</p>")
    publish(tree["x2"], "Tin chi bộ Tân Sơn", body="<p>Nghị quyết của chi bộ Tân Sơn về làm đường.</p>")
    publish(tree["x1"], "Dự kiến nhân sự chi ủy", tier="committee", body="<p>Nghị quyết nhân sự mật.</p>")
    publish(tree["y1"], "Chi bộ Làng Lớn", body="<p>Nghị quyết Làng Lớn.</p>")
    for code in ("tn", "x1", "x2", "y1"):
        index_unit(tree[code])
    return tree


def province_article(pid: int, title: str, body: str = "<p>Nội dung.</p>"):
    """An article of the province layer `u/tn/all`, as the builder exports it."""
    from datetime import UTC, datetime

    from layerformat.model import Article

    when = datetime(2026, 11, 1, tzinfo=UTC)
    return Article(id=pid, slug=f"a{pid}", kind="news", title=title, body_html=body, published_at=when,
                   updated_at=when, layer=LayerId(("tn",), "all"), unit_name="Tỉnh", unit_level="province")


def titles(reply) -> set[str]:
    assert reply.status_code == 200, reply.content
    return {r["title"] for r in reply.json()["results"]}


def test_folded_query_finds_toned_text(indexed, as_member):
    client = as_member("dv.x1")
    assert titles(client.get("/api/search", {"q": "nghi quyet"})) == {
        "Nghị quyết về phát triển kinh tế số", "Sinh hoạt chi bộ Đồng Tâm"}
    toned = titles(client.get("/api/search", {"q": "Nghị Quyết"}))
    assert toned == titles(client.get("/api/search", {"q": "nghi quyet"}))
    assert titles(client.get("/api/search", {"q": "dang vien"})) == {"Nghị quyết về phát triển kinh tế số"}
    assert titles(client.get("/api/search", {"q": "dong tam"})) == {"Sinh hoạt chi bộ Đồng Tâm"}


def test_short_vietnamese_syllables_are_not_stop_words(indexed, as_member):
    assert titles(as_member("dv.x1").get("/api/search", {"q": "an ninh"})) == {"Sinh hoạt chi bộ Đồng Tâm"}


def test_results_have_the_reader_fields_and_a_highlighted_original_snippet(indexed, as_member):
    results = as_member("dv.x1").get("/api/search", {"q": "dang vien"}).json()["results"]
    (hit,) = results
    assert hit["url"].startswith("/u/tn/all/a/") and hit["unit"] == "Đảng bộ tỉnh Thái Nguyên"
    assert hit["published"][:4].isdigit()
    assert "<mark>Đảng</mark> <mark>viên</mark>" in hit["snippet"]


def test_search_never_crosses_layers(indexed, as_member):
    assert titles(as_member("dv.x2").get("/api/search", {"q": "nghi quyet"})) == {
        "Nghị quyết về phát triển kinh tế số", "Tin chi bộ Tân Sơn"}
    assert titles(as_member("dv.y1").get("/api/search", {"q": "nghi quyet"})) == {
        "Nghị quyết về phát triển kinh tế số", "Chi bộ Làng Lớn"}
    assert "Dự kiến nhân sự chi ủy" in titles(as_member("cuv.x1").get("/api/search", {"q": "nhan su"}))
    assert titles(as_member("dv.x1").get("/api/search", {"q": "nhan su"})) == set()
    assert titles(as_member("cuv.tn").get("/api/search", {"q": "nghi quyet"})) == {
        "Nghị quyết về phát triển kinh tế số"}


def test_unpublished_page_leaves_the_index_when_its_layer_is_rebuilt(indexed, as_member):
    page = publish(indexed["x1"], "Thông báo lịch họp", body="<p>Họp chi bộ ngày 5-7.</p>")
    index_unit(indexed["x1"])
    assert titles(as_member("dv.x1").get("/api/search", {"q": "lich hop"})) == {"Thông báo lịch họp"}
    page.unpublish()
    index_unit(indexed["x1"])
    assert titles(as_member("dv.x1").get("/api/search", {"q": "lich hop"})) == set()


def test_rebuild_indexes_every_live_page(indexed, search_dir, as_member):
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "5 bài viết" in out.getvalue()
    assert search_index.document_count() == 5
    assert titles(as_member("dv.x1").get("/api/search", {"q": "an ninh"})) == {"Sinh hoạt chi bộ Đồng Tâm"}


def test_empty_or_symbol_queries_return_nothing(indexed, as_member):
    client = as_member("dv.x1")
    for q in ("", "   ", "***", ":)", 'title:"x"'):
        assert client.get("/api/search", {"q": q}).json() == {"results": []}


def test_concurrent_layer_builds_both_land(tmp_path):
    from concurrent.futures import ThreadPoolExecutor
    from datetime import UTC, datetime

    from layerformat.model import Article

    def articles(unit_path, n):
        layer = LayerId(unit_path, "all")
        now = datetime(2026, 3, 1, tzinfo=UTC)
        return layer, [Article(id=hash((unit_path, i)) % 10**6, slug=f"s{i}", kind="news", title=f"Tin số {i}",
                               body_html="<p>Đảng viên học tập.</p>", published_at=now, updated_at=now, layer=layer,
                               unit_name="Đơn vị", unit_level="cell") for i in range(n)]

    jobs = [articles(("tn", f"d{k}"), 30) for k in range(4)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda job: search_index.update_layer(*job, directory=tmp_path), jobs))
    assert search_index.document_count(tmp_path) == 120
    found = search_index.search_layers([jobs[2][0]], "dang vien", limit=50, directory=tmp_path)
    assert len(found) == 30 and {r["layer"] for r in found} == {"u/tn/d2/all"}


@pytest.mark.slow
def test_publish_and_unpublish_reach_search_through_the_build_queue(tree, search_dir, as_member,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = publish(tree["x1"], "Lịch tiếp xúc cử tri", body="<p>Chi bộ mời đảng viên dự tiếp xúc cử tri.</p>")
    client = as_member("dv.x1")
    assert titles(client.get("/api/search", {"q": "tiep xuc cu tri"})) == {"Lịch tiếp xúc cử tri"}
    assert titles(as_member("dv.x2").get("/api/search", {"q": "tiep xuc cu tri"})) == set()
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert titles(client.get("/api/search", {"q": "tiep xuc cu tri"})) == set()


def test_updating_a_layer_rewrites_only_what_changed(tmp_path):
    layer = LayerId(("tn",), "all")
    art = province_article

    articles = [art(i, f"Nghị quyết số {i}") for i in range(1, 6)]
    assert search_index.update_layer(layer, articles, directory=tmp_path) == 5
    assert search_index.update_layer(layer, articles, directory=tmp_path) == 0
    articles[0] = art(1, "Nghị quyết đã sửa")
    assert search_index.update_layer(layer, articles[:4], directory=tmp_path) == 2
    titles = {hit["title"] for hit in search_index.search_layers([layer], "nghi quyet", directory=tmp_path)}
    assert titles == {"Nghị quyết đã sửa", "Nghị quyết số 2", "Nghị quyết số 3", "Nghị quyết số 4"}


def test_layer_prints_find_changes_and_a_bulk_load_keeps_them(tmp_path):
    layer = LayerId(("tn",), "all")

    def art(pid: int, body: str = "<p>Nội dung.</p>"):
        return province_article(pid, f"Nghị quyết số {pid}", body)

    articles = [art(i) for i in range(1, 4)]
    assert search_index.update_layer(layer, articles, directory=tmp_path) == 3
    # A body edit changes the print, so the page is written again and found by its new words.
    articles[1] = art(2, "<p>Chỉ thị về công tác kiểm tra giám sát.</p>")
    assert search_index.update_layer(layer, articles, directory=tmp_path) == 1
    assert [h["title"] for h in search_index.search_layers([layer], "kiem tra", directory=tmp_path)] == [
        "Nghị quyết số 2"]
    # A bulk load stores the prints too: the next build of the layer writes nothing.
    search_index.add_articles(articles, directory=tmp_path)
    assert search_index.update_layer(layer, articles, directory=tmp_path) == 0
    assert search_index.document_count(tmp_path) == 3


def test_a_node_upgraded_from_the_whoosh_index_starts_empty_and_drops_the_old_files(tmp_path):
    for name in ("_MAIN_3.toc", "MAIN_abc.seg", "MAIN_WRITELOCK", "versions.json"):
        (tmp_path / name).write_text("{}")
    (tmp_path / "layers").mkdir()
    (tmp_path / "layers" / "tn.all.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("not the index's")
    assert search_index.indexed_versions(tmp_path) == {}  # so the follower indexes every layer again
    assert sorted(p.name for p in tmp_path.iterdir()) == [".open.lock", "index.sqlite3", "index.sqlite3-shm",
                                                          "index.sqlite3-wal", "notes.txt"]


def test_searches_open_and_answer_from_the_last_commit_while_a_writer_holds_the_index(tmp_path):
    import sqlite3

    layer = LayerId(("tn",), "all")
    search_index.update_layer(layer, [province_article(1, "Nghị quyết về an ninh", "<p>Chi bộ.</p>")],
                              directory=tmp_path)
    search_index.reset_cache()  # the search below opens the file anew, as a web process starting does
    writer = sqlite3.connect(tmp_path / "index.sqlite3", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a rebuild in another process, not yet committed
    writer.execute("DELETE FROM doc")
    try:
        found = search_index.search_layers([layer], "an ninh", directory=tmp_path)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert [hit["title"] for hit in found] == ["Nghị quyết về an ninh"]


def test_a_transaction_left_open_on_the_connection_does_not_stop_later_searches_or_writes(tmp_path):
    layer = LayerId(("tn",), "all")

    def art(pid: int, title: str):
        return province_article(pid, title, "<p>Chi bộ.</p>")

    search_index.update_layer(layer, [art(1, "Nghị quyết về an ninh")], directory=tmp_path)
    conn, _folder = search_index._connection(tmp_path)
    conn.execute("BEGIN")  # what a COMMIT that failed would leave behind
    assert [h["title"] for h in search_index.search_layers([layer], "an ninh", directory=tmp_path)] == [
        "Nghị quyết về an ninh"]
    conn.execute("BEGIN")
    assert search_index.update_layer(layer, [art(1, "Nghị quyết về an ninh"), art(2, "Tin an ninh")],
                                     directory=tmp_path) == 1
