from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class NoticesConfig(AppConfig):
    name = "cms.notices"
    label = "notices"
    verbose_name = "Thông báo, bản tin, nguồn tin"

    def ready(self) -> None:
        from cms.notices.demo import add_demo_content
        from cms.notices.jobs import on_worker_tick
        from cms.notices.models import Notice
        from cms.notices.offline import digest_items
        from cms.notices.watch import notice_changed
        from cms.publishing.events import demo_loaded, offline_items, worker_tick

        demo_loaded.connect(add_demo_content, dispatch_uid="cms.notices.add_demo_content")
        worker_tick.connect(on_worker_tick, dispatch_uid="cms.notices.on_worker_tick")
        offline_items.connect(digest_items, dispatch_uid="cms.notices.digest_items")
        # An open home learns of a new or withdrawn notice from its layer's version (watch.py).
        post_save.connect(notice_changed, sender=Notice, dispatch_uid="cms.notices.version_on_save")
        post_delete.connect(notice_changed, sender=Notice, dispatch_uid="cms.notices.version_on_delete")
