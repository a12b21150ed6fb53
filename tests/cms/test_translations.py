"""The Wagtail admin speaks Vietnamese: our catalogues in cms/locale/vi fill in and override Wagtail's own.

The catalogues are compiled here with Debian's msgfmt into a temporary LOCALE_PATHS, so the tests read the
.po files as committed, whatever `make messages` last compiled into cms/locale.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.translation import gettext, ngettext, override, pgettext

from cms.locale.tools import count_untranslated, pofile

CATALOGUES = count_untranslated.OVERRIDE_DIR / "vi" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")


def _msgfmt() -> str:
    path = shutil.which("msgfmt")
    if path is None:
        pytest.fail("msgfmt is missing: install Debian's gettext package (scripts/system-packages does)")
    return path


@pytest.fixture(scope="session")
def compiled_locale(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("locale")
    target = root / "vi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    for domain in DOMAINS:
        subprocess.run(
            [_msgfmt(), "--check", "-o", str(target / f"{domain}.mo"), str(CATALOGUES / f"{domain}.po")],
            check=True,
            capture_output=True,
        )
    return root


@pytest.fixture
def vietnamese(settings, compiled_locale):
    """Django's translation machinery with our freshly compiled catalogues first, as LOCALE_PATHS puts them."""
    settings.LOCALE_PATHS = [compiled_locale]
    with override("vi"):
        yield


@pytest.mark.parametrize("domain", DOMAINS)
def test_msgfmt_check_accepts_the_catalogue(domain):
    result = subprocess.run(
        [_msgfmt(), "--check", "--statistics", "-o", "/dev/null", str(CATALOGUES / f"{domain}.po")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_settings_load_our_catalogue_before_the_apps_ones(settings):
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.USE_I18N
    assert count_untranslated.OVERRIDE_DIR in [Path(p).resolve() for p in settings.LOCALE_PATHS]


@pytest.mark.parametrize(
    ("msgid", "vietnamese_text"),
    [
        ("Publish", "Xuất bản"),
        ("Save draft", "Lưu bản nháp"),
        ("Unpublish", "Hủy xuất bản"),
        ("Preview", "Xem trước"),
        ("Schedule to publish", "Lên lịch xuất bản"),
        ("Submit for moderation", "Gửi duyệt"),
        ("Pages", "Trang"),
        ("Images", "Hình ảnh"),
        ("Documents", "Tài liệu"),
        ("Collections", "Bộ sưu tập"),
        ("Dashboard", "Bảng điều khiển"),
        ("Workflow", "Quy trình duyệt"),
        ("Approve", "Phê duyệt"),
        ("Request changes", "Yêu cầu chỉnh sửa"),
        ("Lock", "Khóa"),
        ("History", "Lịch sử"),
        ("Site history", "Nhật ký trang web"),
        ("Users", "Người dùng"),
        ("Groups", "Nhóm"),
        ("Log out", "Đăng xuất"),
        ("Forgotten password?", "Quên mật khẩu?"),
    ],
)
def test_admin_strings_editors_use_daily_are_vietnamese(vietnamese, msgid, vietnamese_text):
    assert gettext(msgid) == vietnamese_text


def test_our_wording_wins_over_wagtails_own_vietnamese(vietnamese):
    # Wagtail's catalogue says "Thực hiện %(workflow_name)s" ("carry out …"): editors would not guess it sends
    # the page for review.
    assert gettext("Submit to %(workflow_name)s") % {"workflow_name": "Duyệt bài"} == "Gửi duyệt theo Duyệt bài"


def test_plural_messages_use_the_one_vietnamese_form(vietnamese):
    assert ngettext("Delete 1 page", "Delete %(counter)s pages", 1) % {"counter": 1} == "Xóa 1 trang"
    assert ngettext("Delete 1 page", "Delete %(counter)s pages", 12) % {"counter": 12} == "Xóa 12 trang"


def test_relative_times_in_the_admin_are_vietnamese(vietnamese):
    from django.contrib.humanize.templatetags.humanize import naturaltime
    from django.utils.timesince import timesince
    from wagtail.admin.templatetags.wagtailadmin_tags import timesince_simple

    now = timezone.now()
    assert timesince(now - timedelta(minutes=5), now) == "5\xa0phút"
    assert timesince_simple(now) == "vừa xong"
    assert naturaltime(now - timedelta(hours=3)) == "3\xa0giờ trước"


def test_django_validation_messages_editors_meet_are_vietnamese(vietnamese):
    assert gettext("Enter a valid “slug” consisting of Unicode letters, numbers, underscores, or hyphens.") == (
        "Nhập đường dẫn hợp lệ, chỉ gồm chữ cái Unicode, chữ số, dấu gạch dưới hoặc gạch ngang."
    )
    assert pgettext("A tag name", "name") == "tên"


def test_no_admin_string_is_left_untranslated():
    counts = count_untranslated.count(count_untranslated.default_wagtail_dir())
    missing = [f"{c.app}: {entry.msgid!r}" for c in counts for entry in c.missing]
    assert not missing, (
        f"{len(missing)} untranslated, e.g. {missing[:5]}; "
        "run `python -m cms.locale.tools.count_untranslated --write-missing var/missing` and translate them"
    )


@pytest.mark.parametrize("domain", DOMAINS)
def test_translations_keep_every_placeholder_and_tag(domain):
    wrong = []
    for entry in pofile.read(CATALOGUES / f"{domain}.po"):
        if not entry.msgid:
            continue
        texts = entry.msgstr_plural.values() if entry.msgid_plural is not None else [entry.msgstr]
        expected = pofile.placeholders(entry.msgid_plural or entry.msgid)
        wrong += [(entry.msgid, text) for text in texts if pofile.placeholders(text) != expected]
    assert not wrong


def test_javascript_catalogue_of_the_admin_is_vietnamese(vietnamese, client, django_user_model, db):
    client.force_login(django_user_model.objects.create_superuser("quantri", "quantri@example.vn", "x"))
    response = client.get("/admin/jsi18n/")
    assert response.status_code == 200
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\n  \});", response.content.decode(), re.S)[1])
    assert catalog["Page explorer"] == "Cây trang"
    assert catalog["Save"] == "Lưu"
    assert catalog["Write something or type ‘/’ to insert a block"] == "Viết nội dung hoặc gõ ‘/’ để chèn khối"


def test_editor_sees_the_page_editor_in_vietnamese(vietnamese, client, tree):
    from tests.factories import publish

    page = publish(tree.units["pl"], "Thông báo họp chi bộ")
    client.force_login(tree.members["bbt.pl"].user)
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    for text in ("Lưu bản nháp", "Xuất bản", "Hủy xuất bản", "Lịch sử", "Xem trước", "Bình luận"):
        assert text in html
    for english in ("Save draft", "Unpublish", "Preview in new tab"):
        assert english not in html


def test_main_menu_is_vietnamese(vietnamese, client, django_user_model, db):
    client.force_login(django_user_model.objects.create_superuser("quantri", "quantri@example.vn", "x"))
    html = client.get("/admin/").content.decode()
    props = json.loads(re.search(r'id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S)[1])
    labels = set(re.findall(r'"label": "([^"]*)"', json.dumps(props, ensure_ascii=False)))
    assert {"Trang", "Hình ảnh", "Tài liệu", "Báo cáo", "Cài đặt"} <= labels
    assert not {"Pages", "Images", "Documents", "Reports", "Settings"} & labels
