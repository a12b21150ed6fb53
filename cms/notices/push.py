"""Web Push of urgent notices, through the meetings' Web Push (VAPID key, subscriptions, `send`).

Pushing is a job on the task queue, idempotent by (notice, member): each member's push is claimed by
inserting its key into `NoticePush` (one committed `INSERT … ON CONFLICT DO NOTHING RETURNING` per batch)
before anything is sent, so a job run twice, or restarted mid-way, sends nothing twice.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from cms.meetings.models import PushSubscription
from cms.meetings.push import SEND_THREADS, send, vapid

from .models import Notice, NoticePush
from .selectors import recipients

BATCH = 1000


@dataclass
class PushResult:
    claimed: int = 0
    delivered: int = 0
    dropped: int = 0
    failed: int = 0


def payload(notice: Notice) -> str:
    body = notice.body if len(notice.body) <= 180 else notice.body[:177] + "…"
    return json.dumps({"title": f"Thông báo khẩn: {notice.title}", "body": body, "url": "/",
                       "notice": notice.pk, "tag": f"notice-{notice.pk}"}, ensure_ascii=False)


def _claim(notice: Notice, member_ids: list[int]) -> set[int]:
    if not member_ids:
        return set()
    table = NoticePush._meta.db_table
    now = timezone.now()
    claimed: set[int] = set()
    for start in range(0, len(member_ids), BATCH):
        rows = [(f"{notice.pk}:{m}", notice.pk, m, now, 0) for m in member_ids[start:start + BATCH]]
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
        sql = (f"INSERT INTO {table} (key, notice_id, member_id, claimed_at, delivered) VALUES {values} "
               "ON CONFLICT (key) DO NOTHING RETURNING member_id")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [value for row in rows for value in row])
            claimed |= {row[0] for row in cursor.fetchall()}
    return claimed


def push_notice(notice_id: int, *, threads: int = SEND_THREADS) -> PushResult:
    """Push the notice to every subscribed phone of its recipients that has not been pushed yet."""
    result = PushResult()
    notice = Notice.objects.select_related("unit").filter(pk=notice_id, withdrawn_at__isnull=True).first()
    if notice is None:
        return result
    subs: dict[int, list[PushSubscription]] = {}
    for sub in PushSubscription.objects.filter(member__in=recipients(notice)):
        subs.setdefault(sub.member_id, []).append(sub)
    claimed = _claim(notice, sorted(subs))
    result.claimed = len(claimed)
    if not claimed:
        return result
    key = vapid()
    claims = {"sub": getattr(settings, "SOTAY_VAPID_SUBJECT", "mailto:quantri@sotay.invalid")}
    data = payload(notice)
    local = threading.local()

    def deliver(sub: PushSubscription) -> tuple[PushSubscription, str]:
        if not hasattr(local, "session"):
            import requests

            local.session = requests.Session()
        info = {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
        return sub, send(info, data, claims, key, local.session)

    jobs = [sub for member_id in claimed for sub in subs[member_id]]
    delivered: dict[int, int] = {}
    gone = []
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for sub, outcome in pool.map(deliver, jobs):
            if outcome == "ok":
                delivered[sub.member_id] = delivered.get(sub.member_id, 0) + 1
                result.delivered += 1
            elif outcome == "gone":
                gone.append(sub.pk)
            else:
                result.failed += 1
    if gone:
        result.dropped = PushSubscription.objects.filter(pk__in=gone).delete()[0]
    for member_id, count in delivered.items():
        NoticePush.objects.filter(key=f"{notice.pk}:{member_id}").update(delivered=count)
    return result


@task()
def push_notice_task(notice_id: int) -> dict:
    return push_notice(notice_id).__dict__
