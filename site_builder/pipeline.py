"""The layer build pipeline: export → speech → render → index → sign → publish.

Export (Wagtail pages → `Article`s) lives in the CMS; everything from here on is plain Python. Each stage is a
small function that raises `BuildError(stage, message, page)` and touches only the layer's work dir, until
`publish` swaps the signed version in with one rename. Speech runs before render because pages embed the
audio URL.

    result = build_layer(LayerId(("tn", "dh"), "all"), articles, site_dir=Path("var/site"),
                         work_dir=Path("var/build/u/tn/dh/all"), key=load_or_create_key(key_path))
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import shutil
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from layerformat.fsutil import locked
from layerformat.model import Article, LayerId
from layerformat.signing import write_public_key
from site_builder import layout
from site_builder.errors import BuildError
from site_builder.render import RenderStats, render_layer
from site_builder.search import IndexStats, index_layer

log = logging.getLogger(__name__)

STAGES = ("speech", "render", "index", "sign", "publish", "prune")
ProgressFn = Callable[[str, int, int], None]
T = TypeVar("T")


def _stage(name: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Turn any failure of a stage into a BuildError naming that stage (BuildErrors pass unchanged)."""

    def wrap(func: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> T:
            try:
                return func(*args, **kwargs)
            except BuildError:
                raise
            except Exception as exc:
                log.exception("stage %s failed", name)
                raise BuildError(name, f"{type(exc).__name__}: {exc}") from exc

        return run

    return wrap


@_stage("speech")
def speech(
    layer: LayerId,
    articles: list[Article],
    *,
    work_dir: Path,
    enabled: bool,
    progress: ProgressFn | None = None,
    cache_dir: Path | None = None,
) -> dict[int, str]:
    """Audio per article id, as a path inside the layer (`audio/<hash>.opus`); empty when disabled.

    `site_builder.speech.synthesize_many` writes one audio file per article under `out_dir` (the layer's
    `audio/` dir), reusing `cache_dir` (shared by every layer: the same text is never synthesised twice).
    Files under `audio/` that no article refers to any more are removed here.
    """
    out_dir = work_dir / "site" / "audio"
    produced: Mapping[int, Path | str] = {}
    if enabled and articles:
        try:
            from site_builder.speech import synthesize_many  # heavy (pyttsx3, encoders): only when asked
        except (ImportError, AttributeError):
            log.warning("speech requested but site_builder.speech.synthesize_many is not available")
        else:
            from site_builder.speech import text_for_speech

            out_dir.mkdir(parents=True, exist_ok=True)
            items = {str(a.id): text_for_speech(a.title, a.body_html) for a in articles}
            from site_builder.speech import SpeechError

            try:
                results = synthesize_many(
                    items,
                    out_dir=out_dir,
                    cache_dir=cache_dir or work_dir / "audio-cache",
                    progress=(lambda done, total: progress("speech", done, total)) if progress else None,
                )
            except SpeechError as error:
                raise BuildError("speech", error.message, f"a/{error.key}/") from error
            produced = {int(key): out_dir / result.filename for key, result in results.items()}
    audio: dict[int, str] = {}
    for article_id, path in produced.items():
        full = Path(path) if Path(path).is_absolute() else out_dir / path
        if not full.is_file() or out_dir.resolve() not in full.resolve().parents:
            raise BuildError("speech", f"tệp âm thanh không có trong thư mục lớp: {path}", f"a/{article_id}/")
        audio[int(article_id)] = full.resolve().relative_to(out_dir.resolve().parent).as_posix()
    if out_dir.is_dir():
        used = set(audio.values())
        for file in out_dir.rglob("*"):
            if file.is_file() and file.relative_to(out_dir.parent).as_posix() not in used:
                file.unlink()
    return audio


@_stage("render")
def render(
    layer: LayerId,
    articles: list[Article],
    *,
    work_dir: Path,
    unit_name: str,
    audio: Mapping[int, str] | None = None,
    progress: ProgressFn | None = None,
) -> RenderStats:
    """Pages, home page and feed.json into `work_dir/site`; unchanged pages keep their bytes."""
    return render_layer(layer, articles, work_dir=work_dir, unit_name=unit_name, audio=audio, progress=progress)


@_stage("index")
def index(
    layer: LayerId,
    articles: list[Article],
    *,
    work_dir: Path,
    compact: bool = False,
    progress: ProgressFn | None = None,
) -> IndexStats:
    """Pagefind segments `pagefind-recent/` and `pagefind-archive/` plus `search.json`."""
    return index_layer(articles, work_dir=work_dir, compact=compact, progress=progress)


@_stage("sign")
def sign(
    layer: LayerId,
    *,
    work_dir: Path,
    site_dir: Path,
    key: Ed25519PrivateKey,
    expires_days: int = 30,
    now: datetime | None = None,
) -> layout.StagedLayer:
    """Stage the next version (hard-linking unchanged files from the live one) and sign its manifest."""
    now = now or datetime.now(UTC)
    return layout.stage_version(
        layer, work_dir / "site", site_dir=site_dir, work_dir=work_dir, key=key, expires_days=expires_days, now=now
    )


@_stage("publish")
def publish(staged: layout.StagedLayer, *, site_dir: Path, work_dir: Path, key: Ed25519PrivateKey) -> Path:
    """Swap the staged version in atomically and publish the public key next to the layers."""
    write_public_key(site_dir, key)
    return layout.swap_live(staged, site_dir=site_dir, work_dir=work_dir)


def layer_work_dir(work_dir: Path, layer: LayerId) -> Path:
    """The layer's own work dir: `work_dir` if it already ends with the layer prefix, else below it.

    Sharing one work dir between layers would make every build a full one and mix their pages."""
    if work_dir.parts[-len(layer.prefix.split("/")) :] == tuple(layer.prefix.split("/")):
        return work_dir
    return work_dir / layer.prefix


# Stages are looked up on the module at call time, so the speech hook (or a test) can replace one, and
# because build_layer's `speech` flag shadows the function of the same name.
_stages = sys.modules[__name__]


@dataclass
class BuildResult:
    layer: LayerId
    version: int
    path: Path  # the live layer directory (a symlink to the version)
    pages_rendered: int
    pages_reused: int
    pages_removed: int
    files: int
    files_copied: int  # new or changed files in this version; the rest are hard links to the previous one
    bytes: int
    search: IndexStats
    audio: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready statistics (for logs, task results and benchmarks)."""
        data = dataclasses.asdict(self)
        data.update(layer=self.layer.prefix, path=str(self.path), search=dataclasses.asdict(self.search))
        return data


def build_layer(
    layer: LayerId,
    articles: list[Article],
    *,
    site_dir: Path,
    work_dir: Path,
    key: Ed25519PrivateKey,
    expires_days: int = 30,
    progress: ProgressFn | None = None,
    speech: bool = False,
    unit_name: str | None = None,
    compact: bool = False,
    now: datetime | None = None,
    speech_cache: Path | None = None,
) -> BuildResult:
    """Build and publish one layer from its complete list of published articles.

    `articles` is the whole layer, not a diff: pages missing from it are unpublished (an empty list
    publishes an empty layer). `work_dir` is the layer's own persistent work dir (`var/build/u/tn/all`)
    or the build root (`var/build`), under which the layer's dir is then used. `unit_name` names the
    layer when it has no articles. Raises BuildError; on any failure the live layer is untouched.
    Builds of the same layer wait for each other.
    """
    site_dir, work_dir = Path(site_dir), layer_work_dir(Path(work_dir), layer)
    name = unit_name or (articles[0].unit_name if articles else layer.unit_code)
    seconds: dict[str, float] = {}

    def timed(stage: str, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        start = time.perf_counter()
        if progress:
            progress(stage, 0, 0)
        try:
            return func(*args, **kwargs)
        finally:
            seconds[stage] = round(time.perf_counter() - start, 4)

    work_dir.mkdir(parents=True, exist_ok=True)
    with locked(work_dir / ".lock"), locked(layout.versions_root(site_dir, layer) / ".lock"):
        audio = timed(
            "speech",
            _stages.speech,
            layer,
            articles,
            work_dir=work_dir,
            enabled=speech,
            progress=progress,
            cache_dir=speech_cache,
        )
        rendered = timed(
            "render",
            _stages.render,
            layer,
            articles,
            work_dir=work_dir,
            unit_name=name,
            audio=audio,
            progress=progress,
        )
        searched = timed("index", _stages.index, layer, articles, work_dir=work_dir, compact=compact, progress=progress)
        staged = timed(
            "sign",
            _stages.sign,
            layer,
            work_dir=work_dir,
            site_dir=site_dir,
            key=key,
            expires_days=expires_days,
            now=now,
        )
        try:
            live = timed("publish", _stages.publish, staged, site_dir=site_dir, work_dir=work_dir, key=key)
        finally:
            if staged.path.name.startswith(".staging-"):
                shutil.rmtree(staged.path, ignore_errors=True)
        # Live already; cleaning up old versions is not a stage a reader waits for.
        timed("prune", layout.prune_versions, site_dir, layer, background=True)
    result = BuildResult(
        layer=layer,
        version=staged.version,
        path=live,
        pages_rendered=rendered.pages_rendered,
        pages_reused=rendered.pages_reused,
        pages_removed=rendered.pages_removed,
        files=len(staged.manifest["files"]),
        files_copied=staged.files_copied,
        bytes=staged.bytes,
        search=searched,
        audio=len(audio),
        seconds=seconds,
    )
    log.info("published %s version %s: %s", layer, result.version, seconds)
    return result


def remove_layer(
    layer: LayerId, *, site_dir: Path, work_dir: Path, key: Ed25519PrivateKey, unit_name: str | None = None
) -> BuildResult:
    """Unpublish everything in a layer: publish a valid, signed, empty version (never a missing one,
    which readers could not tell from a withheld update)."""
    return build_layer(layer, [], site_dir=site_dir, work_dir=work_dir, key=key, unit_name=unit_name)


def refresh_layer(
    layer: LayerId,
    *,
    site_dir: Path,
    work_dir: Path,
    key: Ed25519PrivateKey,
    expires_days: int = 30,
    now: datetime | None = None,
) -> BuildResult:
    """Re-sign the live layer as a new version with a fresh expiry, without rendering anything.

    Manifests expire (readers refuse a frozen layer), so every layer must be re-signed before then, also
    those nobody edits; this costs a link per file instead of a build. The live layer is verified first:
    a layer that does not match its manifest (or is signed by another key) is never re-signed."""
    from layerformat.verify import verify_layer

    site_dir, work_dir = Path(site_dir), layer_work_dir(Path(work_dir), layer)
    now = now or datetime.now(UTC)
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    work_dir.mkdir(parents=True, exist_ok=True)
    with locked(work_dir / ".lock"), locked(layout.versions_root(site_dir, layer) / ".lock"):
        problems = [
            p for p in verify_layer(layout.live_path(site_dir, layer), key.public_key(), now=now) if p.kind != "expired"
        ]
        if problems:
            found = "; ".join(p.message for p in problems)
            raise BuildError("sign", f"lớp đang phát hành không khớp manifest: {found}")
        try:
            staged = layout.restage_live(
                layer, site_dir=site_dir, work_dir=work_dir, key=key, expires_days=expires_days, now=now
            )
        except OSError as exc:
            raise BuildError("sign", f"{type(exc).__name__}: {exc}") from exc
        seconds["sign"] = round(time.perf_counter() - start, 4)
        try:
            live = publish(staged, site_dir=site_dir, work_dir=work_dir, key=key)
        finally:
            if staged.path.name.startswith(".staging-"):
                shutil.rmtree(staged.path, ignore_errors=True)
        seconds["publish"] = round(time.perf_counter() - start - seconds["sign"], 4)
        layout.prune_versions(site_dir, layer, background=True)
    return BuildResult(
        layer=layer,
        version=staged.version,
        path=live,
        pages_rendered=0,
        pages_reused=0,
        pages_removed=0,
        files=len(staged.manifest["files"]),
        files_copied=0,
        bytes=staged.bytes,
        search=IndexStats(),
        seconds=seconds,
    )
