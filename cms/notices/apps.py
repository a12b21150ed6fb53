from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "cms.notices"
    label = "notices"
    verbose_name = "Thông báo, bản tin, nguồn tin"

    def ready(self) -> None:
        from cms.notices.demo import add_demo_content
        from cms.notices.jobs import on_worker_tick
        from cms.notices.offline import digest_items
        from cms.publishing.events import demo_loaded, offline_items, worker_tick

        demo_loaded.connect(add_demo_content, dispatch_uid="cms.notices.add_demo_content")
        worker_tick.connect(on_worker_tick, dispatch_uid="cms.notices.on_worker_tick")
        offline_items.connect(digest_items, dispatch_uid="cms.notices.digest_items")
