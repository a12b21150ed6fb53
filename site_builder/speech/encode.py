"""Encoders that turn espeak-ng's raw samples into small files for slow mobile connections.

Encoding, not synthesis, is the cost to watch: ffmpeg's libopus at complexity 0 encodes a 1,000-word article in
about half a second, opusenc at its default complexity takes seconds. So the order of preference is ffmpeg
libopus, opusenc, then MP3 (ffmpeg libmp3lame or lame) where Opus is unavailable. Every encoder reads
16-bit little-endian mono PCM at `SAMPLE_RATE` on standard input, so synthesis can stream into it.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass

SAMPLE_RATE = 22050  # what espeak-ng produces and pyttsx3 writes
SAMPLE_WIDTH = 2

_FFMPEG_INPUT = ["-nostdin", "-hide_banner", "-loglevel", "error", "-f", "s16le", "-ar", str(SAMPLE_RATE)]
_FFMPEG_INPUT += ["-ac", "1", "-i", "pipe:0"]


@dataclass(frozen=True)
class Encoder:
    """One way to encode; `settings` goes into the cache key, so changing a bitrate re-encodes everything."""

    name: str
    ext: str
    mime: str
    settings: str
    program: str

    def command(self, output: str) -> list[str]:
        return [self.program, *_ARGUMENTS[self.name], output]


_ARGUMENTS: dict[str, list[str]] = {
    # Opus's speech mode (application voip: SILK, tuned for voice) at 16 kbit/s constrained VBR on 16 kHz mono:
    # espeak-ng's voice carries almost nothing above 8 kHz, so wideband keeps what is there, at 108 kB per
    # minute instead of 180 (24 kbit/s "audio" mode at 24 kHz). Plain VBR at complexity 0 overshoots; 60 ms
    # frames cost less to encode and carry less container overhead, and suit speech.
    "ffmpeg-libopus": _FFMPEG_INPUT
    + ["-c:a", "libopus", "-b:a", "16k", "-vbr", "constrained", "-application", "voip"]
    + ["-compression_level", "0", "-ar", "16000", "-frame_duration", "60", "-f", "opus", "-y"],
    "opusenc": ["--quiet", "--raw", "--raw-rate", str(SAMPLE_RATE), "--raw-chan", "1", "--raw-bits", "16"]
    + ["--bitrate", "16", "--cvbr", "--speech", "--comp", "0", "-"],
    "ffmpeg-mp3": _FFMPEG_INPUT + ["-c:a", "libmp3lame", "-b:a", "32k", "-f", "mp3", "-y"],
    "lame": ["--quiet", "-r", "-s", "22.05", "--bitwidth", "16", "--signed", "--little-endian", "-m", "m"]
    + ["-b", "32", "-"],
    "ffmpeg-wav": _FFMPEG_INPUT + ["-c:a", "pcm_s16le", "-f", "wav", "-y"],
}

_OPUS = "audio/ogg; codecs=opus"
ENCODERS = {
    "ffmpeg-libopus": Encoder("ffmpeg-libopus", "opus", _OPUS, "libopus 16k cvbr voip c0 60ms 16kHz mono", "ffmpeg"),
    "opusenc": Encoder("opusenc", "opus", _OPUS, "opusenc 16k cvbr speech c0 mono", "opusenc"),
    "ffmpeg-mp3": Encoder("ffmpeg-mp3", "mp3", "audio/mpeg", "libmp3lame 32k cbr 22kHz mono", "ffmpeg"),
    "lame": Encoder("lame", "mp3", "audio/mpeg", "lame 32k cbr 22kHz mono", "lame"),
    "ffmpeg-wav": Encoder("ffmpeg-wav", "wav", "audio/wav", "pcm s16le 22kHz mono", "ffmpeg"),
}
PREFERENCE = ("ffmpeg-libopus", "opusenc", "ffmpeg-mp3", "lame")


@functools.cache
def _ffmpeg_encoders() -> str:
    try:
        result = subprocess.run(
            ["ffmpeg", "-hide_banner", "-encoders"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return ""
    return result.stdout


def is_available(name: str) -> bool:
    encoder = ENCODERS[name]
    if shutil.which(encoder.program) is None:
        return False
    if encoder.program == "ffmpeg":
        codec = {"ffmpeg-libopus": "libopus", "ffmpeg-mp3": "libmp3lame", "ffmpeg-wav": "pcm_s16le"}[name]
        return f" {codec} " in _ffmpeg_encoders()
    return True


def choose_encoder(name: str | None = None) -> Encoder:
    """The named encoder, or the best one installed here; ValueError names what to install otherwise."""
    if name is not None:
        if name not in ENCODERS:
            raise ValueError(f"unknown encoder {name!r}; known: {', '.join(ENCODERS)}")
        if not is_available(name):
            raise ValueError(f"encoder {name!r} is not installed here")
        return ENCODERS[name]
    for candidate in PREFERENCE:
        if is_available(candidate):
            return ENCODERS[candidate]
    raise ValueError("no audio encoder found: install ffmpeg (with libopus) or opus-tools")


def encoder_for_suffix(suffix: str) -> Encoder:
    """The best installed encoder writing files with this suffix (".opus", ".ogg", ".mp3", ".wav")."""
    wanted = {".opus": "opus", ".ogg": "opus", ".mp3": "mp3", ".wav": "wav"}.get(suffix.lower())
    if wanted is None:
        raise ValueError(f"unsupported audio file type {suffix!r}: use .opus, .ogg, .mp3 or .wav")
    for candidate in (*PREFERENCE, "ffmpeg-wav"):
        if ENCODERS[candidate].ext == wanted and is_available(candidate):
            return ENCODERS[candidate]
    raise ValueError(f"no installed encoder writes {suffix} files")
