"""The repeat rule of a regular meeting: "ngày N hằng tháng", moved off public holidays and Sundays.

Vietnamese public holidays come from the `holidays` package (Open World Holidays Framework,
https://github.com/vacanza/holidays, `holidays.country_holidays("VN")`): the fixed days, Tết Nguyên Đán and
Giỗ Tổ Hùng Vương (10/3 âm lịch) computed from the lunar calendar, and the days off the government declares
in lieu (e.g. "observed" days and swapped working days).

Decision: a meeting that falls on a holiday or a Sunday moves to the next day that is neither. Saturdays stay:
village and ward cells commonly meet on Saturday, when members working in offices and factories are free.
A month shorter than N (N = 31 in April) uses its last day.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=[year, year + 1])


def holiday_name(day: date) -> str | None:
    """The holiday's name on `day` (in the library's English), or None for an ordinary day."""
    return _holidays(day.year).get(day)


def is_meeting_day(day: date) -> bool:
    return day.weekday() != calendar.SUNDAY and holiday_name(day) is None


def next_meeting_day(day: date) -> date:
    """`day` itself when a meeting may be held then, else the next day that is neither a holiday nor a Sunday."""
    while not is_meeting_day(day):
        day += timedelta(days=1)
    return day


def nominal_day(year: int, month: int, day_of_month: int) -> date:
    """Day N of the month, or the month's last day when it has fewer than N days."""
    return date(year, month, min(day_of_month, calendar.monthrange(year, month)[1]))


def monthly_dates(*, day_of_month: int, start: date, count: int) -> list[tuple[date, date]]:
    """The next `count` occurrences of "ngày N hằng tháng" on or after `start`: (nominal day, day held)."""
    if not 1 <= day_of_month <= 31:
        raise ValueError(day_of_month)
    result: list[tuple[date, date]] = []
    year, month = start.year, start.month
    while len(result) < count:
        nominal = nominal_day(year, month, day_of_month)
        if nominal >= start:
            result.append((nominal, next_meeting_day(nominal)))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return result
