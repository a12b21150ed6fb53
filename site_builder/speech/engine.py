"""The worker side: pyttsx3 on espeak-ng's Vietnamese voice, streaming into an encoder.

Runs inside worker processes only. espeak-ng can be initialised once per process and keeps global state, and
pyttsx3's espeak driver can return from `runAndWait` without writing anything (it writes the file only when
espeak reports the end of the message, which some inputs never reach). So each process owns one engine,
text is synthesised in sentence-sized chunks (the driver also copies its buffer on every callback, which
makes long texts quadratic), every chunk's file is checked, and a chunk that comes back empty is retried in
smaller pieces before the whole item fails.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import queue
import re
import subprocess
import tempfile
import threading
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from site_builder.speech.encode import SAMPLE_RATE, SAMPLE_WIDTH, Encoder

logger = logging.getLogger(__name__)

CHUNK_CHARS = 400
# espeak-ng at its fastest still takes longer than this per word; less means a truncated chunk.
MIN_SECONDS_PER_WORD = 0.04


class SynthesisFailed(Exception):
    """Raised in the worker; the parent turns it into a SpeechError carrying the caller's key."""


@dataclass(frozen=True)
class Job:
    text: str  # already normalised
    voice: str
    rate: int
    encoder: Encoder
    output: str  # temporary path the encoded file is written to


@dataclass(frozen=True)
class Rendered:
    samples: int
    bytes: int

    @property
    def duration_s(self) -> float:
        return self.samples / SAMPLE_RATE


def chunks(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """Sentence-sized pieces of at most `limit` characters (a longer sentence is cut at commas, then words)."""
    pieces: list[str] = []
    for sentence in re.split(r"(?<=[.!?;:])\s+", text.strip()):
        pieces += _cut(sentence, limit, (r"(?<=,)\s+", r"\s+"))
    merged: list[str] = []
    for piece in pieces:
        if merged and len(merged[-1]) + 1 + len(piece) <= limit:
            merged[-1] += " " + piece
        elif piece:
            merged.append(piece)
    return merged


def _cut(text: str, limit: int, separators: tuple[str, ...]) -> list[str]:
    if len(text) <= limit or not separators:
        return [text]
    parts: list[str] = []
    for part in re.split(separators[0], text):
        if parts and len(parts[-1]) + 1 + len(part) <= limit:
            parts[-1] += " " + part
        else:
            parts.append(part)
    return [small for part in parts for small in _cut(part, limit, separators[1:])]


class Voice:
    """One pyttsx3 engine for this process, set to the Vietnamese voice and rate."""

    _instance: Voice | None = None

    def __init__(self, voice: str, rate: int) -> None:
        import pyttsx3  # imported here: only worker processes need the engine

        self.engine = pyttsx3.init("espeak")
        known = {v.id for v in self.engine.getProperty("voices")} | {
            lang for v in self.engine.getProperty("voices") for lang in (v.languages or [])
        }
        if voice not in known and f"aav/{voice}" not in known:
            raise SynthesisFailed(f"espeak-ng has no voice {voice!r} (is espeak-ng-data installed?)")
        self.engine.setProperty("voice", voice)
        self.engine.setProperty("rate", rate)
        self.voice, self.rate = voice, rate
        self.scratch = Path(tempfile.mkdtemp(prefix="sotay-speech-"))

    @classmethod
    def get(cls, voice: str, rate: int) -> Voice:
        if cls._instance is None:
            cls._instance = cls(voice, rate)
        elif (cls._instance.voice, cls._instance.rate) != (voice, rate):
            cls._instance.engine.setProperty("voice", voice)
            cls._instance.engine.setProperty("rate", rate)
            cls._instance.voice, cls._instance.rate = voice, rate
        return cls._instance

    @staticmethod
    def _synchronize() -> None:
        """Wait until espeak-ng has really finished.

        libespeak-ng in retrieval mode synthesises on its own thread; pyttsx3's driver loop can return from
        `runAndWait` before the end-of-message callback that writes the file, and the rest of the message then
        bleeds into the next one. espeak_Synchronize blocks until that thread is idle (and releases the GIL
        while it waits, so the callbacks can run).
        """
        from pyttsx3.drivers import _espeak

        _espeak.dll.espeak_Synchronize()

    def pcm(self, text: str) -> bytes:
        """Samples for one chunk, or b"" when pyttsx3 wrote nothing usable."""
        path = self.scratch / f"{os.getpid()}.wav"
        path.unlink(missing_ok=True)
        # The espeak driver prints "Audio saved to …" on standard output, which belongs to the CLI.
        with contextlib.redirect_stdout(io.StringIO()):
            self.engine.save_to_file(text, str(path))
            self.engine.runAndWait()
            self._synchronize()
        try:
            with wave.open(str(path), "rb") as wav:
                if wav.getsampwidth() != SAMPLE_WIDTH or wav.getnchannels() != 1:
                    return b""
                frames = wav.readframes(wav.getnframes())
        except (OSError, EOFError, wave.Error):
            return b""
        finally:
            path.unlink(missing_ok=True)
        seconds = len(frames) / SAMPLE_WIDTH / SAMPLE_RATE
        return frames if seconds >= MIN_SECONDS_PER_WORD * len(text.split()) else b""

    def pcm_checked(self, text: str) -> bytes:
        """Samples for a chunk, retrying once whole and then word group by word group."""
        for _attempt in range(2):
            frames = self.pcm(text)
            if frames:
                return frames
        words = text.split()
        if len(words) <= 1:
            raise SynthesisFailed(f"espeak-ng wrote no audio for {text[:80]!r}")
        logger.warning("pyttsx3 wrote nothing for a %d-word chunk; retrying in smaller pieces", len(words))
        pieces = [" ".join(words[i : i + 8]) for i in range(0, len(words), 8)]
        out = bytearray()
        for piece in pieces:
            frames = self.pcm(piece)
            if not frames:
                raise SynthesisFailed(f"espeak-ng wrote no audio for {piece[:80]!r}")
            out += frames
        return bytes(out)


def _pcm_stream(job: Job) -> Iterator[bytes]:
    voice = Voice.get(job.voice, job.rate)
    for chunk in chunks(job.text):
        yield voice.pcm_checked(chunk)


def render(job: Job) -> Rendered:
    """Synthesise `job.text` and encode it to `job.output`, overlapping the two on separate cores."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            job.encoder.command(job.output), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors
        )
        assert process.stdin is not None
        pending: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
        writer = threading.Thread(target=_feed, args=(process.stdin, pending), daemon=True)
        writer.start()
        samples = 0
        try:
            for frames in _pcm_stream(job):
                samples += len(frames) // SAMPLE_WIDTH
                pending.put(frames)
        finally:
            pending.put(None)
            writer.join()
            returncode = process.wait()
        errors.seek(0)
        message = errors.read().decode("utf-8", "replace").strip()
    size = Path(job.output).stat().st_size if Path(job.output).exists() else 0
    if returncode != 0 or size == 0:
        raise SynthesisFailed(f"{job.encoder.name} failed (exit {returncode}): {message[-300:]}")
    return Rendered(samples=samples, bytes=size)


def _feed(stdin, pending: queue.Queue[bytes | None]) -> None:
    """Write samples to the encoder while the next chunk is synthesised (ctypes releases the GIL)."""
    broken = False
    while (frames := pending.get()) is not None:
        if broken:
            continue
        try:
            stdin.write(frames)
        except BrokenPipeError:
            broken = True  # the encoder died; its exit status and message are reported by render()
    with contextlib.suppress(BrokenPipeError):
        stdin.close()
