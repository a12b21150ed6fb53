from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "cms.learning"
    label = "learning"
    verbose_name = "Học tập và thi"

    def ready(self) -> None:
        from cms.api import calendar
        from cms.learning.calendar import deadline_entries
        from cms.learning.demo import add_demo_learning
        from cms.publishing.events import demo_loaded

        demo_loaded.connect(add_demo_learning, dispatch_uid="cms.learning.add_demo_learning")
        calendar.register("learning.deadlines", deadline_entries)
