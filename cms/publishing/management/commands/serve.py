"""`sotay serve`: the admin, API and reader, with its one build worker, which ends when serve ends."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

PR_SET_PDEATHSIG = 1
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def _die_with_parent() -> None:
    """In the worker, before exec: Linux sends it SIGTERM when serve dies, even by SIGKILL (no orphan left)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the signal handlers below still cover ordinary stops
        pass


def _exit_on_signal(signum: int, frame) -> None:
    # SIGTERM and SIGHUP would end the process without running `finally`; make them unwind like Ctrl-C does.
    raise SystemExit(128 + signum)


def stop_worker(worker: subprocess.Popen, timeout: float = 10) -> None:
    """Ask the worker to stop (it finishes the build in hand), then make it stop."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=timeout)


def _require_free_port(host: str, port: int) -> None:
    """Say so before starting anything when another program already listens on the port."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CommandError(
                f"không mở được cổng {host}:{port} ({exc.strerror}): chọn cổng khác bằng --port"
            ) from None


def _compressing_runserver() -> BaseCommand:
    """Django's runserver (with its static files) behind the compression production's nginx applies, so the
    demo moves the bytes members get (cms/compression.py)."""
    from django.contrib.staticfiles.management.commands.runserver import Command as RunServer

    from cms.compression import CompressLikeNginx

    class CompressingRunServer(RunServer):
        def get_handler(self, *args, **options):
            return CompressLikeNginx(super().get_handler(*args, **options))

    return CompressingRunServer()


class Command(BaseCommand):
    help = "Chạy trang quản trị, API và trang đọc tại http://127.0.0.1:PORT, kèm hàng đợi dựng lớp."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-worker", action="store_true")

    def handle(self, *args, port: int, host: str, no_worker: bool = False, **options) -> None:
        from cms.errors import require_migrated_database

        require_migrated_database()
        _require_free_port(host, port)
        worker = None
        previous = {signum: signal.signal(signum, _exit_on_signal) for signum in STOP_SIGNALS}
        try:
            if not no_worker:
                worker = subprocess.Popen([sys.executable, "-m", "cms.cli", "worker"], env=os.environ.copy(),
                                          preexec_fn=_die_with_parent)
            self.stdout.write(f"Sổ tay đảng viên điện tử: http://{host}:{port}/  (quản trị: /admin/)")
            call_command(_compressing_runserver(), f"{host}:{port}", use_reloader=False, use_threading=True)
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                stop_worker(worker)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
