"""Admin screens a board uses speak Vietnamese: the login labels, the editor guide."""

from __future__ import annotations

import re


def test_the_admin_login_labels_are_vietnamese(db, client):
    html = client.get("/admin/login/").content.decode()
    labels = [re.sub(r"<[^>]+>|\*", "", label).strip() for label in re.findall(r"<label[^>]*>(.*?)</label>", html,
                                                                               re.S)]
    assert "Tên đăng nhập" in labels and "Mật khẩu" in labels
    assert not {"User", "Username", "Password"} & set(labels)


def test_the_editor_guide_is_sotays_own_vietnamese_page(tree, login):
    client = login("bbt.dt")
    home = client.get("/admin/").content.decode()
    assert "guide.wagtail.org" not in home
    assert "/admin/huong-dan/" in home
    guide = client.get("/admin/huong-dan/")
    assert guide.status_code == 200
    assert "Gửi duyệt" in guide.content.decode()
