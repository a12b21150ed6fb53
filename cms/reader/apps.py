from django.apps import AppConfig


class ReaderConfig(AppConfig):
    name = "cms.reader"
    label = "reader"
    verbose_name = "Trang đọc"

    def ready(self) -> None:
        from cms.publishing.events import layer_built

        from .guide import on_layer_built

        layer_built.connect(on_layer_built, dispatch_uid="cms.reader.guide_audio")
