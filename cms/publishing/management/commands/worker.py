import logging
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

logger = logging.getLogger("sotay.publishing")


class Command(BaseCommand):
    help = "Chạy hàng đợi dựng lớp (django-tasks) và xuất bản theo lịch mỗi phút."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, interval: float = 1.0, **options) -> None:
        def scheduled() -> None:
            from cms.publishing.build import refresh_expiring

            last_refresh = 0.0
            while True:
                try:
                    call_command("publish_scheduled", verbosity=0)
                    if time.monotonic() - last_refresh > 6 * 3600:
                        # Manifests expire; re-sign layers nobody edits well before readers would refuse them.
                        refresh_expiring(compact=False)
                        last_refresh = time.monotonic()
                except Exception:  # noqa: BLE001 - keep the scheduler alive, log what broke
                    logger.exception("scheduled publishing or layer refresh failed")
                time.sleep(60)

        threading.Thread(target=scheduled, daemon=True, name="publish-scheduled").start()
        call_command("db_worker", interval=interval, queue_name="*")
