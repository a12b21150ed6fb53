"""`sotay bench publish`: a publish through Wagtail in a generated province reaches a signed, live layer."""

from __future__ import annotations

import pytest

from bench.publish import REPEATS, run_scale

pytestmark = pytest.mark.slow


def test_small_province_publish_is_measured_until_the_article_is_live(tmp_path):
    result = run_scale("small", tmp_path)
    assert result["units"] == 100  # 1 province, 3 districts, 16 bases, 80 cells
    assert len(result["publish_runs_s"]) == REPEATS and all(t > 0 for t in result["publish_runs_s"])
    # The province layer lists its pages through manifest parts; every stage of the last publish ran.
    assert result["province_layer_pages"] > 400
    assert set(result["stage_s"]) >= {"render", "index", "sign", "publish"}
    assert result["reader"] is None  # the Chromium measurement is only asked for on the full province
