"""Audio of a question on demand, through the builder's speech pipeline and its shared cache: a question heard
once is never synthesised again. Only the question and its choices are read, never the key."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings

from .bank import LETTERS
from .models import Question

logger = logging.getLogger("sotay.learning")


def audio_dir() -> Path:
    return Path(settings.SOTAY_VAR_DIR) / "learning-audio"


def spoken_text(question: Question) -> str:
    options = " ".join(f"Phương án {LETTERS[i]}: {c['text']}." for i, c in enumerate(question.choices))
    return f"{question.text} {options}"


def question_audio(question: Question) -> Path | None:
    return speak(spoken_text(question), f"question {question.pk}")


def speak(text: str, what: str) -> Path | None:
    """The audio file of `text` (synthesised once, then from the shared cache), or None without speech."""
    if not settings.SOTAY_SPEECH:
        return None
    from site_builder.speech import SpeechError, synthesize_many

    try:
        results = synthesize_many({"q": text}, out_dir=audio_dir(),
                                  cache_dir=Path(settings.SOTAY_VAR_DIR) / "cache" / "audio", workers=1)
    except SpeechError:
        logger.exception("audio failed for %s", what)
        return None
    return audio_dir() / results["q"].filename
