"""Web Push reminders of meetings: VAPID (RFC 8292) with pywebpush, payload encrypted per RFC 8291.

Reminders go out the day before (from 24 hours before the start) and two hours before. Each (meeting, member,
which) is claimed by inserting its key into `ReminderSent` (one `INSERT … ON CONFLICT DO NOTHING RETURNING` per
meeting, committed) before anything is sent: a worker restarted mid-run finds the key and sends nothing twice
(a reminder cut off by a crash is lost rather than doubled). A subscription the push service answers 404 or
410 for is gone and is deleted.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from .models import Meeting, PushSubscription, ReminderSent
from .selectors import expected_members

logger = logging.getLogger("sotay.meetings")

WINDOWS = {"day-before": (timedelta(hours=24), timedelta(hours=2)), "two-hours": (timedelta(hours=2), timedelta(0))}
TIMEOUT_S = 10
SEND_THREADS = 16
VAPID_VALID_S = 12 * 3600  # the longest a push service accepts is 24 hours


def key_file() -> Path:
    return Path(getattr(settings, "SOTAY_VAPID_KEY_FILE", Path(settings.SOTAY_VAR_DIR) / "keys" / "vapid.pem"))


def vapid():
    """The installation's VAPID key, generated into var/keys on first use (production sets the file)."""
    from py_vapid import Vapid02

    path = key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Vapid02()
        key.generate_keys()
        key.save_key(str(path))
        path.chmod(0o600)
    return Vapid02.from_file(str(path))


def public_key() -> str:
    """The application server key a browser subscribes with (uncompressed P-256 point, base64url)."""
    from cryptography.hazmat.primitives import serialization

    raw = vapid().public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def subscribe(*, member, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    sub, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"member": member, "p256dh": p256dh, "auth": auth})
    return sub


def unsubscribe(*, member, endpoint: str) -> int:
    return PushSubscription.objects.filter(member=member, endpoint=endpoint).delete()[0]


def _payload(meeting: Meeting, which: str) -> str:
    local = timezone.localtime(meeting.starts_at)
    lead = "Ngày mai họp" if which == "day-before" else "Còn hai giờ nữa họp"
    return json.dumps({
        "title": f"{lead}: {meeting.title}",
        "body": f"{local:%H:%M} {local:%d/%m/%Y}" + (f", {meeting.place}" if meeting.place else ""),
        "url": "/", "meeting": meeting.pk, "tag": f"meeting-{meeting.pk}-{which}",
    }, ensure_ascii=False)


@dataclass
class SendResult:
    claimed: int = 0
    delivered: int = 0
    dropped: int = 0
    failed: int = 0


def _claim(meeting: Meeting, which: str, member_ids: list[int]) -> set[int]:
    """Claim the reminders of these members in one committed statement; returns the members claimed now."""
    if not member_ids:
        return set()
    table = ReminderSent._meta.db_table
    rows = [(f"{meeting.pk}:{member_id}:{which}", meeting.pk, member_id, timezone.now(), 0) for member_id in member_ids]
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    sql = (f"INSERT INTO {table} (key, meeting_id, member_id, claimed_at, delivered) VALUES {values} "
           "ON CONFLICT (key) DO NOTHING RETURNING member_id")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])
        return {row[0] for row in cursor.fetchall()}


def vapid_headers(key, claims: dict, endpoint: str, signed: dict[str, dict]) -> dict:
    """The VAPID `Authorization` header for the endpoint's push service, signed once per service (origin) and
    kept in `signed` for the run: a province's reminders go to a handful of push services, and signing costs
    more than encrypting."""
    parts = urlsplit(endpoint)
    audience = f"{parts.scheme}://{parts.netloc}"
    headers = signed.get(audience)
    if headers is None:
        headers = key.sign(dict(claims, aud=audience, exp=int(time.time()) + VAPID_VALID_S))
        signed[audience] = headers
    return headers


def send(info: dict, data: str, headers: dict, session=None) -> str:
    """Encrypt (RFC 8291) and send one push; "ok", "gone" (404/410: the subscription no longer exists) or
    "failed"."""
    from pywebpush import WebPusher

    try:
        response = WebPusher(info, requests_session=session).send(data, dict(headers), ttl=3600, timeout=TIMEOUT_S)
    except OSError as exc:  # connection refused, timeout (requests' errors are OSErrors)
        logger.warning("push to %s failed: %s", info["endpoint"][:60], exc)
        return "failed"
    if response.status_code in (404, 410):
        return "gone"
    if response.status_code > 202:
        logger.warning("push to %s failed: %s %s", info["endpoint"][:60], response.status_code, response.text[:200])
        return "failed"
    return "ok"


def send_due_reminders(*, now: datetime | None = None, threads: int = SEND_THREADS) -> SendResult:
    """Send every reminder that is due and not yet claimed: claims in the database, pushes from a thread pool
    (each push is one HTTPS request to the browser vendor's push service, mostly waiting)."""
    now = now or timezone.now()
    result = SendResult()
    key = vapid()
    claims = {"sub": getattr(settings, "SOTAY_VAPID_SUBJECT", "mailto:quantri@sotay.invalid")}
    meetings = Meeting.objects.filter(cancelled=False, starts_at__gt=now,
                                      starts_at__lte=now + WINDOWS["day-before"][0]).select_related("unit")
    local = threading.local()
    signed: dict[str, dict] = {}

    def deliver(job: tuple[int, dict, str]) -> tuple[int, str]:
        if not hasattr(local, "session"):
            import requests

            local.session = requests.Session()
        sub_id, info, data = job
        return sub_id, send(info, data, vapid_headers(key, claims, info["endpoint"], signed), local.session)

    # Pushes start as soon as a meeting's reminders are claimed and run while the next meetings are read and
    # claimed; outcomes are gathered at the end (a province's 5,000 meetings hold 18 members each on average,
    # so waiting for each meeting's pushes would leave the pool idle between meetings).
    pending: list[tuple[str, int, Future]] = []  # (ReminderSent key, member, push)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for meeting in meetings:
            left = meeting.starts_at - now
            which = next(name for name, (start, end) in WINDOWS.items() if end < left <= start)
            data = _payload(meeting, which)
            subs: dict[int, list[PushSubscription]] = {}
            for sub in PushSubscription.objects.filter(member__in=expected_members(meeting)):
                subs.setdefault(sub.member_id, []).append(sub)
            claimed = _claim(meeting, which, sorted(subs))
            result.claimed += len(claimed)
            for member_id in claimed:
                for sub in subs[member_id]:
                    job = (sub.pk, {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}, data)
                    pending.append((f"{meeting.pk}:{member_id}:{which}", sub.pk, pool.submit(deliver, job)))
        delivered: dict[str, int] = {}
        gone = []
        for key_, sub_id, future in pending:
            outcome = future.result()[1]
            if outcome == "ok":
                delivered[key_] = delivered.get(key_, 0) + 1
                result.delivered += 1
            elif outcome == "gone":
                gone.append(sub_id)
            else:
                result.failed += 1
    if gone:
        result.dropped += PushSubscription.objects.filter(pk__in=gone).delete()[0]
    by_count: dict[int, list[str]] = {}
    for key_, count in delivered.items():
        by_count.setdefault(count, []).append(key_)
    for count, keys in by_count.items():  # one statement per number of phones (and thousand keys), not per member
        for i in range(0, len(keys), 1000):
            ReminderSent.objects.filter(key__in=keys[i:i + 1000]).update(delivered=count)
    return result


@task()
def send_due_reminders_task() -> dict:
    result = send_due_reminders()
    return result.__dict__


def queue_reminders(sender=None, **kwargs) -> None:
    """Connected to the worker's minute tick: the sending itself runs as a job on the queue."""
    send_due_reminders_task.enqueue()
