"""The layer build pipeline: export → speech → media → render → place → index → compress → sign → publish → prune
(→ upload).

Export (Wagtail pages → `Article`s) lives in the CMS; everything from here on is plain Python. Each stage is a
small function that raises `BuildError(stage, message, page)` and touches only the layer's work dir, until
`publish` swaps the signed version in with one rename. Speech runs before render because pages embed the
audio URL.

A build is a table of named stages (`FULL_BUILD`, `RESIGN`) run by one loop (`run_stages`) over a `Build`
that carries the inputs and what each stage hands the next. The caller may append stages of its own: the CMS
passes an `upload` stage when the configured store is not the site directory (this package knows no store).

    result = build_layer(LayerId(("tn", "dh"), "all"), articles, site_dir=Path("var/site"),
                         work_dir=Path("var/build/u/tn/dh/all"), key=load_or_create_key(key_path))
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import shutil
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
from site_builder import layout, media
from site_builder.compress import CompressStats, compress_site
from site_builder.errors import BuildError
from site_builder.render import RenderStats, render_layer
from site_builder.search import IndexStats, index_layer

log = logging.getLogger(__name__)

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
    cached_only: bool = False,
) -> dict[int, str]:
    """Audio per article id, as a path inside the layer (`audio/<hash>.opus`); empty when disabled.

    With `cached_only` (a text-first pass), articles whose audio is not in the cache yet get none this time.

    `site_builder.speech.synthesize_many` writes one audio file per article under `out_dir` (the layer's
    `audio/` dir), reusing `cache_dir` (shared by every layer: the same text is never synthesised twice).
    Files under `audio/` that no article refers to any more are removed here.
    """
    out_dir = work_dir / "site" / "audio"
    produced: Mapping[int, Path | str] = {}
    if enabled and articles:
        try:
            from site_builder.speech import synthesize_many  # heavy (pyttsx3, encoders): only when asked
        except (ImportError, AttributeError) as error:
            # A layer published without the audio its members expect is a failed build, not a warning.
            raise BuildError("speech", f"không nạp được bộ đọc (pyttsx3, espeak-ng): {error}") from error
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
                    **({"cached_only": True} if cached_only else {}),
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


@_stage("media")
def prepare_media(articles: list[Article], *, work_dir: Path) -> tuple[list[Article], media.MediaPlan]:
    """Images resized to phone widths and attachments listed; bodies point at them (see site_builder.media)."""
    return media.plan_media(articles, work_dir=work_dir)


@_stage("place")
def place_media(articles: list[Article], plan: media.MediaPlan, *, work_dir: Path) -> None:
    """The media files of every article into its directory of the rendered site."""
    media.place_media(articles, plan, work_dir=work_dir)


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


@_stage("compress")
def compress(layer: LayerId, *, work_dir: Path) -> CompressStats:
    """`.gz` and `.br` siblings of the text files that changed (site_builder/compress.py)."""
    return compress_site(work_dir / "site")


@_stage("sign")
def sign(
    layer: LayerId,
    *,
    work_dir: Path,
    site_dir: Path,
    key: Ed25519PrivateKey,
    expires_days: int = 30,
    now: datetime | None = None,
    version_floor: int = 0,
) -> layout.StagedLayer:
    """Stage the next version (hard-linking unchanged files from the live one) and sign its manifest."""
    now = now or datetime.now(UTC)
    return layout.stage_version(
        layer, work_dir / "site", site_dir=site_dir, work_dir=work_dir, key=key, expires_days=expires_days, now=now,
        version_floor=version_floor,
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
    images: int = 0  # images of article bodies in the layer (each in every width of media.WIDTHS)
    attachments: int = 0  # attached files in the layer
    audio_pending: int = 0  # articles left without audio by a text-first build (a full build gives them one)
    uploaded: Any = None  # what the upload stage answered (the store's statistics), when there was one

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready statistics (for logs, task results and benchmarks)."""
        data = dataclasses.asdict(self)
        data.update(layer=self.layer.prefix, path=str(self.path), search=dataclasses.asdict(self.search))
        if self.uploaded is not None and hasattr(self.uploaded, "as_dict"):
            data["uploaded"] = self.uploaded.as_dict()
        return data


@dataclass
class Build:
    """One run of the pipeline: its inputs, and what each stage hands the next."""

    layer: LayerId
    site_dir: Path
    work_dir: Path
    key: Ed25519PrivateKey
    articles: list[Article] = field(default_factory=list)
    unit_name: str = ""
    expires_days: int = 30
    now: datetime | None = None
    speech: bool = False
    text_first: bool = False  # speech only from the cache; `audio_pending` says how many articles wait for audio
    speech_cache: Path | None = None
    compact: bool = False
    progress: ProgressFn | None = None
    version_floor: int = 0  # the version the store already serves: the new one goes above it
    # filled in by the stages
    audio: dict[int, str] = field(default_factory=dict)
    media: media.MediaPlan = field(default_factory=media.MediaPlan)
    rendered: RenderStats = field(default_factory=RenderStats)
    searched: IndexStats = field(default_factory=IndexStats)
    compressed: CompressStats = field(default_factory=CompressStats)
    staged: layout.StagedLayer | None = None
    live: Path | None = None
    uploaded: Any = None
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Stage:
    """A named step of a build. `run` reads the `Build` and records its output on it; any failure becomes a
    `BuildError` naming the stage, and a failure before `publish` leaves the live layer as it was."""

    name: str
    run: Callable[[Build], None]


# The adapters look the stage functions up as module globals at call time, so a test or the speech hook of
# the e2e province can replace one (`pipeline.index = broken`).
def _run_speech(b: Build) -> None:
    b.audio = speech(b.layer, b.articles, work_dir=b.work_dir, enabled=b.speech, progress=b.progress,
                     cache_dir=b.speech_cache, **({"cached_only": True} if b.text_first else {}))


def _run_media(b: Build) -> None:
    b.articles, b.media = prepare_media(b.articles, work_dir=b.work_dir)


def _run_place(b: Build) -> None:
    place_media(b.articles, b.media, work_dir=b.work_dir)


def _run_render(b: Build) -> None:
    b.rendered = render(b.layer, b.articles, work_dir=b.work_dir, unit_name=b.unit_name, audio=b.audio,
                        progress=b.progress)


def _run_index(b: Build) -> None:
    if b.text_first and b.speech and len(b.audio) < len(b.articles):
        # The full build that brings the missing audio follows at once and indexes then (the index keeps its
        # own record of what it holds); the text of a new article should not wait for Pagefind.
        return
    b.searched = index(b.layer, b.articles, work_dir=b.work_dir, compact=b.compact, progress=b.progress)


def _run_compress(b: Build) -> None:
    b.compressed = compress(b.layer, work_dir=b.work_dir)


def _run_sign(b: Build) -> None:
    b.staged = sign(b.layer, work_dir=b.work_dir, site_dir=b.site_dir, key=b.key, expires_days=b.expires_days,
                    now=b.now, version_floor=b.version_floor)


def _run_verify_live(b: Build) -> None:
    """A re-sign signs what is live as it is: a layer that does not match its manifest (or is signed by
    another key) is never re-signed."""
    from layerformat.verify import verify_layer

    now = b.now or datetime.now(UTC)
    problems = [p for p in verify_layer(layout.live_path(b.site_dir, b.layer), b.key.public_key(), now=now)
                if p.kind != "expired"]
    if problems:
        found = "; ".join(p.message for p in problems)
        raise BuildError("verify", f"lớp đang phát hành không khớp manifest: {found}")


def _run_resign(b: Build) -> None:
    b.staged = layout.restage_live(b.layer, site_dir=b.site_dir, work_dir=b.work_dir, key=b.key,
                                   expires_days=b.expires_days, now=b.now or datetime.now(UTC),
                                   version_floor=b.version_floor)


def _run_publish(b: Build) -> None:
    assert b.staged is not None, "publish needs a signed version"
    b.live = publish(b.staged, site_dir=b.site_dir, work_dir=b.work_dir, key=b.key)


def _run_prune(b: Build) -> None:
    # Live already; deleting old versions is not something a reader waits for.
    layout.prune_versions(b.site_dir, b.layer, background=True)


FULL_BUILD: tuple[Stage, ...] = (
    Stage("speech", _run_speech),
    Stage("media", _run_media),
    Stage("render", _run_render),
    Stage("place", _run_place),
    Stage("index", _run_index),
    Stage("compress", _run_compress),
    Stage("sign", _run_sign),
    Stage("publish", _run_publish),
    Stage("prune", _run_prune),
)
RESIGN: tuple[Stage, ...] = (
    Stage("verify", _run_verify_live),
    Stage("sign", _run_resign),
    Stage("publish", _run_publish),
    Stage("prune", _run_prune),
)
STAGES = tuple(stage.name for stage in FULL_BUILD)

UploadFn = Callable[[LayerId, Path], Any]


def upload_stage(upload: UploadFn) -> Stage:
    """The last stage when the layers are served from a store other than the site directory: send the live
    version there. `upload(layer, live_dir)` is given by the caller, which owns the choice of store; when it
    fails the layer is live here but the store keeps serving its previous version, whole."""

    def run(b: Build) -> None:
        assert b.live is not None, "upload needs a published version"
        b.uploaded = upload(b.layer, b.live)

    return Stage("upload", run)


def run_stages(stages: tuple[Stage, ...] | list[Stage], build: Build) -> BuildResult:
    """Run `stages` in order under the layer's locks (builds of one layer wait for each other, so versions
    reach the store in order), timing each; the first failure stops the build as a `BuildError`."""
    b = build
    b.work_dir.mkdir(parents=True, exist_ok=True)
    with locked(b.work_dir / ".lock"), locked(layout.versions_root(b.site_dir, b.layer) / ".lock"):
        try:
            for stage in stages:
                start = time.perf_counter()
                if b.progress:
                    b.progress(stage.name, 0, 0)
                try:
                    stage.run(b)
                except BuildError:
                    raise
                except Exception as exc:
                    log.exception("stage %s of %s failed", stage.name, b.layer)
                    raise BuildError(stage.name, f"{type(exc).__name__}: {exc}") from exc
                finally:
                    b.seconds[stage.name] = round(time.perf_counter() - start, 4)
        finally:
            if b.staged is not None and b.staged.path.name.startswith(".staging-"):
                shutil.rmtree(b.staged.path, ignore_errors=True)
    assert b.staged is not None and b.live is not None, "a build ends with a published version"
    result = BuildResult(
        layer=b.layer,
        version=b.staged.version,
        path=b.live,
        pages_rendered=b.rendered.pages_rendered,
        pages_reused=b.rendered.pages_reused,
        pages_removed=b.rendered.pages_removed,
        files=len(b.staged.manifest["files"]),
        files_copied=b.staged.files_copied,
        bytes=b.staged.bytes,
        search=b.searched,
        audio=len(b.audio),
        images=b.media.images,
        attachments=b.media.attachments,
        seconds=b.seconds,
        audio_pending=len(b.articles) - len(b.audio) if b.speech and b.text_first else 0,
        uploaded=b.uploaded,
    )
    log.info("published %s version %s: %s", b.layer, result.version, b.seconds)
    return result


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
    upload: UploadFn | None = None,
    text_first: bool = False,
    version_floor: int = 0,
) -> BuildResult:
    """Build and publish one layer from its complete list of published articles.

    `articles` is the whole layer, not a diff: pages missing from it are unpublished (an empty list
    publishes an empty layer). `work_dir` is the layer's own persistent work dir (`var/build/u/tn/all`)
    or the build root (`var/build`), under which the layer's dir is then used. `unit_name` names the
    layer when it has no articles. `upload`, when given, is the last stage (see `upload_stage`). With
    `text_first`, speech uses only cached audio, so new text is not held back by synthesis; the result's
    `audio_pending` then says whether a full build should follow. `version_floor` is the version the store
    already serves (the new version goes above it, also on a machine restored from an older backup).
    Raises BuildError; on a failure before `publish` the live layer is untouched. Builds of the same
    layer wait for each other.
    """
    build = Build(
        layer=layer, site_dir=Path(site_dir), work_dir=layer_work_dir(Path(work_dir), layer), key=key,
        articles=articles, unit_name=unit_name or (articles[0].unit_name if articles else layer.unit_code),
        expires_days=expires_days, now=now, speech=speech, speech_cache=speech_cache, compact=compact,
        progress=progress, text_first=text_first, version_floor=version_floor,
    )
    return run_stages(FULL_BUILD + ((upload_stage(upload),) if upload else ()), build)


def remove_layer(
    layer: LayerId, *, site_dir: Path, work_dir: Path, key: Ed25519PrivateKey, unit_name: str | None = None,
    upload: UploadFn | None = None, version_floor: int = 0,
) -> BuildResult:
    """Unpublish everything in a layer: publish a valid, signed, empty version (never a missing one,
    which readers could not tell from a withheld update)."""
    return build_layer(layer, [], site_dir=site_dir, work_dir=work_dir, key=key, unit_name=unit_name,
                       upload=upload, version_floor=version_floor)


def refresh_layer(
    layer: LayerId,
    *,
    site_dir: Path,
    work_dir: Path,
    key: Ed25519PrivateKey,
    expires_days: int = 30,
    now: datetime | None = None,
    upload: UploadFn | None = None,
    version_floor: int = 0,
) -> BuildResult:
    """Re-sign the live layer as a new version with a fresh expiry, without rendering anything.

    Manifests expire (readers refuse a frozen layer), so every layer must be re-signed before then, also
    those nobody edits; this costs a link per file instead of a build. The live layer is verified first."""
    build = Build(layer=layer, site_dir=Path(site_dir), work_dir=layer_work_dir(Path(work_dir), layer), key=key,
                  expires_days=expires_days, now=now or datetime.now(UTC), version_floor=version_floor)
    return run_stages(RESIGN + ((upload_stage(upload),) if upload else ()), build)
