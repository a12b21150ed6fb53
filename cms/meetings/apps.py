from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "cms.meetings"
    label = "meetings"
    verbose_name = "Sinh hoạt chi bộ"

    def ready(self) -> None:
        from cms.api import calendar
        from cms.meetings.demo import add_demo_meetings
        from cms.meetings.ical import entries
        from cms.meetings.push import queue_reminders
        from cms.publishing.events import demo_loaded, worker_tick

        demo_loaded.connect(add_demo_meetings, dispatch_uid="cms.meetings.add_demo_meetings")
        worker_tick.connect(queue_reminders, dispatch_uid="cms.meetings.queue_reminders")
        calendar.register("meetings", entries)
