"""The private iCalendar feed of a member's meetings, for the phone's own calendar app."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Alarm, Calendar, Event, Timezone

from cms.api.calendar import Entry

from .models import Meeting

TZ_NAME = "Asia/Ho_Chi_Minh"
DURATION = timedelta(hours=2)


def feed(meetings: list[Meeting], *, name: str, base_url: str, extra: list[Entry] = ()) -> bytes:
    """An RFC 5545 calendar with a VTIMEZONE for Asia/Ho_Chi_Minh and a reminder the evening before;
    `extra` are the other apps' entries (cms.api.calendar: task deadlines, work calendars, ...)."""
    tz = ZoneInfo(TZ_NAME)
    cal = Calendar()
    cal.add("prodid", "-//sotay//Lich sinh hoat chi bo//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TZ_NAME)
    # Vietnam has kept UTC+7 without daylight saving since 1975: one STANDARD rule covers every meeting.
    cal.add_component(Timezone.from_tzid(TZ_NAME, first_date=date(1976, 1, 1)))
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@{meeting.client_id}")
        event.add("dtstamp", timezone.now())
        start = meeting.starts_at.astimezone(tz)
        event.add("dtstart", start)
        event.add("dtend", start + DURATION)
        event.add("summary", meeting.title)
        if meeting.place:
            event.add("location", meeting.place)
        lines = [meeting.unit.title, meeting.get_kind_display()]
        lines += [f"{i}. {item.title}" for i, item in enumerate(meeting.agenda.all(), 1)]
        if meeting.online_link:
            lines.append(f"Họp trực tuyến: {meeting.online_link}")
            event.add("url", meeting.online_link)
        event.add("description", "\n".join(lines))
        event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Ngày mai: {meeting.title}")
        alarm.add("trigger", timedelta(days=-1))
        event.add_component(alarm)
        cal.add_component(event)
    for entry in extra:
        cal.add_component(_event(entry, tz))
    return cal.to_ical()


def _event(entry: Entry, tz: ZoneInfo) -> Event:
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", timezone.now())
    start = entry.starts_at.astimezone(tz)
    if entry.all_day:
        event.add("dtstart", start.date())
    else:
        event.add("dtstart", start)
        event.add("dtend", (entry.ends_at or start + timedelta(hours=1)).astimezone(tz))
    event.add("summary", entry.title)
    if entry.place:
        event.add("location", entry.place)
    if entry.description:
        event.add("description", entry.description)
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    if entry.alarm_before is not None:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", entry.title)
        alarm.add("trigger", -entry.alarm_before)
        event.add_component(alarm)
    return event


def entries(member, start, end) -> list[Entry]:
    """The member's meetings as calendar entries (the source the meetings app registers)."""
    from .selectors import meetings_between

    return [
        Entry(uid=f"meeting-{m.pk}@{m.client_id}", kind="meeting", title=m.title, starts_at=m.starts_at,
              ends_at=m.starts_at + DURATION, place=m.place, cancelled=m.cancelled,
              description=f"{m.unit.title} · {m.get_kind_display()}", url=f"/sinh-hoat/{m.pk}/",
              alarm_before=timedelta(days=1))
        for m in meetings_between(member, start, end)
    ]
