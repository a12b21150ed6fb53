"""Reminders by Web Push, end to end: pywebpush sends to a push endpoint this test runs on 127.0.0.1, which
checks the VAPID header and decrypts the payload with the subscription's keys (RFC 8291, `http_ece`)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from cms.meetings.models import Meeting, PushSubscription
from cms.meetings.push import public_key, send_due_reminders, send_due_reminders_task
from tests.push_service import PushService, unb64

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def push_service():
    service = PushService()
    yield service
    service.server.shutdown()


def test_reminders_arrive_encrypted_once_each_and_dead_subscriptions_are_dropped(tree, as_member, push_service):
    starts = timezone.now() + timedelta(hours=20)
    meeting = Meeting.objects.create(unit=tree["x1"], title="Sinh hoạt chi bộ tháng 12", starts_at=starts,
                                     place="Nhà văn hóa xóm")
    member = as_member("dv.x1")
    assert member.get("/api/push/key").json()["public_key"] == public_key()
    assert member.post("/api/push/subscriptions", push_service.subscription("dv"), format="json").status_code == 201
    dead = push_service.subscription("dv2", gone=True)
    assert as_member("dv2.x1").post("/api/push/subscriptions", dead, format="json").status_code == 201
    assert as_member("dv.x2").post("/api/push/subscriptions", push_service.subscription("x2"),
                                   format="json").status_code == 201  # another cell: not called to this meeting

    first = send_due_reminders()
    assert (first.claimed, first.delivered, first.dropped) == (2, 1, 1)
    assert [r["path"] for r in push_service.received] == ["/push/dv"]
    received = push_service.received[0]
    assert received["encoding"] == "aes128gcm"
    assert received["payload"]["title"] == "Ngày mai họp: Sinh hoạt chi bộ tháng 12"
    assert received["payload"]["meeting"] == meeting.pk
    token = received["authorization"].split("t=")[1].split(",")[0]
    assert json.loads(unb64(token.split(".")[1]))["aud"] == push_service.url
    assert received["authorization"].endswith("k=" + public_key())
    assert not PushSubscription.objects.filter(endpoint=dead["endpoint"]).exists()

    # A worker restarted in the same window sends nothing again, through the task queue as well.
    assert send_due_reminders().claimed == 0
    assert send_due_reminders_task.enqueue().return_value["claimed"] == 0
    assert len(push_service.received) == 1

    two_hours = send_due_reminders(now=starts - timedelta(minutes=90))
    assert (two_hours.claimed, two_hours.delivered) == (1, 1)
    assert push_service.received[-1]["payload"]["title"] == "Còn hai giờ nữa họp: Sinh hoạt chi bộ tháng 12"
    assert send_due_reminders(now=starts - timedelta(minutes=30)).claimed == 0
    assert len(push_service.received) == 2

    assert member.delete("/api/push/subscriptions", {"endpoint": push_service.url + "/push/dv"},
                         format="json").status_code == 204
    assert not PushSubscription.objects.filter(member=tree["dv.x1"]).exists()
