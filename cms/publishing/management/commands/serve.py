import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy trang quản trị, API và trang đọc tại http://127.0.0.1:PORT, kèm hàng đợi dựng lớp."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-worker", action="store_true")

    def handle(self, *args, port: int, host: str, no_worker: bool = False, **options) -> None:
        worker = None
        if not no_worker:
            worker = subprocess.Popen([sys.executable, "-m", "cms.cli", "worker"], env=os.environ.copy())
        try:
            self.stdout.write(f"Sổ tay đảng viên điện tử: http://{host}:{port}/  (quản trị: /admin/)")
            call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
