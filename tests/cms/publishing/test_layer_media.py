"""A resolution's file and the photos of an article body, uploaded in Wagtail, reach the signed layer; members of
the subtree download them through the gate; the province's board defines the columns pages choose from."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from cms.publishing import demo_media
from cms.publishing.admin_forms import ArticlePageForm
from cms.publishing.export import export_layer
from cms.publishing.models import Column, NewsPage
from tests.factories import publish


@pytest.fixture
def resolution(tree, django_capture_on_commit_callbacks):
    columns = demo_media.ensure_columns(tree["tn"])
    photo = demo_media.make_image("Hội nghị Huyện ủy", size=(1000, 600))
    document = demo_media.make_document("Toàn văn Nghị quyết 05-NQ/HU", "nghi-quyet-05.pdf", b"%PDF-1.4\n%%EOF\n")
    body = f"<p>Hội nghị thông qua nghị quyết.</p>{demo_media.image_embed(photo, 'Toàn cảnh hội nghị')}"
    with django_capture_on_commit_callbacks(execute=True):
        page = publish(tree["dt"], "Nghị quyết 05-NQ/HU về chuyển đổi số", kind="resolution", body=body,
                       document_code="05-NQ/HU", document=document, column=columns["xay-dung-dang"])
    return page


def layer_manifest(prefix: str) -> dict:
    from layerformat.manifest import with_parts

    root = Path(settings.SOTAY_SITE_DIR) / prefix
    head = json.loads((root / "manifest.json").read_text("utf-8"))
    return with_parts(head, lambda part: (root / part).read_bytes())


def test_export_carries_the_file_the_photo_and_the_column(resolution, tree):
    (article,) = export_layer(tree["dt"].layer("all"))
    assert [(a.key, a.title) for a in article.attachments] == [("document", "Toàn văn Nghị quyết 05-NQ/HU")]
    assert [i.alt for i in article.images] == ["Toàn cảnh hội nghị"] and Path(article.images[0].source).is_file()
    assert "<embed" not in article.body_html and "data-sotay-image" in article.body_html
    assert (article.column, article.column_slug) == ("Xây dựng Đảng", "xay-dung-dang")


def test_publishing_puts_resized_photos_and_the_file_in_the_signed_layer(resolution, login):
    files = layer_manifest("u/tn/dt/all")["files"]
    mine = sorted(p for p in files if p.startswith(f"a/{resolution.pk}/")
                  and not p.endswith(("index.html", "index.html.gz", "index.html.br")))
    assert [p.split("/")[2] for p in mine] == ["files", "img", "img"]
    assert mine[0].endswith("/files/toan-van-nghi-quyet-05-nq-hu.pdf")  # named after its title
    response = login("dv.x1").get(f"/u/tn/dt/all/{mine[0]}")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert login("dv.y1").get(f"/u/tn/dt/all/{mine[0]}").status_code == 403
    assert login("dv.x1").get("/u/tn/dt/all/luu-tru/chuyen-muc/xay-dung-dang/").status_code == 200


def test_a_page_chooses_among_its_own_provinces_columns(tree):
    demo_media.ensure_columns(tree["tn"])
    other = publish(tree["tn"], "Tin khác")  # a page exists; a second province has its own columns
    assert Column.objects.filter(province=tree["tn"]).count() == len(demo_media.COLUMNS)
    form_class = NewsPage.get_edit_handler().get_form_class()
    assert issubclass(form_class, ArticlePageForm)
    form = form_class(instance=other, parent_page=tree["tn"], for_user=None)
    assert {c.slug for c in form.fields["column"].queryset} == {slug for slug, _name in demo_media.COLUMNS}
    form = form_class(instance=other, parent_page=tree["x1"], for_user=None)
    assert form.fields["column"].queryset.count() == len(demo_media.COLUMNS)


def test_the_province_board_edits_columns_and_a_district_board_does_not(tree):
    from django.contrib.auth.models import Group

    province = Group.objects.get(permissions__codename="change_column")
    assert tree["tn"].title in province.name or "tn" in province.name
    assert not Group.objects.filter(permissions__codename="change_column").exclude(pk=province.pk).exists()


def test_a_draft_preview_shows_the_photo_and_the_file_from_the_cms(resolution):
    from cms.publishing.preview import render_preview

    html = render_preview(resolution.get_latest_revision_as_object())
    assert 'src="/media/original_images/' in html and 'alt="Toàn cảnh hội nghị"' in html
    assert 'href="/media/documents/' in html and "Toàn văn Nghị quyết 05-NQ/HU" in html
