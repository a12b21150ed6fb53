"""Audio files a listener can play: decodable, as long as the text needs, cached, never re-synthesised."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from site_builder.speech import AudioResult, SpeechError, normalize, synthesize_many
from site_builder.speech.encode import is_available

RESOLUTION = (
    "Nghị quyết số 09-NQ/TU ngày 26/01/2022 của Ban Thường vụ Tỉnh ủy về phát triển KT-XH giai đoạn 2021 - 2025. "
    "Đến nay, 126/165 xã đạt chuẩn nông thôn mới, tỷ lệ hộ nghèo giảm còn 2,45%."
)
NOTICE = "UBND xã thông báo lịch tiếp công dân trong tháng 4/2024."


def probe(path: Path) -> dict:
    """What ffprobe decodes from the file: the codec and the duration a player would show."""
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration:stream=codec_name,channels", "-of", "json", path],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(result.stdout)
    return {"duration": float(data["format"]["duration"]), **data["streams"][0]}


def decoded_seconds(path: Path) -> float:
    """Decode the whole file (not just the header) and count the samples that come out."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", path, "-f", "s16le", "-ac", "1", "-ar", "16000", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return len(raw) / 2 / 16000


def test_article_audio_decodes_and_lasts_as_long_as_its_words(tmp_path: Path):
    results = synthesize_many({"a1": RESOLUTION}, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache")
    audio = results["a1"]
    path = tmp_path / "out" / audio.filename
    assert path.stat().st_size == audio.bytes > 0
    info = probe(path)
    assert info["codec_name"] in ("opus", "mp3")
    assert info["channels"] == 1
    seconds = decoded_seconds(path)
    assert seconds == pytest.approx(audio.duration_s, abs=0.2)
    spoken_words = len(normalize(RESOLUTION).split())
    assert 0.2 <= seconds / spoken_words <= 1.0


def test_result_is_named_by_its_hash_and_small(tmp_path: Path):
    audio = synthesize_many({"n": NOTICE}, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache")["n"]
    assert isinstance(audio, AudioResult)
    assert audio.filename == f"{audio.sha256}.{audio.filename.rsplit('.', 1)[1]}"
    assert len(audio.sha256) == 64
    assert audio.cached is False
    assert audio.bytes / 1000 / (audio.duration_s / 60) <= 200  # kB per minute of audio


def test_unchanged_texts_are_never_synthesised_again(tmp_path: Path):
    items = {"a1": RESOLUTION, "a2": NOTICE}
    first = synthesize_many(items, out_dir=tmp_path / "out1", cache_dir=tmp_path / "cache")
    second = synthesize_many(items, out_dir=tmp_path / "out2", cache_dir=tmp_path / "cache")
    assert [r.cached for r in first.values()] == [False, False]
    assert [r.cached for r in second.values()] == [True, True]
    assert {k: (r.filename, r.bytes) for k, r in first.items()} == {k: (r.filename, r.bytes) for k, r in second.items()}
    assert all((tmp_path / "out2" / r.filename).exists() for r in second.values())


def test_same_spoken_text_is_shared_and_a_changed_text_is_new(tmp_path: Path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = synthesize_many({"x": "UBND xã", "y": "ủy ban nhân dân xã"}, out_dir=out, cache_dir=cache)
    assert first["x"].sha256 == first["y"].sha256
    changed = synthesize_many({"x": "UBND huyện"}, out_dir=out, cache_dir=cache)
    assert changed["x"].sha256 != first["x"].sha256
    assert changed["x"].cached is False


def test_rate_changes_the_audio_and_the_key(tmp_path: Path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    slow = synthesize_many({"n": NOTICE}, out_dir=out, cache_dir=cache, rate=130)["n"]
    fast = synthesize_many({"n": NOTICE}, out_dir=out, cache_dir=cache, rate=220)["n"]
    assert slow.sha256 != fast.sha256
    assert slow.duration_s > fast.duration_s * 1.3


def test_articles_in_one_worker_do_not_bleed_into_each_other(tmp_path: Path):
    """pyttsx3 can return before espeak-ng finishes; the next article must not carry the previous one's tail."""
    together = synthesize_many(
        {"a": RESOLUTION, "b": NOTICE}, out_dir=tmp_path / "o1", cache_dir=tmp_path / "c1", workers=1
    )
    alone = synthesize_many({"b": NOTICE}, out_dir=tmp_path / "o2", cache_dir=tmp_path / "c2", workers=1)
    assert together["b"].duration_s == pytest.approx(alone["b"].duration_s, abs=0.05)


def test_progress_counts_every_item(tmp_path: Path):
    calls: list[tuple[int, int]] = []
    items = {"a": NOTICE, "b": "Đ/c Bí thư phát biểu.", "c": "Kết luận số 21-KL/TW."}
    synthesize_many(
        items, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", progress=lambda d, t: calls.append((d, t))
    )
    assert calls[-1] == (3, 3)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_text_with_nothing_to_say_is_an_error_naming_the_item(tmp_path: Path):
    with pytest.raises(SpeechError) as failure:
        synthesize_many({"ok": NOTICE, "empty": "  ( ) - "}, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache")
    assert failure.value.key == "empty"
    # The item that could be read was still finished and cached.
    again = synthesize_many({"ok": NOTICE}, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache")
    assert again["ok"].cached


def test_missing_voice_is_an_error_not_silence(tmp_path: Path):
    with pytest.raises(SpeechError) as failure:
        synthesize_many({"n": NOTICE}, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", voice="xx-không-có")
    assert failure.value.key == "n"
    assert not list((tmp_path / "out").iterdir())


@pytest.mark.skipif(not is_available("ffmpeg-mp3"), reason="ffmpeg without libmp3lame")
def test_mp3_fallback_is_small_and_decodes(tmp_path: Path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    audio = synthesize_many({"n": NOTICE}, out_dir=out, cache_dir=cache, encoder="ffmpeg-mp3")["n"]
    assert audio.filename.endswith(".mp3")
    assert probe(tmp_path / "out" / audio.filename)["codec_name"] == "mp3"
    assert decoded_seconds(tmp_path / "out" / audio.filename) == pytest.approx(audio.duration_s, abs=0.3)


@pytest.mark.skipif(not is_available("opusenc"), reason="opus-tools not installed")
def test_opusenc_fallback_decodes(tmp_path: Path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    audio = synthesize_many({"n": NOTICE}, out_dir=out, cache_dir=cache, encoder="opusenc")["n"]
    assert probe(tmp_path / "out" / audio.filename)["codec_name"] == "opus"
    assert decoded_seconds(tmp_path / "out" / audio.filename) == pytest.approx(audio.duration_s, abs=0.2)


def test_the_same_text_always_gives_the_same_audio(tmp_path: Path):
    """Fresh worker processes must apply the requested rate before the first sentence, every time."""
    durations = {
        synthesize_many({"a": RESOLUTION}, out_dir=tmp_path / f"o{i}", cache_dir=tmp_path / f"c{i}")["a"].duration_s
        for i in range(3)
    }
    assert len(durations) == 1
