import fcntl
import logging
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from cms.publishing.events import worker_tick

logger = logging.getLogger("sotay.publishing")
# How soon a task left running by a dead worker (another machine's, killed mid-build) is queued again.
ORPHAN_CHECK_S = 5.0


class Command(BaseCommand):
    help = "Chạy hàng đợi dựng lớp (django-tasks) và xuất bản theo lịch mỗi phút."

    def add_arguments(self, parser) -> None:
        # How often the queue table is asked for work: a publish waits half of it on average before its build
        # starts (docs/benchmarks.md, "From Publish to a member"); one small query each time.
        parser.add_argument("--interval", type=float, default=0.2)

    def handle(self, *args, interval: float = 0.2, **options) -> None:
        # One worker per installation: a second one would only fight the first for the database.
        lock_path = Path(settings.SOTAY_VAR_DIR) / "worker.lock"
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = lock_path.open("w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.stderr.write("Hàng đợi dựng lớp đã chạy ở một tiến trình khác; không chạy thêm.")
            return
        self._lock = lock  # held for the life of the process
        from cms.errors import require_migrated_database

        require_migrated_database()

        from django.utils.crypto import get_random_string

        from cms.publishing.cluster import Scheduler, announce_alive, requeue_orphans

        # On PostgreSQL, workers on other machines share the queue: this one says it is alive (a lock its death
        # releases), and the scheduled work below runs in one worker only (see cms/publishing/cluster.py).
        worker_id = get_random_string(32)
        self._alive = announce_alive(worker_id)

        def scheduled() -> None:
            from cms.publishing.build import refresh_expiring

            scheduler = Scheduler()
            last_minute = last_refresh = 0.0
            while True:
                try:
                    if scheduler.is_leader():
                        requeue_orphans()
                        if time.monotonic() - last_minute >= 60:
                            last_minute = time.monotonic()
                            call_command("publish_scheduled", verbosity=0)
                            worker_tick.send_robust(sender=Command)
                        if time.monotonic() - last_refresh > 6 * 3600:
                            # Manifests expire; re-sign layers nobody edits well before readers would refuse them.
                            refresh_expiring(compact=False)
                            last_refresh = time.monotonic()
                except Exception:  # noqa: BLE001 - keep the scheduler alive, log what broke
                    logger.exception("scheduled publishing or layer refresh failed")
                time.sleep(ORPHAN_CHECK_S)

        threading.Thread(target=scheduled, daemon=True, name="publish-scheduled").start()
        # No autoreloader: it would run the worker as a grandchild that outlives a stop of serve.
        call_command("db_worker", interval=interval, queue_name="*", reload=False, worker_id=worker_id)
