"""The repeat rule "ngày N hằng tháng" moves off Vietnamese public holidays (lunar ones included) and Sundays."""

from datetime import date

from cms.meetings.recurrence import holiday_name, monthly_dates, next_meeting_day


def test_tet_2027_moves_the_6th_past_the_whole_tet_break():
    # Tết Đinh Mùi: mùng 1 is Saturday 6 February 2027; the library's break runs 4–10 February.
    assert "Lunar New Year" in holiday_name(date(2027, 2, 6))
    assert [d for _n, d in monthly_dates(day_of_month=6, start=date(2027, 1, 1), count=3)] == [
        date(2027, 1, 6), date(2027, 2, 11), date(2027, 3, 6)]
    nominal, held = monthly_dates(day_of_month=6, start=date(2027, 2, 1), count=1)[0]
    assert (nominal, held) == (date(2027, 2, 6), date(2027, 2, 11))


def test_gio_to_hung_vuong_10_3_am_lich_is_skipped():
    # 10/3 âm lịch: Sunday 26 April 2026 (with Monday 27 off in lieu) and Friday 16 April 2027.
    assert "Hung Kings" in holiday_name(date(2026, 4, 26))
    assert "Hung Kings" in holiday_name(date(2027, 4, 16))
    assert monthly_dates(day_of_month=26, start=date(2026, 4, 1), count=1)[0] == (date(2026, 4, 26), date(2026, 4, 28))
    # Saturdays stay: cells meet on Saturdays.
    assert monthly_dates(day_of_month=16, start=date(2027, 4, 1), count=1)[0] == (date(2027, 4, 16), date(2027, 4, 17))


def test_a_sunday_moves_to_monday_and_an_ordinary_day_stays():
    assert next_meeting_day(date(2026, 3, 15)) == date(2026, 3, 16)  # Sunday
    assert next_meeting_day(date(2026, 3, 14)) == date(2026, 3, 14)  # Saturday
    assert next_meeting_day(date(2026, 3, 25)) == date(2026, 3, 25)


def test_day_31_uses_the_last_day_of_a_shorter_month():
    dates = monthly_dates(day_of_month=31, start=date(2026, 1, 1), count=4)
    assert [n for n, _d in dates] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    # 30 April is Reunification Day, 1 May Labour Day: the meeting moves to Saturday 2 May.
    assert dates[3][1] == date(2026, 5, 2)
