from django.apps import AppConfig


class AdoptionConfig(AppConfig):
    name = "cms.adoption"
    label = "adoption"
    verbose_name = "Mức độ sử dụng"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from cms.publishing.events import demo_loaded, worker_tick

        from . import signals

        user_logged_in.connect(signals.signed_in, dispatch_uid="cms.adoption.signed_in")
        demo_loaded.connect(signals.demo_history, dispatch_uid="cms.adoption.demo_history")
        worker_tick.connect(signals.worker_minute, dispatch_uid="cms.adoption.worker_minute")
