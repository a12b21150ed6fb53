"""A small, fully built province for the browser tests, in its own var dir (own SQLite, site and keys).

    python -m tests.e2e.province VAR_DIR    # run with DJANGO_SETTINGS_MODULE=cms.settings.dev, SOTAY_VAR_DIR=VAR_DIR

Uses the two-district tree of tests/factories.py, publishes articles at every level of the chain of cell x1
(province tn → district dt → commune hs → cell x1) and in the other district (pl → dn → y1), builds every
layer with the real pipeline, and writes VAR_DIR/province.json with the ids the tests need. The cell layer
gets short Opus audio (a tone made with ffmpeg) in place of synthesised speech, so the player can be tested
without the speech engine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
AUDIO_LAYER = "u/tn/dt/hs/x1/all"
AUDIO_SECONDS = 6

BODY = (
    "<p>Chi bộ quán triệt Nghị quyết số 09-NQ/TU của Tỉnh ủy tới từng đảng viên. Mỗi đảng viên đăng ký "
    "một việc làm cụ thể, báo cáo kết quả tại buổi sinh hoạt chi bộ tháng sau.</p>"
    "<p>Đảng viên cao tuổi có thể nghe đọc toàn văn tài liệu trên Sổ tay đảng viên điện tử.</p>"
)

ADMIN = "qt.tinh"


def _when(days_ago: int) -> datetime:
    return datetime(2026, 11, 20, 8, 0, tzinfo=TZ) - timedelta(days=days_ago)


RESOLUTION_FILE = "Toàn văn Nghị quyết 09-NQ/TU"
RESOLUTION_PHOTO = "Hội nghị Ban Chấp hành Đảng bộ tỉnh"


def _articles(tree) -> dict[str, int]:
    from cms.publishing import demo_media
    from tests.factories import publish

    soon = datetime.now(TZ).date() + timedelta(days=5)  # the phone counts days in Vietnam, not on the machine
    columns = demo_media.ensure_columns(tree.units["tn"])
    photo = demo_media.make_image(RESOLUTION_PHOTO)
    pdf = demo_media.resolution_pdf("Nghị quyết về phát triển kinh tế đồi rừng", "09-NQ/TU", "Tỉnh ủy Thái Nguyên",
                                    "Phát triển kinh tế đồi rừng gắn với bảo vệ rừng đầu nguồn.")
    document = demo_media.make_document(RESOLUTION_FILE, "nghi-quyet-09-nq-tu.pdf", pdf)
    pages = {
        "old_news": publish(tree.units["tn"], "Tỉnh ủy tổng kết công tác dân vận năm 2024", when=_when(700),
                            body=BODY, column=columns["kinh-te-xa-hoi"]),
        "province_news": publish(tree.units["tn"], "Tỉnh ủy sơ kết công tác xây dựng Đảng năm 2026",
                                 when=_when(9), body=BODY),
        "resolution": publish(tree.units["tn"], "Nghị quyết về phát triển kinh tế đồi rừng", kind="resolution",
                              when=_when(30), body=BODY + demo_media.image_embed(photo, RESOLUTION_PHOTO),
                              document_code="09-NQ/TU", issuing_body="Tỉnh ủy Thái Nguyên",
                              issue_date=date(2026, 10, 1), document=document, column=columns["xay-dung-dang"]),
        "district_study": publish(tree.units["dt"], "Tài liệu học tập chuyên đề năm 2026 cho đảng viên",
                                  kind="study", when=_when(6), body=BODY, study_deadline=soon),
        "commune_news": publish(tree.units["hs"], "Xã Hùng Sơn ra mắt mô hình dân vận khéo", when=_when(3),
                                body=BODY),
        "cell_meeting": publish(tree.units["x1"], "Tài liệu sinh hoạt chi bộ xóm Đồng Tâm tháng 11", kind="meeting",
                                when=_when(1), body=BODY, meeting_date=date(2026, 11, 25)),
        "cell_news": publish(tree.units["x1"], "Chi bộ xóm Đồng Tâm kết nạp đảng viên mới", when=_when(2),
                             body=BODY),
        "other_district": publish(tree.units["pl"], "Huyện ủy Phú Lương tổng kết vụ chè", when=_when(4), body=BODY),
        "other_cell": publish(tree.units["y1"], "Chi bộ xóm Làng Lớn sinh hoạt chuyên đề", when=_when(5), body=BODY),
    }
    return {name: page.pk for name, page in pages.items()}


def _tone_speech(layer, articles, *, work_dir: Path, **_options) -> dict[int, str]:
    """Stands in for the speech stage on the cell layer: a few seconds of Opus per article."""
    if layer.prefix != AUDIO_LAYER:
        return {}
    out = work_dir / "site" / "audio"
    out.mkdir(parents=True, exist_ok=True)
    audio = {}
    for article in articles:
        target = out / f"{article.id}.opus"
        if not target.exists():
            subprocess.run(
                ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"sine=frequency=440:duration={AUDIO_SECONDS}",
                 "-c:a", "libopus", "-b:a", "24k", str(target)],
                check=True,
            )
        audio[article.id] = f"audio/{article.id}.opus"
    return audio


def build(var_dir: Path) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from cms.publishing.build import build_one
    from site_builder import pipeline
    from tests.factories import PASSWORD, make_tree

    tree = make_tree()
    # The province's administrator: an account, not a party member, who oversees the whole tree.
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser(ADMIN, "", PASSWORD)
    ids = _articles(tree)
    pipeline.speech = _tone_speech
    layers = ["u/tn/all", "u/tn/dt/all", "u/tn/dt/hs/all", AUDIO_LAYER, "u/tn/pl/all", "u/tn/pl/dn/all",
              "u/tn/pl/dn/y1/all"]
    for prefix in layers:
        build_one(prefix, speech=True)
    data = {"ids": ids, "password": PASSWORD, "layers": layers, "audio_layer": AUDIO_LAYER}
    (var_dir / "province.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    return data


def main(argv: list[str]) -> int:
    var_dir = Path(argv[0]).resolve()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    if Path(os.environ.get("SOTAY_VAR_DIR", "")).resolve() != var_dir:
        sys.stderr.write("SOTAY_VAR_DIR must be the var dir given\n")
        return 2
    build(var_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
