"""`sotay speech normalize` and `sotay speech say "câu" -o tệp.opus`: the operator's tools for speech.

`normalize` reads lines on standard input and prints exactly one spoken-form line per input line, nothing else,
so it can be used in pipes and compared line by line. `say` prints the spoken form and writes an audio file.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
from pathlib import Path

from site_builder.speech.normalizer import normalize

USAGE = "sotay speech {normalize,say} …"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sotay speech", description="Nghe đọc: chuẩn hóa văn bản và đọc thử.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("normalize", help="đọc từng dòng ở đầu vào chuẩn, in ra dạng đọc của từng dòng")
    say = commands.add_parser("say", help="đọc thử một câu và ghi ra tệp âm thanh")
    say.add_argument("text", help="câu cần đọc")
    say.add_argument("-o", "--output", required=True, type=Path, help="tệp âm thanh (.opus, .ogg, .mp3, .wav)")
    say.add_argument("--rate", type=int, default=None, help="tốc độ đọc, số từ mỗi phút (mặc định 175)")
    say.add_argument("--voice", default="vi", help="giọng espeak-ng (mặc định vi, giọng miền Bắc)")
    say.add_argument("--cache-dir", type=Path, default=None, help="thư mục bộ nhớ đệm (mặc định: tạm thời)")
    return parser


def _normalize_lines() -> int:
    stdin = sys.stdin
    if hasattr(stdin, "reconfigure"):
        stdin.reconfigure(encoding="utf-8", errors="replace")
        sys.stdout.reconfigure(encoding="utf-8")
    for line in stdin:
        sys.stdout.write(normalize(line.rstrip("\r\n")) + "\n")
    sys.stdout.flush()
    return 0


def _say(args: argparse.Namespace) -> int:
    from site_builder.speech.encode import encoder_for_suffix
    from site_builder.speech.synthesis import SpeechError, synthesize_many

    try:
        encoder = encoder_for_suffix(args.output.suffix or ".opus")
    except ValueError as exc:
        sys.stderr.write(f"Lỗi: {exc}\n")
        return 2
    sys.stdout.write(normalize(args.text) + "\n")
    with tempfile.TemporaryDirectory(prefix="sotay-say-") as scratch:
        cache_dir = args.cache_dir or Path(scratch) / "cache"
        try:
            result = synthesize_many(
                {"say": args.text},
                out_dir=Path(scratch) / "out",
                cache_dir=cache_dir,
                workers=1,
                rate=args.rate,
                voice=args.voice,
                encoder=encoder.name,
            )["say"]
        except SpeechError as exc:
            sys.stderr.write(f"Không đọc được: {exc.message}\n")
            return 1
        args.output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(scratch) / "out" / result.filename, args.output)
    sys.stderr.write(f"Đã ghi {args.output} ({result.duration_s:.1f} giây, {result.bytes / 1000:.1f} kB).\n")
    return 0


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    args = _parser().parse_args(argv)
    if args.command == "normalize":
        return _normalize_lines()
    return _say(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
