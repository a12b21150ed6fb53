import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.notices.digests import PeriodError, cells_below, digest_dir, make_digests, parse_period
from cms.notices.models import Digest
from cms.org.models import Level, UnitPage


class Command(BaseCommand):
    help = ("Làm bản tin tuần (2026-W48) hoặc tháng (2026-11) của một chi bộ — hoặc của mọi chi bộ thuộc một "
            "đơn vị — và ghi bản in PDF khổ A4 chữ to, có mã QR đến từng tin và đến tệp nghe.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--unit", required=True, help="mã chi bộ (hoặc đơn vị cấp trên: mọi chi bộ của nó)")
        parser.add_argument("--period", required=True, help="kỳ bản tin: 2026-W48 hoặc 2026-11")
        parser.add_argument("-o", "--output", type=Path, help="tệp PDF sẽ ghi (khi --unit là một chi bộ)")
        parser.add_argument("--no-speech", action="store_true", help="không làm tệp nghe")
        parser.add_argument("--workers", type=int, default=2, help="số tiến trình dựng PDF và âm thanh")

    def handle(self, *args, unit: str, period: str, output: Path | None, no_speech: bool, workers: int,
               **options) -> None:
        try:
            parse_period(period)
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        target = UnitPage.objects.filter(code=unit).first()
        if target is None:
            raise CommandError(f"Không có đơn vị mã “{unit}”.")
        if output is not None and target.level != Level.CELL:
            raise CommandError("-o chỉ dùng với một chi bộ; với đơn vị cấp trên, bản tin được ghi vào thư mục var.")
        if output is not None and output.parent and not output.parent.is_dir():
            raise CommandError(f"Không có thư mục “{output.parent}”.")
        cells = [target] if target.level == Level.CELL else list(cells_below(target))
        made = make_digests(period, cells=cells, workers=workers, speech=False if no_speech else None)
        if output is not None:
            digest = Digest.objects.get(unit=target, period=period)
            shutil.copyfile(digest_dir() / "pdf" / digest.pdf, output)
            self.stdout.write(f"Đã ghi {output}: bản tin {period} của {target.title}, {len(digest.items)} tin.")
        else:
            self.stdout.write(f"Đã làm bản tin {period} cho {made.cells} chi bộ ({made.pdfs_rendered} bản in mới, "
                              f"{made.audio_synthesised} tệp nghe mới).")
