"""Preview of a draft, rendered by the builder's render stage exactly as the reader will show it, with its audio."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings

from cms.publishing.export import article_from_page

logger = logging.getLogger("sotay.publishing")


def preview_audio_dir() -> Path:
    return Path(settings.SOTAY_VAR_DIR) / "preview-audio"


def draft_audio(article) -> str | None:
    """Speak the draft (through the shared cache, so publishing it later costs nothing); the file's name."""
    if not settings.SOTAY_SPEECH:
        return None
    from site_builder.speech import SpeechError, synthesize_many, text_for_speech

    try:
        text = text_for_speech(article.title, article.body_html)
        cache = Path(settings.SOTAY_VAR_DIR) / "cache" / "audio"
        results = synthesize_many({"draft": text}, out_dir=preview_audio_dir(), cache_dir=cache)
    except SpeechError:
        logger.exception("preview audio failed for page %s", article.id)
        return None
    return results["draft"].filename


def render_preview(page) -> str:
    from site_builder.render import render_article_html

    unit = page.get_parent().specific
    article = article_from_page(page, unit)
    audio = draft_audio(article)
    html = render_article_html(article, audio=f"audio/{audio}" if audio else None)
    if audio:
        html = html.replace(f"/{article.layer.prefix}/audio/{audio}", f"/preview/audio/{audio}")
    return html
