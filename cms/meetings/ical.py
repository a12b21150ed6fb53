"""The private iCalendar feed of a member's meetings, for the phone's own calendar app."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Alarm, Calendar, Event, Timezone

from .models import Meeting

TZ_NAME = "Asia/Ho_Chi_Minh"
DURATION = timedelta(hours=2)


def feed(meetings: list[Meeting], *, name: str, base_url: str) -> bytes:
    """An RFC 5545 calendar with a VTIMEZONE for Asia/Ho_Chi_Minh and a reminder the evening before."""
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
    return cal.to_ical()
