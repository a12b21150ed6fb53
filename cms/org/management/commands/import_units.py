from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.org.importing import ImportFailed
from cms.org.unit_import import import_units


class Command(BaseCommand):
    help = ("Nhập cây đơn vị từ tệp CSV (mã, mã đơn vị cấp trên, cấp, tên), mỗi đơn vị kèm Ban Biên tập. "
            "Có dòng lỗi thì không nhập dòng nào; đơn vị đã có được giữ nguyên.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        if not file.exists():
            raise CommandError(f"Không tìm thấy tệp {file}.")
        try:
            result = import_units(file)
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Tệp có {len(failure.errors)} lỗi; chưa nhập đơn vị nào. Sửa các dòng trên rồi nhập lại."
            ) from None
        self.stdout.write(self.style.SUCCESS(
            f"Đã nhập {result.created} đơn vị (kèm Ban Biên tập); {result.existing} đơn vị đã có, giữ nguyên."))
