"""Several workers on several machines share one queue (the django-tasks table in PostgreSQL) and nothing else.

- **Alive**: every worker process holds the advisory lock `(WORKERS, hash(worker id))` on a connection of its own
  for its whole life. PostgreSQL releases it when the process dies (its connection closes), so "is the worker
  that claimed this task still alive?" is one `pg_try_advisory_lock` away, with no heartbeat table to keep.
- **Orphans go back to the queue**: a task left `RUNNING` by a worker that is no longer alive is made `READY`
  again, and another worker runs it. Every task of the queue is safe to run twice (a layer build builds the
  layer as it is then, reminders insert their key before sending).
- **One scheduler**: scheduled publishing, the minute tick and the re-signing of expiring layers run in the
  worker that holds `(SCHEDULER, 0)`; the others try again each round and take over when it dies.

On SQLite there is one worker per installation (a file lock in `sotay worker`), and none of this is needed.
"""

from __future__ import annotations

import logging
import zlib

from django.db import connections

from .locks import on_postgresql

logger = logging.getLogger("sotay.publishing")

WORKERS = 0x50_7A_B2
SCHEDULER = 0x50_7A_B3


def _key(text: str) -> int:
    value = zlib.crc32(text.encode())
    return value - (1 << 32) if value >= 1 << 31 else value


class SessionLock:
    """An advisory lock held on a connection of its own until `release` or the end of the process."""

    def __init__(self, first: int, second: int) -> None:
        self.keys = [first, second]
        self.conn = None

    def try_acquire(self) -> bool:
        if self.conn is not None:
            return True
        conn = connections.create_connection("default")
        conn.set_autocommit(True)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", self.keys)
            taken = cursor.fetchone()[0]
        if taken:
            self.conn = conn
        else:
            conn.close()
        return bool(taken)

    def still_held(self) -> bool:
        """False when the lock's connection broke (the lock is then gone and must be taken again)."""
        if self.conn is None:
            return False
        try:
            with self.conn.cursor() as cursor:
                cursor.execute("SELECT 1")
            return True
        except Exception:  # noqa: BLE001 - a broken connection means the lock is lost
            self.release()
            return False

    def release(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            finally:
                self.conn = None


def announce_alive(worker_id: str) -> SessionLock | None:
    """Hold the worker's liveness lock for the life of the process (None on SQLite)."""
    if not on_postgresql():
        return None
    lock = SessionLock(WORKERS, _key(worker_id))
    if not lock.try_acquire():
        raise RuntimeError(f"worker id {worker_id} is in use")
    return lock


def worker_alive(worker_id: str) -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [WORKERS, _key(worker_id)])
        if not cursor.fetchone()[0]:
            return True
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [WORKERS, _key(worker_id)])
        return False


def requeue_orphans() -> int:
    """Put back in the queue every task whose worker died while running it; returns how many."""
    if not on_postgresql():
        return 0
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    requeued = 0
    for task_id, worker_ids in DBTaskResult.objects.running().values_list("id", "worker_ids"):
        if worker_ids and worker_alive(worker_ids[-1]):
            continue
        requeued += DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None)
        logger.warning("task %s of dead worker %s queued again", task_id, worker_ids[-1] if worker_ids else "?")
    return requeued


class Scheduler:
    """Whether this worker runs the minute's scheduled work (always on SQLite)."""

    def __init__(self) -> None:
        self.lock = SessionLock(SCHEDULER, 0) if on_postgresql() else None

    def is_leader(self) -> bool:
        if self.lock is None:
            return True
        if self.lock.conn is not None and self.lock.still_held():
            return True
        return self.lock.try_acquire()
