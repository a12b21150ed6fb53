from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "cms.org"
    label = "org"
    verbose_name = "Tổ chức đảng"

    def ready(self) -> None:
        from . import signals  # noqa: F401
