from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.org.importing import ImportFailed, UnreadableFile, apply_plan, describe, preview, read_path


class Command(BaseCommand):
    help = (
        "Đồng bộ đảng viên với tệp xuất từ phần mềm quản lý đảng viên (CSV hoặc XLSX, theo số thẻ đảng viên): "
        "in phần khác biệt rồi áp dụng; --dry-run chỉ in. Có dòng lỗi thì không thay đổi gì."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="chỉ in phần khác biệt, không thay đổi gì")

    def handle(self, *args, file: Path, dry_run: bool = False, **options) -> None:
        if not file.exists():
            raise CommandError(f"Không tìm thấy tệp {file}.")
        try:
            plan = preview(read_path(file))
        except UnreadableFile as error:
            raise CommandError(str(error)) from None
        except ImportFailed as failure:
            if len(failure.errors) == 1:
                raise CommandError(
                    f"{failure.errors[0]} Chưa thay đổi đảng viên nào; sửa dòng này rồi nhập lại."
                ) from None
            for error in failure.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Tệp có {len(failure.errors)} lỗi; chưa thay đổi đảng viên nào. Sửa các dòng trên rồi nhập lại."
            ) from None
        for line in describe(plan):
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Chạy thử (--dry-run): chưa thay đổi gì.")
            return
        if not plan.has_changes:
            self.stdout.write(self.style.SUCCESS("Không có gì để cập nhật."))
            return
        result = apply_plan(plan)
        self.stdout.write(self.style.SUCCESS(
            f"Đã áp dụng: thêm {result.created}, cập nhật {result.updated} đảng viên; "
            f"{result.leaving} đảng viên không có trong tệp được giữ nguyên."
        ))
