"""`sotay bench publish --json`: what one province-level publish costs in a small and a full-size province.

For each scale a child process gets its own SQLite database and site directory, loads a generated province
(`sotay bench generate`) with bulk inserts, builds the province layer once, then publishes one new province
article through Wagtail exactly as an editor's Publish does (the signal queues the layer build, which the bench
settings run at once). The time runs until the new version is signed, live and contains the article. In the same
run, our render stage is compared with a plain mkdocs-material build of the same pages, and in the full
province a cell member's reader is measured in Chromium over emulated 3G (`bench.reader`): the
first view and one online search, with the province layer at its real size. Last, `bench.publish_live` times
Publish → a cell member reads the text of a 1,000-word article through the gate, and → its audio is fetchable,
with the worker running as in production, for the local store and an S3 bucket (moto on 127.0.0.1).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEATS = 5


def child(scale: str, content: Path, province_content: Path | None = None) -> dict:
    """Runs inside the child process (Django configured by environment)."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    from bench.bulk_province import load_articles, load_units
    from cms.org.models import UnitPage
    from cms.publishing.build import build_one
    from cms.publishing.models import NewsPage
    from layerformat.model import LayerId
    from site_builder.layout import read_live_manifest

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    units = load_units(content)
    if province_content is None:
        articles = load_articles(content, units)
    else:
        # Same province layer in both provinces: only the number of units (and their articles) differs.
        others = {folder.name for folder in (content / "articles").iterdir()} - {"tn"}
        articles = load_articles(content, units, only=others) + load_articles(province_content, units, only={"tn"})
    load_s = time.perf_counter() - start
    layer = LayerId(("tn",), "all")
    start = time.perf_counter()
    build_one(layer.prefix, speech=False)
    initial_s = time.perf_counter() - start
    province = units["tn"]
    timings, stages = [], []
    from cms.publishing import build as build_module

    original = build_module.build_one

    def recording(prefix, **kwargs):
        stats = original(prefix, **kwargs)
        if prefix == layer.prefix:
            stages.append(stats["seconds"])
        return stats

    build_module.build_one = recording
    for n in range(REPEATS):
        province.refresh_from_db()
        start = time.perf_counter()
        with transaction.atomic():
            page = NewsPage(title=f"Thông báo kết luận hội nghị Tỉnh ủy số {n + 1}",
                            body="<p>Ban Thường vụ Tỉnh ủy thông báo kết luận của hội nghị.</p>")
            province.add_child(instance=page)
            page.save_revision().publish()
        manifest = read_live_manifest(settings.SOTAY_SITE_DIR, layer)
        article = f"a/{page.pk}/index.html"
        live = Path(settings.SOTAY_SITE_DIR) / layer.prefix / article
        assert manifest and article in manifest["files"] and live.exists(), "publish not live"
        timings.append(time.perf_counter() - start)
    reader = reader_member() if os.environ.get("SOTAY_BENCH_READER") == "1" else None
    return {
        "reader": reader,
        "units": UnitPage.objects.count(), "articles": articles, "province_layer_pages": len(manifest["files"]),
        "load_s": round(load_s, 2), "initial_build_s": round(initial_s, 2),
        "publish_s": round(statistics.median(timings), 3), "publish_runs_s": [round(t, 3) for t in timings],
        "stage_s": stages[-1] if stages else None,
    }


READER_USER, READER_PASSWORD = "bench.reader", "sotay2026"


def reader_member(cells_looked_at: int = 400) -> dict:
    """A member of the cell with the most articles among the first `cells_looked_at` cells, with every layer
    of their chain built, for the reader measurement (`bench.reader.measure`) on this province."""
    from django.contrib.auth import get_user_model

    from cms.org.models import Member, UnitPage
    from cms.publishing.build import build_one
    from cms.publishing.models import ArticlePage
    from layerformat.model import ALL

    cells = UnitPage.objects.filter(level="cell")
    counts = {c.pk: ArticlePage.objects.child_of(c).live().filter(tier="all").count() for c in cells[:cells_looked_at]}
    cell = UnitPage.objects.get(pk=max(counts, key=lambda pk: (counts[pk], -pk)))
    chain = [u for u in cell.get_ancestors(inclusive=True).specific() if isinstance(u, UnitPage)]
    layers = [u.layer(ALL).prefix for u in chain]
    for prefix in layers[1:]:  # the province layer is built already
        build_one(prefix, speech=False)
    user = get_user_model().objects.create_user(READER_USER, password=READER_PASSWORD)
    Member.objects.create(user=user, full_name="Nguyễn Văn Đọc", unit=cell, role="member")
    return {"user": READER_USER, "password": READER_PASSWORD, "cell": cell.code_path, "layers": layers,
            "layer_articles": [ArticlePage.objects.child_of(u).live().filter(tier="all").count() for u in chain]}


def measure_reader(var: Path, reader: dict, runs: int) -> dict:
    """The reader bench (Chromium over emulated 3G) against this province's var dir."""
    from bench.reader import measure, start_server

    proc, url = start_server(var.resolve())
    try:
        result = measure(url, reader["user"], reader["password"], runs)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return {**result, "member": reader}


def run_scale(scale: str, workdir: Path, province_from: str | None = None, *, reader_runs: int = 0) -> dict:
    import shutil

    from bench.generate import SCALES, generate

    content = workdir / f"province-{scale}"
    if not (content / "units.csv").exists():
        generate(content, **SCALES[scale])
    var = workdir / f"var-{scale}"
    shutil.rmtree(var, ignore_errors=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.bench", "SOTAY_VAR_DIR": str(var),
           "SOTAY_SITE_DIR": str(var / "site"), "SOTAY_BUILD_DIR": str(var / "build"), "SOTAY_SPEECH": "0"}
    env.pop("SOTAY_DATABASE_URL", None)
    env["SOTAY_BENCH_READER"] = "1" if reader_runs else "0"
    extra = ["--province-from", str(workdir / f"province-{province_from}")] if province_from else []
    if province_from and not (workdir / f"province-{province_from}" / "units.csv").exists():
        generate(workdir / f"province-{province_from}", **SCALES[province_from])
    out = subprocess.run([sys.executable, "-m", "bench.publish", "--child", scale, str(content), *extra],
                         env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"bench child {scale} failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if reader_runs and result.get("reader"):
        result["reader"] = measure_reader(var, result["reader"], reader_runs)
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sotay bench publish")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("SCALE", "DIR"), help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, default=None, help="thư mục làm việc (mặc định: thư mục tạm)")
    parser.add_argument("--pages", type=int, default=1000, help="số trang để so sánh bước dựng trang")
    parser.add_argument("--scales", default="small,full")
    parser.add_argument("--province-from", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--reader-runs", type=int, default=1,
                        help="số lần đo trình đọc qua 3G trên tỉnh đầy đủ (0: bỏ qua)")
    parser.add_argument("--live-runs", type=int, default=3,
                        help="số lần đo từ lúc bấm Xuất bản đến lúc đảng viên đọc, nghe được (0: bỏ qua)")
    args = parser.parse_args(argv)
    if args.child:
        sys.stdout.write(json.dumps(child(args.child[0], Path(args.child[1]), args.province_from)) + "\n")
        return 0
    from bench.render_compare import compare

    with tempfile.TemporaryDirectory(prefix="sotay-bench-") as tmp:
        work = args.work or Path(tmp)
        scales = {scale: run_scale(scale, work, reader_runs=args.reader_runs if scale == "full" else 0)
                  for scale in args.scales.split(",") if scale}
        if "small" in scales and "full" in scales:
            # The small province with the full province's own articles: the province layer is the same,
            # so this pair shows what the number of units alone costs.
            scales["small_same_layer"] = run_scale("small", work, province_from="full")
        render = compare(args.pages, work / "render")
        # Publish pressed → a cell member reads the text / can fetch the audio, local store and S3 (bench.publish_live)
        from bench.publish_live import run as run_live

        live = run_live(work / "live", args.live_runs) if args.live_runs else {}
    own, large = scales.get("small", {}), scales.get("full", {})
    # The target compares provinces by their number of units, so the small province publishes the same
    # province layer as the full one (its province committee writes as much); the generator's small province,
    # whose own province layer is ten times smaller, shows separately what the size of that layer costs.
    small = scales.get("small_same_layer") or own
    reader = large.get("reader") or {}

    def ratio(a: dict, b: dict) -> float | None:
        return round(a["publish_s"] / b["publish_s"], 3) if a and b else None

    result = {
        "units_small": small.get("units"), "units_large": large.get("units"),
        "publish_s_small": small.get("publish_s"), "publish_s_large": large.get("publish_s"),
        "publish_ratio_large_small": ratio(large, small),
        "province_layer_files_small": small.get("province_layer_pages"),
        "province_layer_files_large": large.get("province_layer_pages"),
        "publish_s_small_layer": own.get("publish_s"),  # the generator's small province, 400 province articles
        "province_layer_files_small_layer": own.get("province_layer_pages"),
        "publish_ratio_layer_size": ratio(large, own),
        "render_ms_per_page": render["render_ms_per_page"],
        "mkdocs_plain_ms_per_page": render["mkdocs_plain_ms_per_page"],
        # the reader in Chromium over emulated 3G, for a cell member of the full province
        "first_view_kb_gz": reader.get("first_view_kb_gz"),
        "search_query_kb": reader.get("search_query_kb"),
        "home_ready_s_3g": reader.get("home_ready_s_3g"),
        "article_ready_s_3g": reader.get("article_ready_s_3g"),
        "publish_to_readable_s_local": live.get("publish_to_readable_s_local"),
        "publish_to_readable_s_s3": live.get("publish_to_readable_s_s3"),
        "publish_to_audio_s_local": live.get("publish_to_audio_s_local"),
        "publish_to_audio_s_s3": live.get("publish_to_audio_s_s3"),
        "scales": scales, "render": render, "publish_live": live.get("publish_live"), "cpus": os.cpu_count(),
    }
    sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
