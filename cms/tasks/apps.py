from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "cms.tasks"
    label = "tasks"
    verbose_name = "Giao việc"

    def ready(self) -> None:
        from cms.api import calendar
        from cms.publishing.events import demo_loaded, worker_tick
        from cms.tasks.calendar import deadline_entries, work_calendar_entries
        from cms.tasks.demo import add_demo_tasks
        from cms.tasks.reminders import queue_reminders

        demo_loaded.connect(add_demo_tasks, dispatch_uid="cms.tasks.add_demo_tasks")
        worker_tick.connect(queue_reminders, dispatch_uid="cms.tasks.queue_reminders")
        calendar.register("tasks.deadlines", deadline_entries)
        calendar.register("tasks.work_calendar", work_calendar_entries)
