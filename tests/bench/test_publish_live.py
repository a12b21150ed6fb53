"""`bench.publish_live`: Publish → a cell member gets the text through the gate, then the audio."""

from __future__ import annotations

import pytest

from bench.publish_live import WORDS, article_text, run_store

pytestmark = pytest.mark.slow


def test_the_article_is_a_thousand_words_and_differs_per_run():
    first, second = article_text(1), article_text(2)
    assert sum(len(p.split()) for p in first) >= WORDS and first != second


def test_the_text_is_readable_before_the_audio_is_fetchable(tmp_path):
    result = run_store("local", tmp_path, repeats=1)
    assert len(result["readable_s"]) == len(result["audio_s"]) == 1
    assert 0 < result["publish_to_readable_s"] <= result["publish_to_audio_s"]
