from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cms.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from cms.api.signals import ensure_receipt_months, update_search_index
        from cms.publishing.events import layer_built, worker_tick

        layer_built.connect(update_search_index, dispatch_uid="cms.api.update_search_index")
        worker_tick.connect(ensure_receipt_months, dispatch_uid="cms.api.ensure_receipt_months")
