"""Bản tin tuần / tháng of a cell: what its chain of layers (province → district → base → cell, tier `all`)
published in the period, as a reader page, one audio file and an A4 PDF in large type with QR codes.

Making many digests is split in two: `collect` reads the database once for the whole period (every live
article of the period, by owner unit), then each cell's items are its chain's articles; rendering PDFs needs
no database and runs in worker processes (`render_pdf_file`). The audio goes through the builder's speech
pipeline and its cache, keyed by what is spoken: cells whose chains published the same things (the cells of
one base, mostly) share one audio file and it is synthesised once.
"""

from __future__ import annotations

import hashlib
import logging
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags

from cms.org.models import Level, UnitPage

from .pdfrender import render_pdf_file

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WEEK_RE = re.compile(r"^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$")
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MAX_PER_UNIT = 12  # the newest of each unit in the chain; a cell's digest holds at most 48 items
SUMMARY_CHARS = 280

logger = logging.getLogger("sotay.notices")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    name: str  # 2026-W48 | 2026-11
    start: datetime
    end: datetime

    @property
    def weekly(self) -> bool:
        return "W" in self.name

    @property
    def label(self) -> str:
        if self.weekly:
            last = (self.end - timedelta(days=1)).date()
            return f"Tuần {int(self.name[-2:])} năm {self.name[:4]} ({self.start:%d/%m} – {last:%d/%m/%Y})"
        return f"Tháng {int(self.name[5:])} năm {self.name[:4]}"


def parse_period(text: str) -> Period:
    """`2026-W48` (ISO week, Monday to Sunday) or `2026-11`, in Vietnam's time."""
    text = (text or "").strip()
    if match := WEEK_RE.match(text):
        try:
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError as exc:
            raise PeriodError(f"Tuần không có trong năm: {text}") from exc
        start = datetime.combine(monday, time(), TZ)
        return Period(text, start, start + timedelta(days=7))
    if match := MONTH_RE.match(text):
        first = date(int(match[1]), int(match[2]), 1)
        nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return Period(text, datetime.combine(first, time(), TZ), datetime.combine(nxt, time(), TZ))
    raise PeriodError("Kỳ bản tin phải có dạng 2026-W48 (tuần) hoặc 2026-11 (tháng).")


def last_week(today: date | None = None) -> str:
    year, week, _day = ((today or timezone.localdate()) - timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}"


def public_url() -> str:
    return getattr(settings, "SOTAY_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")


def digest_dir() -> Path:
    return Path(settings.SOTAY_VAR_DIR) / "digests"


def _summary(summary: str, body: str) -> str:
    text = " ".join((summary or strip_tags(body or "")).split())
    if len(text) <= SUMMARY_CHARS:
        return text
    cut = text[:SUMMARY_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


def collect(period: Period) -> dict[int, list[dict]]:
    """Every live article for everyone (`all` tier) first published in the period, by owner unit pk."""
    from cms.publishing.models import ArticlePage

    by_unit: dict[int, list[dict]] = {}
    units = {u["path"]: u for u in UnitPage.objects.values("pk", "path", "code_path", "title")}
    rows = (ArticlePage.objects.live().filter(tier="all", first_published_at__gte=period.start,
                                              first_published_at__lt=period.end)
            .order_by("-first_published_at").values("pk", "path", "title", "summary", "body", "first_published_at"))
    for row in rows:
        owner = units.get(row["path"][:-4])
        if owner is None:
            continue
        by_unit.setdefault(owner["pk"], []).append({
            "id": row["pk"], "title": row["title"], "summary": _summary(row["summary"], row["body"]),
            "path": f"/u/{owner['code_path']}/all/a/{row['pk']}/", "unit": owner["title"],
            "published": timezone.localtime(row["first_published_at"], TZ).strftime("%d/%m/%Y"),
        })
    return by_unit


def chain_units(cell_path: str, by_path_pk: dict[str, int], by_unit: dict[int, list[dict]]) -> list[int]:
    """The pks of the cell's units that published in the period, province first."""
    pks = [by_path_pk.get(cell_path[:depth], -1) for depth in range(4, len(cell_path) + 1, 4)]
    return [pk for pk in pks if by_unit.get(pk)]


def items_for(cell_path: str, by_path_pk: dict[str, int], by_unit: dict[int, list[dict]]) -> list[dict]:
    """The cell's items: province first, then district, base, the cell itself; the newest MAX_PER_UNIT each."""
    return [item for pk in chain_units(cell_path, by_path_pk, by_unit) for item in by_unit[pk][:MAX_PER_UNIT]]


def opening(period: Period) -> str:
    return f"Bản tin {period.label.split(' (')[0].lower()} của Sổ tay đảng viên."


CLOSING = "Hết bản tin. Xin cảm ơn đồng chí đã lắng nghe."


def segment_text(items: list[dict]) -> str:
    """What the audio reads for one unit's items: who published, then each headline and its summary.

    A digest's audio is the opening, one segment per unit of the chain and the closing, joined without
    re-encoding: the province's segment is synthesised once for every cell, a district's once for its cells."""
    parts = [f"Tin của {items[0]['unit']}."]
    for item in items[:MAX_PER_UNIT]:
        parts.append(f"{item['title']}.")
        if item["summary"]:
            parts.append(item["summary"])
    return "\n".join(parts)


def join_audio(parts: list[Path], target: Path) -> None:
    """Concatenate encoded segments of one encoder into `target` without re-encoding (ffmpeg's concat)."""
    import subprocess
    import tempfile

    if target.exists():
        return
    fmt = {".opus": "opus", ".mp3": "mp3", ".wav": "wav"}[target.suffix]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", dir=target.parent, delete=False) as listing:
        listing.write("".join(f"file '{p.resolve()}'\n" for p in parts))
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "concat", "-safe", "0",
                        "-i", listing.name, "-c", "copy", "-f", fmt, "-y", str(tmp)], check=True, timeout=120)
        tmp.replace(target)
    finally:
        Path(listing.name).unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)


@lru_cache(maxsize=20_000)
def qr_svg(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_inline(scale=3, border=2, omitsize=True)


def pdf_html(*, period: Period, items: list[dict]) -> str:
    """The printed digest. It names the units whose news it carries, not the cell, and its first QR code opens
    `/ban-tin/<period>/` (each member lands on their own cell's digest): cells whose chains published the same
    things print the same file, rendered once."""
    base = public_url()
    rows = [{**item, "url": base + item["path"], "qr": qr_svg(base + item["path"])} for item in items]
    page_url = period_page_url(period.name)
    sources = list(dict.fromkeys(item["unit"] for item in items))
    return render_to_string("notices/pdf/digest.html", {
        "period": period, "items": rows, "page_url": page_url, "page_qr": qr_svg(page_url), "sources": sources,
    })


def content_name(text: str, suffix: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + suffix


def cells_below(unit: UnitPage):
    return UnitPage.objects.filter(path__startswith=unit.path, level=Level.CELL).order_by("path")


def period_page_url(period: str) -> str:
    """The reader's page of the member's own digest for the period: what the PDF's first QR code holds."""
    return f"{public_url()}/ban-tin/{period}/"


@dataclass
class MadeDigests:
    cells: int = 0
    pdfs_rendered: int = 0
    audio_files: int = 0
    audio_synthesised: int = 0


def _pool(workers: int) -> ProcessPoolExecutor:
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["weasyprint"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def make_digests(period_name: str, *, cells=None, workers: int = 2, speech: bool | None = None) -> MadeDigests:
    """Make (or refresh) the digest of every cell in `cells` (default: all cells) for the period.

    Idempotent: the rows are unique by (cell, period) and the files are named by the hash of their content,
    so running it again renders and synthesises only what changed.
    """
    from .models import Digest

    period = parse_period(period_name)
    speech = settings.SOTAY_SPEECH if speech is None else speech
    cells = list(cells if cells is not None else UnitPage.objects.filter(level=Level.CELL).order_by("path"))
    by_unit = collect(period)
    by_path_pk = dict(UnitPage.objects.values_list("path", "pk"))
    existing = {d.unit_id: d for d in Digest.objects.filter(period=period.name, unit__in=cells)}
    Digest.objects.bulk_create([Digest(unit=c, period=period.name) for c in cells if c.pk not in existing],
                               ignore_conflicts=True)
    digests = {d.unit_id: d for d in Digest.objects.filter(period=period.name, unit__in=cells)}
    result = MadeDigests(cells=len(cells))
    out = digest_dir()
    jobs: dict[str, str] = {}  # target -> html: cells printing the same file render it once
    chains: dict[int, list[int]] = {}
    pages: dict[tuple[int, ...], str] = {}  # chain -> PDF name
    for cell in cells:
        digest = digests[cell.pk]
        digest.items = items_for(cell.path, by_path_pk, by_unit)
        chains[cell.pk] = chain_units(cell.path, by_path_pk, by_unit)
        chain = tuple(chains[cell.pk])
        if chain not in pages:
            html = pdf_html(period=period, items=digest.items)
            pages[chain] = content_name(html, ".pdf")
            if not (out / "pdf" / pages[chain]).exists():
                jobs[str(out / "pdf" / pages[chain])] = html
        digest.pdf = pages[chain]
    if jobs:
        if workers > 1 and len(jobs) > 1:
            with _pool(min(workers, len(jobs))) as pool:
                list(pool.map(render_pdf_file, list(jobs.values()), list(jobs)))
        else:
            for target, html in jobs.items():
                render_pdf_file(html, target)
    result.pdfs_rendered = len(jobs)
    if speech:
        _make_audio(period, cells, digests, chains, by_unit, workers, result)
    Digest.objects.bulk_update(list(digests.values()), ["items", "pdf", "audio"], batch_size=500)
    logger.info("digests %s: %s", period.name, result)
    return result


def _make_audio(period: Period, cells, digests: dict, chains: dict[int, list[int]], by_unit: dict, workers: int,
                result: MadeDigests) -> None:
    """One audio file per distinct chain of segments, joined from segments cached by what they say."""
    from site_builder.speech import synthesize_many

    used = sorted({pk for chain in chains.values() for pk in chain})
    if not used:
        return
    texts = {"open": opening(period), "close": CLOSING, **{f"u{pk}": segment_text(by_unit[pk]) for pk in used}}
    segments_dir = digest_dir() / "segments"
    made = synthesize_many(texts, out_dir=segments_dir, workers=workers,
                           cache_dir=Path(settings.SOTAY_VAR_DIR) / "cache" / "audio")
    result.audio_synthesised = sum(1 for a in made.values() if not a.cached)
    suffix = Path(made["open"].filename).suffix
    audio_dir = digest_dir() / "audio"
    audio_dir.mkdir(parents=True, exist_ok=True)
    names: set[str] = set()
    for cell in cells:
        chain = chains[cell.pk]
        if not chain:
            digests[cell.pk].audio = ""
            continue
        files = [made["open"].filename, *(made[f"u{pk}"].filename for pk in chain), made["close"].filename]
        name = content_name("\n".join(files), suffix)
        if name not in names:
            join_audio([segments_dir / f for f in files], audio_dir / name)
            names.add(name)
        digests[cell.pk].audio = name
    result.audio_files = len(names)
