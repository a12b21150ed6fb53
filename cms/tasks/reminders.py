"""Reminders before a task's deadline, through the meetings app's Web Push (VAPID keys, subscriptions, `send`).

Three days before and on the last day. Each (assignment, which) key is inserted into `TaskReminderSent` in its
own committed statement before anything is sent, so a restarted worker sends nothing twice. A member without a
push subscription sees the same reminder on the home, where "Việc của tôi" marks tasks due soon.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from cms.meetings.models import PushSubscription
from cms.meetings.push import send, vapid

from .models import Assignment, TaskReminderSent

logger = logging.getLogger("sotay.tasks")

WINDOWS = {"three-days": (timedelta(days=3), timedelta(days=1)), "last-day": (timedelta(days=1), timedelta(0))}


@dataclass
class ReminderResult:
    claimed: int = 0
    delivered: int = 0
    dropped: int = 0
    failed: int = 0


def _claim(keys: dict[str, int]) -> set[str]:
    if not keys:
        return set()
    table = TaskReminderSent._meta.db_table
    now = timezone.now()
    rows = [(key, assignment, now, 0) for key, assignment in keys.items()]
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    sql = (f"INSERT INTO {table} (key, assignment_id, claimed_at, delivered) VALUES {values} "
           "ON CONFLICT (key) DO NOTHING RETURNING key")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [v for row in rows for v in row])
        return {row[0] for row in cursor.fetchall()}


def _payload(assignment: Assignment, which: str) -> str:
    t = assignment.task
    due = timezone.localtime(t.due_at)
    lead = "Còn ba ngày" if which == "three-days" else "Sắp đến hạn"
    return json.dumps({"title": f"{lead}: {t.title}",
                       "body": f"Hạn {due:%H:%M %d/%m/%Y} · đã làm {assignment.percent}%",
                       "url": f"/viec/{t.pk}/", "tag": f"task-{t.pk}-{which}"}, ensure_ascii=False)


def send_due_reminders(*, now: datetime | None = None) -> ReminderResult:
    now = now or timezone.now()
    result = ReminderResult()
    due = (Assignment.objects.filter(done_at__isnull=True, task__cancelled=False, task__due_at__gt=now,
                                     task__due_at__lte=now + WINDOWS["three-days"][0])
           .select_related("task"))
    wanted: dict[str, Assignment] = {}
    for a in due:
        left = a.task.due_at - now
        which = next(name for name, (start, end) in WINDOWS.items() if end < left <= start)
        wanted[f"task:{a.pk}:{which}"] = a
    subs: dict[int, list[PushSubscription]] = {}
    for sub in PushSubscription.objects.filter(member__in={a.member_id for a in wanted.values()}):
        subs.setdefault(sub.member_id, []).append(sub)
    claimed = _claim({k: a.pk for k, a in wanted.items() if a.member_id in subs})
    result.claimed = len(claimed)
    if not claimed:
        return result
    key = vapid()
    claims = {"sub": getattr(settings, "SOTAY_VAPID_SUBJECT", "mailto:quantri@sotay.invalid")}
    gone = []
    for claim in sorted(claimed):
        a = wanted[claim]
        data = _payload(a, claim.rsplit(":", 1)[1])
        delivered = 0
        for sub in subs[a.member_id]:
            outcome = send({"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}, data,
                           claims, key)
            if outcome == "ok":
                delivered += 1
            elif outcome == "gone":
                gone.append(sub.pk)
            else:
                result.failed += 1
        result.delivered += delivered
        if delivered:
            TaskReminderSent.objects.filter(key=claim).update(delivered=delivered)
    if gone:
        result.dropped = PushSubscription.objects.filter(pk__in=gone).delete()[0]
    return result


@task()
def send_task_reminders_task() -> dict:
    return send_due_reminders().__dict__


def queue_reminders(sender=None, **kwargs) -> None:
    """Connected to the worker's minute tick: the sending runs as a job on the queue."""
    send_task_reminders_task.enqueue()
