"""The issue's performance bar: our render stage is no slower per page than a plain mkdocs-material build."""

from __future__ import annotations

from bench.render_compare import compare


def test_render_stage_beats_plain_mkdocs_material(tmp_path):
    result = compare(80, tmp_path)
    assert result["render_ms_per_page"] <= result["mkdocs_plain_ms_per_page"]
    assert result["render_one_change_pages"] == 1
    # Plain mkdocs puts every page in every page's nav; ours stays the size of one article.
    assert result["page_bytes"] < result["plain_page_bytes"] / 5
