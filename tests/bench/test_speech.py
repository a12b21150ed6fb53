"""`sotay bench speech --json` reports the numbers docs/benchmarks.md records."""

from __future__ import annotations

import json

import pytest

from bench import speech


@pytest.mark.slow
def test_bench_prints_one_json_object_with_the_agreed_keys(capsys: pytest.CaptureFixture[str]):
    assert speech.main(["--json", "--runs", "1", "--batch", "2"]) == 0
    report = json.loads(capsys.readouterr().out)
    for key in ("speech_s_per_1000_words", "audio_kb_per_min", "resynthesised_on_unchanged", "words", "audio_s"):
        assert key in report
    assert report["resynthesised_on_unchanged"] == 0
    assert 900 <= report["words"] <= 1300
    assert report["audio_kb_per_min"] <= 120  # Opus speech mode at 16 kbit/s (issue 21)
    assert report["encoder"] == "ffmpeg-libopus"
    assert report["workers"] == 2
    # 1,000 words of news take minutes to read, not seconds
    assert 4 * 60 <= report["audio_s"] <= 10 * 60
