"""Texts in, small cached audio files out: the speech stage of the build.

Normalisation happens here, in the calling process, because the cache key depends on it: an article whose
spoken form has not changed is never synthesised again, whatever else changed around it. Synthesis and
encoding run in worker processes (one espeak-ng engine per process, each streaming into its own encoder).
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import sys
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from site_builder.speech.encode import Encoder, choose_encoder
from site_builder.speech.engine import Job, Rendered, SynthesisFailed, render
from site_builder.speech.normalizer import normalize

logger = logging.getLogger(__name__)

DEFAULT_VOICE = "vi"  # espeak-ng's Northern Vietnamese voice (aav/vi)
DEFAULT_RATE = 175  # words per minute, espeak-ng's own default; the player offers 0.75x to 1.5x
CACHE_FORMAT = 1  # bump when synthesis changes in a way the other key parts do not capture


class SpeechError(Exception):
    """Synthesis failed or wrote nothing for one item."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message

    def __reduce__(self):
        # Keeps the error intact when a task queue pickles it.
        return (type(self), (self.key, self.message))


@dataclass(frozen=True)
class AudioResult:
    filename: str  # "<sha256>.<ext>", inside out_dir
    sha256: str  # of the normalised text, voice, rate and encoder settings
    bytes: int
    duration_s: float
    cached: bool  # True when the file came from the cache without synthesis


# sha256 of (raw text, voice, rate, encoder) → the cache key of its spoken form, for this process: a rebuild
# of a layer normalises only the articles whose text changed.
_SPOKEN_KEYS: dict[str, str] = {}
SPOKEN_KEYS_KEPT = 200_000


def cache_key(spoken: str, *, voice: str, rate: int, encoder: Encoder) -> str:
    material = {"format": CACHE_FORMAT, "text": spoken, "voice": voice, "rate": rate, "encoder": encoder.settings}
    return hashlib.sha256(json.dumps(material, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


class _Cache:
    """`<cache_dir>/<sha[:2]>/<sha>.<ext>` with a JSON sidecar holding what cannot be read back cheaply."""

    def __init__(self, root: Path, encoder: Encoder) -> None:
        self.root, self.encoder = root, encoder

    def audio(self, sha: str) -> Path:
        """Where the encoded file for `sha` lives; its `.json` sidecar sits next to it."""
        return self.root / sha[:2] / f"{sha}.{self.encoder.ext}"

    def lookup(self, sha: str) -> dict | None:
        try:
            meta = json.loads(self.audio(sha).with_suffix(".json").read_text("utf-8"))
            if self.audio(sha).stat().st_size == meta["bytes"] > 0:
                return meta
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return None

    def scratch(self, sha: str) -> Path:
        folder = self.root / sha[:2]
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f".{sha}.{os.getpid()}.tmp"

    def store(self, sha: str, scratch: Path, rendered: Rendered) -> dict:
        meta = {
            "bytes": rendered.bytes,
            "duration_s": round(rendered.duration_s, 3),
            "encoder": self.encoder.name,
            "cpu_s": round(rendered.cpu_s, 3),
        }
        sidecar = self.audio(sha).with_suffix(".json")
        os.replace(scratch, self.audio(sha))
        temporary = sidecar.with_name(f".{sidecar.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(meta), "utf-8")
        os.replace(temporary, sidecar)
        return meta


def _publish(source: Path, target: Path) -> None:
    """Hard-link the cached file into the output (copy across file systems); skip when already there."""
    if target.exists() and target.stat().st_size == source.stat().st_size:
        return
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        os.link(source, temporary)
    except OSError:
        shutil.copyfile(source, temporary)
    os.replace(temporary, target)


def _init_worker() -> None:
    # Workers must not write to the parent's standard output: `sotay speech normalize` owns it.
    sys.stdout = open(os.devnull, "w")  # lives as long as the worker process


def _pool(workers: int) -> ProcessPoolExecutor:
    # forkserver: workers fork from a clean server process that has already imported the engine module, so
    # they start in milliseconds and never inherit the caller's threads or espeak-ng state.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["site_builder.speech.engine"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker)


def synthesize_many(
    items: dict[str, str],
    *,
    out_dir: Path,
    cache_dir: Path,
    workers: int = 2,
    rate: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    voice: str = DEFAULT_VOICE,
    encoder: str | None = None,
    cached_only: bool = False,
) -> dict[str, AudioResult]:
    """Audio for every text in `items` (caller key -> raw text), cached by what is actually spoken.

    With `cached_only`, nothing is synthesised: only items whose audio is in the cache are answered (the text
    of a new article goes out first, its audio with the next pass). Raises SpeechError for the first item
    that failed, after every other item has been finished and cached.
    """
    chosen = choose_encoder(encoder)
    rate = DEFAULT_RATE if rate is None else rate
    out_dir, cache = Path(out_dir), _Cache(Path(cache_dir), chosen)
    out_dir.mkdir(parents=True, exist_ok=True)
    cache.root.mkdir(parents=True, exist_ok=True)

    spoken: dict[str, str] = {}
    shas: dict[str, str] = {}
    for key, text in items.items():
        # The normalised text of an unchanged article is not needed again, only the key it gave.
        raw = hashlib.sha256(json.dumps([text, voice, rate, chosen.settings]).encode("utf-8")).hexdigest()
        if raw not in _SPOKEN_KEYS:
            spoken[key] = normalize(text)
            if not spoken[key]:
                shas[key] = ""
                continue
            if len(_SPOKEN_KEYS) >= SPOKEN_KEYS_KEPT:
                _SPOKEN_KEYS.clear()
            _SPOKEN_KEYS[raw] = cache_key(spoken[key], voice=voice, rate=rate, encoder=chosen)
        shas[key] = _SPOKEN_KEYS[raw]
    errors: dict[str, str] = {key: "không có chữ nào để đọc" for key, sha in shas.items() if not sha}
    todo = {sha: spoken.get(key) or normalize(items[key]) for key, sha in shas.items()
            if key not in errors and cache.lookup(sha) is None}
    if cached_only:
        skipped = set(todo)
        shas = {key: sha for key, sha in shas.items() if sha not in skipped and key not in errors}
        items, errors, todo = {key: items[key] for key in shas}, {}, {}
    done, total = 0, len(items)

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, total)

    keys_by_sha: dict[str, list[str]] = {}
    for key, sha in shas.items():
        keys_by_sha.setdefault(sha, []).append(key)
    advance(total - sum(len(keys_by_sha[sha]) for sha in todo))  # cached and empty items are done already
    errors.update(
        _synthesize(todo, cache, voice=voice, rate=rate, workers=workers, keys_by_sha=keys_by_sha, advance=advance)
    )

    results: dict[str, AudioResult] = {}
    for key, sha in shas.items():
        meta = None if key in errors else cache.lookup(sha)
        if meta is None:
            errors.setdefault(key, "không ghi được tệp âm thanh")
            continue
        _publish(cache.audio(sha), out_dir / cache.audio(sha).name)
        results[key] = AudioResult(cache.audio(sha).name, sha, meta["bytes"], meta["duration_s"], sha not in todo)
    if errors:
        for key, message in errors.items():
            logger.error("speech failed for %s: %s", key, message)
        key = next(iter(errors))
        raise SpeechError(key, errors[key])
    return results


def _synthesize(
    todo: dict[str, str],
    cache: _Cache,
    *,
    voice: str,
    rate: int,
    workers: int,
    keys_by_sha: dict[str, list[str]],
    advance: Callable[[int], None],
) -> dict[str, str]:
    """Render every uncached text in worker processes; returns error messages by caller key."""
    if not todo:
        return {}
    errors: dict[str, str] = {}
    with _pool(max(1, min(workers, len(todo)))) as pool:
        futures: dict[Future[Rendered], str] = {}
        for sha, text in todo.items():
            job = Job(text=text, voice=voice, rate=rate, encoder=cache.encoder, output=str(cache.scratch(sha)))
            futures[pool.submit(render, job)] = sha
        for future in as_completed(futures):
            sha = futures[future]
            scratch = cache.scratch(sha)
            try:
                cache.store(sha, scratch, future.result())
            except (SynthesisFailed, BrokenProcessPool, OSError) as exc:
                scratch.unlink(missing_ok=True)
                for key in keys_by_sha[sha]:
                    errors[key] = str(exc) or type(exc).__name__
            advance(len(keys_by_sha[sha]))
    return errors
