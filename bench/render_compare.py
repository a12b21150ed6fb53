"""Our render stage against a plain mkdocs-material build of the same pages, in one run.

`render_ms_per_page` is the builder's render stage (pages out of the nav, no lunr search, prebuilt HTML);
`mkdocs_plain_ms_per_page` is `mkdocs build` with mkdocs-material's defaults (every page in the nav, the
search plugin on) over the same pages written as Markdown. Both run in this process, one after the other.

    python -m bench.render_compare --pages 500 --json
    python -m bench.render_compare --layer --pages 5000 --json   # whole pipeline, one layer
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import random
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from layerformat.model import KINDS, Article, LayerId
from site_builder import pages
from site_builder.render import render_layer

LAYER = LayerId(("tn",), "all")
UNIT = "Đảng bộ tỉnh Thái Nguyên"
SENTENCES = (
    "Ban Thường vụ Tỉnh ủy yêu cầu các cấp ủy, tổ chức đảng quán triệt sâu sắc nghị quyết.",
    "Đảng viên phải gương mẫu thực hiện chủ trương của Đảng, chính sách, pháp luật của Nhà nước.",
    "Chi bộ duy trì nền nếp sinh hoạt định kỳ, nâng cao chất lượng sinh hoạt chuyên đề.",
    "Năm qua, toàn tỉnh kết nạp 1.245 đảng viên mới, đạt 103,7% kế hoạch.",
    "Công tác kiểm tra, giám sát được tăng cường, kịp thời chấn chỉnh những hạn chế.",
    "Hội nghị đã thảo luận, thống nhất các giải pháp trọng tâm cho 6 tháng cuối năm.",
    "Các đồng chí cấp ủy viên phụ trách cơ sở cần bám sát địa bàn, lắng nghe ý kiến nhân dân.",
    "Việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh được đẩy mạnh.",
)


def make_articles(n: int, seed: int = 7) -> list[Article]:
    """`n` news-like articles of about 350 words each, deterministic for a seed."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, 1, 0, tzinfo=UTC)
    articles = []
    for i in range(1, n + 1):
        paragraphs = ["<p>" + " ".join(rng.choices(SENTENCES, k=6)) + "</p>" for _ in range(4)]
        moment = start + timedelta(hours=i)
        articles.append(
            Article(
                id=i,
                slug=f"tin-{i}",
                kind=rng.choice(KINDS),
                title=f"Tin hoạt động số {i}: {rng.choice(SENTENCES)[:60]}",
                body_html="\n".join(paragraphs),
                published_at=moment,
                updated_at=moment,
                layer=LAYER,
                unit_name=UNIT,
                unit_level="province",
                meta={"document_code": f"{i}-NQ/TU"} if i % 3 == 0 else {},
            )
        )
    return articles


@contextmanager
def quiet_mkdocs():
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def plain_mkdocs_build(articles: list[Article], root: Path) -> float:
    """Seconds for `mkdocs build` with mkdocs-material defaults over the same pages as Markdown."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    docs = root / "docs"
    for article in articles:
        _meta, html = pages.parse_source(pages.article_source(article))
        path = docs / article.path / "index.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, "utf-8")
    (docs / "index.md").write_text(f"# {UNIT}\n", "utf-8")
    (root / "mkdocs.yml").write_text("site_name: Sổ tay\ntheme:\n  name: material\n", "utf-8")
    start = time.perf_counter()
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site")))
    return time.perf_counter() - start


def compare(n_pages: int, work_dir: Path) -> dict[str, Any]:
    """Render `n_pages` both ways under `work_dir`; return per-page times and page sizes."""
    work_dir = Path(work_dir)
    shutil.rmtree(work_dir / "ours", ignore_errors=True)
    shutil.rmtree(work_dir / "plain", ignore_errors=True)
    articles = make_articles(n_pages)
    with quiet_mkdocs():
        start = time.perf_counter()
        render_layer(LAYER, articles, work_dir=work_dir / "ours", unit_name=UNIT)
        ours = time.perf_counter() - start
        changed = list(articles)
        changed[n_pages // 2] = replace(changed[n_pages // 2], body_html="<p>Nội dung đã sửa.</p>")
        start = time.perf_counter()
        stats = render_layer(LAYER, changed, work_dir=work_dir / "ours", unit_name=UNIT)
        one_change = time.perf_counter() - start
        plain = plain_mkdocs_build(articles, work_dir / "plain")
    sample = articles[n_pages // 3].path + "index.html"
    return {
        "n_pages": n_pages,
        "render_ms_per_page": round(ours * 1000 / n_pages, 3),
        "mkdocs_plain_ms_per_page": round(plain * 1000 / n_pages, 3),
        "render_full_s": round(ours, 3),
        "mkdocs_plain_s": round(plain, 3),
        "render_one_change_ms": round(one_change * 1000, 1),
        "render_one_change_pages": stats.pages_rendered,
        "page_bytes": (work_dir / "ours" / "site" / sample).stat().st_size,
        "plain_page_bytes": (work_dir / "plain" / "site" / sample).stat().st_size,
    }


def measure_layer(n_pages: int, work_dir: Path) -> dict[str, Any]:
    """The whole pipeline on one layer of `n_pages`: a full build, an edit of the oldest article (in the
    archive search segment), then one new article; stage seconds and file counts of each build."""
    from layerformat.signing import load_or_create_key
    from site_builder.pipeline import build_layer

    work_dir = Path(work_dir)
    shutil.rmtree(work_dir / "layer", ignore_errors=True)
    key = load_or_create_key(work_dir / "layer" / "signing.key")
    articles = make_articles(n_pages)
    runs = {}

    def build(name: str) -> None:
        result = build_layer(
            LAYER, articles, site_dir=work_dir / "layer" / "site", work_dir=work_dir / "layer" / "build", key=key
        )
        runs[name] = {
            "seconds": result.seconds,
            "pages_rendered": result.pages_rendered,
            "files": result.files,
            "files_copied": result.files_copied,
            "search": dataclasses.asdict(result.search),
        }

    with quiet_mkdocs():
        build("full")
        articles[0] = replace(articles[0], body_html="<p>Nội dung đã sửa.</p>")
        build("edit_archived")
        newest = articles[-1].published_at + timedelta(hours=1)
        articles.append(replace(articles[0], id=n_pages + 1, title="Bài mới", published_at=newest, updated_at=newest))
        build("add_one")
    return {"n_pages": n_pages, **runs}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sotay bench render-compare")
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--layer", action="store_true", help="đo cả quy trình dựng một lớp thay vì so sánh")
    parser.add_argument("--work", type=Path, default=None, help="thư mục làm việc (mặc định: thư mục tạm)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    run = measure_layer if args.layer else compare
    if args.work is None:
        with tempfile.TemporaryDirectory(prefix="sotay-render-") as tmp:
            result = run(args.pages, Path(tmp))
    else:
        result = run(args.pages, args.work)
    if args.json:
        sys.stdout.write(json.dumps(result) + "\n")
    else:
        for name, value in result.items():
            sys.stdout.write(f"{name}: {value}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
