"""Days of use, first sign-in and installation are recorded on requests the reader already makes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from cms.adoption.models import MemberActivity, MemberAdoption
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
            and "adoption_" in q["sql"]]


def test_signing_in_keeps_the_first_sign_in_and_counts_the_day(tree):
    member = tree["dv.x1"]
    client = APIClient()
    assert client.post("/api/login", {"username": "dv.x1", "password": PASSWORD}, format="json").status_code == 200
    first = MemberAdoption.objects.get(member=member).first_sign_in_at
    assert first is not None and MemberAdoption.objects.get(member=member).installed_at is None
    assert list(MemberActivity.objects.filter(member=member).values_list("day", flat=True)) == [timezone.localdate()]
    again = APIClient()
    again.post("/api/login", {"username": "dv.x1", "password": PASSWORD}, format="json")
    assert MemberAdoption.objects.get(member=member).first_sign_in_at == first
    assert MemberActivity.objects.filter(member=member).count() == 1


def test_a_day_of_use_is_written_once_whatever_the_number_of_requests(tree, as_member):
    client = as_member("dv.x2")
    MemberActivity.objects.all().delete()
    from django.core.cache import cache

    cache.clear()  # as on the next morning: the mark of the day is gone
    with CaptureQueriesContext(connection) as first:
        assert client.get("/api/me").status_code == 200
    with CaptureQueriesContext(connection) as later:
        for _ in range(5):
            assert client.get("/api/me").status_code == 200
            assert client.get("/api/unread").status_code == 200
    assert len(writes(first.captured_queries)) == 1
    assert writes(later.captured_queries) == []
    assert MemberActivity.objects.filter(member=tree["dv.x2"], day=timezone.localdate()).count() == 1


def test_the_installed_reader_says_so_on_its_usual_requests(tree, as_member):
    client = as_member("dv.y1")
    assert client.get("/api/me").status_code == 200
    assert MemberAdoption.objects.get(member=tree["dv.y1"]).installed_at is None
    assert client.get("/api/me", HTTP_X_SOTAY_DISPLAY="standalone").status_code == 200
    installed = MemberAdoption.objects.get(member=tree["dv.y1"]).installed_at
    assert installed is not None
    client.get("/api/unread", HTTP_X_SOTAY_DISPLAY="standalone")
    assert MemberAdoption.objects.get(member=tree["dv.y1"]).installed_at == installed
    other = as_member("dv.x1")
    other.get("/api/me", HTTP_X_SOTAY_DISPLAY="browser")
    assert MemberAdoption.objects.get(member=tree["dv.x1"]).installed_at is None


def test_token_clients_count_too_and_accounts_without_a_record_are_ignored(tree, django_user_model):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=tree["dv.hs"].user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/me").status_code == 200
    assert MemberActivity.objects.filter(member=tree["dv.hs"]).exists()
    admin = django_user_model.objects.create_superuser("quantri", password=PASSWORD)
    web = APIClient()
    web.force_login(admin)
    web.get("/api/reports/adoption")
    assert MemberActivity.objects.count() == 1


def test_recording_can_be_turned_off(tree, settings):
    from cms.adoption.middleware import ActivityMiddleware

    settings.SOTAY_RECORD_ACTIVITY = False
    assert ActivityMiddleware(lambda request: None).enabled is False
