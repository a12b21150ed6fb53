from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cms.org.activation import issue_sheet, render_sheet_pdf
from cms.org.models import UnitPage


class Command(BaseCommand):
    help = "In phiếu kích hoạt (PDF khổ A4) của một chi bộ: mã dùng một lần 14 ngày và mã QR cho từng đảng viên."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--unit", required=True, help="mã đơn vị (chi bộ)")
        parser.add_argument("-o", "--output", required=True, type=Path, help="tệp PDF sẽ ghi")

    def handle(self, *args, unit: str, output: Path, **options) -> None:
        target = UnitPage.objects.filter(code=unit).first()
        if target is None:
            raise CommandError(f"Không có đơn vị mã “{unit}”.")
        if output.parent and not output.parent.is_dir():
            raise CommandError(f"Không có thư mục “{output.parent}”.")
        sheet = issue_sheet(unit=target, issued_by=None)
        output.write_bytes(render_sheet_pdf(sheet))
        self.stdout.write(
            f"Đã ghi {output}: {len(sheet.entries)} mã kích hoạt cho {target.title}, hết hạn ngày "
            f"{timezone.localtime(sheet.expires_at):%d/%m/%Y}. Mã cũ chưa dùng đã mất hiệu lực."
        )
