"""Search over a layer with Pagefind, queried through the reader's own search.js in node (real queries)."""

from __future__ import annotations

from dataclasses import replace

from site_builder import search
from site_builder.search import plan_segments
from tests.site_builder.conftest import PROVINCE, make_article, resolution
from tests.site_builder.test_pipeline import DISTRICT, changed_files

A1 = "/u/tn/all/a/1/"


def test_queries_with_or_without_tone_marks_find_the_page(site):
    site.build([resolution(1), make_article(2)])
    found = site.search("nghi quyet", "Nghị quyết", "NGHỊ QUYẾT", "dang vien", "đảng viên", "Đảng Viên", "09-NQ/TU")
    assert found["nghi quyet"] == [A1]
    assert found["Nghị quyết"] == [A1]
    assert found["NGHỊ QUYẾT"] == [A1]
    assert found["dang vien"] == [A1]
    assert found["đảng viên"] == [A1]
    assert found["Đảng Viên"] == [A1]
    assert A1 in found["09-NQ/TU"]


def test_results_keep_the_original_title(site):
    site.build([resolution(1)])
    answer = site.answers("dang vien")["dang vien"]
    assert answer["titles"] == ["Nghị quyết số 09-NQ/TU về nâng cao chất lượng đảng viên"]


def test_unpublished_page_leaves_the_search_index(site):
    site.build([resolution(1), make_article(2)])
    assert site.search("dang vien")["dang vien"] == [A1]
    site.build([make_article(2)])
    found = site.search("dang vien", "sinh hoat")
    assert found["dang vien"] == []
    assert found["sinh hoat"] == ["/u/tn/all/a/2/"]


def test_empty_layer_lists_no_segments_and_searches_to_nothing(site):
    site.build([], unit_name="Chi bộ xóm Đồng Tâm")
    assert (site.layer() / "search.json").read_text() == '{"segments":[]}'
    assert site.search("dang vien")["dang vien"] == []


def test_compaction_splits_recent_and_archive_and_both_are_searched(site, monkeypatch):
    monkeypatch.setattr(search, "RECENT_KEEP", 2)
    articles = [make_article(i, body_html=f"<p>Đảng viên số {i} học tập nghị quyết.</p>") for i in range(1, 6)]
    result = site.build(articles, compact=True)
    assert (result.search.recent_pages, result.search.archive_pages) == (2, 3)
    assert (site.layer() / "pagefind-archive" / "pagefind.js").exists()
    assert site.search("dang vien")["dang vien"] == [f"/u/tn/all/a/{i}/" for i in range(1, 6)]


def test_editing_a_recent_page_leaves_the_archive_alone(site, monkeypatch):
    monkeypatch.setattr(search, "RECENT_KEEP", 2)
    articles = [make_article(i) for i in range(1, 6)]
    site.build(articles, compact=True)
    before = site.manifest()
    articles[4] = replace(articles[4], body_html="<p>Bản tin mới: đảng viên gương mẫu.</p>")
    result = site.build(articles)
    assert result.search.recent_rebuilt and not result.search.archive_rebuilt
    changed = changed_files(before, site.manifest())
    assert not any(p.startswith("pagefind-archive/") for p in changed)
    assert site.search("guong mau")["guong mau"] == ["/u/tn/all/a/5/"]


def test_unpublishing_an_archived_page_rebuilds_the_archive_at_once(site, monkeypatch):
    monkeypatch.setattr(search, "RECENT_KEEP", 2)
    articles = [make_article(i) for i in range(1, 6)]
    articles[0] = resolution(1)
    site.build(articles, compact=True)
    assert site.search("dang vien")["dang vien"] == [A1]
    result = site.build(articles[1:])
    assert result.search.archive_rebuilt
    assert site.search("dang vien")["dang vien"] == []


def test_search_merges_the_layers_of_a_members_chain(site):
    site.build([resolution(1)])
    site.build([make_article(7, layer=DISTRICT, title="Nghị quyết Đại hội Đảng bộ huyện")], layer=DISTRICT)
    found = site.search("nghi quyet", layers=(PROVINCE, DISTRICT))
    assert found["nghi quyet"] == [A1, "/u/tn/dt/all/a/7/"]


def plan(*, compact: bool = False, recent_max: int = 9, recent_keep: int = 2) -> dict[str, list[str]]:
    """Five articles (5 newest); 1–3 were archived by the last compaction and are unchanged."""
    articles = [make_article(i) for i in range(1, 6)]
    fingerprints = {str(i): f"fp{i}" for i in range(1, 6)}
    old = {"recent": {}, "archive": {"1": "fp1", "2": "fp2", "3": "fp3"}}
    result, _ = plan_segments(
        articles, fingerprints, old, compact=compact, recent_max=recent_max, recent_keep=recent_keep
    )
    return result


def test_new_pages_go_to_recent_while_the_archive_is_intact():
    assert plan() == {"recent": ["5", "4"], "archive": ["3", "2", "1"]}


def test_compaction_keeps_only_the_newest_pages_in_recent():
    assert plan(compact=True, recent_keep=3) == {"recent": ["5", "4", "3"], "archive": ["2", "1"]}


def test_recent_past_its_limit_is_compacted():
    assert plan(recent_max=1, recent_keep=0) == {"recent": [], "archive": ["5", "4", "3", "2", "1"]}
