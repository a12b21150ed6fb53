"""Bài thu hoạch: typed or photographed (resized on the server), marked by the cell's secretary, rolled up."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.factories import publish

pytestmark = pytest.mark.django_db


def _photo() -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (3000, 4000), (240, 240, 230)).save(data, "JPEG", quality=95)
    data.seek(0)
    data.name = "bai-viet-tay.jpg"
    return data


def test_an_essay_from_phone_photos_is_marked_by_the_secretary_and_rolled_up(tree, as_member):
    material = publish(tree["dt"], "Tài liệu học tập Nghị quyết Đại hội XIII", kind="study")
    member = as_member("dv.x1")
    empty = member.post("/api/learning/essays", {"page": material.pk, "text": ""}, format="multipart")
    assert empty.status_code == 400 and empty.json()["detail"].startswith("Viết bài thu hoạch hoặc chụp ảnh")
    sent = member.post("/api/learning/essays", {"page": material.pk, "photos": [_photo(), _photo()]},
                       format="multipart")
    assert sent.status_code == 201, sent.json()
    photo = sent.json()["photos"][0]
    image = member.get(photo)
    assert Image.open(io.BytesIO(b"".join(image.streaming_content))).size == (1080, 1440)
    assert as_member("dv2.x1").get(photo).status_code == 404
    other = publish(tree["y1"], "Tài liệu của chi bộ khác", kind="study")
    assert member.post("/api/learning/essays", {"page": other.pk, "text": "Bài"}, format="multipart").status_code == 400
    as_member("dv.x2").post("/api/learning/essays", {"page": material.pk, "text": "Bài thu hoạch của tôi."},
                            format="multipart")

    secretary = as_member("bt.x1")
    review = secretary.get("/api/learning/essays/review").json()
    assert [e["member"] for e in review] == ["Đảng viên dv.x1"]
    assert secretary.get(photo).status_code == 200
    essay = review[0]["id"]
    assert as_member("cuv.x1").post(f"/api/learning/essays/{essay}/mark", {"mark": "good"},
                                    format="json").status_code == 404
    marked = secretary.post(f"/api/learning/essays/{essay}/mark",
                            {"mark": "excellent", "comment": "Liên hệ tốt với việc trồng chè ở xóm."}, format="json")
    assert marked.json()["mark"] == "excellent"
    assert member.get("/api/learning/essays").json()[0]["comment"] == "Liên hệ tốt với việc trồng chè ở xóm."
    late = member.post("/api/learning/essays", {"page": material.pk, "text": "Sửa lại"}, format="multipart")
    assert late.status_code == 409

    rollup = as_member("cuv.dt").get("/api/learning/essays/rollup", {"page": material.pk}).json()
    rows = {r["code"]: r for r in rollup["units"]}
    assert (rows["dt"]["submitted"], rows["dt"]["marked"], rows["dt"]["excellent"]) == (2, 1, 1)
    assert (rows["x1"]["submitted"], rows["x2"]["submitted"], rows["x2"]["marked"]) == (1, 1, 0)
    assert as_member("dv.x1").get("/api/learning/essays/rollup", {"page": material.pk}).status_code == 403
