"""Preview of a draft, rendered by the builder's render stage exactly as the reader will show it, with its audio."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings

from cms.publishing.export import article_from_page

logger = logging.getLogger("sotay.publishing")


def with_media_urls(article):
    """A draft's images and files straight from the CMS's media (a build resizes and signs them; a preview
    needs only to show them to its editors)."""
    import dataclasses
    import re
    from html import escape

    root = Path(settings.MEDIA_ROOT).resolve()

    def url(source: str) -> str:
        try:
            return settings.MEDIA_URL + Path(source).resolve().relative_to(root).as_posix()
        except ValueError:
            return ""

    sources = {ref.key: ref for ref in article.images}

    def image(match: re.Match) -> str:
        ref = sources.get(match.group(1))
        if ref is None:
            return ""
        return f'<img src="{escape(url(ref.source))}" alt="{escape(ref.alt)}" style="max-width:100%;height:auto">'

    body = re.sub(r'<img\b[^>]*\bdata-sotay-image="([^"]+)"[^>]*>', image, article.body_html)
    files = {a.key: url(a.source) for a in article.attachments}
    body = re.sub(r'\bdata-sotay-file="([^"]+)"', lambda m: f'href="{escape(files.get(m.group(1), ""))}"', body)
    def size(source: str) -> int:
        return Path(source).stat().st_size if Path(source).exists() else 0

    attachments = tuple(dataclasses.replace(a, href=url(a.source), length=size(a.source)) for a in article.attachments)
    return dataclasses.replace(article, body_html=body, attachments=attachments)


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
    article = with_media_urls(article_from_page(page, unit))
    audio = draft_audio(article)
    html = render_article_html(article, audio=f"audio/{audio}" if audio else None)
    if audio:
        html = html.replace(f"/{article.layer.prefix}/audio/{audio}", f"/preview/audio/{audio}")
    return html
