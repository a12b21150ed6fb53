"""`sotay bench speech [--json]`: normalise, synthesise and encode a ~1,000-word party news article.

Measures what the speech stage costs per article (wall time on both cores: synthesis in a worker process
streams into the encoder running on the other core), how large the audio is per minute, and that an
unchanged rebuild synthesises nothing. The article (speech_article.txt next to this module) mixes the
things the normaliser must handle: document codes, dates, abbreviations, Roman numerals, percentages.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ARTICLE = Path(__file__).with_name("speech_article.txt")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sotay bench speech", description="Đo tốc độ và dung lượng nghe đọc.")
    parser.add_argument("--json", action="store_true", help="in một đối tượng JSON")
    parser.add_argument("--workers", type=int, default=2, help="số tiến trình đọc (mặc định 2)")
    parser.add_argument("--runs", type=int, default=3, help="số lần đo, lấy trung vị (mặc định 3)")
    parser.add_argument("--batch", type=int, default=4, help="số bài trong lần đo hàng loạt (mặc định 4)")
    parser.add_argument("--encoder", default=None, help="bộ mã hóa (mặc định: tốt nhất hiện có)")
    return parser


def _variants(text: str, count: int) -> dict[str, str]:
    """`count` distinct articles of the same length: the paragraphs rotated, so none is a cache hit."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return {
        f"article-{i}": "\n\n".join(paragraphs[i % len(paragraphs) :] + paragraphs[: i % len(paragraphs)])
        for i in range(count)
    }


def _timed_build(items: dict[str, str], root: Path, **options) -> tuple[float, dict]:
    from site_builder.speech import synthesize_many

    started = time.perf_counter()
    results = synthesize_many(items, out_dir=root / "out", cache_dir=root / "cache", **options)
    return time.perf_counter() - started, results


def _synthesis_cpu(cache_dir: Path, sha: str) -> float:
    sidecar = next(cache_dir.glob(f"{sha[:2]}/{sha}.json"))
    return float(json.loads(sidecar.read_text("utf-8"))["cpu_s"])


def measure(*, workers: int = 2, runs: int = 3, batch: int = 4, encoder: str | None = None) -> dict:
    from site_builder.speech import normalize
    from site_builder.speech.encode import choose_encoder

    text = ARTICLE.read_text("utf-8")
    words = len(text.split())
    started = time.perf_counter()
    normalize(text)
    normalize_ms = (time.perf_counter() - started) * 1000
    options = {"workers": workers, "encoder": encoder}

    single: list[float] = []
    cpu: list[float] = []
    for _ in range(max(1, runs)):
        with tempfile.TemporaryDirectory(prefix="sotay-bench-speech-") as scratch:
            elapsed, results = _timed_build({"article": text}, Path(scratch), **options)
            single.append(elapsed)
            audio = results["article"]
            cpu.append(_synthesis_cpu(Path(scratch) / "cache", audio.sha256))
            # The unchanged rebuild: same texts, same cache, nothing may be synthesised again.
            rebuild_s, again = _timed_build({"article": text}, Path(scratch), **options)
            resynthesised = sum(not result.cached for result in again.values())

    with tempfile.TemporaryDirectory(prefix="sotay-bench-speech-") as scratch:
        items = _variants(text, batch)
        batch_s, _ = _timed_build(items, Path(scratch), **options)

    median = statistics.median(single)
    return {
        "speech_s_per_1000_words": round(median / words * 1000, 3),
        "speech_s_per_1000_words_best": round(min(single) / words * 1000, 3),
        # CPU seconds of synthesis + encoding (all threads, the encoder process): independent of other load.
        "speech_cpu_s_per_1000_words": round(statistics.median(cpu) / words * 1000, 3),
        "batch_s_per_1000_words": round(batch_s / (words * batch) * 1000, 3),
        "audio_kb_per_min": round(audio.bytes / 1000 / (audio.duration_s / 60), 1),
        "resynthesised_on_unchanged": resynthesised,
        "rebuild_s": round(rebuild_s, 4),
        "normalize_ms": round(normalize_ms, 1),
        "words": words,
        "audio_s": round(audio.duration_s, 1),
        "audio_bytes": audio.bytes,
        "encoder": choose_encoder(encoder).name,
        "workers": workers,
        "runs": len(single),
        "batch_articles": batch,
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    result = measure(workers=args.workers, runs=args.runs, batch=args.batch, encoder=args.encoder)
    if args.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        width = max(len(key) for key in result)
        sys.stdout.write("".join(f"{key:<{width}}  {value}\n" for key, value in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
