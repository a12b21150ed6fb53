"""`sotay media-to-bucket`: copy the uploads on this machine's disk into the media bucket, once, when an
installation grows to more than one machine (docs/scaling.md). Files already in the bucket are left as they are,
so it can be run again after an interruption."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Chép các tệp tải lên trên máy này (ảnh, văn bản, ảnh chụp) lên kho tệp dùng chung (SOTAY_MEDIA_BUCKET)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="source", default=None,
                            help="thư mục tệp tải lên (mặc định: MEDIA_ROOT, /var/lib/sotay/media)")

    def handle(self, *args, source: str | None = None, **options) -> None:
        try:
            default_storage.path("x")
        except NotImplementedError:
            pass
        else:
            raise CommandError("chưa đặt SOTAY_MEDIA_BUCKET: tệp tải lên vẫn nằm trên đĩa máy này (docs/scaling.md)")
        root = Path(source or settings.MEDIA_ROOT)
        if not root.is_dir():
            raise CommandError(f"không có thư mục tệp tải lên {root}")
        files = sorted(p for p in root.rglob("*") if p.is_file())
        copied = present = 0
        for done, path in enumerate(files, 1):
            name = path.relative_to(root).as_posix()
            if default_storage.exists(name):
                present += 1
            else:
                with path.open("rb") as fh:
                    stored = default_storage.save(name, File(fh, name=name))
                if stored != name:
                    raise CommandError(f"kho đã lưu {name} dưới tên khác ({stored}); dừng lại để không lệch tên")
                copied += 1
            if done % 200 == 0 or done == len(files):
                self.stdout.write(f"{done}/{len(files)} tệp…")
        self.stdout.write(f"Đã chép {copied} tệp lên kho; {present} tệp đã có sẵn.")
