"""Images and attached files become files of the signed layer; older articles are reached through the archive."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace

import pytest
from PIL import Image

from layerformat.model import Attachment, ImageRef
from layerformat.signing import read_public_key
from layerformat.verify import main as verify_main
from layerformat.verify import verify_layer
from tests.site_builder.conftest import make_article, resolution

PDF = b"%PDF-1.4\n% Nghi quyet 09-NQ/TU\n" + b"0" * 4000 + b"\n%%EOF\n"


@pytest.fixture
def originals(tmp_path):
    """An uploaded photo (2000×1500) and a resolution's PDF, as the CMS keeps them."""
    media = tmp_path / "media"
    media.mkdir()
    photo = media / "hoi-nghi.png"
    Image.new("RGB", (2000, 1500), (200, 30, 30)).save(photo)
    pdf = media / "Nghị quyết 09-NQ-TU.pdf"
    pdf.write_bytes(PDF)
    return photo, pdf


def with_media(photo, pdf, article_id: int = 1):
    body = ('<p>Toàn cảnh hội nghị.</p><img data-sotay-image="5" alt="Hội nghị Tỉnh ủy">'
            "<p>Đại biểu biểu quyết thông qua nghị quyết.</p>")
    return resolution(
        article_id, body_html=body, images=(ImageRef(key="5", source=str(photo), alt="Hội nghị Tỉnh ủy"),),
        attachments=(Attachment(key="document", title="Toàn văn Nghị quyết 09-NQ/TU", source=str(pdf),
                                filename=pdf.name),),
    )


def test_images_are_resized_to_phone_widths_and_signed_with_the_article(site, originals):
    photo, pdf = originals
    result = site.build([with_media(photo, pdf), make_article(2)])
    assert (result.images, result.attachments) == (1, 1)
    page = (site.layer() / "a" / "1" / "index.html").read_text("utf-8")
    tag = re.search(r"<img [^>]*>", page.split('class="sotay-body"')[1]).group(0)
    assert 'width="720" height="540"' in tag and 'alt="Hội nghị Tỉnh ủy"' in tag and 'loading="lazy"' in tag
    srcset = dict(re.findall(r"(img/\S+\.jpg) (\d+)w", tag))
    assert sorted(srcset.values()) == ["360", "720"]
    files = site.manifest()["files"]
    for url, width in srcset.items():
        with Image.open(site.layer() / "a" / "1" / url) as img:
            assert img.size == (int(width), int(width) * 3 // 4)
        assert f"a/1/{url}" in files  # listed with its hash in the article's manifest part
    assert not any(path.startswith("a/1/img/") for path in site.manifest(head=True)["files"])


def test_attachment_is_a_signed_download_of_the_article(site, originals):
    photo, pdf = originals
    site.build([with_media(photo, pdf)])
    page = (site.layer() / "a" / "1" / "index.html").read_text("utf-8")
    link = re.search(r'<a class="sotay-file" href="(files/[^"]+)" download[^>]*>(.*?)</a>', page, re.S)
    assert link.group(1) == "files/nghi-quyet-09-nq-tu.pdf"
    assert "Toàn văn Nghị quyết 09-NQ/TU" in link.group(2) and "(PDF, 4 kB)" in link.group(2)
    assert (site.layer() / "a" / "1" / link.group(1)).read_bytes() == PDF
    assert site.manifest()["files"]["a/1/files/nghi-quyet-09-nq-tu.pdf"]["length"] == len(PDF)


def test_tampered_attachment_is_refused_by_verify(site, originals, tmp_path, capsys):
    photo, pdf = originals
    site.build([with_media(photo, pdf)])
    public = read_public_key(site.dir / "keys" / "signing.pub")
    copy = tmp_path / "copy"
    shutil.copytree(site.layer(), copy, symlinks=False)
    assert verify_layer(copy, public) == []
    target = copy / "a" / "1" / "files" / "nghi-quyet-09-nq-tu.pdf"
    target.write_bytes(PDF.replace(b"09-NQ/TU", b"10-NQ/TU"))
    assert [p.message for p in verify_layer(copy, public)] == ["Tệp bị sửa: a/1/files/nghi-quyet-09-nq-tu.pdf"]
    assert verify_main([str(copy), "--public-key", str(site.dir / "keys" / "signing.pub"), "--seen", ""]) != 0
    assert "a/1/files/nghi-quyet-09-nq-tu.pdf" in capsys.readouterr().out


def test_unchanged_media_are_not_resized_again_and_removed_media_leave(site, originals):
    photo, pdf = originals
    site.build([with_media(photo, pdf)])
    again = site.build([with_media(photo, pdf)])
    assert again.pages_rendered == 0 and again.files_copied == 0
    site.build([replace(with_media(photo, pdf), images=(), attachments=(), body_html="<p>Không còn ảnh.</p>")])
    assert not any("/img/" in p or "/files/" in p for p in site.manifest()["files"])
    assert not (site.layer() / "a" / "1" / "img").exists() or not any((site.layer() / "a" / "1" / "img").iterdir())


def test_archive_lists_every_article_by_year_and_column(site):
    articles = [make_article(i, day=i * 90, column="Xây dựng Đảng" if i % 2 else "Kinh tế",
                             column_slug="xay-dung-dang" if i % 2 else "kinh-te") for i in range(1, 9)]
    site.build(articles)
    root = site.layer() / "luu-tru"
    home = (root / "index.html").read_text("utf-8")
    years = sorted({a.published_at.year for a in articles})
    for year in years:
        assert f'href="{year}/"' in home
        page = (root / str(year) / "index.html").read_text("utf-8")
        expected = {a.id for a in articles if a.published_at.year == year}
        assert {int(i) for i in re.findall(r'href="\.\./\.\./a/(\d+)/"', page)} == expected
    column = (root / "chuyen-muc" / "xay-dung-dang" / "index.html").read_text("utf-8")
    assert {int(i) for i in re.findall(r'href="\.\./\.\./\.\./a/(\d+)/"', column)} == {1, 3, 5, 7}
    assert "Kinh tế" in home and "Xây dựng Đảng" in home
    assert "luu-tru/" in (site.layer() / "index.html").read_text("utf-8")
    files = site.manifest()["files"]
    assert "luu-tru/index.html" in files and "luu-tru/chuyen-muc/kinh-te/index.html" in files


def test_a_new_article_rerenders_only_its_archive_pages(site):
    articles = [make_article(i, day=i * 60, column="Kinh tế", column_slug="kinh-te") for i in range(1, 13)]
    site.build(articles)
    newer = make_article(99, day=2000)
    result = site.build([*articles, newer])
    assert result.pages_rendered == 2  # the new article and the layer home
    year = newer.published_at.year
    assert "a/99/" in (site.layer() / "luu-tru" / str(year) / "index.html").read_text("utf-8")
