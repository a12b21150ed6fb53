"""`sotay setup`: bring the database up to date and make sure there is a signing key; safe to run again."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Chuẩn bị cài đặt: cập nhật cơ sở dữ liệu và tạo khóa ký nếu chưa có. Chạy lại không sao."

    def handle(self, *args, **options) -> None:
        from django.db import connection

        from cms.publishing.keys import check_key, refuse_missing_key, where_key_is
        from layerformat.signing import load_or_create_key

        connection.ensure_connection()  # a database that does not answer is told before anything is made
        key_file = Path(settings.SOTAY_SIGNING_KEY_FILE)
        if "publishing_signingkeyrecord" in connection.introspection.table_names():
            # A machine added to a running installation: it must sign with the installation's key, not a new one.
            _refuse(refuse_missing_key, key_file)
        key = load_or_create_key(key_file)  # before migrating: a broken key is told before minutes of migrations
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)  # the shared cache's table (throttles, layer lists)
        # Recorded if it is the first; refused if it is not the installation's.
        public = _refuse(check_key, key, key_file)
        self.stdout.write(f"Cơ sở dữ liệu đã cập nhật. Khóa ký: {where_key_is(key_file)}; khóa công khai: {public}")


def _refuse(check, *args):
    from cms.publishing.keys import SigningKeyError

    try:
        return check(*args)
    except SigningKeyError as exc:
        raise CommandError(str(exc)) from exc
