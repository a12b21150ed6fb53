import sys

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cms.publishing.build import build_one, target_layers

STAGE_LABELS = {
    "export": "Xuất dữ liệu",
    "render": "Dựng trang",
    "index": "Lập chỉ mục tìm kiếm",
    "speech": "Tạo âm thanh",
    "sign": "Ký số",
    "publish": "Xuất bản",
}


class Command(BaseCommand):
    help = "Dựng, ký và xuất bản các lớp nội dung (tất cả, hoặc của một đơn vị)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--unit", help="mã đơn vị; bỏ trống để dựng tất cả")
        parser.add_argument("--no-speech", action="store_true", help="không tạo âm thanh")

    def handle(self, *args, unit=None, no_speech=False, **options) -> None:
        from cms.org.models import UnitPage
        from site_builder.errors import BuildError

        if unit and not UnitPage.objects.filter(code=unit).exists():
            raise CommandError(f"Không có đơn vị mã “{unit}”.")
        layers = target_layers(unit)
        speech = False if no_speech else None
        with Progress(
            TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            disable=not sys.stderr.isatty() and not options.get("verbosity", 1) > 1,
            console=None,
        ) as bars:
            overall = bars.add_task("Các lớp", total=len(layers))
            stages = {name: bars.add_task(label, total=None, visible=False) for name, label in STAGE_LABELS.items()}

            def progress(stage: str, done: int, total: int) -> None:
                if stage in stages:
                    bars.update(stages[stage], completed=done, total=total, visible=True)

            for layer in layers:
                bars.update(overall, description=f"Lớp {layer.prefix}"[:24])
                try:
                    build_one(layer.prefix, speech=speech, progress=progress)
                except BuildError as error:
                    raise CommandError(f"Dựng lớp {layer.prefix} thất bại: {error}") from error
                bars.advance(overall)
        self.stdout.write(self.style.SUCCESS(f"Đã dựng {len(layers)} lớp."))
