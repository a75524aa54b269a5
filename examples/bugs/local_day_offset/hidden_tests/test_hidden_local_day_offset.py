from datetime import date, datetime, timezone

from logday import local_day, parse_lines, summarise


def test_east_of_utc_late_evening_is_next_day():
    late = datetime(2024, 3, 1, 23, 30, tzinfo=timezone.utc)
    assert local_day(late, 120) == date(2024, 3, 2)


def test_west_of_utc_early_morning_is_previous_day():
    early = datetime(2024, 3, 2, 2, 0, tzinfo=timezone.utc)
    assert local_day(early, -300) == date(2024, 3, 1)


def test_summarise_in_new_york_time():
    lines = ["2024-03-02T03:00:00Z GET / 200 10", "2024-03-02T06:00:00Z GET / 200 10"]
    days = summarise(parse_lines(lines), utc_offset_minutes=-300)
    assert [(d.day, d.requests) for d in days] == [(date(2024, 3, 1), 1), (date(2024, 3, 2), 1)]
