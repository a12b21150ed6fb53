"""Nghe đọc: Vietnamese text to speech for articles, without Django.

`normalize` rewrites written text (codes, dates, abbreviations, numbers) into spoken Vietnamese;
`text_for_speech` extracts what to read from an article; `synthesize_many` turns texts into small cached
audio files with espeak-ng's Vietnamese voice through pyttsx3, in worker processes.
"""

from site_builder.speech.normalizer import normalize
from site_builder.speech.text import text_for_speech

__all__ = ["AudioResult", "SpeechError", "normalize", "synthesize_many", "text_for_speech"]


def __getattr__(name: str):
    # The synthesis side pulls in multiprocessing and subprocess machinery that normalising does not need.
    if name in ("AudioResult", "SpeechError", "synthesize_many"):
        from site_builder.speech import synthesis

        return getattr(synthesis, name)
    raise AttributeError(name)
