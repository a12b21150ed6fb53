from django.apps import AppConfig


class ReaderConfig(AppConfig):
    name = "cms.reader"
    label = "reader"
    verbose_name = "Trang đọc"
