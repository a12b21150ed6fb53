"""Export stage: the live Wagtail pages of one layer as plain `Article`s (the only stage that touches Django)."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from html import escape, unescape
from pathlib import Path

from layerformat.model import Article, Attachment, ImageRef, LayerId


def _now() -> datetime:
    return datetime.now(UTC)


_FIELDS = ("id", "slug", "title", "body", "summary", "first_published_at", "last_published_at")
_COLUMN = ("column__name", "column__slug")
_EMBED = re.compile(r"<embed\b([^>]*?)/?>", re.IGNORECASE)
_DOC_LINK = re.compile(r"<a\b([^>]*\blinktype=\"document\"[^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')


def _attrs(text: str) -> dict[str, str]:
    return {name: unescape(value) for name, value in _ATTR.findall(text)}


class Media:
    """Files of the layer's image embeds and document links, looked up once per layer (one query each)."""

    def __init__(self, bodies: list[str]) -> None:
        image_ids, doc_ids = set(), set()
        for body in bodies:
            for match in _EMBED.finditer(body):
                attrs = _attrs(match.group(1))
                if attrs.get("embedtype") == "image" and attrs.get("id", "").isdigit():
                    image_ids.add(int(attrs["id"]))
            for match in _DOC_LINK.finditer(body):
                ident = _attrs(match.group(1)).get("id", "")
                if ident.isdigit():
                    doc_ids.add(int(ident))
        self.images = self._paths("wagtailimages", "Image", image_ids)
        self.documents = self._paths("wagtaildocs", "Document", doc_ids)

    @staticmethod
    def _paths(app: str, model: str, ids: set[int]) -> dict[int, tuple[str, str]]:
        """{id: (absolute file path, title)} of the files that exist on this machine."""
        if not ids:
            return {}
        from django.apps import apps

        found = {}
        for pk, name, title in apps.get_model(app, model).objects.filter(pk__in=ids).values_list("id", "file", "title"):
            path = local_path(name)
            if path is not None:
                found[pk] = (path, title)
        return found

    def body(self, html: str) -> tuple[str, tuple[ImageRef, ...], tuple[Attachment, ...]]:
        """The body with image embeds as `<img data-sotay-image>` placeholders and document links as
        `data-sotay-file` links (the media stage fills both in), with the files they need."""
        images: dict[str, ImageRef] = {}
        files: dict[str, Attachment] = {}

        def image(match: re.Match) -> str:
            attrs = _attrs(match.group(1))
            if attrs.get("embedtype") != "image":
                return ""
            found = self.images.get(int(attrs["id"])) if attrs.get("id", "").isdigit() else None
            if found is None:
                return ""
            key = attrs["id"]
            images[key] = ImageRef(key=key, source=found[0], alt=attrs.get("alt", ""))
            return f'<img data-sotay-image="{escape(key)}" alt="{escape(attrs.get("alt", ""))}">'

        def link(match: re.Match) -> str:
            ident = _attrs(match.group(1)).get("id", "")
            found = self.documents.get(int(ident)) if ident.isdigit() else None
            if found is None:
                return "<a>"
            files[ident] = Attachment(key=ident, title=found[1], source=found[0],
                                      filename=_filename(found[1], found[0]))
            return f'<a data-sotay-file="{escape(ident)}">'

        if "<embed" in html:
            html = _EMBED.sub(image, html)
        if 'linktype="document"' in html:
            html = _DOC_LINK.sub(link, html)
        return html, tuple(images.values()), tuple(files.values())


def _document(values: dict) -> tuple[Attachment, ...]:
    """The resolution's own file (`document__file`, looked up with the page's values)."""
    name = values.get("document__file")
    if not name:
        return ()
    path = local_path(name)
    if path is None:
        return ()
    title = values.get("document__title") or Path(name).name
    return (Attachment(key="document", title=title, source=path, filename=_filename(title, name)),)


def _filename(title: str, stored: str) -> str:
    """The name a member saves the file as: its title with the stored file's extension (the stored name may
    carry the suffix storage added to keep it unique)."""
    return title.replace("/", "-") + Path(stored).suffix.lower()


def _article(values: dict, *, kind: str, layer: LayerId, unit, meta: dict[str, str], media: Media | None = None
             ) -> Article:
    """An Article from a page's fields (a page object's or a `.values()` row's, by the same names)."""
    first, last = values["first_published_at"], values["last_published_at"]
    published = first or last or _now()
    body = str(values["body"] or "")
    media = media or Media([body])
    body, images, linked = media.body(body)
    return Article(
        id=values["id"],
        slug=values["slug"],
        kind=kind,
        title=values["title"],
        body_html=body,
        published_at=published,
        updated_at=last or published,
        layer=layer,
        unit_name=unit.title,
        unit_level=unit.level,
        summary=values["summary"] or "",
        meta=meta,
        attachments=_document(values) + linked,
        images=images,
        column=values.get("column__name") or "",
        column_slug=values.get("column__slug") or "",
    )


def article_from_page(page, unit) -> Article:
    """One live ArticlePage (specific) under `unit` as an Article."""
    values = {name: getattr(page, name) for name in _FIELDS}
    column = getattr(page, "column", None)
    values.update(column__name=column.name if column else "", column__slug=column.slug if column else "")
    document = getattr(page, "document", None)
    if document is not None:
        values.update(document__file=document.file.name, document__title=document.title)
    layer = unit.layer(page.tier)
    return _article(values, kind=page.kind, layer=layer, unit=unit, meta=page.extra_meta())


def export_layer(layer: LayerId) -> list[Article]:
    """Every live page of the layer's unit and tier, newest first.

    Read as plain values, one query per page kind: a layer of 4,000 articles exports in a tenth of the time
    that building 4,000 page objects takes, and the same `Article`s come out (`article_from_page` is the
    one-page form, used by the preview)."""
    from cms.org.models import UnitPage
    from cms.publishing.models import ARTICLE_MODELS

    unit = UnitPage.objects.get(code_path="/".join(layer.unit_path))
    rows_by_model = []
    for model in ARTICLE_MODELS:
        lookups = model.meta_lookups
        extra = ("document__file", "document__title") if hasattr(model, "document") else ()
        rows = model.objects.child_of(unit).live().filter(tier=layer.tier).values(
            *_FIELDS, *_COLUMN, *extra, *lookups.values()
        )
        rows_by_model.append((model, list(rows)))
    media = Media([str(row["body"] or "") for _model, rows in rows_by_model for row in rows])
    articles = []
    for model, rows in rows_by_model:
        lookups = model.meta_lookups
        for row in rows:
            meta = model.meta_from({name: row[lookup] for name, lookup in lookups.items()})
            articles.append(_article(row, kind=model.kind, layer=layer, unit=unit, meta=meta, media=media))
    return sorted(articles, key=lambda a: (a.published_at, a.id), reverse=True)


def all_layers() -> list[LayerId]:
    """Every (unit, tier) pair of the tree, including empty ones, so each member's chain is complete."""
    from cms.org.models import UnitPage

    paths = UnitPage.objects.order_by("path").values_list("code_path", flat=True)
    return [layer for path in paths for layer in LayerId.all_for_unit_path(path)]


def local_path(name: str) -> str | None:
    """A file of the media storage on this machine's disk, for the builder: the file itself when media are on
    disk; with media in a bucket, a copy in the build directory's `media/`, fetched once (stored names are never
    reused, so a copy never goes stale). None when the file is not there."""
    from django.conf import settings
    from django.core.files.storage import default_storage

    try:
        return default_storage.path(name)
    except NotImplementedError:
        pass
    copies = (Path(settings.SOTAY_BUILD_DIR) / "media").resolve()
    copy = (copies / name).resolve()
    if not copy.is_relative_to(copies):  # a stored name never leads out of the copies' directory
        return None
    if not copy.exists():
        if not default_storage.exists(name):
            return None
        copy.parent.mkdir(parents=True, exist_ok=True)
        partial = copy.with_name(copy.name + ".part")
        with default_storage.open(name, "rb") as source, partial.open("wb") as out:
            shutil.copyfileobj(source, out)  # a resolution's scan can be tens of MB: never whole in memory
        partial.replace(copy)  # whole or not at all: a build killed mid-way leaves no half file behind
    return str(copy)
