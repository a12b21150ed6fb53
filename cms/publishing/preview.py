"""Preview of a draft, rendered by the builder's render stage exactly as the reader will show it."""

from __future__ import annotations

from site_builder.export import article_from_page


def render_preview(page) -> str:
    from site_builder.render import render_article_html

    unit = page.get_parent().specific
    return render_article_html(article_from_page(page, unit))
