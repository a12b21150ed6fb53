from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "cms.publishing"
    label = "publishing"
    verbose_name = "Xuất bản"

    def ready(self) -> None:
        from . import signals  # noqa: F401
