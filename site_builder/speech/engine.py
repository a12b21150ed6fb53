"""The worker side: pyttsx3 on espeak-ng's Vietnamese voice, streaming into an encoder.

Runs inside worker processes only: libespeak-ng can be initialised once per process and keeps global state.
pyttsx3's `save_to_file` + `runAndWait` can return without having written anything, or with a message cut
short (see `Voice`), so each process owns one engine, text is synthesised in sentence-sized chunks (the driver
also copies its whole buffer on every callback, which makes long texts quadratic), every chunk's file is
checked for a plausible length, and a chunk that fails is retried, then split, before the whole item fails.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import queue
import re
import resource
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
# Bounds on seconds of audio per character of text at 175 words a minute (measured 0.047-0.063 on news text).
MIN_SECONDS_PER_CHAR = 0.025
MAX_SECONDS_PER_CHAR = 0.12
FINISH_TIMEOUT_S = 10.0


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
    cpu_s: float = 0.0  # synthesis and encoding together, all threads and the encoder process

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
    """One pyttsx3 engine for this process, set to the Vietnamese voice and rate.

    libespeak-ng in pyttsx3's retrieval mode works on a thread of its own and queues parameter changes and
    texts in a FIFO; pyttsx3's driver treats it as synchronous. Two races follow, both seen here under load:
    `runAndWait` returns before the end-of-message callback that writes the file (the rest of the message then
    arrives during the next one), and the driver's stop() cancels the FIFO when it finds espeak-ng busy,
    dropping a queued rate change and leaving a "stopping" flag that cancels the next message. So every change
    and every message is followed by waiting for pyttsx3's "finished-utterance" event and for espeak-ng to be
    idle, and the rate espeak-ng really uses is checked.
    """

    _instance: Voice | None = None

    def __init__(self, voice: str, rate: int) -> None:
        import pyttsx3  # imported here: only worker processes need the engine

        self.engine = pyttsx3.init("espeak")
        voices = self.engine.getProperty("voices")
        known = {v.id for v in voices} | {lang for v in voices for lang in (v.languages or [])}
        if voice not in known and f"aav/{voice}" not in known:
            raise SynthesisFailed(f"espeak-ng has no voice {voice!r} (is espeak-ng-data installed?)")
        self.scratch = Path(tempfile.mkdtemp(prefix="sotay-speech-"))
        self._finished: threading.Event | None = None
        self.engine.connect("finished-utterance", self._on_finished)
        # The driver queued its own defaults at start; let espeak-ng apply them, then run the (empty) loop once
        # so pyttsx3 applies properties immediately instead of queueing them until the first message.
        self._settle()
        with contextlib.redirect_stdout(io.StringIO()):
            self.engine.runAndWait()
        self.voice, self.rate = "", 0
        self.configure(voice, rate)

    @classmethod
    def get(cls, voice: str, rate: int) -> Voice:
        if cls._instance is None:
            cls._instance = cls(voice, rate)
        else:
            cls._instance.configure(voice, rate)
        return cls._instance

    def configure(self, voice: str, rate: int) -> None:
        if (voice, rate) == (self.voice, self.rate):
            return
        self.engine.setProperty("voice", voice)
        self.engine.setProperty("rate", rate)
        self._settle()
        from pyttsx3.drivers import _espeak

        actual = _espeak.dll.espeak_GetParameter(_espeak.RATE, 1)
        if actual != rate:
            raise SynthesisFailed(f"espeak-ng kept rate {actual} instead of {rate}")
        self.voice, self.rate = voice, rate

    @staticmethod
    def _settle(cancel: bool = False) -> None:
        """Block until espeak-ng's FIFO is empty and its thread idle (the GIL is released while waiting)."""
        from pyttsx3.drivers import _espeak

        if cancel:
            _espeak.Cancel()
        _espeak.Synchronize()

    def _on_finished(self, name: str | None = None, completed: bool = True) -> None:
        if completed and self._finished is not None:
            self._finished.set()

    def pcm(self, text: str) -> bytes:
        """Samples for one chunk, or b"" when pyttsx3 wrote nothing usable."""
        path = self.scratch / f"{os.getpid()}.wav"
        path.unlink(missing_ok=True)
        self._finished = threading.Event()
        # The espeak driver prints "Audio saved to …" on standard output, which belongs to the CLI.
        with contextlib.redirect_stdout(io.StringIO()):
            self.engine.save_to_file(text, str(path))
            self.engine.runAndWait()
            finished = self._finished.wait(timeout=FINISH_TIMEOUT_S + 0.2 * len(text.split()))
            self._settle(cancel=not finished)
        self._finished = None
        try:
            with wave.open(str(path), "rb") as wav:
                if wav.getsampwidth() != SAMPLE_WIDTH or wav.getnchannels() != 1:
                    return b""
                frames = wav.readframes(wav.getnframes())
        except (OSError, EOFError, wave.Error):
            return b""
        finally:
            path.unlink(missing_ok=True)
        return frames if finished and self._plausible(len(frames) / SAMPLE_WIDTH / SAMPLE_RATE, text) else b""

    def _plausible(self, seconds: float, text: str) -> bool:
        """espeak-ng's Vietnamese voice takes 0.047-0.063 s per character at 175 words a minute; far less
        means a cut message, far more means another message's audio leaked in."""
        expected = len(text) * 175 / self.rate
        if seconds < MIN_SECONDS_PER_CHAR * expected:
            logger.warning("chunk of %d characters gave only %.2f s of audio", len(text), seconds)
            return False
        if len(text) >= 60 and seconds > MAX_SECONDS_PER_CHAR * expected:
            logger.warning("chunk of %d characters gave %.2f s of audio, more than it can hold", len(text), seconds)
            return False
        return True

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
    cpu_before = _cpu_seconds()
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
    return Rendered(samples=samples, bytes=size, cpu_s=_cpu_seconds() - cpu_before)


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the encoders), so benchmarks can see past load."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


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
