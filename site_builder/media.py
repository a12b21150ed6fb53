"""Media stage: the images of article bodies and the files attached to articles become files of the layer.

An image is resized to phone widths (`WIDTHS`, never wider than the original) with Pillow; the body's
placeholder `<img data-sotay-image="<id>">` (written by the export stage) becomes an `<img>` with `srcset`,
`width` and `height` (the page does not shift while it loads) and `loading="lazy"`. An attached file is copied
as it is. Both live in the article's own directory (`a/<id>/img/…`, `a/<id>/files/…`), so they are gated,
hashed and signed with the article, listed in the article's manifest part, and kept for offline reading with it.

Two passes, because the render stage rewrites `a/` from scratch on a full build:
- `plan_media` (before render) reads the originals once (a cache keyed by path, size and mtime knows their
  hash and dimensions), makes the resized copies in the work dir's `media-cache/` and returns the articles with
  their bodies rewritten and their attachments' links and sizes filled in;
- `place_media` (after render) hard-links the copies into the site and removes media no article uses any more.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from layerformat.fsutil import write_if_changed
from layerformat.model import Article, ImageRef
from site_builder.errors import BuildError

WIDTHS = (360, 720)  # phone widths: 360 CSS px at 1× and 2×
JPEG_QUALITY = 78
CACHE_DIR = "media-cache"
CACHE_INDEX = "index.json"
IMG_DIR = "img"
FILES_DIR = "files"
FILE_TYPES = (".pdf", ".docx", ".doc", ".odt", ".xlsx", ".xls")
_PLACEHOLDER = re.compile(r'<img\b[^>]*\bdata-sotay-image="([^"]+)"[^>]*>', re.IGNORECASE)
_FILE_LINK = re.compile(r'\bdata-sotay-file="([^"]+)"')


@dataclass
class MediaPlan:
    """What `place_media` puts into the site: per article id, {path in the article dir: cached file}."""

    files: dict[int, dict[str, Path]] = field(default_factory=dict)
    images: int = 0
    attachments: int = 0
    resized: int = 0  # images resized in this build (the others came from the cache)


def safe_filename(name: str) -> str:
    """A file name a phone saves without surprises: ASCII letters, digits, dots and dashes, tone marks
    folded (`Nghị quyết 09.pdf` → `nghi-quyet-09.pdf`)."""
    stem, ext = os.path.splitext(os.path.basename(name))
    folded = unicodedata.normalize("NFD", stem.replace("đ", "d").replace("Đ", "D"))
    ascii_stem = "".join(c for c in folded if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_stem.lower()).strip("-") or "tep"
    return f"{slug[:80]}{ext.lower()}"


def _source_key(path: Path) -> str:
    stat = path.stat()
    return f"{path}|{stat.st_size}|{stat.st_mtime_ns}"


def _file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class _Cache:
    """Originals by (path, size, mtime) → sha256 and size; resized copies by (sha, width) in `media-cache/`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        try:
            self.index = json.loads((root / CACHE_INDEX).read_text("utf-8"))
        except (OSError, ValueError):
            self.index = {}
        self.used: set[str] = set()
        self.resized = 0

    def original(self, source: Path) -> dict:
        key = _source_key(source)
        info = self.index.get(key)
        if info is None:
            info = {"sha": _file_sha(source)}
            self.index[key] = info
        self.used.add(key)
        return info

    def image(self, ref: ImageRef, where: str) -> tuple[dict, list[tuple[int, int, Path]]]:
        """(original info with its size, [(width, height, cached copy)]) for one image."""
        source = Path(ref.source)
        try:
            info = self.original(source)
            if "size" not in info:
                from PIL import Image

                with Image.open(source) as img:
                    info["size"] = list(img.size)
        except OSError as exc:
            raise BuildError("media", f"không đọc được ảnh {source.name}: {exc}", where) from exc
        width, height = info["size"]
        out = []
        for target in sorted({min(w, width) for w in WIDTHS}):
            copy = self.root / f"{info['sha'][:20]}-{target}.jpg"
            if not copy.exists():
                self._resize(source, copy, target, where)
            out.append((target, max(1, round(height * target / width)), copy))
        return info, out

    def _resize(self, source: Path, dest: Path, width: int, where: str) -> None:
        from PIL import Image, ImageOps

        try:
            with Image.open(source) as img:
                img = ImageOps.exif_transpose(img)
                if img.mode not in ("RGB", "L"):
                    background = Image.new("RGB", img.size, "white")
                    background.paste(img, mask=img.convert("RGBA").split()[-1])
                    img = background
                if img.width > width:
                    img = img.resize((width, max(1, round(img.height * width / img.width))), Image.LANCZOS)
                tmp = dest.with_suffix(".tmp")
                img.save(tmp, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
                os.replace(tmp, dest)
        except OSError as exc:
            raise BuildError("media", f"không thu nhỏ được ảnh {source.name}: {exc}", where) from exc
        self.resized += 1

    def save(self) -> None:
        kept = {key: info for key, info in self.index.items() if key in self.used}
        write_if_changed(self.root / CACHE_INDEX, json.dumps(kept, sort_keys=True).encode("utf-8"))


def _img_tag(ref: ImageRef, sizes: list[tuple[int, int, Path]]) -> str:
    largest_w, largest_h, largest = sizes[-1]
    srcset = ", ".join(f"{IMG_DIR}/{copy.name} {w}w" for w, _h, copy in sizes)
    return (
        f'<img src="{IMG_DIR}/{largest.name}" srcset="{srcset}" sizes="(max-width: 760px) 100vw, 720px" '
        f'width="{largest_w}" height="{largest_h}" alt="{escape(ref.alt)}" loading="lazy" decoding="async">'
    )


def _article_media(article: Article, cache: _Cache, plan: MediaPlan) -> Article:
    where = article.path
    placed: dict[str, Path] = {}
    tags: dict[str, str] = {}
    for ref in article.images:
        _info, sizes = cache.image(ref, where)
        tags[ref.key] = _img_tag(ref, sizes)
        for _w, _h, copy in sizes:
            placed[f"{IMG_DIR}/{copy.name}"] = copy
        plan.images += 1
    body = article.body_html
    if "data-sotay-image" in body:
        body = _PLACEHOLDER.sub(lambda m: tags.get(m.group(1), ""), body)
    attachments = []
    names: set[str] = set()
    for item in article.attachments:
        source = Path(item.source)
        if source.suffix.lower() not in FILE_TYPES:
            raise BuildError("media", f"tệp đính kèm không phải PDF/DOCX: {source.name}", where)
        try:
            info = cache.original(source)
            length = source.stat().st_size
        except OSError as exc:
            raise BuildError("media", f"không đọc được tệp đính kèm {source.name}: {exc}", where) from exc
        name = safe_filename(item.filename or source.name)
        if name in names:
            name = f"{info['sha'][:8]}-{name}"
        names.add(name)
        placed[f"{FILES_DIR}/{name}"] = source
        attachments.append(dataclasses.replace(item, href=f"{FILES_DIR}/{name}", length=length))
        plan.attachments += 1
    if "data-sotay-file" in body:
        hrefs = {a.key: a.href for a in attachments}
        body = _FILE_LINK.sub(lambda m: f'href="{hrefs[m.group(1)]}" download' if m.group(1) in hrefs else "", body)
    if placed:
        plan.files[article.id] = placed
    if body == article.body_html and not attachments:
        return article
    return dataclasses.replace(article, body_html=body, attachments=tuple(attachments))


def plan_media(articles: list[Article], *, work_dir: Path) -> tuple[list[Article], MediaPlan]:
    """The articles as they are published (bodies with sized images, attachments with their links and sizes)
    and the media files to place; resized copies are made here, once per original and width."""
    cache = _Cache(work_dir / CACHE_DIR)
    plan = MediaPlan()
    out = [_article_media(a, cache, plan) if a.images or a.attachments else a for a in articles]
    plan.resized = cache.resized
    cache.save()
    used = {copy.name for files in plan.files.values() for copy in files.values()}
    for copy in cache.root.glob("*.jpg"):
        if copy.name not in used:
            copy.unlink()
    return out, plan


def _same_file(a: Path, b: Path) -> bool:
    """Placed copies keep the original's size and mtime (`copy2`), cached images are hard links."""
    try:
        sa, sb = a.stat(), b.stat()
    except OSError:
        return False
    same_inode = (sa.st_ino, sa.st_dev) == (sb.st_ino, sb.st_dev)
    return same_inode or (sa.st_size, sa.st_mtime_ns) == (sb.st_size, sb.st_mtime_ns)


PLACED_FILE = "media-placed.json"


def place_media(articles: list[Article], plan: MediaPlan, *, work_dir: Path) -> None:
    """Put every planned media file into `site/a/<id>/` and remove the ones no longer planned.

    Only articles that have media now or had some after the last build are looked at (`media-placed.json`),
    so a layer of thousands of articles without photos costs nothing here."""
    site = work_dir / "site"
    record = work_dir / PLACED_FILE
    try:
        before = {int(i) for i in json.loads(record.read_text("utf-8"))}
    except (OSError, ValueError, TypeError):
        before = None  # unknown: look at every article once
    present = {a.id for a in articles}
    look_at = present if before is None else (before & present) | set(plan.files)
    for article_id in sorted(look_at):
        base = site / "a" / str(article_id)
        wanted = plan.files.get(article_id, {})
        for sub in (IMG_DIR, FILES_DIR):
            folder = base / sub
            if folder.is_dir():
                for existing in folder.iterdir():
                    if f"{sub}/{existing.name}" not in wanted:
                        existing.unlink()
        for rel, source in wanted.items():
            dest = base / rel
            if dest.exists() and _same_file(dest, source):
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.unlink(missing_ok=True)
            if source.parent.name == CACHE_DIR:
                try:
                    os.link(source, dest)
                    continue
                except OSError:
                    pass
            # Uploaded originals are copied, never linked: nothing done to a layer file can reach them.
            shutil.copy2(source, dest)
    write_if_changed(record, json.dumps(sorted(plan.files)).encode("utf-8"))
