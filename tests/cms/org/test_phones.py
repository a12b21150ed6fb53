"""Phone numbers in the member form: Vietnamese formats only, kept without separators, shown in the list."""

import pytest
from django.core.exceptions import ValidationError

from cms.org.models import Member
from cms.org.phones import normalize_phone


@pytest.mark.parametrize(("typed", "kept"), [
    ("0912345678", "0912345678"),
    ("0912 345 678", "0912345678"),
    ("0912.345.678", "0912345678"),
    ("+84 912 345 678", "+84912345678"),
    ("  ", ""),
])
def test_vietnamese_numbers_are_accepted_and_kept_plain(typed, kept):
    assert normalize_phone(typed) == kept


@pytest.mark.parametrize("typed", ["abc-xyz", "091234567", "09123456789", "1912345678", "+8491234567", "0912-abc"])
def test_other_text_is_refused_in_vietnamese(typed):
    with pytest.raises(ValidationError, match="Số điện thoại không hợp lệ"):
        normalize_phone(typed)


def test_the_admin_refuses_abc_xyz_and_lists_a_valid_phone(tree, login):
    client = login("bt.x1")
    member = tree["dv.x1"]
    form = {"full_name": member.full_name, "unit": tree["x1"].pk, "role": "member", "status": "official",
            "birth_year": ""}
    page = client.post(f"/admin/members/edit/{member.pk}/", {**form, "phone": "abc-xyz"}).content.decode()
    assert "Số điện thoại không hợp lệ" in page
    assert Member.objects.get(pk=member.pk).phone == ""
    assert client.post(f"/admin/members/edit/{member.pk}/", {**form, "phone": "0912 345 678"}).status_code == 302
    assert Member.objects.get(pk=member.pk).phone == "0912345678"
    assert "0912345678" in client.get("/admin/members/").content.decode()
