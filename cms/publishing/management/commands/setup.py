"""`sotay setup`: bring the database up to date and make sure there is a signing key; safe to run again."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chuẩn bị cài đặt: cập nhật cơ sở dữ liệu và tạo khóa ký nếu chưa có. Chạy lại không sao."

    def handle(self, *args, **options) -> None:
        from django.db import connection

        from layerformat.signing import ENV_KEY, load_or_create_key, public_key_b64

        connection.ensure_connection()  # a database that does not answer is told before anything is made
        key_file = Path(settings.SOTAY_SIGNING_KEY_FILE)
        key = load_or_create_key(key_file)  # before migrating: a broken key is told before minutes of migrations
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)  # the shared cache's table (throttles, layer lists)
        where = f"biến môi trường {ENV_KEY}" if os.environ.get(ENV_KEY) else str(key_file)
        self.stdout.write(f"Cơ sở dữ liệu đã cập nhật. Khóa ký: {where}; khóa công khai: {public_key_b64(key)}")
