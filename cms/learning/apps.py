from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class LearningConfig(AppConfig):
    name = "cms.learning"
    label = "learning"
    verbose_name = "Học tập và thi"

    def ready(self) -> None:
        from cms.api import calendar
        from cms.learning.calendar import deadline_entries
        from cms.learning.demo import add_demo_learning
        from cms.learning.keys import forget_keys
        from cms.learning.models import Question
        from cms.publishing.events import demo_loaded

        demo_loaded.connect(add_demo_learning, dispatch_uid="cms.learning.add_demo_learning")
        calendar.register("learning.deadlines", deadline_entries)
        post_save.connect(forget_keys, sender=Question, dispatch_uid="cms.learning.forget_keys.save")
        post_delete.connect(forget_keys, sender=Question, dispatch_uid="cms.learning.forget_keys.delete")
