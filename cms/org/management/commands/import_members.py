from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.org.importing import ImportFailed, UnreadableFile, import_members


class Command(BaseCommand):
    help = "Nhập đảng viên từ tệp CSV hoặc XLSX. Có dòng lỗi thì không nhập dòng nào."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        if not file.exists():
            raise CommandError(f"Không tìm thấy tệp {file}.")
        try:
            result = import_members(file)
        except UnreadableFile as failure:
            raise CommandError(f"{failure}; chưa nhập đảng viên nào.") from None
        except ImportFailed as failure:
            if len(failure.errors) == 1:
                raise CommandError(f"{failure.errors[0]} Chưa nhập đảng viên nào; sửa dòng này rồi nhập lại.") from None
            for error in failure.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Tệp có {len(failure.errors)} lỗi; chưa nhập đảng viên nào. Sửa các dòng trên rồi nhập lại."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Đã nhập {result.created} đảng viên."))
