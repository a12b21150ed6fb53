"""The member record in the admin: card number, joining and official dates, exemption, no smartphone; and the role
changed in the member form acting at once, logged with who changed it."""

from __future__ import annotations

import pytest
from django.test import Client
from wagtail.models import ModelLogEntry

from cms.org.models import Member

pytestmark = pytest.mark.django_db


def form_data(member: Member, **changes) -> dict:
    data = {
        "full_name": member.full_name, "unit": member.unit_id, "role": member.role, "status": member.status,
        "phone": member.phone, "birth_year": member.birth_year or "", "card_number": member.card_number or "",
        "joined_on": "", "official_on": "", "exempt_from": "", "exempt_until": "", "exempt_reason": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def test_a_secretary_fills_in_the_record_and_it_is_stored(tree, login):
    member = tree["dv.x1"]
    response = login("bt.x1").post(f"/admin/members/edit/{member.pk}/", form_data(
        member, card_number="01 234 5678", joined_on="2015-05-19", official_on="2016-05-19",
        exempt_from="2026-03-01", exempt_until="2026-12-31", exempt_reason="Đi làm ăn xa", no_smartphone="on",
    ))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.card_number == "012345678"
    assert (str(member.joined_on), str(member.official_on)) == ("2015-05-19", "2016-05-19")
    assert member.exempt_reason == "Đi làm ăn xa" and member.no_smartphone
    listing = login("bt.x1").get("/admin/members/").content.decode()
    assert "01/03/2026–31/12/2026 (Đi làm ăn xa)" in listing
    assert "Chi ủy viên / cấp ủy viên" in listing  # the role column (cuv.x1)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"card_number": "12ab34"}, "card_number", "chỉ gồm chữ số, từ 6 đến 12 chữ số"),
    ({"card_number": "12345"}, "card_number", "chỉ gồm chữ số, từ 6 đến 12 chữ số"),
    ({"card_number": "1234567890123"}, "card_number", "chỉ gồm chữ số, từ 6 đến 12 chữ số"),
    ({"joined_on": "2016-05-19", "official_on": "2015-05-19"}, "official_on", "phải từ ngày vào Đảng trở về sau"),
    ({"joined_on": "2099-01-01"}, "joined_on", "không thể ở sau hôm nay"),
    ({"exempt_from": "2026-03-01", "exempt_until": "2026-01-01", "exempt_reason": "Ốm"}, "exempt_until",
     "phải từ ngày bắt đầu"),
    ({"exempt_from": "2026-03-01"}, "exempt_reason", "Hãy ghi lý do miễn sinh hoạt"),
    ({"exempt_reason": "Tuổi cao"}, "exempt_from", "Hãy nhập ngày bắt đầu miễn sinh hoạt"),
])
def test_a_bad_record_is_refused_in_vietnamese_and_nothing_changes(tree, login, changes, field, message):
    member = tree["dv.x1"]
    before = Member.objects.filter(pk=member.pk).values().get()
    response = login("bt.x1").post(f"/admin/members/edit/{member.pk}/", form_data(member, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    after = Member.objects.filter(pk=member.pk).values().get()
    assert after == before


def test_a_card_number_belongs_to_one_member(tree, login):
    Member.objects.filter(pk=tree["dv2.x1"].pk).update(card_number="987654321")
    member = tree["dv.x1"]
    response = login("bt.x1").post(f"/admin/members/edit/{member.pk}/", form_data(member, card_number="987.654.321"))
    assert "Số thẻ đảng viên 987654321 đã có trong hệ thống." in response.context["form"].errors["card_number"]


def test_a_deputy_manages_members_a_committee_member_does_not(tree, deputy, login):
    listing = login("pbt.x2").get("/admin/members/").content.decode()
    assert "Đảng viên dv.x2" in listing and "Đảng viên dv.x1" not in listing
    client = login("cuv.x1")
    assert client.get("/admin/").status_code == 200  # the admin, for reports and feedback
    assert client.get("/admin/ty-le-doc/").status_code == 200
    assert client.get("/admin/gop-y/").status_code == 200
    assert "Đảng viên dv.x1" not in client.get("/admin/members/", follow=True).content.decode()


def test_a_role_changed_in_the_form_acts_on_the_next_request_and_is_logged(tree, login, password):
    promoted = tree["dv.x1"]
    member_client = Client()  # the member's own open session
    assert member_client.login(username="dv.x1", password=password)
    assert member_client.get("/admin/members/").status_code == 302  # no admin yet
    secretary = login("bt.x1")
    response = secretary.post(f"/admin/members/edit/{promoted.pk}/", form_data(promoted, role="deputy"))
    assert response.status_code == 302
    assert "Đảng viên dv2.x1" in member_client.get("/admin/members/").content.decode()
    entry = ModelLogEntry.objects.get(object_id=str(promoted.pk), action="sotay.role_change")
    assert (entry.user_id, entry.data["from"], entry.data["to"]) == (tree["bt.x1"].user_id, "member", "deputy")

    secretary.post(f"/admin/members/edit/{promoted.pk}/", form_data(promoted, role="member"))
    assert member_client.get("/admin/members/").status_code == 302  # demoted: the admin is closed again
