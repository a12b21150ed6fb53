"""Draw the reader's home-screen icons (a yellow star on red) as PNG, with nothing but zlib.

The PNGs are committed assets; run this only to change the design:

    .venv/bin/python -m cms.reader.icons

The star stays inside the central 80 % circle, so the same file serves as a "maskable" icon that launchers
may crop to a circle or a squircle.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

RED = (0xC6, 0x28, 0x28)
YELLOW = (0xFF, 0xD5, 0x4F)
SIZES = (192, 512)
OUT_DIR = Path(__file__).resolve().parent / "static" / "reader" / "icons"
SAMPLES = 4  # per axis: 16 samples a pixel smooth the star's edges


def star(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    inner = outer * math.sin(math.radians(18)) / math.sin(math.radians(126))
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(-90 + 36 * i)
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def inside(x: float, y: float, polygon: list[tuple[float, float]]) -> bool:
    hit = False
    j = len(polygon) - 1
    for i, (xi, yi) in enumerate(polygon):
        xj, yj = polygon[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            hit = not hit
        j = i
    return hit


def render(size: int) -> bytes:
    polygon = star(size / 2, size * 0.53, size * 0.36)
    rows = []
    for py in range(size):
        row = bytearray([0])  # PNG filter type "none"
        for px in range(size):
            covered = sum(
                inside(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES, polygon)
                for sx in range(SAMPLES)
                for sy in range(SAMPLES)
            ) / (SAMPLES * SAMPLES)
            row += bytes(round(r * (1 - covered) + y * covered) for r, y in zip(RED, YELLOW, strict=True))
        rows.append(bytes(row))
    return png(size, size, b"".join(rows))


def png(width: int, height: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main(argv: list[str] | None = None) -> int:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        (OUT_DIR / f"icon-{size}.png").write_bytes(render(size))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
