"""Bản tin tuần: each cell's digest holds what its chain of layers published in the week, as a reader page, a
PDF in large type whose QR codes open the articles and the digest's page, and one audio file shared by the
cells whose chains published the same things."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.test import override_settings

from cms.notices.digests import PeriodError, make_digests, parse_period
from cms.notices.models import Digest
from cms.publishing.demo import builds_suspended
from tests.factories import publish

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
PUBLIC = "https://sotay.thainguyen.example"
IN_WEEK = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # Wednesday of 2026-W48
BEFORE = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def pdf_text(path) -> str:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def pdf_qr_codes(path, tmp_path) -> list[str]:
    import zxingcpp
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "page")], check=True)
    found = []
    for image in sorted(tmp_path.glob("page*.png")):
        found += [code.text for code in zxingcpp.read_barcodes(Image.open(image))]
    return found


@pytest.fixture
def week(tree):
    with builds_suspended():  # digests read pages, not built layers
        return _publish_week(tree)


def _publish_week(tree) -> dict:
    return {
        "province": publish(tree["tn"], "Tỉnh ủy sơ kết công tác xây dựng Đảng", when=IN_WEEK,
                            summary="Ban Thường vụ Tỉnh ủy sơ kết quý IV."),
        "district": publish(tree["dt"], "Đại Từ kết nạp đảng viên mới", when=IN_WEEK),
        "cell": publish(tree["x1"], "Chi bộ Đồng Tâm ra quân làm đường", when=IN_WEEK),
        "other": publish(tree["y1"], "Tin của chi bộ Làng Lớn", when=IN_WEEK),
        "old": publish(tree["tn"], "Tin tuần trước", when=BEFORE),
        "committee": publish(tree["tn"], "Tài liệu dành cho cấp ủy", when=IN_WEEK, tier="committee"),
    }


@override_settings(SOTAY_PUBLIC_URL=PUBLIC)
def test_the_printed_digest_lists_the_weeks_titles_and_its_qr_codes_open_the_reader(tree, week, tmp_path):
    output = tmp_path / "ban-tin.pdf"
    call_command("digest", unit="x1", period="2026-W48", output=output, no_speech=True, workers=1)
    text = pdf_text(output)
    for name in ("province", "district", "cell"):
        assert week[name].title in text, name
    for name in ("other", "old", "committee"):
        assert week[name].title not in text, name
    assert "Tuần 48 năm 2026 (23/11 – 29/11/2026)" in text
    assert len(Digest.objects.get(unit=tree["x1"], period="2026-W48").items) == 3
    codes = pdf_qr_codes(output, tmp_path)
    assert set(codes) == {f"{PUBLIC}/ban-tin/2026-W48/"} | {
        f"{PUBLIC}{week[name].reader_path()}" for name in ("province", "district", "cell")}
    assert f"{PUBLIC}/u/tn/dt/hs/x1/all/a/{week['cell'].pk}/" in codes


def test_a_month_digest_and_bad_periods(tree, week):
    assert parse_period("2026-11").label == "Tháng 11 năm 2026"
    for bad in ("2026-W54", "2026-13", "tuần 48"):
        with pytest.raises(PeriodError):
            parse_period(bad)
    make_digests("2026-11", cells=[tree["x2"]], workers=1, speech=False)
    items = Digest.objects.get(unit=tree["x2"], period="2026-11").items
    assert [i["title"] for i in items] == ["Tỉnh ủy sơ kết công tác xây dựng Đảng", "Tin tuần trước",
                                           "Đại Từ kết nạp đảng viên mới"]


def test_cells_with_the_same_news_share_one_audio_and_members_read_their_own_digest(tree, week, login, settings):
    from rest_framework.test import APIClient

    from tests.factories import PASSWORD

    made = make_digests("2026-W48", cells=[tree["x1"], tree["x2"], tree["y1"]], workers=2, speech=True)
    x1, x2, y1 = (Digest.objects.get(unit=tree[c], period="2026-W48") for c in ("x1", "x2", "y1"))
    assert x1.audio and x2.audio and y1.audio
    assert x2.audio != x1.audio  # x1 has its own news
    assert made.audio_files == 3
    again = make_digests("2026-W48", cells=[tree["x1"], tree["x2"], tree["y1"]], workers=2, speech=True)
    assert (again.audio_synthesised, again.pdfs_rendered) == (0, 0)  # everything from the caches

    # Another cell of Hùng Sơn with no news of its own shares x2's audio.
    from cms.org.services import create_unit

    x3 = create_unit(code="x3", name="Chi bộ xóm Na Mao", level="cell", parent=tree["hs"])
    third = make_digests("2026-W48", cells=[x3], workers=1, speech=True)
    assert third.audio_synthesised == 0
    assert Digest.objects.get(unit=x3, period="2026-W48").audio == x2.audio

    client = APIClient()
    assert client.login(username="dv.x1", password=PASSWORD)
    listed = client.get("/api/digests").json()
    assert [d["period"] for d in listed] == ["2026-W48"]
    assert client.get(f"/api/digests/{x1.pk}/audio").status_code == 200
    assert client.get(f"/api/digests/{x1.pk}/pdf")["Content-Type"] == "application/pdf"
    assert client.get(f"/api/digests/{y1.pk}").status_code == 404
    assert client.get(f"/api/digests/{y1.pk}/pdf").status_code == 404
    page = client.get(f"/ban-tin/{x1.pk}/")
    assert page.status_code == 200 and "Chi bộ Đồng Tâm ra quân làm đường" in page.content.decode()
    assert client.get(f"/ban-tin/{y1.pk}/").status_code == 404
    own = client.get("/ban-tin/2026-W48/")  # where the printed sheet's QR code leads
    assert own.status_code == 200 and "Chi bộ Đồng Tâm ra quân làm đường" in own.content.decode()
    assert x2.pdf != x1.pdf and Digest.objects.get(unit=x3, period="2026-W48").pdf == x2.pdf


def test_the_cells_digest_is_offered_in_tai_ve_may_with_its_size(tree, week, client):
    """"Tải về máy" offers the member's own cell's newest digest (page, PDF) with its size; another cell's member
    is offered their own, not this one."""
    from tests.factories import PASSWORD

    make_digests("2026-W48", cells=[tree["x1"]], workers=1, speech=False)
    digest = Digest.objects.get(unit=tree["x1"], period="2026-W48")
    assert client.login(username="dv.x1", password=PASSWORD)
    items = client.get("/api/offline-items").json()["items"]
    [item] = [i for i in items if i["key"] == "digest-2026-W48"]
    assert f"/api/digests/{digest.pk}/pdf" in item["urls"] and f"/ban-tin/{digest.pk}/" in item["urls"]
    assert item["bytes"] > 4096
    client.logout()
    assert client.login(username="dv.y1", password=PASSWORD)
    assert not [i for i in client.get("/api/offline-items").json()["items"] if i["key"].startswith("digest-")]
